"""The customer complaint resolution process as data, and the Activity 3 rubric built on it.

The steps (intro, intake, listen, … not defensive), what each one is, and what
"done", "partly" and "not done" look like are authored once in
``course/complaint-process.yaml``; the observer's rubric
(:mod:`adaptive_policing.widgets.rubric`), the console, the class export, the
pocket card and the paper worksheets all read them from here.

An observer's rubric is saved as an answer under ``rubric:<scenario id>``::

    {"scenario": str, "round": int, "officer": str, "customer": str,
     "ratings": {step id: "done" | "partly" | "not_done"}, "notes": str}
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..config import settings

PROMPT_PREFIX = "rubric:"
FILE_NAME = "complaint-process.yaml"


@dataclass(frozen=True)
class Rating:
    """One point of the rubric's scale."""

    id: str
    label: str
    points: int


@dataclass(frozen=True)
class Step:
    """One step of the process, with its behavioural anchors."""

    id: str
    part: str
    name: str
    what: str
    done: str
    partly: str
    not_done: str

    def anchor(self, rating_id: str) -> str:
        """What ``rating_id`` ("done", "partly", "not_done") looks like for this step."""
        return {"done": self.done, "partly": self.partly, "not_done": self.not_done}[rating_id]


@dataclass(frozen=True)
class ComplaintProcess:
    """The process: its steps in order and the rubric's scale."""

    title: str
    source: str
    ratings: tuple[Rating, ...]
    steps: tuple[Step, ...]

    @property
    def rating_ids(self) -> tuple[str, ...]:
        return tuple(rating.id for rating in self.ratings)

    def rating(self, rating_id: str) -> Rating:
        return next(rating for rating in self.ratings if rating.id == rating_id)

    @property
    def max_points(self) -> int:
        return len(self.steps) * max(rating.points for rating in self.ratings)

    def points(self, ratings: Mapping[str, Any]) -> int:
        """The points of ``ratings`` (step id → rating id); unknown or missing ratings count nothing."""
        by_id = {rating.id: rating.points for rating in self.ratings}
        return sum(by_id.get(ratings.get(step.id), 0) for step in self.steps)  # type: ignore[arg-type]

    def clean_ratings(self, ratings: Any) -> dict[str, str]:
        """Only the known steps with a known rating, in step order (anything else is left out)."""
        if not isinstance(ratings, Mapping):
            return {}
        return {step.id: ratings[step.id] for step in self.steps if ratings.get(step.id) in self.rating_ids}

    def missing(self, ratings: Mapping[str, Any]) -> list[Step]:
        """The steps ``ratings`` leaves unrated."""
        clean = self.clean_ratings(ratings)
        return [step for step in self.steps if step.id not in clean]


def one_line(value: Any) -> str:
    """A YAML text (folded or not, None as empty) as one line with single spaces."""
    return " ".join(str(value if value is not None else "").split())


@lru_cache(maxsize=4)
def _load(path: Path) -> ComplaintProcess:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ratings = tuple(Rating(str(r["id"]), str(r["label"]), int(r["points"])) for r in data["ratings"])
    steps = tuple(
        Step(str(s["id"]), str(s["part"]), str(s["name"]), one_line(s["what"]), one_line(s["done"]),
             one_line(s["partly"]), one_line(s["not_done"]))
        for s in data["steps"]
    )
    if len({step.id for step in steps}) != len(steps):
        raise ValueError(f"{path}: two steps share an id")
    return ComplaintProcess(str(data["title"]), str(data["source"]), ratings, steps)


def complaint_process(course_dir: Path | str | None = None) -> ComplaintProcess:
    """The complaint resolution process of the course in ``course_dir`` (default: the configured course)."""
    return _load(Path(course_dir or settings().course_dir) / FILE_NAME)
