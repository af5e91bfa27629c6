"""The response store: classes, trainees, answers and worksheets, through SQLAlchemy.

One :class:`ResponseStore` wraps one database URL. A SQLite file (the default,
created on first use, in WAL mode) serves a classroom laptop; any other
SQLAlchemy URL, such as PostgreSQL, serves a department. The store only ever
inserts what trainees do: a changed answer is a new revision, and the latest
revision is the answer. Values are kept as JSON text, so any Unicode (emoji,
right-to-left scripts, even NUL) comes back exactly as it went in.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping

import sqlalchemy as sa
from sqlalchemy import event

from .. import config
from ..content.limits import MAX_TEXT_CHARS
from .schema import (
    class_progress,
    class_sessions,
    group_members,
    groups,
    migrate,
    page_visits,
    prompt_states,
    responses,
    trainees,
    utcnow,
    worksheet_revisions,
)


CLASS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CLASS_CODE_LENGTH = 6


class StoreError(ValueError):
    """Something a person typed or chose cannot be saved; the message says why."""


class WrongClassCode(StoreError):
    pass


class AnswerTooLong(StoreError):
    pass


# --- values handed out by the store -----------------------------------------


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


# --- helpers ------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def _load(text: str) -> Any:
    return json.loads(text)


def _longest_text(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return max((_longest_text(v) for v in value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return max((_longest_text(v) for v in value), default=0)
    return 0


def check_length(value: Any) -> None:
    """Refuse any text in ``value`` longer than :data:`MAX_TEXT_CHARS`."""
    longest = _longest_text(value)
    if longest > MAX_TEXT_CHARS:
        raise AnswerTooLong(
            f"This answer is {longest:,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
            "Please shorten it and save again. Your text is still in the box."
        )


def normalize_class_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def _group_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _merge_fields(
    base: Mapping[str, str], mine: Mapping[str, str], theirs: Mapping[str, str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Three-way merge of worksheet fields; returns the merge and the clashing fields."""
    merged: dict[str, str] = {}
    clashes: list[str] = []
    for name in dict.fromkeys([*theirs, *mine]):
        was, mine_now, theirs_now = base.get(name, ""), mine.get(name, ""), theirs.get(name, "")
        if mine_now == was or mine_now == theirs_now:
            merged[name] = theirs_now
        elif theirs_now == was:
            merged[name] = mine_now
        else:
            merged[name] = mine_now
            clashes.append(name)
    return merged, tuple(clashes)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: sa.Connection) -> None:
    # Take the write lock at BEGIN so a read-then-write never fails half-way.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL mode and their folder is created."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


# --- the store ------------------------------------------------------------------


