"""The self-assessment's change and the course feedback, for the console (HTML, PNG chart) and the export.

* :func:`survey_chart_png` draws each item's class mean before (open circle)
  and after (filled diamond) on the 1–5 scale; :func:`survey_chart_alt` says
  the same in words.
* :func:`survey_html` is the console's section: the chart, a table per item
  (trainees who rated it both times, mean before, mean after, change) and the
  course feedback **without names**: the mean ratings and the typed answers
  sorted alphabetically (so their order does not follow the sign-in order),
  shown once at least :data:`FEEDBACK_MINIMUM` trainees have sent the form.
* :func:`survey_record` is the export's data: each trainee's pairs and
  feedback form, with the trainee's id and name, for the coordinator.

Everything a trainee typed reaches the page only as an autoescaped template
variable.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from ..analysis.survey import ItemChange, feedback_entries, item_changes, mean_rating, trainee_pairs
from ..analysis.tallies import Answer
from ..content.survey import Survey
from .charts import figure_png, new_figure
from .images import png_img
from .render import render

FEEDBACK_MINIMUM = 3
"""The console shows the feedback once this many trainees have sent it, so no answer is obviously one person's."""


def _label(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(textwrap.shorten(text, width=90, placeholder="…"), width=width))


def survey_chart_png(changes: Sequence[ItemChange]) -> bytes:
    """A dumbbell chart: the class's mean rating of each item before and after, on the 1–5 scale."""
    shown = [c for c in changes if c.before is not None and c.after is not None]
    figure = new_figure(figsize=(8, 1.6 + 0.7 * max(len(shown), 1)), dpi=100)
    axes = figure.subplots()
    axes.set_xlim(0.8, 5.2)
    axes.set_xticks([1, 2, 3, 4, 5], ["1 Strongly\ndisagree", "2", "3 Neutral", "4", "5 Strongly\nagree"])
    axes.grid(axis="x", color="#dddddd")
    axes.set_title("Self-assessment: the class's mean rating before and after the course", fontsize=11)
    if not shown:
        axes.set_yticks([])
        axes.text(3, 0.5, "No trainee has rated both times yet", ha="center", va="center", fontsize=14)
        axes.set_ylim(0, 1)
        return figure_png(figure)
    positions = list(range(len(shown)))[::-1]
    for y, change in zip(positions, shown):
        axes.annotate("", xy=(change.after, y), xytext=(change.before, y),
                      arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.5})
        axes.text(max(change.before, change.after) + 0.08, y, f"{change.change:+.1f}", va="center", fontsize=9)
    axes.scatter([c.before for c in shown], positions, s=80, facecolors="white", edgecolors="#7a4b00",
                 linewidths=2, marker="o", label="Before", zorder=3)
    axes.scatter([c.after for c in shown], positions, s=80, color="#0b4f9c", marker="D", label="After", zorder=3)
    axes.set_yticks(positions, [_label(c.statement) for c in shown], fontsize=8)
    axes.set_ylim(-0.7, len(shown) - 0.3)
    axes.legend(loc="lower left", fontsize=8)
    return figure_png(figure)


def survey_chart_alt(changes: Sequence[ItemChange]) -> str:
    """The chart in words."""
    shown = [c for c in changes if c.change is not None]
    if not shown:
        return "No trainee has rated the statements both before and after yet."
    lines = [f"{c.statement} {c.before:.1f} before, {c.after:.1f} after ({c.change:+.1f}, {c.paired} trainee(s))."
             for c in shown]
    return " ".join(["The class's mean self-assessment on a 1 to 5 scale, before and after the course.", *lines])


@lru_cache(maxsize=8)
def _chart(changes: tuple[ItemChange, ...]) -> Markup:
    """Drawn again only when a mean changed."""
    return png_img(survey_chart_png(changes), survey_chart_alt(changes))


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def survey_html(latest: Mapping[str, Sequence[Answer]], survey: Survey) -> Markup:
    """The console's self-assessment and feedback section for one class (feedback without names)."""
    changes = item_changes(trainee_pairs(latest, survey.items), survey.items)
    entries = feedback_entries(latest)
    shown = len(entries) >= FEEDBACK_MINIMUM
    return render(
        "survey.html.j2",
        rows=[{"statement": c.statement, "paired": c.paired, "before": _figure(c.before),
               "after": _figure(c.after), "change": "–" if c.change is None else f"{c.change:+.1f}"}
              for c in changes],
        chart=_chart(tuple(changes)) if any(c.change is not None for c in changes) else None,
        feedback_count=len(entries),
        feedback_minimum=FEEDBACK_MINIMUM,
        feedback_shown=shown,
        instructor=_figure(mean_rating(entries, "instructor")),
        materials=_figure(mean_rating(entries, "materials")),
        questions=survey.feedback,
        helped=sorted(e.helped for e in entries if e.helped) if shown else [],
        change=sorted(e.change for e in entries if e.change) if shown else [],
    )


def survey_record(latest: Mapping[str, Sequence[Answer]], survey: Survey) -> dict[str, Any]:
    """The export's ``self_assessment`` and ``course_feedback``: every trainee's pairs and form, with their id."""
    return {
        "self_assessment": [
            {"trainee_id": p.trainee_id, "name": p.name, "badge": p.badge,
             "items": {item_id: {"pre": before, "post": after} for item_id, (before, after) in p.ratings.items()}}
            for p in trainee_pairs(latest, survey.items)
        ],
        "course_feedback": [
            {"trainee_id": e.trainee_id, "helped": e.helped, "change": e.change, "instructor": e.instructor,
             "materials": e.materials}
            for e in feedback_entries(latest)
        ],
    }
