"""The trainee and instructor Voilà servers, their templates, and the projector slides."""
