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

from ...views.charts import (
    section_mastery_alt,
    section_mastery_png,
    score_distribution_alt,
    score_distribution_png,
)
from ...grading.course import GradingPaths
from ...grading.reports import PASS_PERCENT, StudentScore, graded_scores, item_statistics, release_questions, section_mastery
from ...views.html import esc
from ...views.activities import png_img

NOT_GRADED = "<p>No assessment graded for this class yet. After trainees submit, run <code>make grade</code>.</p>"


def class_scores(class_code: str, paths: GradingPaths | None = None) -> dict[str, StudentScore]:
    """Graded scores of one class's trainees (none before the first ``make grade``)."""
    paths = paths or GradingPaths.default()
    if not (paths.root / "gradebook.db").exists():
        return {}
    return {sid: score for sid, score in graded_scores(paths).items() if sid.startswith(f"{class_code}-")}


@lru_cache(maxsize=16)
def _charts(percents: tuple[float, ...], mastery: tuple[tuple[str, float], ...], pass_percent: float) -> str:
    by_section = dict(mastery)
    return (
        png_img(score_distribution_png(list(percents), pass_percent), score_distribution_alt(list(percents), pass_percent))
        + png_img(section_mastery_png(by_section), section_mastery_alt(by_section))
    )


def assessment_html(class_code: str, paths: GradingPaths | None = None, pass_percent: float = PASS_PERCENT) -> str:
    """Scores, charts and flagged questions of one class's assessment, as escaped HTML."""
    paths = paths or GradingPaths.default()
    scores = class_scores(class_code, paths)
    if not scores:
        return NOT_GRADED
    stats = item_statistics(release_questions(paths), scores)
    mastery = section_mastery(stats)
    percents = tuple(sorted(round(score.percent, 1) for score in scores.values()))
    passed = sum(percent >= pass_percent for percent in percents)
    waiting = sum(score.needs_manual_grade for score in scores.values())
    flagged = "".join(
        f"<tr><td>{stat.question.number}</td><td>{esc(stat.question.prompt)}</td>"
        f"<td>{stat.percent_correct:.0f}%</td><td>{esc(stat.flag)}</td></tr>"
        for stat in stats if stat.flag
    )
    flagged_table = (
        "<table><thead><tr><th>No.</th><th>Question</th><th>Fully right</th><th>Flag</th></tr></thead>"
        f"<tbody>{flagged}</tbody></table>" if flagged else "<p>No question stands out.</p>"
    )
    manual = f" · {waiting} with written answers still to grade in formgrader" if waiting else ""
    return (
        f"<h2>Assessment of Learning</h2><p>{len(percents)} graded · {passed} passed "
        f"(passing mark {pass_percent:g}%){manual}</p>"
        + _charts(percents, tuple(sorted(mastery.items())), pass_percent)
        + "<h3>Questions nearly everyone misses or gets right</h3>" + flagged_table
    )