class ResponseStore:
    """Everything trainees save, in one database."""

    def __init__(self, url: str | None = None, *, engine: sa.Engine | None = None) -> None:
        self.url = url or config.settings().db_url
        self.engine = engine or create_engine(self.url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # classes ---------------------------------------------------------------

    def create_class(
        self,
        *,
        title: str = "Adaptive Policing (course 2320)",
        course_plan: str = "adaptive-policing",
        class_date: date | None = None,
        location: str = "",
        instructor: str = "",
    ) -> ClassSession:
        """Open a new class and give it a fresh, short code for the board."""
        for _ in range(20):
            code = "".join(secrets.choice(CLASS_CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH))
            try:
                with self.engine.begin() as db:
                    new_id = db.execute(
                        class_sessions.insert().values(
                            code=code,
                            title=title.strip() or "Adaptive Policing (course 2320)",
                            course_plan=course_plan,
                            class_date=class_date or date.today(),
                            location=location.strip(),
                            instructor=instructor.strip(),
                            created_at=utcnow(),
                        )
                    ).inserted_primary_key[0]
            except sa.exc.IntegrityError:
                continue
            found = self.class_by_id(int(new_id))
            assert found is not None
            return found
        raise RuntimeError("could not find an unused class code")

    def class_by_code(self, code: str) -> ClassSession | None:
        return self._one_class(class_sessions.c.code == normalize_class_code(code))

    def class_by_id(self, class_id: int) -> ClassSession | None:
        return self._one_class(class_sessions.c.id == class_id)

    def classes(self) -> list[ClassSession]:
        """Every class, newest first."""
        with self.engine.begin() as db:
            rows = db.execute(class_sessions.select().order_by(class_sessions.c.id.desc()))
            return [self._class(row) for row in rows]

    def _one_class(self, where: sa.ColumnElement[bool]) -> ClassSession | None:
        with self.engine.begin() as db:
            row = db.execute(class_sessions.select().where(where)).first()
        return self._class(row) if row else None

    @staticmethod
    def _class(row: sa.Row[Any]) -> ClassSession:
        return ClassSession(
            id=row.id,
            code=row.code,
            title=row.title,
            course_plan=row.course_plan,
            class_date=row.class_date,
            location=row.location,
            instructor=row.instructor,
            created_at=_as_utc(row.created_at),
        )

    # trainees ---------------------------------------------------------------

    def sign_in(self, class_code: str, name: str, badge: str) -> Trainee:
        """Sign a trainee in to a class; signing in again returns the same trainee."""
        name = " ".join((name or "").split())
        badge = (badge or "").strip()
        if not name:
            raise StoreError("Please type your name.")
        if len(name) > 120:
            raise StoreError("Please shorten your name to 120 characters or fewer.")
        if not re.fullmatch(r"[A-Za-z0-9-]{1,32}", badge):
            raise StoreError(
                "Please type your employee or badge number: letters, digits and dashes only."
            )
        session = self.class_by_code(class_code)
        if session is None:
            raise WrongClassCode(
                "That class code was not found. Check the code on the board and try again."
            )
        for _ in range(3):
            with self.engine.begin() as db:
                row = db.execute(
                    trainees.select().where(
                        trainees.c.class_id == session.id, trainees.c.badge == badge
                    )
                ).first()
                if row:
                    return self._trainee(row)
            try:
                with self.engine.begin() as db:
                    db.execute(
                        trainees.insert().values(
                            class_id=session.id,
                            name=name,
                            badge=badge,
                            token=secrets.token_urlsafe(24),
                            created_at=utcnow(),
                        )
                    )
            except sa.exc.IntegrityError:
                continue  # the same trainee signed in twice at once; read theirs
        raise RuntimeError("could not sign in")

    def trainee_by_token(self, token: str | None) -> Trainee | None:
        if not token:
            return None
        with self.engine.begin() as db:
            row = db.execute(trainees.select().where(trainees.c.token == token)).first()
        return self._trainee(row) if row else None

    def trainee_by_id(self, trainee_id: int) -> Trainee | None:
        with self.engine.begin() as db:
            row = db.execute(trainees.select().where(trainees.c.id == trainee_id)).first()
        return self._trainee(row) if row else None

    def trainees_in(self, class_id: int) -> list[Trainee]:
        with self.engine.begin() as db:
            rows = db.execute(
                trainees.select().where(trainees.c.class_id == class_id).order_by(trainees.c.id)
            )
            return [self._trainee(row) for row in rows]

    @staticmethod
    def _trainee(row: sa.Row[Any]) -> Trainee:
        return Trainee(
            id=row.id,
            class_id=row.class_id,
            name=row.name,
            badge=row.badge,
            token=row.token,
            created_at=_as_utc(row.created_at),
        )

    def record_visit(self, trainee: Trainee, page: str) -> None:
        with self.engine.begin() as db:
            db.execute(
                page_visits.insert().values(
                    trainee_id=trainee.id, page=page[:200], visited_at=utcnow()
                )
            )

    def visits(self, class_id: int) -> list[tuple[Trainee, str, datetime]]:
        """Every page visit in a class, oldest first."""
        query = (
            sa.select(trainees, page_visits.c.page, page_visits.c.visited_at)
            .join(page_visits, page_visits.c.trainee_id == trainees.c.id)
            .where(trainees.c.class_id == class_id)
            .order_by(page_visits.c.id)
        )
        with self.engine.begin() as db:
            return [(self._trainee(r), r.page, _as_utc(r.visited_at)) for r in db.execute(query)]

    # answers ----------------------------------------------------------------

    def save_answer(self, trainee: Trainee, prompt_id: str, value: Any) -> SavedAnswer:
        """Store a new revision of a trainee's answer and return it."""
        check_length(value)
        created = utcnow()
        with self.engine.begin() as db:
            new_id = db.execute(
                responses.insert().values(
                    trainee_id=trainee.id, prompt_id=prompt_id, value=_dump(value), created_at=created
                )
            ).inserted_primary_key[0]
        return SavedAnswer(int(new_id), trainee.id, prompt_id, value, created)

    def latest_answer(self, trainee: Trainee, prompt_id: str) -> SavedAnswer | None:
        history = self.answer_history(trainee, prompt_id, newest_first=True, limit=1)
        return history[0] if history else None

    def answer_history(
        self, trainee: Trainee, prompt_id: str, *, newest_first: bool = False, limit: int | None = None
    ) -> list[SavedAnswer]:
        order = responses.c.id.desc() if newest_first else responses.c.id
        query = (
            responses.select()
            .where(responses.c.trainee_id == trainee.id, responses.c.prompt_id == prompt_id)
            .order_by(order)
            .limit(limit)
        )
        with self.engine.begin() as db:
            return [self._answer(row) for row in db.execute(query)]

    def class_answers(self, class_id: int, prompt_id: str) -> list[tuple[Trainee, SavedAnswer]]:
        """Each trainee's latest answer to one prompt, in the order they first answered."""
        latest = (
            sa.select(sa.func.max(responses.c.id))
            .join(trainees, trainees.c.id == responses.c.trainee_id)
            .where(trainees.c.class_id == class_id, responses.c.prompt_id == prompt_id)
            .group_by(responses.c.trainee_id)
        )
        query = self._answers_with_trainees().where(responses.c.id.in_(latest)).order_by(trainees.c.id)
        with self.engine.begin() as db:
            return [self._answer_and_trainee(row) for row in db.execute(query)]

    def prompts_answered(self, class_id: int) -> list[str]:
        """The prompt ids anyone in the class has answered, in first-answered order."""
        query = (
            sa.select(responses.c.prompt_id, sa.func.min(responses.c.id).label("first"))
            .join(trainees, trainees.c.id == responses.c.trainee_id)
            .where(trainees.c.class_id == class_id)
            .group_by(responses.c.prompt_id)
            .order_by("first")
        )
        with self.engine.begin() as db:
            return [row.prompt_id for row in db.execute(query)]

    def answer_count(self) -> int:
        with self.engine.begin() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(responses)).scalar() or 0)

    def iter_answers(self, class_id: int) -> Iterator[tuple[Trainee, SavedAnswer]]:
        """Every revision of every answer in a class, oldest first."""
        query = self._answers_with_trainees().where(trainees.c.class_id == class_id).order_by(responses.c.id)
        with self.engine.begin() as db:
            rows = db.execute(query).all()
        for row in rows:
            yield self._answer_and_trainee(row)

    @staticmethod
    def _answers_with_trainees() -> sa.Select[Any]:
        return sa.select(
            responses,
            trainees.c.name,
            trainees.c.badge,
            trainees.c.token,
            trainees.c.class_id,
            trainees.c.created_at.label("signed_in_at"),
        ).join(trainees, trainees.c.id == responses.c.trainee_id)

    def _answer_and_trainee(self, row: sa.Row[Any]) -> tuple[Trainee, SavedAnswer]:
        who = Trainee(row.trainee_id, row.class_id, row.name, row.badge, row.token, _as_utc(row.signed_in_at))
        return who, self._answer(row)

    @staticmethod
    def _answer(row: sa.Row[Any]) -> SavedAnswer:
        return SavedAnswer(
            id=row.id,
            trainee_id=row.trainee_id,
            prompt_id=row.prompt_id,
            value=_load(row.value),
            created_at=_as_utc(row.created_at),
        )

    # prompt states -------------------------------------------------------------

    def set_prompt_open(self, class_id: int, prompt_id: str, open: bool) -> None:
        """Open or close a prompt for one class; the latest change wins."""
        with self.engine.begin() as db:
            db.execute(
                prompt_states.insert().values(
                    class_id=class_id, prompt_id=prompt_id, open=bool(open), changed_at=utcnow()
                )
            )

    def prompt_is_open(self, class_id: int, prompt_id: str) -> bool:
        """Whether trainees of the class may save answers to the prompt (open unless closed)."""
        query = (
            sa.select(prompt_states.c.open)
            .where(prompt_states.c.class_id == class_id, prompt_states.c.prompt_id == prompt_id)
            .order_by(prompt_states.c.id.desc())
            .limit(1)
        )
        with self.engine.begin() as db:
            found = db.execute(query).scalar()
        return True if found is None else bool(found)

    def prompt_states_in(self, class_id: int) -> dict[str, bool]:
        """The current open/closed state of every prompt the instructor has ever changed in a class."""
        query = (
            sa.select(prompt_states.c.prompt_id, prompt_states.c.open)
            .where(prompt_states.c.class_id == class_id)
            .order_by(prompt_states.c.id)
        )
        with self.engine.begin() as db:
            return {row.prompt_id: bool(row.open) for row in db.execute(query)}

    # class progress (the instructor console's agenda) -----------------------------
    # Append-only, like prompt states: moving on (or back) is a new row, the latest
    # row is the current section and the first row is when the class started.

    def record_progress(self, class_id: int, page_id: str, at: datetime | None = None) -> ProgressEvent:
        """Record that the class moved to ``page_id`` (now, unless ``at`` says when)."""
        started = _as_utc(at) if at is not None else utcnow()
        with self.engine.begin() as db:
            db.execute(
                class_progress.insert().values(class_id=class_id, page_id=page_id[:120], started_at=started)
            )
        return ProgressEvent(class_id, page_id[:120], started)

    def class_progress(self, class_id: int) -> list[ProgressEvent]:
        """Every move of a class through its agenda, oldest first."""
        query = (
            sa.select(class_progress.c.page_id, class_progress.c.started_at)
            .where(class_progress.c.class_id == class_id)
            .order_by(class_progress.c.id)
        )
        with self.engine.begin() as db:
            return [ProgressEvent(class_id, row.page_id, _as_utc(row.started_at)) for row in db.execute(query)]

    # groups ------------------------------------------------------------------

    def join_group(self, trainee: Trainee, name: str) -> Group:
        """Put a trainee in the class's group called ``name``, creating it if new."""
        name = " ".join((name or "").split())
        if not name:
            raise StoreError("Please type your group's name.")
        if len(name) > 60:
            raise StoreError("Please use a group name of 60 characters or fewer.")
        key = _group_key(name)
        where = sa.and_(groups.c.class_id == trainee.class_id, groups.c.name_key == key)
        for _ in range(3):
            try:
                with self.engine.begin() as db:
                    row = db.execute(groups.select().where(where)).first()
                    if row is None:
                        group_id = db.execute(
                            groups.insert().values(
                                class_id=trainee.class_id, name=name, name_key=key, created_at=utcnow()
                            )
                        ).inserted_primary_key[0]
                        row = db.execute(groups.select().where(groups.c.id == group_id)).one()
                    db.execute(
                        group_members.insert().values(
                            group_id=row.id, trainee_id=trainee.id, joined_at=utcnow()
                        )
                    )
                return Group(row.id, row.class_id, row.name)
            except sa.exc.IntegrityError:
                continue  # two members created the group at once; join theirs
        raise RuntimeError("could not join the group")

    def group_of(self, trainee: Trainee) -> Group | None:
        """The group the trainee joined most recently, if any."""
        query = (
            sa.select(groups)
            .join(group_members, group_members.c.group_id == groups.c.id)
            .where(group_members.c.trainee_id == trainee.id)
            .order_by(group_members.c.id.desc())
            .limit(1)
        )
        with self.engine.begin() as db:
            row = db.execute(query).first()
        return Group(row.id, row.class_id, row.name) if row else None

    def groups_in(self, class_id: int) -> list[Group]:
        with self.engine.begin() as db:
            rows = db.execute(groups.select().where(groups.c.class_id == class_id).order_by(groups.c.name))
            return [Group(r.id, r.class_id, r.name) for r in rows]

    # worksheets --------------------------------------------------------------

    def latest_worksheet(self, sheet_id: str, owner: SheetOwner) -> WorksheetRevision | None:
        with self.engine.begin() as db:
            return self._latest_sheet(db, sheet_id, owner)

    def save_worksheet(
        self,
        sheet_id: str,
        owner: SheetOwner,
        author: Trainee,
        fields: Mapping[str, str],
        base_seq: int | None,
    ) -> WorksheetSave:
        """Save a worksheet edited from revision ``base_seq`` (None: a blank sheet).

        Nothing is ever lost: a save that clashes with someone else's is still
        stored, aside from the sheet's history, and the author is told.
        """
        fields = {str(k): str(v) for k, v in fields.items()}
        check_length(fields)
        for _ in range(10):
            try:
                with self.engine.begin() as db:
                    latest = self._latest_sheet(db, sheet_id, owner)
                    latest_seq = latest.seq if latest else None
                    if latest is None or latest_seq == base_seq:
                        revision = self._insert_sheet(db, sheet_id, owner, author, fields,
                                                      (latest_seq or 0) + 1, latest)
                        return WorksheetSave("saved", revision, revision)
                    base = self._sheet_at(db, sheet_id, owner, base_seq)
                    merged, clashes = _merge_fields(base.fields if base else {}, fields, latest.fields)
                    if clashes:
                        aside = self._insert_sheet(db, sheet_id, owner, author, fields, None, latest)
                        return WorksheetSave("conflict", aside, latest, clashes)
                    revision = self._insert_sheet(db, sheet_id, owner, author, merged,
                                                  (latest_seq or 0) + 1, latest)
                    return WorksheetSave("merged", revision, revision)
            except sa.exc.IntegrityError:
                continue  # another member saved this instant; merge with theirs
        raise RuntimeError("the worksheet is too busy to save; please try again")

    def worksheet_history(self, sheet_id: str, owner: SheetOwner) -> list[WorksheetRevision]:
        """Every save of a sheet, oldest first, including saves kept aside."""
        with self.engine.begin() as db:
            rows = db.execute(
                self._sheet_query(sheet_id, owner).order_by(worksheet_revisions.c.id)
            ).all()
        return [self._revision(r) for r in rows]

    def class_worksheets(self, class_id: int, sheet_id: str) -> list[tuple[str, WorksheetRevision]]:
        """The latest version of one worksheet for every group and trainee in a class."""
        out: list[tuple[str, WorksheetRevision]] = []
        for group in self.groups_in(class_id):
            latest = self.latest_worksheet(sheet_id, SheetOwner("group", group.id))
            if latest:
                out.append((group.name, latest))
        for trainee in self.trainees_in(class_id):
            latest = self.latest_worksheet(sheet_id, SheetOwner("trainee", trainee.id))
            if latest:
                out.append((trainee.name, latest))
        return out

    def worksheet_ids(self, class_id: int) -> list[str]:
        """The worksheets anyone in a class has saved, in the order they were first saved."""
        first_saved = sa.func.min(worksheet_revisions.c.id)
        with self.engine.begin() as db:
            rows = db.execute(
                sa.select(worksheet_revisions.c.sheet_id)
                .join(trainees, trainees.c.id == worksheet_revisions.c.author_id)
                .where(trainees.c.class_id == class_id)
                .group_by(worksheet_revisions.c.sheet_id)
                .order_by(first_saved)
            ).all()
        return [row.sheet_id for row in rows]

    @staticmethod
    def _sheet_query(sheet_id: str, owner: SheetOwner) -> sa.Select[Any]:
        return (
            sa.select(worksheet_revisions, trainees.c.name.label("author_name"))
            .join(trainees, trainees.c.id == worksheet_revisions.c.author_id)
            .where(
                worksheet_revisions.c.sheet_id == sheet_id,
                worksheet_revisions.c.owner_kind == owner.kind,
                worksheet_revisions.c.owner_id == owner.id,
            )
        )

    def _latest_sheet(self, db: sa.Connection, sheet_id: str, owner: SheetOwner) -> WorksheetRevision | None:
        row = db.execute(
            self._sheet_query(sheet_id, owner)
            .where(worksheet_revisions.c.seq.is_not(None))
            .order_by(worksheet_revisions.c.seq.desc())
            .limit(1)
        ).first()
        return self._revision(row) if row else None

    def _sheet_at(self, db: sa.Connection, sheet_id: str, owner: SheetOwner, seq: int | None) -> WorksheetRevision | None:
        if seq is None:
            return None
        row = db.execute(self._sheet_query(sheet_id, owner).where(worksheet_revisions.c.seq == seq)).first()
        return self._revision(row) if row else None

    def _insert_sheet(
        self,
        db: sa.Connection,
        sheet_id: str,
        owner: SheetOwner,
        author: Trainee,
        fields: Mapping[str, str],
        seq: int | None,
        parent: WorksheetRevision | None,
    ) -> WorksheetRevision:
        created = utcnow()
        new_id = db.execute(
            worksheet_revisions.insert().values(
                sheet_id=sheet_id,
                owner_kind=owner.kind,
                owner_id=owner.id,
                seq=seq,
                parent_id=parent.id if parent else None,
                author_id=author.id,
                fields=_dump(dict(fields)),
                created_at=created,
            )
        ).inserted_primary_key[0]
        return WorksheetRevision(int(new_id), seq, author.id, author.name, dict(fields), created)

    @staticmethod
    def _revision(row: sa.Row[Any]) -> WorksheetRevision:
        return WorksheetRevision(
            id=row.id,
            seq=row.seq,
            author_id=row.author_id,
            author_name=row.author_name,
            fields=_load(row.fields),
            created_at=_as_utc(row.created_at),
        )


_stores: dict[str, ResponseStore] = {}
_stores_lock = threading.Lock()


def open_store(url: str | None = None) -> ResponseStore:
    """The process-wide store for ``url`` (default: the configured one)."""
    url = url or config.settings().db_url
    with _stores_lock:
        if url not in _stores:
            _stores[url] = ResponseStore(url)
        return _stores[url]
