"""The role plays as plain data: each customer's latest before/after pair, and each observer's rubric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..content.complaint_process import PROMPT_PREFIX as RUBRIC_PREFIX
from ..content.complaint_process import ComplaintProcess
from ..content.role_plays import PROMPT_PREFIX
from ..data.records import RubricConfirmation, SavedAnswer, Trainee


def rating_or_none(value: Any) -> int | None:
    """A 0–10 rating, or None for anything else (no choice yet, a bad value)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10 else None


@dataclass(frozen=True)
class PairRating:
    """One customer's ratings of the police, before and after a role play."""

    trainee_name: str
    partners: str
    case_id: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def label(self) -> str:
        return f"{self.trainee_name} (with {self.partners})" if self.partners else self.trainee_name


def role_play_pairs(saved: Iterable[tuple[str, Trainee, SavedAnswer]]) -> list[PairRating]:
    """Every customer's ratings among ``saved`` (prompt id, trainee, latest answer) of a class's role plays.

    Answers to other prompts, of other roles, or without both ratings are left out.
    """
    pairs = []
    for prompt_id, trainee, answer in saved:
        value = answer.value
        if not prompt_id.startswith(PROMPT_PREFIX) or not isinstance(value, Mapping) or value.get("role") != "customer":
            continue
        before, after = rating_or_none(value.get("before")), rating_or_none(value.get("after"))
        if before is None or after is None:
            continue
        pairs.append(PairRating(trainee.name, str(value.get("partners") or ""),
                                prompt_id[len(PROMPT_PREFIX):], before, after))
    return pairs




@dataclass(frozen=True)
class RubricSheet:
    """One observer's latest rubric of one round, and the instructor's confirmation of it if any.

    ``confirmed`` holds the ratings the instructor confirmed for exactly this
    revision (None while it awaits confirmation, or when the observer changed
    it after it was confirmed).
    """

    answer: SavedAnswer
    observer: str
    scenario_id: str
    round: int | None
    officer: str
    customer: str
    ratings: dict[str, str]
    notes: str
    points: int
    max_points: int
    confirmed: dict[str, str] | None
    confirmed_points: int | None
    confirmation_note: str

    @property
    def final(self) -> dict[str, str]:
        """The ratings that count: the instructor's when confirmed, else the observer's."""
        return self.confirmed if self.confirmed is not None else self.ratings


def rubric_sheets(
    process: ComplaintProcess,
    saved: Iterable[tuple[str, Trainee, SavedAnswer]],
    confirmations: Iterable[RubricConfirmation],
) -> list[RubricSheet]:
    """Every observer's rubric among ``saved`` (prompt id, trainee, latest answer), with its confirmation.

    Answers to other prompts or that are not a rubric (not a mapping) are left
    out; ratings of unknown steps or with unknown values are dropped.
    """
    latest_confirmation = {c.response_id: c for c in confirmations}  # oldest first: the latest wins
    sheets = []
    for prompt_id, trainee, answer in saved:
        value = answer.value
        if not prompt_id.startswith(RUBRIC_PREFIX) or not isinstance(value, Mapping):
            continue
        ratings = process.clean_ratings(value.get("ratings"))
        confirmation = latest_confirmation.get(answer.id)
        confirmed = process.clean_ratings(confirmation.ratings) if confirmation else None
        round_number = value.get("round")
        sheets.append(RubricSheet(
            answer=answer, observer=trainee.name, scenario_id=prompt_id[len(RUBRIC_PREFIX):],
            round=round_number if isinstance(round_number, int) and not isinstance(round_number, bool) else None,
            officer=str(value.get("officer") or ""), customer=str(value.get("customer") or ""),
            ratings=ratings, notes=str(value.get("notes") or ""),
            points=process.points(ratings), max_points=process.max_points,
            confirmed=confirmed, confirmed_points=process.points(confirmed) if confirmed is not None else None,
            confirmation_note=confirmation.note if confirmation else "",
        ))
    return sorted(sheets, key=lambda sheet: (sheet.round or 99, sheet.observer))


def step_counts(process: ComplaintProcess, sheets: Iterable[RubricSheet]) -> dict[str, dict[str, int]]:
    """Per step, how many rubrics rated it done, partly or not done (confirmed ratings where there are any)."""
    counts = {step.id: {rating: 0 for rating in process.rating_ids} for step in process.steps}
    for sheet in sheets:
        for step_id, rating in sheet.final.items():
            counts[step_id][rating] += 1
    return counts
