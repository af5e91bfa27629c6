"""The database triggers that make a table append-only, for the migrations to install.

A trigger refuses every UPDATE and DELETE on the table, on SQLite and on
PostgreSQL, with a message naming the table. The names of the triggers and of
the PostgreSQL function are the ones the store has always used, so a database
made before Alembic and one made by these migrations are the same.
"""

from __future__ import annotations

from alembic import op

PG_FUNCTION = "ap_append_only"


def forbid_changes(table: str) -> None:
    """Install the triggers that refuse UPDATE and DELETE on ``table``."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    else:
        raise NotImplementedError(f"append-only triggers are not written for {dialect}")


def drop_function() -> None:
    """Drop the PostgreSQL trigger function once no table uses it (downgrade to empty)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
