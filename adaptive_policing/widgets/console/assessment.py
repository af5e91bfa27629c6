"""The Assessment of Learning for one class in the console, once ``make grade`` has run.

Scores come from nbgrader's gradebook (``grading/gradebook.db``), limited to the
chosen class: nbgrader student ids start with the class code
(:func:`adaptive_policing.grading.submission.student_id`). The console shows
how many trainees are graded and passed, the score distribution and mastery per
section as charts with text alternatives, and the questions nearly everyone
misses or gets right (the item analysis).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from ...views.charts import (
    section_mastery_alt,
    section_mastery_png,
    score_distribution_alt,
    score_distribution_png,
)
from ...grading.course import GradingPaths
from ...grading.reports import PASS_PERCENT, StudentScore, graded_scores, item_statistics, release_questions, section_mastery
from ...views.images import png_img
from ...views.render import render

NOT_GRADED = render("assessment_not_graded.html.j2")
"""What the Assessment tab says before this class's first ``make grade``."""


def class_scores(class_code: str, paths: GradingPaths | None = None) -> dict[str, StudentScore]:
    """Graded scores of one class's trainees (none before the first ``make grade``)."""
    paths = paths or GradingPaths.default()
    if not (paths.root / "gradebook.db").exists():
        return {}
    return {sid: score for sid, score in graded_scores(paths).items() if sid.startswith(f"{class_code}-")}


@lru_cache(maxsize=16)
def _charts(percents: tuple[float, ...], mastery: tuple[tuple[str, float], ...], pass_percent: float) -> tuple[Markup, Markup]:
    """The two charts as images, drawn again only when a score changed."""
    by_section = dict(mastery)
    return (
        png_img(score_distribution_png(list(percents), pass_percent), score_distribution_alt(list(percents), pass_percent)),
        png_img(section_mastery_png(by_section), section_mastery_alt(by_section)),
    )


def assessment_html(
    class_code: str, paths: GradingPaths | None = None, pass_percent: float = PASS_PERCENT
) -> Markup:
    """Scores, charts and flagged questions of one class's assessment, as HTML."""
    paths = paths or GradingPaths.default()
    scores = class_scores(class_code, paths)
    if not scores:
        return NOT_GRADED
    stats = item_statistics(release_questions(paths), scores)
    mastery = section_mastery(stats)
    percents = tuple(sorted(round(score.percent, 1) for score in scores.values()))
    passed = sum(percent >= pass_percent for percent in percents)
    waiting = sum(score.needs_manual_grade for score in scores.values())
    return render(
        "assessment.html.j2",
        graded=len(percents),
        passed=passed,
        pass_percent=pass_percent,
        waiting=waiting,
        charts=_charts(percents, tuple(sorted(mastery.items())), pass_percent),
        flagged=[stat for stat in stats if stat.flag],
    )
