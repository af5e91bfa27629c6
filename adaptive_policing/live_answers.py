"""The instructor's live view of a class's answers, updating on its own.

One line in an instructor notebook, ``live_answers()``, shows a class picker
and, per prompt, every trainee's latest answer. A background thread re-reads
the store every second and updates the page only when something changed, so
the instructor never has to reload. Every answer is escaped before display.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets

from .store import ClassSession, ResponseStore, open_store
from .widgets.common import esc, local_time

REFRESH_SECONDS = 1.0


def format_answer(value: Any) -> str:
    """An answer as plain text: lists joined, everything else as typed."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def answers_html(store: ResponseStore, class_session: ClassSession) -> str:
    """Every prompt answered in the class, with each trainee's latest answer, as escaped HTML."""
    prompt_ids = [p for p in store.prompts_answered(class_session.id) if ":" not in p]
    if not prompt_ids:
        return "<p>No answers yet. They appear here as soon as trainees save them.</p>"
    sections = []
    for prompt_id in prompt_ids:
        rows = store.class_answers(class_session.id, prompt_id)
        items = "".join(
            f'<li><strong>{esc(trainee.name)}</strong> <span class="ap-minutes">'
            f"({esc(local_time(answer.created_at))})</span>"
            f'<pre class="ap-answer-text">{esc(format_answer(answer.value))}</pre></li>'
            for trainee, answer in rows
        )
        sections.append(
            f'<section class="ap-live-prompt" data-prompt="{esc(prompt_id)}">'
            f"<h3>{esc(prompt_id)} <small>({len(rows)} answered)</small></h3><ul>{items}</ul></section>"
        )
    return "".join(sections)


class LiveAnswers(widgets.VBox):
    """A class picker and the chosen class's answers, refreshed every second."""

    def __init__(self, *, store: ResponseStore | None = None, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.store = store or open_store()
        self.refresh_seconds = refresh_seconds
        options = self._class_options()
        self.picker = widgets.Dropdown(
            options=options, value=options[0][1] if options else None, description="Class"
        )
        self.board = widgets.HTML("")
        self.board.add_class("ap-live-board")
        self.picker.observe(lambda _change: self.refresh(), names="value")
        super().__init__(children=[self.picker, self.board])
        self._stop = threading.Event()
        self.refresh()
        self._thread = threading.Thread(target=self._poll, name="live-answers", daemon=True)
        self._thread.start()

    def _class_options(self) -> list[tuple[str, int]]:
        return [
            (f"{c.class_date:%d %b %Y} · {c.code} · {c.location or c.title}", c.id)
            for c in self.store.classes()
        ]

    def refresh(self) -> None:
        """Re-read the store; update the page only when something changed."""
        options = self._class_options()
        if options != list(self.picker.options):
            chosen = self.picker.value
            self.picker.options = options
            self.picker.value = chosen if chosen in dict(options).values() else options[0][1]
        chosen = self.store.class_by_id(self.picker.value) if self.picker.value is not None else None
        if chosen is None:
            html = "<p>No class has been created yet.</p>"
        else:
            html = (
                f"<p>Class code <strong>{esc(chosen.code)}</strong> · "
                f"{len(self.store.trainees_in(chosen.id))} signed in</p>" + answers_html(self.store, chosen)
            )
        if html != self.board.value:
            self.board.value = html

    def _poll(self) -> None:
        while not self._stop.wait(self.refresh_seconds):
            try:
                self.refresh()
            except Exception:  # a busy database: try again next second
                continue

    def stop(self) -> None:
        self._stop.set()


def live_answers() -> LiveAnswers:
    """The live answers board (one line in an instructor notebook)."""
    return LiveAnswers()
