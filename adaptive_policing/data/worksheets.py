"""Worksheets filled by one trainee or a group: revisions, three-way merges, and saves kept aside.

Nothing is ever lost: every save is a revision. A save made from an older
revision is merged with what others saved since, field by field; if both
changed the same field, the save is kept aside (``seq`` NULL) and its author
is told which fields to reconcile.
"""

from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa

from .rules import check_length
from .engine import StorePart
from .records import SheetOwner, Trainee, WorksheetRevision, WorksheetSave
from .rows import record
from .schema import groups, trainees, utcnow, worksheet_revisions

_revisions = worksheet_revisions


def merge_fields(
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


def _with_authors() -> sa.Select[Any]:
    """Worksheet revisions with their author's name, the columns of :class:`WorksheetRevision`."""
    author = trainees.alias("author")
    return sa.select(_revisions, author.c.name.label("author_name")).join(author, author.c.id == _revisions.c.author_id)


def _sheet_query(sheet_id: str, owner: SheetOwner) -> sa.Select[Any]:
    return _with_authors().where(
        _revisions.c.sheet_id == sheet_id,
        _revisions.c.owner_kind == owner.kind,
        _revisions.c.owner_id == owner.id,
    )


class Worksheets(StorePart):
    """Save, merge and read worksheets."""

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
                    merged, clashes = merge_fields(base.fields if base else {}, fields, latest.fields)
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
        return self._all(WorksheetRevision, _sheet_query(sheet_id, owner).order_by(_revisions.c.id))

    def class_worksheets(self, class_id: int, sheet_id: str) -> list[tuple[str, WorksheetRevision]]:
        """The latest version of one worksheet for every group (by name) and then every trainee in a class."""
        out: list[tuple[str, WorksheetRevision]] = []
        for kind, table, order in (("group", groups, "name"), ("trainee", trainees, "id")):
            owners = table.alias("owner")
            latest_seq = (
                sa.select(_revisions.c.owner_id, sa.func.max(_revisions.c.seq).label("latest_seq"))
                .where(_revisions.c.sheet_id == sheet_id, _revisions.c.owner_kind == kind,
                       _revisions.c.seq.is_not(None))
                .group_by(_revisions.c.owner_id)
                .subquery()
            )
            query = (
                _with_authors()
                .add_columns(owners.c.name.label("owner_name"))
                .join(latest_seq, sa.and_(latest_seq.c.owner_id == _revisions.c.owner_id,
                                          latest_seq.c.latest_seq == _revisions.c.seq))
                .join(owners, owners.c.id == _revisions.c.owner_id)
                .where(_revisions.c.sheet_id == sheet_id, _revisions.c.owner_kind == kind,
                       owners.c.class_id == class_id)
                .order_by(owners.c[order])
            )
            with self.engine.begin() as db:
                out += [(row["owner_name"], record(WorksheetRevision, row)) for row in db.execute(query).mappings()]
        return out

    def class_worksheet_history(self, class_id: int) -> list[tuple[str, str, str, WorksheetRevision]]:
        """Every save of every worksheet in a class, oldest first, including saves kept aside.

        Each is (sheet id, owner kind ``"group"`` or ``"trainee"``, owner's name, revision).
        """
        group_owner, trainee_owner, author = groups.alias("group_owner"), trainees.alias("trainee_owner"), trainees.alias("author")
        query = (
            sa.select(_revisions, author.c.name.label("author_name"),
                      sa.func.coalesce(group_owner.c.name, trainee_owner.c.name).label("owner_name"))
            .join(author, author.c.id == _revisions.c.author_id)
            .outerjoin(group_owner, sa.and_(_revisions.c.owner_kind == "group", group_owner.c.id == _revisions.c.owner_id))
            .outerjoin(trainee_owner, sa.and_(_revisions.c.owner_kind == "trainee",
                                              trainee_owner.c.id == _revisions.c.owner_id))
            .where(author.c.class_id == class_id)
            .order_by(_revisions.c.id)
        )
        with self.engine.begin() as db:
            return [(row["sheet_id"], row["owner_kind"], row["owner_name"] or "", record(WorksheetRevision, row))
                    for row in db.execute(query).mappings()]

    def worksheet_ids(self, class_id: int) -> list[str]:
        """The worksheets anyone in a class has saved, in the order they were first saved."""
        query = (
            sa.select(_revisions.c.sheet_id)
            .join(trainees, trainees.c.id == _revisions.c.author_id)
            .where(trainees.c.class_id == class_id)
            .group_by(_revisions.c.sheet_id)
            .order_by(sa.func.min(_revisions.c.id))
        )
        with self.engine.begin() as db:
            return list(db.execute(query).scalars())

    def _latest_sheet(self, db: sa.Connection, sheet_id: str, owner: SheetOwner) -> WorksheetRevision | None:
        row = db.execute(
            _sheet_query(sheet_id, owner)
            .where(_revisions.c.seq.is_not(None))
            .order_by(_revisions.c.seq.desc())
            .limit(1)
        ).first()
        return record(WorksheetRevision, row) if row else None

    def _sheet_at(self, db: sa.Connection, sheet_id: str, owner: SheetOwner, seq: int | None) -> WorksheetRevision | None:
        if seq is None:
            return None
        row = db.execute(_sheet_query(sheet_id, owner).where(_revisions.c.seq == seq)).first()
        return record(WorksheetRevision, row) if row else None

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
            _revisions.insert().values(
                sheet_id=sheet_id,
                owner_kind=owner.kind,
                owner_id=owner.id,
                seq=seq,
                parent_id=parent.id if parent else None,
                author_id=author.id,
                fields=dict(fields),
                created_at=created,
            )
        ).inserted_primary_key[0]
        return WorksheetRevision(int(new_id), seq, author.id, author.name, dict(fields), created)
