"""The case-study widget: read the situation, choose, watch the perception, read the debrief."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..data.store import ResponseStore, Trainee
from .common import CLOSED_MESSAGE, PREVIEW_MESSAGE, AnswerKeeper, Participant, StatusLine
from ..views.html import esc, local_time
from ..content.case_play import CasePlay
from ..content.scenarios import OUTCOME_WORDS, PERCEPTION_MAX, CaseStudy, Choice, Ending, load_case_study


def perception_html(label: str, level: int, change: int | None = None) -> str:
    """The perception measure as words (for everyone) and a bar (decoration)."""
    moved = ""
    if change:
        moved = f" ({'up' if change > 0 else 'down'} {abs(change)})"
    elif change == 0:
        moved = " (no change)"
    share = round(100 * level / PERCEPTION_MAX)
    return (
        f'<div class="ap-case-meter"><p class="ap-case-meter-text">{esc(label)}: '
        f"<strong>{level} out of {PERCEPTION_MAX}</strong>{esc(moved)}</p>"
        f'<div class="ap-case-bar" aria-hidden="true"><span style="width:{share}%"></span></div></div>'
    )


def _paragraphs(text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return "".join(f"<p{klass}>{esc(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def debrief_html(play: CasePlay) -> str:
    """The ending, its debrief, and the principle each choice honoured or broke."""
    ending = play.node
    assert isinstance(ending, Ending)
    items = []
    for number, (_node, choice) in enumerate(play.made(), start=1):
        mark = "✓ Honours" if choice.honours else "✗ Breaks"
        kind = "honours" if choice.honours else "breaks"
        items.append(
            f'<li class="ap-case-step ap-case-{kind}">'
            f'<p><span class="ap-case-mark">{mark}:</span> <strong>{esc(choice.principle)}</strong></p>'
            f'<p class="ap-case-said">Choice {number}: {esc(choice.text)}</p>'
            f"<p>{esc(choice.debrief)}</p></li>"
        )
    return (
        f'<div class="ap-case-ending ap-case-outcome-{esc(ending.outcome)}">'
        f'<h4 class="ap-case-outcome">Ending: {esc(OUTCOME_WORDS[ending.outcome])}</h4>'
        f"{_paragraphs(ending.text)}"
        f'<h4>Debrief</h4>{_paragraphs(ending.debrief, "ap-case-ending-debrief")}'
        f"<h4>Your choices</h4>"
        f'<ol class="ap-case-debrief">{"".join(items)}</ol></div>'
    )


class CaseStudyPlayer(widgets.VBox):
    """A case study for the signed-in trainee: choose, watch the perception, read the debrief."""

    def __init__(
        self,
        case: CaseStudy | str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.case = case if isinstance(case, CaseStudy) else load_case_study(case, course_dir)
        self.participant = Participant(store, trainee)
        self.play = CasePlay(self.case)
        self.last_choice: Choice | None = None
        self.status = StatusLine()
        self.keeper = AnswerKeeper(self.case.prompt_id, self.participant, self.status)
        self.meter = widgets.HTML()
        self.consequence = widgets.HTML()
        self.situation = widgets.HTML()
        self.options = widgets.RadioButtons(options=[], value=None, layout=widgets.Layout(width="auto"))
        self.options.add_class("ap-case-options")
        self.choose_button = widgets.Button(
            description="Choose", button_style="primary", icon="arrow-right", tooltip="Go with the selected choice"
        )
        self.choose_button.on_click(lambda _button: self._choose_selected())
        self.again_button = widgets.Button(description="Play again", icon="refresh", tooltip="Start the case study again")
        self.again_button.on_click(lambda _button: self.restart())
        self.ending = widgets.HTML()
        header = widgets.HTML(
            f'<h3 class="ap-case-title">Case study: {esc(self.case.title)}</h3>'
            f'<div class="ap-case-summary">{_paragraphs(self.case.summary)}</div>'
        )
        super().__init__(children=[
            header, self.meter, self.consequence, self.situation, self.options,
            self.choose_button, self.ending, self.again_button, self.status,
        ])
        self.add_class("ap-case-study")
        self._restore()
        self._render()

    # state -------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The play as it would be saved."""
        return self.play.as_value()

    def _restore(self) -> None:
        saved = self.keeper.saved()
        if not self.participant.signed_in:
            return
        if not self.keeper.is_open():
            self.status.show(CLOSED_MESSAGE, "warning")
        if saved is None:
            return
        replayed = CasePlay.from_value(self.case, saved.value)
        if replayed is None:
            self.status.show("This case study has changed since you last played it, so it starts again.", "info")
            return
        self.play = replayed
        if self.keeper.is_open():
            self.status.show(f"Your place saved at {local_time(saved.created_at)} is shown.", "saved")

    def _save(self) -> bool:
        return self.keeper.save(self.value)

    # actions -------------------------------------------------------------------------

    def choose(self, index: int) -> bool:
        """Make choice ``index`` (0-based) at the current decision; returns whether it was saved."""
        change_from = self.play.level
        self.last_choice = self.play.choose(index)
        self._render(change=self.play.level - change_from)
        return self._save()

    def _choose_selected(self) -> None:
        if self.options.value is None:
            self.status.show("Please pick one of the choices first.", "error")
            return
        self.choose(int(self.options.value))

    def restart(self) -> None:
        """Start the case study again (saved with the first new choice)."""
        self.play = CasePlay(self.case)
        self.last_choice = None
        self._render()
        self.status.show("Started again. Your new play is saved after your first choice."
                         if self.participant.signed_in else PREVIEW_MESSAGE,
                         "info" if self.participant.signed_in else "warning")

    # display --------------------------------------------------------------------------

    def _render(self, change: int | None = None) -> None:
        self.meter.value = perception_html(self.case.perception_label, self.play.level, change)
        self.consequence.value = self._consequence_html(change)
        node = self.play.node
        finished = isinstance(node, Ending)
        self.situation.value = "" if finished else (
            f'<div class="ap-case-situation" aria-live="polite">'
            f"<h4>Decision {len(self.play.choices) + 1}</h4>{_paragraphs(node.text)}"
            f'<p class="ap-case-ask">What do you do?</p></div>'
        )
        self.options.options = [] if finished else [
            (f"{chr(65 + index)}. {choice.text}", index) for index, choice in enumerate(node.choices)
        ]
        self.options.value = None
        self.ending.value = debrief_html(self.play) if finished else ""
        self._show(self.options, not finished)
        self._show(self.choose_button, not finished)
        self._show(self.again_button, finished)

    def _consequence_html(self, change: int | None) -> str:
        if self.last_choice is None:
            return ""
        if change:
            effect = f"{self.case.perception_label} went {'up' if change > 0 else 'down'} by {abs(change)}."
        else:
            effect = f"{self.case.perception_label} did not change."
        return (
            f'<div class="ap-case-consequence" role="status"><p><strong>You chose:</strong> '
            f"{esc(self.last_choice.text)}</p><p>{esc(effect)}</p></div>"
        )

    @staticmethod
    def _show(widget: widgets.Widget, visible: bool) -> None:
        widget.layout.display = None if visible else "none"


def case_study(case_id: str) -> CaseStudyPlayer:
    """A case study for a course page (one line in a notebook), e.g. ``case_study("window-stolen-bike")``."""
    return CaseStudyPlayer(case_id)
