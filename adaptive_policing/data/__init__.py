"""The response store, on SQLite or PostgreSQL.

``schema`` (the tables as they are today), ``migrations/`` and ``migrate`` (Alembic builds and
upgrades every database), ``engine`` (SQLAlchemy engines), ``records`` (the values handed out and
the one row mapping), the store's parts ``classes``, ``answers``, ``progress`` and ``worksheets``,
and ``store``, the :class:`~adaptive_policing.data.store.ResponseStore` façade over them.
"""
