"""The instructor console's own fragments (the class board, the timer line, notes, export links).

The console widget (:mod:`adaptive_policing.widgets.console.app`) shows these;
its tabs' bigger fragments come from :mod:`.results`, :mod:`.agenda`,
:mod:`.attendance` and :mod:`.activities`. All are rendered from templates.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from markupsafe import Markup

from .render import render, stylesheet

if TYPE_CHECKING:
    from ..data.store import TrainingClass

DOWNLOAD_TYPES = {".json": "application/json"}
"""Media types of exported files by suffix; anything else is CSV."""


def console_style() -> Markup:
    """The console's ``<style>`` block: the live results' and the agenda's sheets."""
    return stylesheet("results.css", "agenda.css")


def note_html(text: str, css_class: str = "") -> Markup:
    """One short paragraph, e.g. "Nothing yet." (``css_class`` e.g. ``"ap-closed"`` for a warning)."""
    return render("note.html.j2", text=text, css_class=css_class)


def heading_html(text: str, level: int = 2) -> Markup:
    """A heading ``<h2>``…``<h4>`` above a group of controls."""
    if level not in (2, 3, 4):
        raise ValueError(f"heading level {level} is not one the console uses")
    return render("heading.html.j2", text=text, level=level)


def join_html(parts: Iterable[Markup]) -> Markup:
    """Rendered fragments one after the other (plain text among them would be escaped)."""
    return render("join.html.j2", parts=list(parts))


def class_board_html(training_class: TrainingClass) -> Markup:
    """The class code in large type for the board, with the class's date, place, instructor and plan."""
    return render("class_board.html.j2", training_class=training_class)


def agenda_status_html(text: str) -> Markup:
    """The timer's one sentence, announced to screen readers when it changes."""
    return render("agenda_status.html.j2", text=text)


@dataclass(frozen=True)
class Download:
    """One exported file offered as a download link that needs no request (a data URL)."""

    path: Path
    media_type: str
    data: str
    """The file's bytes, base64."""


def export_links_html(paths: Iterable[Path]) -> Markup:
    """Download links for the files an export wrote, each with where it was written."""
    downloads = [
        Download(path, DOWNLOAD_TYPES.get(path.suffix, "text/csv"), base64.b64encode(path.read_bytes()).decode("ascii"))
        for path in paths
    ]
    return render("export_links.html.j2", downloads=downloads)


def same_day_html(training_class: "TrainingClass") -> Markup:
    """The question asked before a second class is created for a day and room that already have one."""
    return render("same_day.html.j2", training_class=training_class)
