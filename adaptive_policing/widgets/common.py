"""Pieces every classroom widget shares: the status line, the store and trainee lookup, text fields.

The save cycle of a saved-answer widget lives in :mod:`.saved`.
"""

from __future__ import annotations


import ipywidgets as widgets

from . import viewer
from ..data.store import ResponseStore, Trainee, open_store
from ..views.render import render

PREVIEW_MESSAGE = "Preview: you are not signed in, so answers here are not saved."
CLOSED_MESSAGE = "This question is closed."
"""Shown when the instructor has closed the prompt; the answer stays in the controls."""


class StatusLine(widgets.HTML):
    """A one-line message that screen readers announce when it changes (errors at once)."""

    def __init__(self) -> None:
        super().__init__(value="")
        self.add_class("ap-status")
        self.kind = ""
        self.text = ""

    def show(self, text: str, kind: str = "info") -> None:
        """Show ``text``; ``kind`` is info, saved, warning or error."""
        self.kind, self.text = kind, text
        self.value = render("trainee/status.html.j2", kind=kind, text=text)


class Participant:
    """The store and the signed-in trainee a widget works for (None in preview)."""

    def __init__(self, store: ResponseStore | None, trainee: Trainee | None) -> None:
        self.trainee = trainee if trainee is not None else viewer.current_trainee()
        self._store = store

    @property
    def store(self) -> ResponseStore:
        if self._store is None:
            self._store = open_store()
        return self._store

    @property
    def signed_in(self) -> bool:
        return self.trainee is not None


def text_box(label: str, placeholder: str = "", *, lines: int = 1) -> widgets.Text | widgets.Textarea:
    """A labelled text field that sends its value when the trainee leaves it.

    Sending on leaving (not on every keystroke) means a Save or Sign in pressed
    straight after typing, by mouse or by keyboard, always sees the full text.
    """
    if lines == 1:
        box: widgets.Text | widgets.Textarea = widgets.Text(
            description=label, placeholder=placeholder, continuous_update=False
        )
    else:
        box = widgets.Textarea(
            description=label,
            placeholder=placeholder,
            continuous_update=False,
            layout=widgets.Layout(width="100%", height=f"{lines * 1.5}em"),
        )
    box.add_class("ap-field")
    return box


def fragment(template_name: str, **context: object) -> widgets.HTML:
    """A fixed piece of HTML rendered from a trainee template (``trainee/<name>.html.j2``)."""
    return widgets.HTML(render(f"trainee/{template_name}.html.j2", **context))
