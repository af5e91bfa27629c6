"""Exporting a class's record: every revision, case studies and role plays, CSV and JSON, the command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adaptive_policing.cli_export import export_command
from adaptive_policing.views.export import export_class
from adaptive_policing.views.spreadsheet import spreadsheet_safe
from adaptive_policing.data.store import TrainingClass, ResponseStore


@pytest.fixture
def recorded(store: ResponseStore) -> TrainingClass:
    course = store.create_class(location="Room B", instructor="Sgt. Example")
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.record_visit(dana, "01-introductions")
    store.save_answer(dana, "s01-about-you", "first")
    store.save_answer(dana, "s01-about-you", "=HYPERLINK(\"http://x\")")
    store.save_answer(lee, "s01-prior-training", "No, never")
    store.save_answer(lee, "case:window-stolen-bike", {"path": ["greet", "listen"], "ending": "good"})
    store.save_answer(dana, "roleplay:window-stolen-bike", {"L": 4, "A": 5, "S": 3, "T": 4})
    store.set_prompt_open(course.id, "s01-about-you", False)
    elsewhere = store.sign_in(store.create_class().code, "Other Class", "1")
    store.save_answer(elsewhere, "s01-about-you", "not in this class")
    return course


def test_the_export_holds_attendance_every_revision_and_activities(
    store: ResponseStore, recorded: TrainingClass, tmp_path: Path
) -> None:
    files = export_class(store, recorded, tmp_path / "out")
    assert all(path.parent == tmp_path / "out" and path.name.startswith(recorded.code) for path in files.paths)
    record = json.loads(files.json_path.read_text(encoding="utf-8"))
    assert record["class"]["code"] == recorded.code and record["class"]["location"] == "Room B"
    assert [(r["name"], r["last_page"]) for r in record["attendance"]] == [
        ("Dana Ortiz", "01-introductions"), ("Lee Park", None)]
    rows = [(r["name"], r["kind"], r["prompt_id"], r["revision"], r["value"]) for r in record["responses"]]
    assert rows == [
        ("Dana Ortiz", "prompt", "s01-about-you", 1, "first"),
        ("Dana Ortiz", "prompt", "s01-about-you", 2, "=HYPERLINK(\"http://x\")"),
        ("Lee Park", "prompt", "s01-prior-training", 1, "No, never"),
        ("Lee Park", "case", "case:window-stolen-bike", 1, {"path": ["greet", "listen"], "ending": "good"}),
        ("Dana Ortiz", "roleplay", "roleplay:window-stolen-bike", 1, {"L": 4, "A": 5, "S": 3, "T": 4}),
    ]
    assert record["prompt_states"] == [{"prompt_id": "s01-about-you", "open": False}]
    assert "not in this class" not in files.json_path.read_text(encoding="utf-8")

    with files.responses_csv.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 5
    assert json.loads(table[0]["value_json"]) == "first"
    assert table[1]["value_json"] == json.dumps('=HYPERLINK("http://x")')  # JSON text: starts with a quote
    with files.attendance_csv.open(encoding="utf-8", newline="") as handle:
        assert [r["name"] for r in csv.DictReader(handle)] == ["Dana Ortiz", "Lee Park"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_spreadsheet_formulas_are_shown_not_run(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("plain") == "plain" and spreadsheet_safe(None) == ""


def test_the_export_command_writes_the_files(
    store: ResponseStore, recorded: TrainingClass, tmp_path: Path
) -> None:
    env = {"ADAPTIVE_POLICING_DB_URL": store.url, "ADAPTIVE_POLICING_VAR": str(tmp_path / "var")}
    result = CliRunner().invoke(export_command, ["--class", recorded.code.lower()], env=env)
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "var" / "exports").iterdir())
    assert [p.suffix for p in written] == [".csv", ".csv", ".json"]
    assert all(str(p) in result.output for p in written)
    missing = CliRunner().invoke(export_command, ["--class", "NOPE99"], env=env)
    assert missing.exit_code != 0 and "No class has the code" in missing.output
