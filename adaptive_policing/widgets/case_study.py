"""The case-study widget: read the situation, choose, watch the perception, read the debrief."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..content.case_play import CasePlay
from ..content.scenarios import OUTCOME_WORDS, PERCEPTION_MAX, CaseStudy, Choice, Ending, load_case_study
from ..data.records import Trainee
from ..views.render import render
from . import viewer
from .common import PREVIEW_MESSAGE, fragment
from .saved import SavedAnswerWidget

if TYPE_CHECKING:
    from ..data.store import ResponseStore


def perception_html(label: str, level: int, change: int | None = None) -> str:
    """The perception measure as words (for everyone) and a bar (decoration)."""
    moved = ""
    if change:
        moved = f" ({'up' if change > 0 else 'down'} {abs(change)})"
    elif change == 0:
        moved = " (no change)"
    return render("trainee/case_meter.html.j2", label=label, level=level, maximum=PERCEPTION_MAX,
                  moved=moved, share=round(100 * level / PERCEPTION_MAX))


def debrief_html(play: CasePlay) -> str:
    """The ending, its debrief, and the principle each choice honoured or broke."""
    ending = play.node
    assert isinstance(ending, Ending)
    steps = [
        {"number": number, "honours": choice.honours, "defensible": choice.defensible, "principle": choice.principle,
         "text": choice.text, "debrief": choice.debrief}
        for number, (_node, choice) in enumerate(play.made(), start=1)
    ]
    return render("trainee/case_ending.html.j2", outcome=ending.outcome, outcome_words=OUTCOME_WORDS[ending.outcome],
                  text=ending.text, debrief=ending.debrief, setback=ending.setback, steps=steps)


class CaseStudyPlayer(SavedAnswerWidget):
    """A case study for the signed-in trainee: choose, watch the perception, read the debrief.

    Each choice is saved at once (there is no Save button); opening a closed case
    study says so straight away, and a save that no longer fits the scenario
    starts the play again.
    """

    css_class = "ap-case-study"
    saved_noun = "place"
    stale_message = "This case study has changed since you last played it, so it starts again."
    warn_when_closed = True

    def __init__(
        self,
        case: CaseStudy | str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.case = case if isinstance(case, CaseStudy) else load_case_study(case, course_dir)
        self.play = CasePlay(self.case)
        self.last_choice: Choice | None = None
        super().__init__(self.case.prompt_id, store=store, trainee=trainee)
        if not viewer.request_arrived():  # a pre-warmed page shows the first decision while it waits for its trainee
            self._render()

    def build(self) -> list[widgets.Widget]:
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
        header = fragment("case_header", title=self.case.title, summary=self.case.summary)
        return [
            header, self.meter, self.consequence, self.situation, self.options,
            self.choose_button, self.ending, self.again_button,
        ]

    def opened(self) -> None:
        self._render()

    def held_until_open(self) -> list[widgets.DOMWidget]:
        return [self.options, self.choose_button, self.again_button]

    # state -------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The play as it would be saved."""
        return self.play.as_value()

    def apply_saved(self, value: Any) -> bool:
        replayed = CasePlay.from_value(self.case, value)
        if replayed is None:
            return False
        self.play = replayed
        return True

    # actions -------------------------------------------------------------------------

    def choose(self, index: int) -> bool:
        """Make choice ``index`` (0-based) at the current decision; returns whether it was saved."""
        change_from = self.play.level
        self.last_choice = self.play.choose(index)
        self._render(change=self.play.level - change_from)
        return self.save()

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
        node = self.play.node
        finished = isinstance(node, Ending)
        # the new choices, unselected, reach the page in one message and before the decision that asks for them,
        # so a trainee never sees the next decision over the last one's choices
        with self.options.hold_sync():
            self.options.options = [] if finished else [
                (f"{chr(65 + index)}. {choice.text}", index) for index, choice in enumerate(node.choices)
            ]
            self.options.value = None
        self.meter.value = perception_html(self.case.perception_label, self.play.level, change)
        self.consequence.value = self._consequence_html(change)
        self.situation.value = "" if finished else render(
            "trainee/case_situation.html.j2", number=len(self.play.choices) + 1, text=node.text
        )
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
        return render("trainee/case_consequence.html.j2", choice=self.last_choice.text, effect=effect)

    @staticmethod
    def _show(widget: widgets.Widget, visible: bool) -> None:
        widget.layout.display = None if visible else "none"


def case_study(case_id: str) -> CaseStudyPlayer:
    """A case study for a course page (one line in a notebook), e.g. ``case_study("window-stolen-bike")``."""
    return CaseStudyPlayer(case_id)
