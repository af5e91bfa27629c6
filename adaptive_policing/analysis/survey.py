"""The self-assessment and the course feedback as plain data: pairs, the class's change, class comparison.

Every function takes each trainee's latest answer per prompt (as
:func:`adaptive_policing.analysis.tallies.latest_by_prompt` gives it) and the
survey's items; nothing here reads the store.

* :func:`trainee_pairs`: each trainee's ratings before and after, per item;
* :func:`item_changes`: the class's mean before, mean after and change per item,
  over the trainees who rated the item both times (a trainee who missed one
  half counts for neither mean, so the change is a paired change);
* :func:`feedback_entries`: the feedback forms, with the trainee's id only (the
  console leaves it out; the coordinator's export keeps it);
* :func:`class_summary`: one class's figures for the comparison between classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any, Iterable, Mapping, Sequence

from ..content.survey import FEEDBACK_PROMPT, FEEDBACK_RATINGS, FEEDBACK_TEXTS, SurveyItem, split_prompt_id
from .tallies import Answer


def scale_value(value: Any) -> int | None:
    """A 1–5 rating, or None for anything else (no choice, a bad value)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


@dataclass(frozen=True)
class TraineePairs:
    """One trainee's ratings per item: ``(before, after)``, either None when not given."""

    trainee_id: int
    name: str
    badge: str
    ratings: dict[str, tuple[int | None, int | None]]


@dataclass(frozen=True)
class ItemChange:
    """The class's change on one item, over the trainees who rated it before and after."""

    item_id: str
    statement: str
    paired: int
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Feedback:
    """One trainee's course feedback form."""

    trainee_id: int
    helped: str
    change: str
    instructor: int | None
    materials: int | None


@dataclass(frozen=True)
class ClassSummary:
    """One class's evidence of effect, for comparing classes over time."""

    code: str
    class_date: date
    paired_trainees: int
    changes: dict[str, float | None] = field(default_factory=dict)
    """Mean change per item id."""
    mean_change: float | None = None
    """The mean of the items' changes."""
    feedback_count: int = 0
    instructor: float | None = None
    materials: float | None = None


def trainee_pairs(latest: Mapping[str, Sequence[Answer]], items: Sequence[SurveyItem]) -> list[TraineePairs]:
    """Each trainee who rated any item, with their ratings before and after (in the order first seen)."""
    known = {item.item_id for item in items}
    people: dict[int, tuple[Any, dict[str, list[int | None]]]] = {}
    for prompt, rows in latest.items():
        parsed = split_prompt_id(prompt)
        if parsed is None or parsed[1] not in known:
            continue
        phase, item_id = parsed
        for trainee, answer in rows:
            rating = scale_value(answer.value)
            if rating is None:
                continue
            _trainee, ratings = people.setdefault(trainee.id, (trainee, {}))
            ratings.setdefault(item_id, [None, None])[0 if phase == "pre" else 1] = rating
    return [
        TraineePairs(trainee.id, trainee.name, trainee.badge,
                     {item.item_id: (ratings[item.item_id][0], ratings[item.item_id][1])
                      for item in items if item.item_id in ratings})
        for trainee, ratings in people.values()
    ]


def _mean(values: Sequence[float]) -> float | None:
    return mean(values) if values else None


def item_changes(pairs: Iterable[TraineePairs], items: Sequence[SurveyItem]) -> list[ItemChange]:
    """Per item, in the survey's order: the mean before and after over the trainees who gave both."""
    people = list(pairs)
    changes = []
    for item in items:
        both = [p.ratings[item.item_id] for p in people
                if item.item_id in p.ratings and None not in p.ratings[item.item_id]]
        changes.append(ItemChange(item.item_id, item.statement, len(both),
                                  _mean([float(b) for b, _a in both]), _mean([float(a) for _b, a in both])))
    return changes


def feedback_entries(latest: Mapping[str, Sequence[Answer]]) -> list[Feedback]:
    """Every trainee's latest feedback form (forms that are not a mapping are left out)."""
    entries = []
    for trainee, answer in latest.get(FEEDBACK_PROMPT, ()):
        value = answer.value
        if not isinstance(value, Mapping):
            continue
        texts = {name: str(value.get(name) or "").strip() for name in FEEDBACK_TEXTS}
        ratings = {name: scale_value(value.get(name)) for name in FEEDBACK_RATINGS}
        entries.append(Feedback(trainee.id, texts["helped"], texts["change"], ratings["instructor"],
                                ratings["materials"]))
    return entries


def mean_rating(entries: Iterable[Feedback], name: str) -> float | None:
    """The mean of one feedback rating (``instructor`` or ``materials``) over the forms that gave it."""
    return _mean([float(r) for entry in entries if (r := getattr(entry, name)) is not None])


def class_summary(code: str, class_date: date, latest: Mapping[str, Sequence[Answer]],
                  items: Sequence[SurveyItem]) -> ClassSummary:
    """One class's paired change per item, its mean change and its feedback ratings."""
    pairs = trainee_pairs(latest, items)
    changes = item_changes(pairs, items)
    moved = [c.change for c in changes if c.change is not None]
    entries = feedback_entries(latest)
    paired = sum(1 for p in pairs if any(None not in both for both in p.ratings.values()))
    return ClassSummary(code, class_date, paired, {c.item_id: c.change for c in changes}, _mean(moved),
                        len(entries), mean_rating(entries, "instructor"), mean_rating(entries, "materials"))


def compare_classes(summaries: Iterable[ClassSummary]) -> list[ClassSummary]:
    """The classes in time order (by date, then code), for the comparison table and chart."""
    return sorted(summaries, key=lambda s: (s.class_date, s.code))
