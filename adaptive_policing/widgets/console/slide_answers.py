"""A discussion prompt as the instructor server shows it: the class's live answers.

On the instructor server (``viewer.is_instructor_view()``), ``prompt(...)`` in a
course page, and so on its projector slides, returns :class:`SlideAnswers`
instead of an answer box: the question with bars (choice, multi, scale) or an
anonymous wall of answers (free text) with the answer the console spotlights
(still without a name), all escaped, re-read from the store
whenever the class's change marker moves: every slide prompt of a kernel, and
its console, share the kernel's one live refresher
(:mod:`adaptive_policing.widgets.live`). Closing the widget ends its updates.

The class is the one named by ``?class=<code>`` in the page's address (the
console's slide links carry it), else the newest class.
"""

from __future__ import annotations

from typing import Sequence

import ipywidgets as widgets

from .. import viewer
from ..live import Refresher, Subscription, refresher as kernel_refresher
from ..viewer import CLASS_PARAM
from ...data.store import TrainingClass, ResponseStore, open_store
from ...content.prompts import SCALE_LABELS, PromptInfo
from ...views.results import slide_answers_html


def page_class(store: ResponseStore) -> TrainingClass | None:
    """The class this instructor page shows: ``?class=<code>``, else the newest class (of those it may show)."""
    code = viewer.page_param(CLASS_PARAM)
    classes = viewer.visible_classes(store)
    if code:
        chosen = store.class_by_code(code)
        return chosen if chosen is not None and chosen.id in {c.id for c in classes} else None
    return classes[0] if classes else None


class SlideAnswers(widgets.HTML):
    """One prompt's live answers for one class, in place of the prompt."""

    def __init__(self, info: PromptInfo, *, store: ResponseStore | None = None,
                 training_class: TrainingClass | None = None, live: bool = False,
                 refresher: Refresher | None = None) -> None:
        """``live``: follow the store, with ``refresher`` (default: the kernel's one)."""
        super().__init__()
        self.add_class("ap-slide-answers")
        self.add_class("ap-results")
        self.info = info
        self.store = store or open_store()
        self.training_class = training_class if training_class is not None else page_class(self.store)
        self._subscription: Subscription | None = None
        if live and self.training_class is not None:  # before the first read, so no save after it is missed
            self._subscription = (refresher or kernel_refresher()).subscribe(
                self.store, self.refresh, class_id=self.training_class.id)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the class's answers; the page is only updated when they changed."""
        if self.training_class is None:
            html = slide_answers_html(self.info, None)
        else:
            answers = self.store.class_answers(self.training_class.id, self.info.prompt_id)
            is_open = self.store.prompt_is_open(self.training_class.id, self.info.prompt_id)
            spotlight = self.store.spotlight(self.training_class.id)
            chosen = spotlight[1] if spotlight is not None and spotlight[0] == self.info.prompt_id else None
            html = slide_answers_html(self.info, answers, is_open=is_open, spotlight=chosen)
        if html != self.value:
            self.value = html

    @property
    def live(self) -> bool:
        """Whether the widget still follows the store."""
        return self._subscription is not None and self._subscription.active

    def close(self) -> None:
        """Close the widget and end its live updates."""
        if self._subscription is not None:
            self._subscription.cancel()
        super().close()


def slide_answers(prompt_id: str, question: str, kind: str = "text", options: Sequence[str] = (),
                  *, live: bool = True) -> SlideAnswers:
    """The live answers shown for ``prompt(prompt_id, question, kind=..., options=...)`` on the instructor server."""
    info = PromptInfo(prompt_id, question, kind, tuple(SCALE_LABELS if kind == "scale" else options))
    return SlideAnswers(info, live=live)
