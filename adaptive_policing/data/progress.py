"""Where a class is: which prompts the instructor opened or closed, and the class's moves through the agenda.

Both are append-only: a change is a new row and the latest row wins; the first
progress row is when the class started.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from .engine import StorePart
from .records import ProgressEvent
from .schema import as_utc, class_progress, prompt_states, spotlights, utcnow


class Progress(StorePart):
    """Prompt states and class progress."""

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
        with self._reading() as db:
            found = db.execute(query).scalar()
        return True if found is None else bool(found)

    def prompt_states_in(self, class_id: int) -> dict[str, bool]:
        """The current open/closed state of every prompt the instructor has ever changed in a class."""
        query = (
            sa.select(prompt_states.c.prompt_id, prompt_states.c.open)
            .where(prompt_states.c.class_id == class_id)
            .order_by(prompt_states.c.id)
        )
        with self._reading() as db:
            return {prompt_id: bool(is_open) for prompt_id, is_open in db.execute(query).tuples()}

    # the spotlight (one answer the instructor puts forward, on the console and the slides) -----

    def set_spotlight(self, class_id: int, prompt_id: str | None, trainee_id: int | None) -> None:
        """Spotlight ``trainee_id``'s answer to ``prompt_id`` in a class (None: no spotlight); the latest wins."""
        if prompt_id is None or trainee_id is None:
            prompt_id = trainee_id = None
        if self.spotlight(class_id) == ((prompt_id, trainee_id) if prompt_id is not None else None):
            return
        with self.engine.begin() as db:
            db.execute(spotlights.insert().values(class_id=class_id, prompt_id=prompt_id, trainee_id=trainee_id,
                                                  changed_at=utcnow()))

    def spotlight(self, class_id: int) -> tuple[str, int] | None:
        """The prompt and trainee whose answer is in the class's spotlight, or None."""
        query = (sa.select(spotlights.c.prompt_id, spotlights.c.trainee_id)
                 .where(spotlights.c.class_id == class_id).order_by(spotlights.c.id.desc()).limit(1))
        with self.engine.begin() as db:
            found = db.execute(query).first()
        if found is None or found.prompt_id is None or found.trainee_id is None:
            return None
        return str(found.prompt_id), int(found.trainee_id)

    # class progress (the instructor console's agenda) -----------------------------

    def record_progress(self, class_id: int, page_id: str, at: datetime | None = None) -> ProgressEvent:
        """Record that the class moved to ``page_id`` (now, unless ``at`` says when)."""
        event = ProgressEvent(class_id, page_id[:120], as_utc(at) if at is not None else utcnow())
        with self.engine.begin() as db:
            db.execute(class_progress.insert().values(
                class_id=event.class_id, page_id=event.page_id, started_at=event.started_at))
        return event

    def class_progress(self, class_id: int) -> list[ProgressEvent]:
        """Every move of a class through its agenda, oldest first."""
        query = (
            sa.select(class_progress.c.class_id, class_progress.c.page_id, class_progress.c.started_at)
            .where(class_progress.c.class_id == class_id)
            .order_by(class_progress.c.id)
        )
        return self._all(ProgressEvent, query)
