"""Item statistics of an assessment: difficulty, discrimination, distractors, and flags.

For every question, from the graded answers only (a written answer waiting for
a grader is left out until it is graded, see
:mod:`adaptive_policing.analysis.grading_status`):

* **percent correct** (answers with full points) and the mean share of points;
* **discrimination**: the point-biserial correlation between the item's score
  and the trainee's score on the *other* items (the corrected item-total
  correlation, so an item does not correlate with itself), over the trainees
  whose answer to the item is graded; the other items are those graded for all
  of them, so a written answer waiting for a grader counts for no one. For a
  partial-credit item the item's share of points is used, which makes it the
  Pearson correlation;
* **choices**: for single-choice, true/false and multiple-choice questions, how
  often each option was chosen (which options are keyed, if the key is given);
* **flags**: nearly everyone misses, nearly everyone gets it right, negative
  discrimination, and distractors nobody picks.

Flags are raised only once an item has :data:`MIN_GRADED` graded answers; with
fewer, :attr:`ItemStatistics.note` says so instead. Works for any question bank:
it reads only :class:`~adaptive_policing.content.questions.Question` data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..content.questions import Question
from .grading_status import ItemGrade

MIN_GRADED = 5
"""Graded answers an item needs before it is flagged or its discrimination is computed."""
MISSED_BY_NEARLY_ALL = 20.0
"""A question answered fully right by at most this percent is flagged."""
RIGHT_BY_NEARLY_ALL = 90.0
"""A question answered fully right by at least this percent is flagged."""
CHOICE_KINDS = ("single", "truefalse", "multi")
"""Question kinds whose options are counted (ordering and matching have no distractors to count)."""


@dataclass(frozen=True)
class ItemStatistics:
    """One question's statistics over the graded answers of a class (or of every class)."""

    question: Question
    graded: int
    fully_right: int
    mean_fraction: float
    pending: int = 0
    """Answers still waiting for a grader (left out of every figure above)."""
    discrimination: float | None = None
    choices: tuple[tuple[str, int, bool], ...] = ()
    """(option, how many chose it, keyed) for choice questions, in the question's order."""
    flags: tuple[str, ...] = ()
    note: str = ""

    @property
    def percent_correct(self) -> float:
        return 100.0 * self.fully_right / self.graded if self.graded else 0.0

    @property
    def flag(self) -> str:
        """The flags as one line, ``""`` when none."""
        return "; ".join(self.flags)

    @property
    def unpicked_distractors(self) -> tuple[str, ...]:
        return tuple(option for option, count, keyed in self.choices if not keyed and count == 0)


def point_biserial(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """Pearson correlation of item scores with rest scores; ``None`` when either does not vary."""
    n = len(item)
    if n != len(rest) or n < 2:
        return None
    mean_x, mean_y = sum(item) / n, sum(rest) / n
    sxx = sum((x - mean_x) ** 2 for x in item)
    syy = sum((y - mean_y) ** 2 for y in rest)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(item, rest))
    return sxy / math.sqrt(sxx * syy)


def _chosen(question: Question, answer: Any) -> set[str]:
    if question.kind == "multi":
        return {str(a) for a in answer} if isinstance(answer, (list, tuple)) else set()
    return {answer} if isinstance(answer, str) else set()


@dataclass
class _Tally:
    fractions: list[float] = field(default_factory=list)
    pending: int = 0


