"""The instructor's live classroom console and the answers shown on projector slides."""
