"""The console's agenda and facilitator guide as HTML, rendered from templates.

* :func:`agenda_html` lists the plan's sections with the current one marked in
  words ("Now", "Done") as well as by colour, each with a link to its slides,
  its activities (run before or after the teaching) and its run-of-show: the
  core items and the items for when there is time, with their minutes
  (:mod:`adaptive_policing.content.run_of_show`); the current section's list is open.
* :func:`guide_html` renders one part of the facilitator guide from markdown,
  with raw HTML in the markdown shown as text, never passed through.

The timing is worked out in :mod:`adaptive_policing.analysis.agenda`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..analysis.agenda import AgendaStatus, GuideSection, minutes_text, page_id_of, section_states
from ..content.plan import AgendaRow, PageRef
from ..content.run_of_show import PageEstimate, RunItem
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
    estimate: PageEstimate | None = None
    """The section's run-of-show (None when it could not be read)."""
    activity_slides: Mapping[str, str] | None = None
    """Slide addresses of the section's activities, by notebook path."""

    @property
    def activities(self) -> list[tuple[PageRef, str]]:
        """The section's activities with their slide addresses ("" for none)."""
        links = self.activity_slides or {}
        return [(activity, links.get(activity.path, "")) for activity in self.row.activities]

    @property
    def core(self) -> tuple[RunItem, ...]:
        return self.estimate.tier_items("core") if self.estimate else ()

    @property
    def if_time(self) -> tuple[RunItem, ...]:
        return self.estimate.tier_items("if-time") if self.estimate else ()

    @property
    def summary(self) -> str:
        """The run-of-show line, e.g. "Core 18.5 of 21 min · if time 10 min" (reading counts in the core)."""
        if self.estimate is None:
            return ""
        core = f"Core {number_text(self.estimate.core_minutes)} of {self.estimate.planned} min"
        spare = self.estimate.minutes("if-time")
        return f"{core} · if time {number_text(spare)} min" if spare else core

    @property
    def reading(self) -> str:
        return number_text(self.estimate.reading_minutes) if self.estimate else ""

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


def number_text(minutes: float) -> str:
    """Minutes to the half minute, without a trailing ".0" (``18.5``, ``4``)."""
    rounded = round(minutes * 2) / 2
    return f"{rounded:g}"


def agenda_html(rows: Sequence[AgendaRow], status: AgendaStatus, slide_links: Sequence[str] = (),
                estimates: Mapping[str, PageEstimate] | None = None,
                activity_slides: Mapping[str, str] | None = None) -> Markup:
    """The agenda as an ordered list; the current section says "Now", earlier ones "Done".

    ``slide_links`` (one address per row, optional) adds a "Slides" link to each
    section, ``activity_slides`` (by notebook path) one to each activity.
    ``estimates`` (by page id) adds each section's core and if-time items.
    """
    links = list(slide_links) + [""] * (len(rows) - len(slide_links))
    items = [AgendaItem(row, state, link, (estimates or {}).get(page_id_of(row)), activity_slides)
             for row, state, link in zip(rows, section_states(rows, status), links)]
    return render("agenda.html.j2", items=items)


_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def guide_html(section: GuideSection | None) -> Markup:
    """One guide part as HTML; raw HTML in the markdown is shown as text, never rendered."""
    # markdown-it escapes every raw HTML tag and attribute ("html": False), so its output is safe as it is
    body = Markup(_markdown.render(section.body)) if section is not None else None
    return render("guide.html.j2", section=section, body=body)
