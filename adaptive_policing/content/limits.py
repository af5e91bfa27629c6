"""Limits on what a trainee may save."""

MAX_TEXT_CHARS = 10_000
"""Longest text a trainee may save in one answer or worksheet field."""
