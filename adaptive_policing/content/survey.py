"""The self-assessment and the course feedback form as data, authored once in ``course/survey.yaml``.

The same items are rated on the 1–5 agreement scale before section I and after
section VIII. Each rating is one answer in the response store under
``pre:<item>`` or ``post:<item>``; the feedback form is one answer under
``feedback:course`` (a mapping: the two typed answers and the two ratings).
Nothing new is needed in the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from ..config import settings

FILE_NAME = "survey.yaml"
PHASES = ("pre", "post")
"""When the self-assessment is taken: before section I and after section VIII."""
Phase = Literal["pre", "post"]
FEEDBACK_PROMPT = "feedback:course"
"""The prompt id of the course feedback form."""
FEEDBACK_TEXTS = ("helped", "change")
"""The feedback form's typed answers."""
FEEDBACK_RATINGS = ("instructor", "materials")
"""The feedback form's 1–5 ratings."""
SCALE = (1, 2, 3, 4, 5)
"""The values of a rating (the self-assessment's labels are :data:`adaptive_policing.content.prompts.SCALE_LABELS`)."""
RATING_LABELS = ("1 – Poor", "2 – Fair", "3 – Good", "4 – Very good", "5 – Excellent")
"""The labels of the feedback form's ratings of the instructor and of the materials."""


class SurveyError(ValueError):
    """``survey.yaml`` is not what the course expects."""


@dataclass(frozen=True)
class SurveyItem:
    """One self-assessment statement."""

    item_id: str
    kind: str
    """``confidence`` (what the trainee can do) or ``attitude`` (what they believe)."""
    statement: str


@dataclass(frozen=True)
class Survey:
    """The self-assessment items and the feedback form's questions."""

    items: tuple[SurveyItem, ...]
    feedback: dict[str, str]
    """Question per feedback field (:data:`FEEDBACK_TEXTS` then :data:`FEEDBACK_RATINGS`)."""

    def item(self, item_id: str) -> SurveyItem:
        return next(item for item in self.items if item.item_id == item_id)


def prompt_id(phase: str, item_id: str) -> str:
    """The answer store's prompt id of one rating: ``pre:calm-angry-caller``."""
    if phase not in PHASES:
        raise ValueError(f"phase {phase!r} is not one of {', '.join(PHASES)}")
    return f"{phase}:{item_id}"


def split_prompt_id(value: str) -> tuple[str, str] | None:
    """``(phase, item id)`` of a self-assessment prompt id, or None for any other prompt."""
    phase, sep, item_id = value.partition(":")
    return (phase, item_id) if sep and phase in PHASES and item_id else None


def parse_survey(data: object) -> Survey:
    """The survey from ``survey.yaml``'s parsed content, checked."""
    if not isinstance(data, dict):
        raise SurveyError("survey.yaml must be a mapping with 'items' and 'feedback'")
    items = []
    for raw in data.get("items") or ():
        try:
            item = SurveyItem(str(raw["id"]), str(raw["kind"]), " ".join(str(raw["statement"]).split()))
        except (KeyError, TypeError) as missing:
            raise SurveyError(f"a survey item needs id, kind and statement: {raw!r}") from missing
        if item.kind not in ("confidence", "attitude") or ":" in item.item_id:
            raise SurveyError(f"survey item {item.item_id!r}: kind must be confidence or attitude, no ':' in the id")
        items.append(item)
    if not 6 <= len(items) <= 10 or len({item.item_id for item in items}) != len(items):
        raise SurveyError("the self-assessment needs 6 to 10 items with distinct ids")
    feedback = data.get("feedback") or {}
    missing_fields = [name for name in (*FEEDBACK_TEXTS, *FEEDBACK_RATINGS) if not feedback.get(name)]
    if missing_fields:
        raise SurveyError(f"the feedback form needs a question for: {', '.join(missing_fields)}")
    return Survey(tuple(items), {name: str(feedback[name]) for name in (*FEEDBACK_TEXTS, *FEEDBACK_RATINGS)})


def load_survey(course_dir: Path | str | None = None) -> Survey:
    """The survey of the course in ``course_dir`` (default: the configured course)."""
    folder = Path(course_dir or settings().course_dir)
    return parse_survey(yaml.safe_load((folder / FILE_NAME).read_text(encoding="utf-8")))
