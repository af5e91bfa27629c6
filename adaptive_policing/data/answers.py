"""Trainees' answers to prompts: every save is a new revision, and the latest saved revision is the answer.

Text kept while a trainee types is stored the same way, as a revision marked
``draft``: it is never the answer (not shown to the class, not exported, not
graded), but a reopened page shows it when it is newer than the saved answer.
"""

from __future__ import annotations

from typing import Any, Iterator

import sqlalchemy as sa

from .engine import StorePart
from .records import SavedAnswer, Trainee
from .rows import labelled, record
from .rules import check_length
from .schema import responses, trainees, utcnow


def _saved_only(drafts: bool) -> tuple[sa.ColumnElement[bool], ...]:
    """The condition that leaves drafts out, unless ``drafts`` asks for them too."""
    return () if drafts else (responses.c.draft.is_(False),)


_TRAINEE = "trainee__"  # never clashes with a column of responses (trainee_id)


def _answers_with_trainees() -> sa.Select[Any]:
    """Answer revisions with their trainee's columns labelled ``trainee__…``."""
    return sa.select(responses, *labelled(trainees, _TRAINEE)).join(trainees, trainees.c.id == responses.c.trainee_id)


def _answer_and_trainee(row: sa.RowMapping) -> tuple[Trainee, SavedAnswer]:
    return record(Trainee, row, _TRAINEE), record(SavedAnswer, row)


class Answers(StorePart):
    """Save and read trainees' answers."""

    def save_answer(self, trainee: Trainee, prompt_id: str, value: Any, *, draft: bool = False) -> SavedAnswer:
        """Store a new revision of a trainee's answer (a draft when ``draft``) and return it."""
        check_length(value)
        created = utcnow()
        with self.engine.begin() as db:
            new_id = db.execute(
                responses.insert().values(
                    trainee_id=trainee.id, prompt_id=prompt_id, value=value, created_at=created, draft=draft
                )
            ).inserted_primary_key[0]
        return SavedAnswer(int(new_id), trainee.id, prompt_id, value, created, draft)

    def latest_answer(self, trainee: Trainee, prompt_id: str) -> SavedAnswer | None:
        """The trainee's latest saved answer (drafts left out), or None."""
        history = self.answer_history(trainee, prompt_id, newest_first=True, limit=1)
        return history[0] if history else None

    def latest_entry(self, trainee: Trainee, prompt_id: str) -> SavedAnswer | None:
        """The trainee's newest revision, draft or saved: what a reopened page shows."""
        history = self.answer_history(trainee, prompt_id, newest_first=True, limit=1, drafts=True)
        return history[0] if history else None

    def latest_revisions(self, trainee: Trainee) -> dict[str, tuple[SavedAnswer | None, SavedAnswer]]:
        """Every prompt the trainee has a revision of: (latest saved answer or None, newest revision), in one query.

        What :meth:`latest_answer` and :meth:`latest_entry` give for each prompt, read
        for all of them at once (a page opening a dozen prompts asks once).
        """
        mine = responses.c.trainee_id == trainee.id
        newest = sa.select(sa.func.max(responses.c.id)).where(mine).group_by(responses.c.prompt_id)
        saved = sa.select(sa.func.max(responses.c.id)).where(mine, *_saved_only(False)).group_by(responses.c.prompt_id)
        query = responses.select().where(responses.c.id.in_(sa.union(newest, saved))).order_by(responses.c.id)
        found: dict[str, tuple[SavedAnswer | None, SavedAnswer]] = {}
        for revision in self._all(SavedAnswer, query):  # oldest first: the newest revision of a prompt comes last
            saved_one = found.get(revision.prompt_id, (None, revision))[0]
            found[revision.prompt_id] = (saved_one if revision.draft else revision, revision)
        return found

    def answer_history(
        self, trainee: Trainee, prompt_id: str, *, newest_first: bool = False, limit: int | None = None,
        drafts: bool = False,
    ) -> list[SavedAnswer]:
        """The trainee's revisions of one answer; drafts only when ``drafts``."""
        order = responses.c.id.desc() if newest_first else responses.c.id
        query = (
            responses.select()
            .where(responses.c.trainee_id == trainee.id, responses.c.prompt_id == prompt_id, *_saved_only(drafts))
            .order_by(order)
            .limit(limit)
        )
        return self._all(SavedAnswer, query)

    def class_answers(self, class_id: int, prompt_id: str) -> list[tuple[Trainee, SavedAnswer]]:
        """Each trainee's latest answer to one prompt, in the order they first answered."""
        latest = (
            sa.select(sa.func.max(responses.c.id))
            .join(trainees, trainees.c.id == responses.c.trainee_id)
            .where(trainees.c.class_id == class_id, responses.c.prompt_id == prompt_id, *_saved_only(False))
            .group_by(responses.c.trainee_id)
        )
        query = _answers_with_trainees().where(responses.c.id.in_(latest)).order_by(trainees.c.id)
        with self.engine.begin() as db:
            return [_answer_and_trainee(row) for row in db.execute(query).mappings()]

    def prompts_answered(self, class_id: int) -> list[str]:
        """The prompt ids anyone in the class has answered, in first-answered order."""
        query = (
            sa.select(responses.c.prompt_id, sa.func.min(responses.c.id).label("first"))
            .join(trainees, trainees.c.id == responses.c.trainee_id)
            .where(trainees.c.class_id == class_id, *_saved_only(False))
            .group_by(responses.c.prompt_id)
            .order_by("first")
        )
        with self.engine.begin() as db:
            return list(db.execute(query).scalars())

    def answer_count(self) -> int:
        with self.engine.begin() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(responses)).scalar() or 0)

    def iter_answers(self, class_id: int, *, drafts: bool = False) -> Iterator[tuple[Trainee, SavedAnswer]]:
        """Every saved revision of every answer in a class, oldest first (drafts too when ``drafts``)."""
        query = (
            _answers_with_trainees().where(trainees.c.class_id == class_id, *_saved_only(drafts)).order_by(responses.c.id)
        )
        with self.engine.begin() as db:
            rows = db.execute(query).mappings().all()
        for row in rows:
            yield _answer_and_trainee(row)
