"""The instructor's live classroom console: class sessions, attendance, live results, export."""

from .app import Console, console

__all__ = ["Console", "console"]
