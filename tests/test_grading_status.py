"""One grading truth: pending written answers are never 0, and the pass mark is a setting that can be off."""

from __future__ import annotations

import pytest

from adaptive_policing import config
from adaptive_policing.analysis.grading_status import ItemGrade, assessment_status, class_summary
from adaptive_policing.views.charts import score_distribution_alt, score_distribution_png

GRADED = {"q1": ItemGrade(2, 2), "q2": ItemGrade(0, 1), "free": ItemGrade(3, 3)}
PENDING = {"q1": ItemGrade(2, 2), "q2": ItemGrade(1, 1), "free": ItemGrade(0, 3, pending=True)}


def test_an_ungraded_written_answer_is_pending_never_zero() -> None:
    status = assessment_status(PENDING, 6, 70.0)
    assert status.state == "pending" and status.pending == ("free",)
    assert status.percent is None  # not 50 %: the written answer is not a 0
    assert status.met_standard == "pending"


def test_a_fully_graded_submission_has_a_percent_and_meets_or_misses_the_mark() -> None:
    status = assessment_status(GRADED, 6, 70.0)
    assert status.state == "graded" and status.score == 5 and round(status.percent, 1) == 83.3
    assert status.met_standard == "yes"
    assert assessment_status(GRADED, 6, 90.0).met_standard == "no"


def test_without_a_pass_mark_no_one_meets_or_misses_it() -> None:
    assert assessment_status(GRADED, 6, None).met_standard == ""
    assert assessment_status(PENDING, 6, None).met_standard == ""


def test_no_submission_is_not_graded() -> None:
    status = assessment_status(None, 6, 70.0)
    assert status.state == "not graded" and status.percent is None and status.met_standard == ""


def test_the_class_summary_leaves_pending_out_of_the_chart() -> None:
    summary = class_summary([assessment_status(GRADED, 6, 70.0), assessment_status(PENDING, 6, 70.0)])
    assert (summary.graded, summary.pending, summary.met) == (1, 1, 1)
    assert summary.percents == (83.3,)


@pytest.mark.parametrize(("text", "mark"), [(None, 70.0), ("", 70.0), ("off", None), ("None", None),
                                             ("55", 55.0), ("62.5%", 62.5)])
def test_the_pass_mark_setting(text: str | None, mark: float | None) -> None:
    assert config.parse_pass_percent(text) == mark


@pytest.mark.parametrize("text", ["seventy", "120", "-1"])
def test_a_wrong_pass_mark_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="from 0 to 100 or 'off'"):
        config.parse_pass_percent(text)


def test_the_pass_mark_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.PASS_PERCENT_ENV, "off")
    assert config.settings().pass_percent is None
    monkeypatch.setenv(config.PASS_PERCENT_ENV, "80")
    assert config.settings().pass_percent == 80.0


def test_the_score_chart_works_with_the_pass_mark_switched_off() -> None:
    assert score_distribution_png([50.0, 80.0], None).startswith(b"\x89PNG")
    assert score_distribution_alt([50.0, 80.0], None) == "2 graded; scores from 50% to 80%."


def test_the_command_line_refuses_a_wrong_pass_mark_before_doing_anything() -> None:
    from click.testing import CliRunner

    from adaptive_policing.grading.cli import report

    done = CliRunner().invoke(report, ["--pass-percent", "seventy"])
    assert done.exit_code == 2 and "from 0 to 100 or 'off'" in done.output
