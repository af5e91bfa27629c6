"""Classes and their roster: class codes, sign-in, page visits and groups."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa

from .engine import StorePart
from .records import TrainingClass, Group, StoreError, Trainee, WrongClassCode
from .rules import CLASS_CODE_ALPHABET, CLASS_CODE_LENGTH, WRONG_CODE_MESSAGE, check_name_and_badge, normalize_class_code
from .rows import labelled, record
from .schema import class_sessions, devices, group_members, groups, page_visits, trainees, utcnow

DEFAULT_TITLE = "Adaptive Policing (course 2320)"


def _group_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Classes(StorePart):
    """Classes, the trainees signed in to them, their page visits and their groups."""

    # classes ---------------------------------------------------------------

    def create_class(
        self,
        *,
        title: str = DEFAULT_TITLE,
        course_plan: str = "adaptive-policing",
        class_date: date | None = None,
        location: str = "",
        instructor: str = "",
        code: str | None = None,
    ) -> TrainingClass:
        """Open a new class and give it a fresh, short code for the board.

        With ``code`` (department mode: the class a hub group ``trainees-<code>`` names) the
        class gets that code, and when a class with it already exists that class is returned.
        """
        for _ in range(20):
            chosen = normalize_class_code(code) if code is not None else None
            code_ = chosen or "".join(secrets.choice(CLASS_CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH))
            try:
                with self.engine.begin() as db:
                    new_id = db.execute(
                        class_sessions.insert().values(
                            code=code_,
                            title=title.strip() or DEFAULT_TITLE,
                            course_plan=course_plan,
                            class_date=class_date or date.today(),
                            location=location.strip(),
                            instructor=instructor.strip(),
                            created_at=utcnow(),
                        )
                    ).inserted_primary_key[0]
            except sa.exc.IntegrityError:
                existing = self.class_by_code(chosen) if chosen else None
                if existing is not None:
                    return existing  # opened at the same moment by another page
                continue
            found = self.class_by_id(int(new_id))
            assert found is not None
            return found
        raise RuntimeError("could not find an unused class code")

    def class_by_code(self, code: str) -> TrainingClass | None:
        return self._first(TrainingClass, class_sessions.select().where(
            class_sessions.c.code == normalize_class_code(code)))

    def class_by_id(self, class_id: int) -> TrainingClass | None:
        return self._first(TrainingClass, class_sessions.select().where(class_sessions.c.id == class_id))

    def classes(self) -> list[TrainingClass]:
        """Every class, newest first."""
        return self._all(TrainingClass, class_sessions.select().order_by(class_sessions.c.id.desc()))

    def todays_class(self, *, on: date | None = None, location: str = "") -> TrainingClass | None:
        """The class already held in this room on this day (default today), newest first; None when there is none.

        With a ``location``, a class for another room that day does not count, but a
        class with no location yet (the one ``make serve`` opens) does: it is the room's
        class until someone says otherwise.
        """
        day = on or date.today()
        room = " ".join(location.split()).casefold()
        for training_class in self.classes():
            held_here = not room or not training_class.location or (
                " ".join(training_class.location.split()).casefold() == room)
            if training_class.class_date == day and held_here:
                return training_class
        return None

    def fill_in_class(self, class_id: int, *, location: str = "", instructor: str = "") -> TrainingClass | None:
        """Give a class the location and instructor it has not got yet (what is already set is kept)."""
        found = self.class_by_id(class_id)
        if found is None:
            return None
        values = {name: value.strip() for name, value in (("location", location), ("instructor", instructor))
                  if value.strip() and not getattr(found, name)}
        if values:
            with self.engine.begin() as db:
                db.execute(class_sessions.update().where(class_sessions.c.id == class_id).values(**values))
        return self.class_by_id(class_id)

    # trainees ---------------------------------------------------------------

    def sign_in(self, class_code: str, name: str, badge: str, *, pin_hash: str | None = None) -> Trainee:
        """The class's roster entry for ``badge``: created (with its first device) if new, else the existing one.

        This is the roster alone, with no check of who is asking: pages sign trainees in
        through :class:`adaptive_policing.data.sign_in.SignInDesk`, which lets a second
        device in only with the trainee's PIN or the instructor's approval. ``pin_hash``
        is kept for a new trainee (see :func:`adaptive_policing.data.rules.hash_pin`).
        """
        name, badge = check_name_and_badge(name, badge)
        training_class = self.class_by_code(class_code)
        if training_class is None:
            raise WrongClassCode(WRONG_CODE_MESSAGE)
        existing = trainees.select().where(trainees.c.class_id == training_class.id, trainees.c.badge == badge)
        for _ in range(3):
            found = self._first(Trainee, existing) or self.enroll(training_class, name, badge, pin_hash=pin_hash)
            if found is not None:
                return found
        raise RuntimeError("could not sign in")

    def enroll(self, training_class: TrainingClass, name: str, badge: str, *,
               pin_hash: str | None = None) -> Trainee | None:
        """Add a trainee and their first device; None when the badge is already on the class's roster."""
        token = secrets.token_urlsafe(24)
        try:
            with self.engine.begin() as db:
                now = utcnow()
                new_id = db.execute(
                    trainees.insert().values(
                        class_id=training_class.id, name=name, badge=badge, token=token, created_at=now,
                        pin_hash=pin_hash,
                    )
                ).inserted_primary_key[0]
                db.execute(devices.insert().values(trainee_id=new_id, token=token, via="first", created_at=now))
        except sa.exc.IntegrityError:
            return None  # signed in twice at once: the other one made it
        return self.trainee_by_id(int(new_id))

    def trainee_by_id(self, trainee_id: int) -> Trainee | None:
        return self._first(Trainee, trainees.select().where(trainees.c.id == trainee_id))

    def trainees_in(self, class_id: int) -> list[Trainee]:
        return self._all(Trainee, trainees.select().where(trainees.c.class_id == class_id).order_by(trainees.c.id))

    # page visits -------------------------------------------------------------

    def record_visit(self, trainee: Trainee, page: str) -> None:
        with self.engine.begin() as db:
            db.execute(page_visits.insert().values(trainee_id=trainee.id, page=page[:200], visited_at=utcnow()))

    def visits(self, class_id: int) -> list[tuple[Trainee, str, datetime]]:
        """Every page visit in a class, oldest first."""
        query = (
            sa.select(*labelled(trainees, "trainee__"), page_visits.c.page, page_visits.c.visited_at)
            .join(page_visits, page_visits.c.trainee_id == trainees.c.id)
            .where(trainees.c.class_id == class_id)
            .order_by(page_visits.c.id)
        )
        with self.engine.begin() as db:
            return [(record(Trainee, row, "trainee__"), row["page"], row["visited_at"])
                    for row in db.execute(query).mappings()]

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
                        group_members.insert().values(group_id=row.id, trainee_id=trainee.id, joined_at=utcnow())
                    )
                return record(Group, row)
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
        return self._first(Group, query)

    def groups_in(self, class_id: int) -> list[Group]:
        return self._all(Group, groups.select().where(groups.c.class_id == class_id).order_by(groups.c.name))
