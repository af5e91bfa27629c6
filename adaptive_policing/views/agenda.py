"""The console's agenda and facilitator guide as HTML, rendered from templates.

* :func:`agenda_html` lists the plan's sections with the current one marked in
  words ("Now", "Done") as well as by colour, each with a link to its slides.
* :func:`guide_html` renders one part of the facilitator guide from markdown,
  with raw HTML in the markdown shown as text, never passed through.

The timing is worked out in :mod:`adaptive_policing.analysis.agenda`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..analysis.agenda import AgendaStatus, GuideSection, minutes_text, section_states
from ..content.plan import AgendaRow
from .render import render

STATE_WORDS = {"now": "Now", "done": "Done", "next": ""}
"""What each section state reads as in the list (the colour only repeats it)."""


@dataclass(frozen=True)
class AgendaItem:
    """One section of the agenda as the list shows it."""

    row: AgendaRow
    state: str
    """``"now"``, ``"done"`` or ``"next"``."""
    slides: str
    """The address of the section's slides ("" for none)."""

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def start(self) -> str:
        """The planned start minute, right-aligned in three places."""
        return f"{self.row.start_minute:>3}"

    @property
    def length(self) -> str:
        return minutes_text(self.row.minutes)


def agenda_html(rows: Sequence[AgendaRow], status: AgendaStatus, slide_links: Sequence[str] = ()) -> Markup:
    """The agenda as an ordered list; the current section says "Now", earlier ones "Done".

    ``slide_links`` (one address per row, optional) adds a "Slides" link to each section.
    """
    links = list(slide_links) + [""] * (len(rows) - len(slide_links))
    items = [AgendaItem(row, state, link) for row, state, link in zip(rows, section_states(rows, status), links)]
    return render("agenda.html.j2", items=items)


_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def guide_html(section: GuideSection | None) -> Markup:
    """One guide part as HTML; raw HTML in the markdown is shown as text, never rendered."""
    # markdown-it escapes every raw HTML tag and attribute ("html": False), so its output is safe as it is
    body = Markup(_markdown.render(section.body)) if section is not None else None
    return render("guide.html.j2", section=section, body=body)
