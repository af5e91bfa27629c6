"""Live results of discussion prompts as accessible HTML, rendered from templates.

Choice, multiple-choice and 1–5 scale prompts become horizontal bars with the
counts written out (a screen reader reads "No, never: 2 of 3"); free-text
prompts become a wall of answers, anonymous unless the instructor shows names,
with one answer optionally spotlighted. The counting is in
:mod:`adaptive_policing.analysis.tallies`; every string a trainee typed, and
every prompt id, reaches the page only through an autoescaped template variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Sequence

from markupsafe import Markup

from ..analysis.tallies import format_answer, share_percent, tally, word_frequencies
from ..content.prompts import PromptInfo
from .render import render

if TYPE_CHECKING:
    from ..analysis.tallies import Answer

BAR_KINDS = ("choice", "multi", "scale")
"""Prompt kinds whose results are bars; every other kind is a wall of answers."""


@dataclass(frozen=True)
class Bar:
    """One option's bar: how many chose it and their share of everyone who answered (whole percent)."""

    option: str
    count: int
    share: int


@dataclass(frozen=True)
class Card:
    """One answer on the wall: who (a name or "Answer 3"), the answer as text, and when it was saved."""

    who: str
    text: str
    saved_at: datetime


def bars_html(info: PromptInfo, answers: Sequence[Answer]) -> Markup:
    """Horizontal bars, one per option, with the count and share written out."""
    total = len(answers)
    bars = [Bar(option, count, share_percent(count, total)) for option, count in tally(info, answers)]
    return render("bars.html.j2", bars=bars, total=total)


def words_html(answers: Sequence[Answer]) -> Markup:
    """The word frequencies as a sentence a screen reader reads well, or nothing."""
    return render("words.html.j2", words=word_frequencies(answers))


def wall_html(answers: Sequence[Answer], *, show_names: bool, spotlight: int | None = None) -> Markup:
    """Free-text answers as cards; anonymous unless ``show_names``; one card can be spotlighted."""
    cards, featured = [], None
    for number, (trainee, answer) in enumerate(answers, start=1):
        card = Card(trainee.name if show_names else f"Answer {number}", format_answer(answer.value),
                    answer.created_at)
        cards.append(card)
        if trainee.id == spotlight:
            featured = card
    return render("wall.html.j2", cards=cards, featured=featured, words=words_html(answers))


def prompt_html(
    info: PromptInfo,
    answers: Sequence[Answer],
    *,
    is_open: bool = True,
    show_names: bool = False,
    spotlight: int | None = None,
) -> Markup:
    """One prompt's results: question, count, open/closed state, then bars or the wall."""
    if not answers:
        body = None
    elif info.kind in BAR_KINDS:
        body = bars_html(info, answers)
    else:
        body = wall_html(answers, show_names=show_names, spotlight=spotlight)
    return render("prompt_results.html.j2", info=info, answered=len(answers), is_open=is_open, body=body)


def slide_answers_html(info: PromptInfo, answers: Sequence[Answer] | None, *, is_open: bool = True,
                       spotlight: int | None = None) -> Markup:
    """A prompt's anonymous live answers on a projector slide, with the style they need.

    ``answers`` is ``None`` when there is no class to show: the slide then shows
    the question and says so. ``spotlight`` is the trainee whose answer the
    instructor spotlighted in the console (shown without their name).
    """
    results = None if answers is None else prompt_html(info, answers, is_open=is_open, show_names=False,
                                                       spotlight=spotlight)
    return render("slide_answers.html.j2", info=info, results=results)
