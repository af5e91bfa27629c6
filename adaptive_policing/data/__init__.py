"""The response store: classes, trainees, answers, progress and worksheets, on SQLite or PostgreSQL."""
