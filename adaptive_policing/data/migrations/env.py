"""Alembic's environment for the response store's migrations.

Run by :func:`alembic.command.upgrade` (see :mod:`adaptive_policing.data.migrate`)
on the connection it passes in ``config.attributes["connection"]``; from a shell,
``alembic`` with a ``Config`` from ``migrate.alembic_config(url=...)`` connects to
that URL (or to the configured store) itself. ``target_metadata`` is the current
table definitions, for ``alembic revision --autogenerate`` and ``compare_metadata``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from adaptive_policing.data.schema import metadata

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: autogenerate writes batch operations for it.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from adaptive_policing import config as settings
    from adaptive_policing.data.engine import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or settings.settings().db_url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
