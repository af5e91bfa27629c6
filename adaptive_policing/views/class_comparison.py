"""The classes compared over time: self-assessment change and feedback ratings, as a CSV and a PNG chart.

``adaptive-policing report --classes`` writes ``class-comparison.csv`` and
``class-comparison.png`` under ``grading/reports/``: one row (one column of
bars) per class that has any self-assessment pair or feedback form, oldest
first. The figures come from :func:`adaptive_policing.analysis.survey.class_summary`.
The CSV has no names: only class codes, dates and means.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from matplotlib.figure import Figure

from ..analysis.survey import ClassSummary, class_summary, compare_classes
from ..analysis.tallies import latest_by_prompt
from ..content.survey import Survey, load_survey
from ..data.store import ResponseStore
from .charts import figure_png
from .spreadsheet import write_csv

CSV_NAME = "class-comparison.csv"
PNG_NAME = "class-comparison.png"


def class_summaries(store: ResponseStore, survey: Survey) -> list[ClassSummary]:
    """Every class with self-assessment pairs or feedback, oldest first."""
    summaries = []
    for training_class in store.classes():
        latest = latest_by_prompt(store.iter_answers(training_class.id))
        summary = class_summary(training_class.code, training_class.class_date, latest, survey.items)
        if summary.paired_trainees or summary.feedback_count:
            summaries.append(summary)
    return compare_classes(summaries)


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def comparison_rows(summaries: Sequence[ClassSummary], survey: Survey) -> tuple[list[str], list[list[object]]]:
    """The CSV's header and rows: per class, the mean change, each item's change and the feedback means."""
    header = ["class_code", "class_date", "trainees_paired", "mean_change",
              *(f"change_{item.item_id}" for item in survey.items),
              "feedback_forms", "instructor_rating", "materials_rating"]
    rows: list[list[object]] = [
        [s.code, s.class_date.isoformat(), s.paired_trainees, _cell(s.mean_change),
         *(_cell(s.changes.get(item.item_id)) for item in survey.items),
         s.feedback_count, _cell(s.instructor), _cell(s.materials)]
        for s in summaries
    ]
    return header, rows


def comparison_png(summaries: Sequence[ClassSummary]) -> bytes:
    """Two panels, classes oldest first: the mean self-assessment change, and the mean feedback ratings."""
    figure = Figure(figsize=(max(6, 1.2 * len(summaries) + 3), 6), dpi=100)
    change_axes, rating_axes = figure.subplots(2, 1, sharex=True)
    labels = [f"{s.class_date:%d %b %Y}\n{s.code}" for s in summaries]
    positions = list(range(len(summaries)))
    change_axes.bar(positions, [s.mean_change or 0 for s in summaries], color="#1f5f99")
    for x, s in zip(positions, summaries):
        text = "no pairs" if s.mean_change is None else f"{s.mean_change:+.2f}"
        change_axes.text(x, (s.mean_change or 0), text, ha="center", va="bottom", fontsize=8)
    change_axes.axhline(0, color="#555555", lw=0.8)
    change_axes.margins(y=0.15)
    change_axes.set_ylabel("Mean change\n(1–5 scale)")
    change_axes.set_title("Self-assessment change, before to after the course, per class")
    for name, marker, colour in (("instructor", "o", "#7a4b00"), ("materials", "D", "#0b4f9c")):
        points = [(x, getattr(s, name)) for x, s in zip(positions, summaries) if getattr(s, name) is not None]
        rating_axes.plot([x for x, _ in points], [v for _, v in points], marker=marker, color=colour,
                         label=f"Rating of the {name}")
    rating_axes.set_ylim(1, 5.2)
    rating_axes.set_ylabel("Mean rating (1–5)")
    rating_axes.set_title("Course feedback per class")
    rating_axes.legend(loc="lower left", fontsize=8)
    rating_axes.set_xticks(positions, labels, fontsize=8)
    if not summaries:
        change_axes.text(0.5, 0.5, "No class has self-assessments or feedback yet", ha="center",
                         transform=change_axes.transAxes)
    return figure_png(figure)


def write_class_comparison(store: ResponseStore, out_dir: Path, survey: Survey | None = None) -> tuple[Path, Path]:
    """Write the comparison CSV and chart into ``out_dir``; returns their paths."""
    survey = survey or load_survey()
    summaries = class_summaries(store, survey)
    header, rows = comparison_rows(summaries, survey)
    csv_path = write_csv(out_dir / CSV_NAME, header, rows)
    png_path = out_dir / PNG_NAME
    png_path.write_bytes(comparison_png(summaries))
    return csv_path, png_path
