"""The role plays' before/after ratings: each customer's latest pair, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..content.role_plays import PROMPT_PREFIX
from ..data.records import SavedAnswer, Trainee


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


