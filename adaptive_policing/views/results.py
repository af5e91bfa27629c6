"""Live results of discussion prompts as escaped, accessible HTML.

Choice, multiple-choice and 1–5 scale prompts become horizontal bars with the
counts written out (a screen reader reads "No, never: 2 of 3"); free-text
prompts become a wall of answers, anonymous unless the instructor shows names,
with one answer optionally spotlighted. Every string a trainee typed, and every
prompt id, goes through :func:`html.escape` (``esc``) on its way into HTML.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Sequence

from ..data.store import ResponseStore, SavedAnswer, Trainee
from .html import esc, local_time
from ..content.prompts import PromptInfo

Answer = tuple[Trainee, SavedAnswer]


def format_answer(value: Any) -> str:
    """An answer as plain text: lists joined, mappings as "key: value", everything else as typed."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)

STYLE = """<style>
.ap-console-code{font:700 4.5rem/1.1 ui-monospace,monospace;letter-spacing:.25em;margin:.2em 0}
.ap-bars{list-style:none;padding:0;margin:.4em 0}
.ap-bars li{margin:.35em 0}
.ap-bar{display:block;height:1.1em;background:#1f4e79;min-width:2px;border-radius:2px}
.ap-wall{display:flex;flex-wrap:wrap;gap:.6em;list-style:none;padding:0}
.ap-wall li{border:1px solid #8a8a8a;border-radius:6px;padding:.5em .7em;max-width:28em;background:#fff}
.ap-wall .ap-who{font-weight:700;display:block}
.ap-answer-text{white-space:pre-wrap;font:inherit;margin:0}
.ap-spotlight{border:3px solid #b35900;border-radius:8px;padding:.8em 1em;font-size:1.6rem;background:#fff8ef}
.ap-closed{color:#8b0000;font-weight:700}
.ap-console table{border-collapse:collapse}
.ap-console td,.ap-console th{border:1px solid #bbb;padding:.25em .6em;text-align:left}
.ap-chart{max-width:100%;height:auto;display:block;margin:.5em 0}
</style>"""


def latest_by_prompt(store: ResponseStore, class_id: int) -> dict[str, list[Answer]]:
    """Each trainee's latest answer to every prompt of one class, in first-answered order (one query)."""
    latest: dict[str, dict[int, Answer]] = {}
    for trainee, answer in store.iter_answers(class_id):
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


def bars_html(info: PromptInfo, answers: Sequence[Answer]) -> str:
    """Horizontal bars, one per option, with the count and share written out."""
    total = len(answers)
    items = []
    for option, count in tally(info, answers):
        share = round(100 * count / total) if total else 0
        items.append(
            f'<li><span class="ap-option">{esc(option)}: <strong>{count}</strong> of {total}'
            f" ({share}%)</span>"
            f'<span class="ap-bar" aria-hidden="true" style="width:{share}%"></span></li>'
        )
    return f'<ul class="ap-bars">{"".join(items)}</ul>'


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


def words_html(answers: Sequence[Answer]) -> str:
    """The word frequencies as a sentence a screen reader reads well, or nothing."""
    frequent = word_frequencies(answers)
    if not frequent:
        return ""
    words = ", ".join(f"<strong>{esc(word)}</strong> ({count})" for word, count in frequent)
    return f'<p class="ap-words">Words used most: {words}</p>'


def wall_html(answers: Sequence[Answer], *, show_names: bool, spotlight: int | None = None) -> str:
    """Free-text answers as cards; anonymous unless ``show_names``; one card can be spotlighted."""
    cards, featured = [], ""
    for number, (trainee, answer) in enumerate(answers, start=1):
        who = esc(trainee.name) if show_names else f"Answer {number}"
        text = esc(format_answer(answer.value))
        when = esc(local_time(answer.created_at))
        if trainee.id == spotlight:
            featured = (
                f'<div class="ap-spotlight" role="region" aria-label="Spotlighted answer">'
                f'<span class="ap-who">{who}</span><pre class="ap-answer-text">{text}</pre></div>'
            )
        cards.append(
            f'<li><span class="ap-who">{who} <small>({when})</small></span>'
            f'<pre class="ap-answer-text">{text}</pre></li>'
        )
    return f'{featured}{words_html(answers)}<ul class="ap-wall">{"".join(cards)}</ul>'


def prompt_html(
    info: PromptInfo,
    answers: Sequence[Answer],
    *,
    is_open: bool = True,
    show_names: bool = False,
    spotlight: int | None = None,
) -> str:
    """One prompt's results: question, count, open/closed state, then bars or the wall."""
    state = "" if is_open else ' · <span class="ap-closed">closed</span>'
    body = (
        bars_html(info, answers)
        if info.kind in ("choice", "multi", "scale")
        else wall_html(answers, show_names=show_names, spotlight=spotlight)
    )
    if not answers:
        body = "<p>No answers yet.</p>"
    return (
        f'<section class="ap-live-prompt" data-prompt="{esc(info.prompt_id)}">'
        f"<h3>{esc(info.question)}</h3>"
        f"<p><small>{esc(info.prompt_id)} · {len(answers)} answered{state}</small></p>{body}</section>"
    )


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
