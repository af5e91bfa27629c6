"""The Assessment of Learning for one class in the console, once ``make grade`` has run.

Scores come from nbgrader's gradebook (``grading/gradebook.db``, or the database
``ADAPTIVE_POLICING_GRADEBOOK_URL`` names), limited to the
chosen class: nbgrader student ids start with the class code
(:func:`adaptive_policing.grading.submission.student_id`). Every figure goes
through the same status the roster uses
(:func:`adaptive_policing.analysis.grading_status.assessment_status`): a trainee
whose written answers wait for a grader is "pending", never a 0, and is left
out of the score chart until graded. The tab shows how many are graded, pending
and at or above the pass mark (if the agency set one), the score distribution
and mastery per section as charts with text alternatives, and the flagged
questions of the item analysis (:mod:`adaptive_policing.analysis.item_statistics`):
flags appear only once a question has enough graded answers, and the tab says
so while it has not.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from pathlib import Path

from markupsafe import Markup

from ... import config
from ...analysis.grading_status import class_summary
from ...analysis.item_statistics import MIN_GRADED, section_mastery
from ...content.questions import SECTIONS
from ...views.charts import (
    section_mastery_alt,
    section_mastery_png,
    score_distribution_alt,
    score_distribution_png,
)
from ...grading.course import GradingPaths
from ...grading.reports import STATUS_FILE, StudentScore, graded_scores, item_analysis
from ...views.images import png_img
from ...views.render import render

NOT_GRADED = render("assessment_not_graded.html.j2")
"""What the Assessment tab says before this class's first ``make grade``."""


def class_scores(class_code: str, paths: GradingPaths | None = None) -> dict[str, StudentScore]:
    """Graded scores of one class's trainees (none before the first ``make grade``)."""
    paths = paths or GradingPaths.default()
    if not paths.has_gradebook():
        return {}
    return {sid: score for sid, score in graded_scores(paths).items() if sid.startswith(f"{class_code}-")}


@lru_cache(maxsize=16)
def _charts(percents: tuple[float, ...], mastery: tuple[tuple[str, float], ...],
            pass_percent: float | None) -> tuple[Markup, Markup]:
    """The two charts as images, drawn again only when a score changed."""
    by_section = dict(mastery)
    return (
        png_img(score_distribution_png(list(percents), pass_percent), score_distribution_alt(list(percents), pass_percent)),
        png_img(section_mastery_png(by_section), section_mastery_alt(by_section)),
    )


def assessment_html(class_code: str, paths: GradingPaths | None = None,
                    pass_percent: float | None | Literal["configured"] = "configured") -> Markup:
    """Scores, charts and flagged questions of one class's assessment, as HTML.

    The pass mark is ``pass_percent`` (``None``: switched off), by default the
    configured one (:attr:`adaptive_policing.config.Settings.pass_percent`).
    """
    paths = paths or GradingPaths.default()
    if pass_percent == "configured":
        pass_percent = config.settings().pass_percent
    gradebook = paths.gradebook_file
    if gradebook is None:  # a gradebook on a database server has no file time to tell a change by: read it each time
        return _assessment_html.__wrapped__(class_code, paths, pass_percent, ())
    return _assessment_html(class_code, paths, pass_percent, _grading_marker(gradebook, paths))


def _grading_marker(gradebook: Path, paths: GradingPaths) -> tuple[int, ...]:
    """Changes whenever grading (or a grader in formgrader) writes: the gradebook's and the run record's times."""
    found = []
    for file in (gradebook, paths.reports / STATUS_FILE):
        try:
            found.append(file.stat().st_mtime_ns)
        except OSError:
            found.append(0)
    return tuple(found)


@lru_cache(maxsize=8)
def _assessment_html(class_code: str, paths: GradingPaths, pass_percent: float | None,
                     _marker: tuple[int, ...]) -> Markup:
    """The tab's HTML, computed again only when the gradebook or the last run's record changed."""
    scores = class_scores(class_code, paths)
    if not scores:
        return NOT_GRADED
    stats = item_analysis(paths, scores)
    mastery = section_mastery(stats, SECTIONS)
    summary = class_summary(score.status(pass_percent) for score in scores.values())
    return render(
        "assessment.html.j2",
        summary=summary,
        pass_percent=pass_percent,
        charts=_charts(summary.percents, tuple(sorted(mastery.items())), pass_percent),
        flagged=[stat for stat in stats if stat.flags],
        too_few=[stat for stat in stats if stat.note],
        min_graded=MIN_GRADED,
    )
