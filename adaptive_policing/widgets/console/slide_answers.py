"""A discussion prompt as the instructor server shows it: the class's live answers.

On the instructor server (``viewer.is_instructor_view()``), ``prompt(...)`` in a
course page, and so on its projector slides, returns :class:`SlideAnswers`
instead of an answer box: the question with bars (choice, multi, scale) or an
anonymous wall of answers (free text), all escaped, re-read from the store by
one background thread per page every :data:`REFRESH_SECONDS`.

The class is the one named by ``?class=<code>`` in the page's address (the
console's slide links carry it), else the newest class.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Sequence

import ipywidgets as widgets

from .. import viewer
from ..viewer import CLASS_PARAM
from ...data.store import ClassSession, ResponseStore, open_store
from ...content.prompts import SCALE_LABELS, PromptInfo
from ...views.results import slide_answers_html

REFRESH_SECONDS = 2.0


def page_class(store: ResponseStore) -> ClassSession | None:
    """The class this instructor page shows: ``?class=<code>``, else the newest class."""
    code = viewer.page_param(CLASS_PARAM)
    if code:
        return store.class_by_code(code)
    classes = store.classes()
    return classes[0] if classes else None


class SlideAnswers(widgets.HTML):
    """One prompt's live answers for one class, in place of the prompt."""

    def __init__(self, info: PromptInfo, *, store: ResponseStore | None = None,
                 class_session: ClassSession | None = None) -> None:
        super().__init__()
        self.add_class("ap-slide-answers")
        self.add_class("ap-results")
        self.info = info
        self.store = store or open_store()
        self.class_session = class_session if class_session is not None else page_class(self.store)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the class's answers; the page is only updated when they changed."""
        if self.class_session is None:
            html = slide_answers_html(self.info, None)
        else:
            answers = self.store.class_answers(self.class_session.id, self.info.prompt_id)
            is_open = self.store.prompt_is_open(self.class_session.id, self.info.prompt_id)
            html = slide_answers_html(self.info, answers, is_open=is_open)
        if html != self.value:
            self.value = html


_live: "weakref.WeakSet[SlideAnswers]" = weakref.WeakSet()
_poller: threading.Thread | None = None
_poller_lock = threading.Lock()


def _poll() -> None:
    while True:
        time.sleep(REFRESH_SECONDS)
        for widget in list(_live):
            try:
                widget.refresh()
            except Exception:  # a busy database: try again next time
                continue


def slide_answers(prompt_id: str, question: str, kind: str = "text", options: Sequence[str] = (),
                  *, live: bool = True) -> SlideAnswers:
    """The live answers shown for ``prompt(prompt_id, question, kind=..., options=...)`` on the instructor server."""
    global _poller
    info = PromptInfo(prompt_id, question, kind, tuple(SCALE_LABELS if kind == "scale" else options))
    widget = SlideAnswers(info)
    if live:
        _live.add(widget)
        with _poller_lock:
            if _poller is None:
                _poller = threading.Thread(target=_poll, name="slide-answers", daemon=True)
                _poller.start()
    return widget
