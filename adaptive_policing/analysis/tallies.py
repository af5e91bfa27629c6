"""Tallies of a class's answers, as plain data: latest answers, option counts, frequent words.

The console's live results and the slides' live answers are drawn from these
(:mod:`adaptive_policing.views.results`); nothing here makes HTML.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Sequence

from ..content.prompts import PromptInfo
from ..data.records import SavedAnswer, Trainee

Answer = tuple[Trainee, SavedAnswer]
"""A trainee and their saved answer, as the store returns them."""


def format_answer(value: Any) -> str:
    """An answer as plain text: lists joined, mappings as "key: value", everything else as typed."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def latest_by_prompt(answers: Iterable[Answer]) -> dict[str, list[Answer]]:
    """Each trainee's latest answer to every prompt, in first-answered order.

    ``answers`` are every answer revision of a class, oldest first (``ResponseStore.iter_answers``).
    """
    latest: dict[str, dict[int, Answer]] = {}
    for trainee, answer in answers:
        by_trainee = latest.setdefault(answer.prompt_id, {})
        by_trainee[trainee.id] = (trainee, answer)  # dict keeps the first-answered position
    return {prompt_id: list(rows.values()) for prompt_id, rows in latest.items()}


def is_discussion_prompt(prompt_id: str) -> bool:
    """Whether a prompt id belongs to a discussion prompt (not a case study, role play, …)."""
    return ":" not in prompt_id


def tally(info: PromptInfo, answers: Sequence[Answer]) -> list[tuple[str, int]]:
    """How many trainees chose each option (a multiple-choice answer counts for each box ticked)."""
    counts: Counter[str] = Counter()
    for _trainee, answer in answers:
        chosen = answer.value if isinstance(answer.value, list) else [answer.value]
        counts.update(str(item) for item in chosen)
    rows = [(option, counts.pop(option, 0)) for option in info.options]
    rows.extend(sorted(counts.items()))  # answers to options since removed from the page
    return rows


def share_percent(count: int, total: int) -> int:
    """``count`` as a whole percent of ``total`` (0 when nobody answered)."""
    return round(100 * count / total) if total else 0


#: Common words left out of the word frequencies.
STOP_WORDS = frozenset(
    "a about after all also am an and any are as at be because been but by can could did do does for from get "
    "had has have he her him his how i if in into is it its just let me more my no not of on or our out so "
    "some than that the their them then there they this to too up us was we were what when where which who "
    "will with would you your".split()
)
_WORD = re.compile(r"[a-z][a-z'-]{2,}")


def word_frequencies(answers: Sequence[Answer], top: int = 12) -> list[tuple[str, int]]:
    """The words most trainees used (each counted once per answer), common words left out."""
    counts: Counter[str] = Counter()
    for _trainee, answer in answers:
        words = {w.strip("'-") for w in _WORD.findall(format_answer(answer.value).lower())}
        counts.update(w for w in words if w not in STOP_WORDS)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, count) for word, count in ranked[:top] if count > 1]


def answered_prompt_ids(latest: dict[str, list[Answer]], order: Iterable[str]) -> list[str]:
    """Discussion prompts with answers: the course's order first, then any others as answered."""
    known = [prompt_id for prompt_id in order if prompt_id in latest]
    seen = set(known)
    extra = [p for p in latest if p not in seen and is_discussion_prompt(p)]
    return known + extra


def answer_summary(answer: Any, limit: int = 60) -> str:
    """A short, single-line, plain-text version of an answer for a dropdown label."""
    text = " ".join(format_answer(answer).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
