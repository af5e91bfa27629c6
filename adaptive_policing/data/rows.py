"""The one way rows become values: SQLAlchemy's own row mapping into the dataclasses of :mod:`.records`.

Every query selects columns named (or labelled) like the fields of the
dataclass it returns; :func:`record` and :func:`records` build the dataclass
from ``Row._mapping`` / ``Result.mappings()``. The conversions a column needs
(aware UTC datetimes, JSON values) are done by the column types in
:mod:`.schema`, so no query maps fields by hand.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Mapping, TypeVar

import sqlalchemy as sa

R = TypeVar("R")


def record(kind: type[R], row: sa.Row[Any] | Mapping[str, Any], prefix: str = "") -> R:
    """The ``kind`` dataclass made from a row whose columns are named ``prefix`` + field name."""
    mapping = row._mapping if isinstance(row, sa.Row) else row
    return kind(**{f.name: mapping[prefix + f.name] for f in fields(kind)})  # type: ignore[arg-type]


def records(kind: type[R], result: sa.Result[Any]) -> list[R]:
    """Every row of ``result`` as a ``kind`` dataclass."""
    return [record(kind, row) for row in result.mappings()]


def labelled(table: sa.Table, prefix: str) -> list[sa.Label[Any]]:
    """Every column of ``table`` labelled ``prefix`` + its name, to map a joined table with :func:`record`."""
    return [column.label(prefix + column.name) for column in table.columns]
