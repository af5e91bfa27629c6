"""The console's self-assessment section and the export's pairs and feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_policing.content.survey import FEEDBACK_PROMPT, load_survey
from adaptive_policing.data.store import ResponseStore, TrainingClass
from adaptive_policing.views.export import export_class
from adaptive_policing.widgets.console.app import Console

pytestmark = pytest.mark.usefixtures("isolated_session")


def _rate(store: ResponseStore, classroom: TrainingClass, name: str, before: int, after: int | None,
          feedback: dict | None = None) -> None:
    trainee = store.sign_in(classroom.code, name, str(abs(hash(name)) % 10000))
    for item in load_survey().items:
        store.save_answer(trainee, f"pre:{item.item_id}", before)
        if after is not None:
            store.save_answer(trainee, f"post:{item.item_id}", after)
    if feedback is not None:
        store.save_answer(trainee, FEEDBACK_PROMPT, feedback)


def test_the_console_shows_the_change_per_item_and_feedback_without_names(
        store: ResponseStore, classroom: TrainingClass) -> None:
    _rate(store, classroom, "Dana Ortiz", 2, 4, {"helped": "The <b>role plays</b>", "change": "", "instructor": 5,
                                                   "materials": 4})
    _rate(store, classroom, "Lee Park", 3, 4)
    _rate(store, classroom, "Sam Cole", 1, None)  # left before the end: counted in neither mean
    console = Console(store=store, start_polling=False)
    try:
        console.picker.value = classroom.id
        html = console.survey.value
        statement = load_survey().items[0].statement
        assert f"<td>{statement}</td><td>2</td><td>2.5</td><td>4.0</td><td>+1.5</td>" in html
        assert 'class="ap-chart"' in html and "4.0 after (+1.5, 2 trainee(s))" in html
        assert "1 feedback form(s) sent" in html and "role plays" not in html
        _rate(store, classroom, "Ana Ruiz", 3, 3, {"helped": "Case studies", "change": "Shorter", "instructor": 4,
                                                  "materials": 3})
        _rate(store, classroom, "Bo Tran", 3, 3, {"helped": "", "change": "More time", "instructor": 3,
                                                 "materials": 2})
        console.refresh()
        html = console.survey.value
        assert "The &lt;b&gt;role plays&lt;/b&gt;" in html and "<b>role plays" not in html
        assert "Mean rating of the instructor: 4.0 out of 5" in html and "of the materials: 3.0 out of 5" in html
        assert html.index("<li>Case studies</li>") < html.index("<li>The &lt;b&gt;role plays")
        for name in ("Dana Ortiz", "Ana Ruiz", "Bo Tran", "Lee Park"):
            assert name not in html
    finally:
        console.stop()


def test_the_export_carries_each_trainees_pairs_and_feedback_with_the_trainee_id(
        store: ResponseStore, classroom: TrainingClass, tmp_path: Path) -> None:
    _rate(store, classroom, "Dana Ortiz", 2, 5, {"helped": "Role plays", "change": "", "instructor": 4,
                                                   "materials": 5})
    _rate(store, classroom, "Lee Park", 3, None)
    record = json.loads(export_class(store, classroom, tmp_path).json_path.read_text(encoding="utf-8"))
    first = load_survey().items[0].item_id
    pairs = {row["name"]: row["items"][first] for row in record["self_assessment"]}
    assert pairs == {"Dana Ortiz": {"pre": 2, "post": 5}, "Lee Park": {"pre": 3, "post": None}}
    dana = next(row["trainee_id"] for row in record["self_assessment"] if row["name"] == "Dana Ortiz")
    assert record["course_feedback"] == [
        {"trainee_id": dana, "helped": "Role plays", "change": "", "instructor": 4, "materials": 5}]
    assert FEEDBACK_PROMPT not in {row["prompt_id"] for row in record["responses"]}
    assert "pre:" + first in {row["prompt_id"] for row in record["responses"]}
    files = export_class(store, classroom, tmp_path)
    assert "Role plays" not in files.responses_csv.read_text(encoding="utf-8")


def test_report_classes_writes_the_comparison_between_classes_oldest_first(
        store: ResponseStore, tmp_path: Path) -> None:
    from datetime import date

    from click.testing import CliRunner

    from adaptive_policing.cli import cli
    from adaptive_policing.grading.course import GRADING_DIR_ENV

    later = store.create_class(class_date=date(2026, 6, 2), location="Room A")
    earlier = store.create_class(class_date=date(2026, 3, 9), location="Room B")
    store.create_class(class_date=date(2026, 7, 1), location="Nobody rated")
    _rate(store, later, "Dana Ortiz", 2, 4, {"helped": "x", "change": "y", "instructor": 5, "materials": 4})
    _rate(store, earlier, "Lee Park", 3, 3, {"helped": "", "change": "", "instructor": 2, "materials": 3})
    env = {"ADAPTIVE_POLICING_DB_URL": store.url, GRADING_DIR_ENV: str(tmp_path / "grading")}
    result = CliRunner().invoke(cli, ["report", "--classes"], env=env)
    assert result.exit_code == 0, result.output
    reports = tmp_path / "grading" / "reports"
    lines = (reports / "class-comparison.csv").read_text(encoding="utf-8").splitlines()
    items = load_survey().items
    assert lines[0].split(",")[:4] == ["class_code", "class_date", "trainees_paired", "mean_change"]
    assert lines[1:] == [
        f"{earlier.code},2026-03-09,1,0.00," + ",".join(["0.00"] * len(items)) + ",1,2.00,3.00",
        f"{later.code},2026-06-02,1,2.00," + ",".join(["2.00"] * len(items)) + ",1,5.00,4.00",
    ]
    assert (reports / "class-comparison.png").read_bytes().startswith(b"\x89PNG")
    assert "class-comparison.csv" in "".join(result.output.split()) and "Dana" not in lines[1] + lines[2]
