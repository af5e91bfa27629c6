"""The response store's Alembic migrations: ``env.py``, ``script.py.mako`` and ``versions/``."""
