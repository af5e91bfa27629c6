"""The trainee and instructor widgets: thin layers over content, data, analysis and views."""
