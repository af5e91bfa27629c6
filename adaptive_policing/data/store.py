"""The response store: classes, trainees, answers, progress and worksheets, through SQLAlchemy.

One :class:`ResponseStore` wraps one database URL. A SQLite file (the default,
created on first use, in WAL mode) serves a classroom laptop; any other
SQLAlchemy URL, such as PostgreSQL, serves a department. Opening a store
brings its database to the newest schema with the Alembic migrations
(:mod:`.migrate`). The store only ever inserts what trainees do: a changed
answer is a new revision, and the latest revision is the answer. Values are
kept as JSON text, so any Unicode (emoji, right-to-left scripts, even NUL)
comes back exactly as it went in.

The store is one façade over five parts, one module per concern:
:mod:`.classes` (classes, roster, visits, groups), :mod:`.answers`,
:mod:`.progress` (prompt states and agenda progress), :mod:`.worksheets` and
:mod:`.rubrics` (the instructor's confirmations of Activity 3 rubrics).
The values it hands out and its errors are in :mod:`.records`; every name
callers use stays importable from here.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from .. import config
from ..content.limits import MAX_TEXT_CHARS
from .answers import Answers
from .classes import Classes
from .engine import READ_ONLY, create_engine
from .identity import Identity
from .migrate import migrate
from .progress import Progress
from .records import (
    AnswerTooLong,
    TrainingClass,
    Group,
    ProgressEvent,
    RubricConfirmation,
    SavedAnswer,
    SheetOwner,
    SignInEvent,
    SignInRequest,
    StoreError,
    Trainee,
    WorksheetRevision,
    WorksheetSave,
    WrongClassCode,
)
from .schema import (
    class_progress,
    class_sessions,
    class_states,
    device_ends,
    group_members,
    groups,
    page_visits,
    prompt_states,
    responses,
    rubric_confirmations,
    sign_in_decisions,
    sign_in_events,
    sign_in_requests,
    spotlights,
    trainees,
    worksheet_revisions,
)
from .rubrics import Rubrics
from .rules import CLASS_CODE_ALPHABET, CLASS_CODE_LENGTH, check_length, normalize_class_code
from .worksheets import Worksheets

__all__ = [
    "CLASS_CODE_ALPHABET", "CLASS_CODE_LENGTH", "MAX_TEXT_CHARS", "AnswerTooLong", "TrainingClass", "Group",
    "ProgressEvent", "ResponseStore", "RubricConfirmation", "SavedAnswer", "SheetOwner", "SignInEvent",
    "SignInRequest", "StoreError", "Trainee", "WorksheetRevision",
    "WorksheetSave", "WrongClassCode", "check_length", "create_engine", "normalize_class_code", "open_store",
]


def _change_marker_query(class_id: int | None) -> sa.Select[tuple[int | None, ...]]:
    """One SELECT of the highest id of every table a live view shows, optionally for one class.

    Every such table only ever gets new rows (ids only grow), so the tuple of
    highest ids changes exactly when a row is written. For the whole store each
    part is a primary-key lookup; for one class each part goes through an
    index on the class or its trainees (about 2 ms on SQLite and 9 ms on
    PostgreSQL with 30 trainees and 1,500 answers, most of it the round trip).
    """

    def highest(id_column: sa.Column[int], *where: sa.ColumnElement[bool],
                via: tuple[sa.Table, sa.ColumnElement[bool]] | None = None) -> sa.ScalarSelect[int | None]:
        query = sa.select(sa.func.max(id_column))
        if via is not None:
            query = query.join(*via)
        return query.where(*where).scalar_subquery()

    if class_id is None:
        tables = (trainees, responses, worksheet_revisions, prompt_states, class_progress, page_visits,
                  group_members, groups, class_sessions, rubric_confirmations, sign_in_events, sign_in_requests,
                  sign_in_decisions, device_ends, class_states, spotlights)
        return sa.select(*(highest(table.c.id) for table in tables))
    in_class = trainees.c.class_id == class_id

    def by_trainee(id_column: sa.Column[int], trainee_id: sa.Column[int]) -> sa.ScalarSelect[int | None]:
        return highest(id_column, in_class, via=(trainees, trainees.c.id == trainee_id))

    return sa.select(
        highest(trainees.c.id, in_class),
        by_trainee(responses.c.id, responses.c.trainee_id),
        by_trainee(worksheet_revisions.c.id, worksheet_revisions.c.author_id),
        highest(prompt_states.c.id, prompt_states.c.class_id == class_id),
        highest(class_progress.c.id, class_progress.c.class_id == class_id),
        by_trainee(page_visits.c.id, page_visits.c.trainee_id),
        highest(group_members.c.id, groups.c.class_id == class_id,
                via=(groups, groups.c.id == group_members.c.group_id)),
        highest(groups.c.id, groups.c.class_id == class_id),
        highest(rubric_confirmations.c.id, rubric_confirmations.c.class_id == class_id),
        highest(sign_in_events.c.id, sign_in_events.c.class_id == class_id),
        highest(sign_in_requests.c.id, sign_in_requests.c.class_id == class_id),
        highest(sign_in_decisions.c.id, sign_in_requests.c.class_id == class_id,
                via=(sign_in_requests, sign_in_requests.c.id == sign_in_decisions.c.request_id)),
        highest(class_states.c.id, class_states.c.class_id == class_id),
        highest(spotlights.c.id, spotlights.c.class_id == class_id),
    )


class ResponseStore(Classes, Identity, Answers, Progress, Worksheets, Rubrics):
    """Everything trainees save, in one database."""

    def __init__(self, url: str | None = None, *, engine: sa.Engine | None = None) -> None:
        self.url = url or config.settings().db_url
        self.engine = engine or create_engine(self.url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "ResponseStore":
        return self

    def __exit__(self, *_exception: object) -> None:
        self.close()

    def change_marker(self, class_id: int | None = None) -> tuple[int | None, ...]:
        """A cheap value that changes whenever anything a live view shows is written.

        It changes when a trainee signs in, saves an answer or a worksheet
        revision, opens a page or joins a group, and when the instructor opens
        or closes a prompt, spotlights an answer or moves the class on, at every sign-in event, approval request and decision,
        and when the class is closed or reopened (and, for the whole store,
        when a class is created). With ``class_id``, only writes in that class
        change it. Compare two markers for equality; their contents are the
        highest ids of the append-only tables, read in one indexed query.
        """
        with self.engine.connect() as db:
            db = db.execution_options(**{READ_ONLY: True})
            with db.begin():
                row = db.execute(_change_marker_query(class_id)).one()
        return tuple(row)


_stores: dict[str, ResponseStore] = {}
_stores_lock = threading.Lock()


def open_store(url: str | None = None) -> ResponseStore:
    """The process-wide store for ``url`` (default: the configured one)."""
    url = url or config.settings().db_url
    with _stores_lock:
        if url not in _stores:
            _stores[url] = ResponseStore(url)
        return _stores[url]