def item_statistics(
    questions: Sequence[Question],
    grades: Mapping[str, Mapping[str, ItemGrade]],
    choices: Mapping[str, Mapping[str, Any]] | None = None,
    keys: Mapping[str, frozenset[str]] | None = None,
    min_graded: int = MIN_GRADED,
) -> list[ItemStatistics]:
    """Statistics per question.

    ``grades`` maps each trainee to their per-question grades, ``choices`` each
    trainee to their answers (question id -> answer as submitted) and ``keys``
    each choice question to its keyed options. A trainee missing from
    ``choices`` is left out of the option counts only.
    """
    choices = choices or {}
    keys = keys or {}
    stats = []
    for q in questions:
        tally = _Tally()
        right = 0
        for per_item in grades.values():
            got = per_item.get(q.id)
            if got is None:
                continue
            if got.pending:
                tally.pending += 1
                continue
            if got.fraction is None:
                continue
            tally.fractions.append(got.fraction)
            right += got.score >= got.max_score
        graded = len(tally.fractions)
        mean = sum(tally.fractions) / graded if graded else 0.0
        discrimination = _discrimination(q.id, grades, min_graded) if graded >= min_graded else None
        counted = _count_choices(q, choices, keys.get(q.id, frozenset())) if q.kind in CHOICE_KINDS else ()
        stat = ItemStatistics(q, graded, right, mean, tally.pending, discrimination, counted)
        flags, note = _flags(stat, min_graded, seen=sum(who in choices for who in grades))
        stats.append(ItemStatistics(q, graded, right, mean, tally.pending, discrimination, counted, flags, note))
    return stats


def _discrimination(qid: str, grades: Mapping[str, Mapping[str, ItemGrade]], min_graded: int) -> float | None:
    """Corrected item-total correlation over the trainees whose answer to ``qid`` is graded.

    The rest score sums the other items graded for *all* of those trainees, so a
    written answer still waiting for a grader counts for no one (never as 0).
    """
    included = [per_item for per_item in grades.values()
                if per_item.get(qid) is not None and per_item[qid].fraction is not None]
    if len(included) < min_graded:
        return None
    common = set.intersection(*({item for item, g in per_item.items() if not g.pending} for per_item in included))
    common.discard(qid)
    item = [per_item[qid].fraction or 0.0 for per_item in included]
    rest = [sum(per_item[other].score for other in common) for per_item in included]
    return point_biserial(item, rest)


def _count_choices(q: Question, choices: Mapping[str, Mapping[str, Any]],
                   keyed: frozenset[str]) -> tuple[tuple[str, int, bool], ...]:
    counts = dict.fromkeys(q.options, 0)
    for answers in choices.values():
        for option in _chosen(q, answers.get(q.id)):
            if option in counts:
                counts[option] += 1
    return tuple((option, count, option in keyed) for option, count in counts.items())


def _flags(stat: ItemStatistics, min_graded: int, seen: int) -> tuple[tuple[str, ...], str]:
    """Flags once ``min_graded`` answers are graded; distractors only once ``seen`` trainees' choices are known."""
    if stat.graded < min_graded:
        waiting = f"; {stat.pending} waiting for a grader" if stat.pending else ""
        note = f"not flagged: {stat.graded} graded answer(s), at least {min_graded} needed{waiting}"
        return (), note
    flags = []
    if stat.percent_correct <= MISSED_BY_NEARLY_ALL:
        flags.append("nearly everyone misses")
    elif stat.percent_correct >= RIGHT_BY_NEARLY_ALL:
        flags.append("nearly everyone gets right")
    if stat.discrimination is not None and stat.discrimination < 0:
        flags.append("negative discrimination")
    keyed = any(is_key for _o, _c, is_key in stat.choices)
    unpicked = stat.unpicked_distractors if keyed and seen >= min_graded else ()
    if unpicked:
        flags.append("distractor nobody picks: " + " | ".join(unpicked))
    return tuple(flags), ""


def section_mastery(stats: Sequence[ItemStatistics], sections: Mapping[str, str]) -> dict[str, float]:
    """Per section: percent of the available points earned (weighted by each question's points), graded answers only."""
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    for s in stats:
        if not s.graded:
            continue
        key = s.question.section
        earned[key] = earned.get(key, 0.0) + s.mean_fraction * s.question.points
        possible[key] = possible.get(key, 0.0) + s.question.points
    return {key: 100.0 * earned[key] / possible[key] for key in sections if possible.get(key)}
