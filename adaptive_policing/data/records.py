"""The values the store hands out and the errors it raises: plain dataclasses.

They import nothing of SQLAlchemy, so the pure layers (``analysis``, ``views``)
can take them as plain data; :mod:`.rows` builds them from query rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal


class StoreError(ValueError):
    """Something a person typed or chose cannot be saved; the message says why."""


class WrongClassCode(StoreError):
    pass


class AnswerTooLong(StoreError):
    pass


@dataclass(frozen=True)
class TrainingClass:
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
class RubricConfirmation:
    """The instructor confirmed one revision (``response_id``) of an observer's rubric with these ratings."""

    id: int
    class_id: int
    response_id: int
    ratings: dict[str, str]
    note: str
    confirmed_at: datetime


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
