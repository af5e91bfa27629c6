"""The role plays' before/after ratings: each customer's latest pair, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..content.role_plays import PROMPT_PREFIX
from ..data.store import ResponseStore


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


def role_play_pairs(store: ResponseStore, class_id: int, case_id: str | None = None) -> list[PairRating]:
    """Every customer's latest ratings in a class (one role play, or all of them)."""
    if case_id is not None:
        prompt_ids = [PROMPT_PREFIX + case_id]
    else:
        prompt_ids = [p for p in store.prompts_answered(class_id) if p.startswith(PROMPT_PREFIX)]
    pairs = []
    for prompt_id in prompt_ids:
        for trainee, answer in store.class_answers(class_id, prompt_id):
            value = answer.value
            if not isinstance(value, Mapping) or value.get("role") != "customer":
                continue
            before, after = rating_or_none(value.get("before")), rating_or_none(value.get("after"))
            if before is None or after is None:
                continue
            pairs.append(PairRating(trainee.name, str(value.get("partners") or ""),
                                    prompt_id[len(PROMPT_PREFIX):], before, after))
    return pairs


