"""The values the store hands out, the errors it raises, and the one way rows become values.

Every query selects columns named (or labelled) like the fields of the
dataclass it returns; :func:`record` and :func:`records` build the dataclass
from SQLAlchemy's own row mapping (``Row._mapping`` / ``Result.mappings()``).
The conversions a column needs (aware UTC datetimes, JSON values) are done by
the column types in :mod:`.schema`, so no query maps fields by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Literal, Mapping, TypeVar

import sqlalchemy as sa

R = TypeVar("R")


class StoreError(ValueError):
    """Something a person typed or chose cannot be saved; the message says why."""


class WrongClassCode(StoreError):
    pass


class AnswerTooLong(StoreError):
    pass


@dataclass(frozen=True)
class ClassSession:
    id: int
    code: str
    title: str
    course_plan: str
    class_date: date
    location: str
    instructor: str
    created_at: datetime


@dataclass(frozen=True)
class Trainee:
    id: int
    class_id: int
    name: str
    badge: str
    token: str
    created_at: datetime


@dataclass(frozen=True)
class ProgressEvent:
    """The instructor moved a class to a course page (an agenda section) at ``started_at``."""

    class_id: int
    page_id: str
    started_at: datetime


@dataclass(frozen=True)
class SavedAnswer:
    id: int
    trainee_id: int
    prompt_id: str
    value: Any
    created_at: datetime


@dataclass(frozen=True)
class Group:
    id: int
    class_id: int
    name: str


@dataclass(frozen=True)
class SheetOwner:
    """Who a worksheet belongs to: one trainee, or a group."""

    kind: Literal["trainee", "group"]
    id: int


@dataclass(frozen=True)
class WorksheetRevision:
    id: int
    seq: int | None
    author_id: int
    author_name: str
    fields: dict[str, str]
    created_at: datetime


@dataclass(frozen=True)
class WorksheetSave:
    """What happened to a worksheet save.

    ``status`` is ``"saved"`` (nobody else saved in between), ``"merged"``
    (someone else saved other fields in between; both edits are in the new
    revision) or ``"conflict"`` (someone else changed the same fields: the
    save is kept aside, ``latest`` is theirs and ``conflicts`` names the
    fields to reconcile before saving again).
    """

    status: Literal["saved", "merged", "conflict"]
    revision: WorksheetRevision
    latest: WorksheetRevision
    conflicts: tuple[str, ...] = field(default=())


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
