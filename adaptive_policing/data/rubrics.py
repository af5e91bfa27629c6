"""The instructor's confirmations of observers' rubrics (Learning Activity 3).

The observer's rubric itself is an answer like any other (prompt id
``rubric:<scenario>``, see :mod:`adaptive_policing.content.complaint_process`),
kept with every revision by :mod:`.answers`. Confirming it adds a row here that
names the exact revision confirmed and the ratings the instructor confirmed
(the observer's, or corrected); nothing is ever overwritten, and the latest
confirmation of a rubric wins.
"""

from __future__ import annotations

from typing import Mapping

import sqlalchemy as sa

from .engine import StorePart
from .records import RubricConfirmation, SavedAnswer, StoreError
from .schema import responses, rubric_confirmations, trainees, utcnow


class Rubrics(StorePart):
    """Confirm observers' rubrics and read the confirmations back."""

    def confirm_rubric(self, class_id: int, answer: SavedAnswer, ratings: Mapping[str, str],
                       note: str = "") -> RubricConfirmation:
        """Record that the instructor confirmed ``answer`` (one rubric revision) with ``ratings``.

        Refuses an answer that does not belong to a trainee of ``class_id``.
        """
        confirmed_at = utcnow()
        with self.engine.begin() as db:
            owner_class = db.execute(
                sa.select(trainees.c.class_id).join(responses, responses.c.trainee_id == trainees.c.id)
                .where(responses.c.id == answer.id)
            ).scalar()
            if owner_class != class_id:
                raise StoreError("This rubric does not belong to the chosen class.")
            new_id = db.execute(rubric_confirmations.insert().values(
                class_id=class_id, response_id=answer.id, ratings=dict(ratings), note=note, confirmed_at=confirmed_at,
            )).inserted_primary_key[0]
        return RubricConfirmation(int(new_id), class_id, answer.id, dict(ratings), note, confirmed_at)

    def rubric_confirmations(self, class_id: int) -> list[RubricConfirmation]:
        """Every confirmation in a class, oldest first (so a dict built from it keeps the latest)."""
        query = (rubric_confirmations.select().where(rubric_confirmations.c.class_id == class_id)
                 .order_by(rubric_confirmations.c.id))
        return self._all(RubricConfirmation, query)
