"""Exporting a class's record: every answer and worksheet revision, checklists, case studies, role plays,
CSV a person can read and a spreadsheet cannot run, JSON, the command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adaptive_policing.cli_export import export_command
from adaptive_policing.views.export import export_class
from adaptive_policing.views.spreadsheet import spreadsheet_safe
from adaptive_policing.data.records import SheetOwner
from adaptive_policing.data.store import TrainingClass, ResponseStore

HOSTILE = '=HYPERLINK("http://evil.example","Click")'
HOSTILE_ANSWER = '=HYPERLINK("http://x")'


@pytest.fixture
def recorded(store: ResponseStore) -> TrainingClass:
    course = store.create_class(location="Room B", instructor="Sgt. Example")
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.record_visit(dana, "01-introductions")
    store.save_answer(dana, "s01-about-you", "first")
    store.save_answer(dana, "s01-about-you", HOSTILE_ANSWER)
    store.save_answer(lee, "s01-prior-training", "No, never")
    store.save_answer(lee, "case:window-stolen-bike", {"path": ["greet", "listen"], "ending": "good"})
    store.save_answer(dana, "roleplay:window-stolen-bike", {"L": 4, "A": 5, "S": 3, "T": 4})
    store.set_prompt_open(course.id, "s01-about-you", False)
    store.save_answer(lee, "s02-choices", ["Listen", "Follow up"])
    store.save_answer(lee, "roleplay:car-breakin-distrust", {
        "role": "observer", "partners": "Dana, Sam", "before": None, "after": None,
        "checklist": ["Listen", "L.A.S.T.: Thank"], "notes": "Kept calm."})
    store.save_answer(dana, "roleplay:car-breakin-distrust", {
        "role": "customer", "partners": "Lee, Sam", "before": 3, "after": 7, "checklist": [], "notes": ""})
    store.save_answer(lee, "case:car-breakin-distrust", {
        "path": ["arrival"], "choices": [], "perception": [5], "ending": None, "outcome": None})
    team = store.join_group(dana, "Team Blue")
    store.join_group(lee, "Team Blue")
    owner = SheetOwner("group", team.id)
    first = store.save_worksheet("a2-comparison", owner, dana, {"Best practices": "Listen first"}, None).revision
    store.save_worksheet("a2-comparison", owner, lee, {"Best practices": "Listen first", "Notes": HOSTILE}, first.seq)
    store.save_worksheet("a3-observer-checklist", SheetOwner("trainee", lee.id), lee, {"Seen": "Empathy"}, None)
    elsewhere = store.sign_in(store.create_class().code, "Other Class", "1")
    store.save_answer(elsewhere, "s01-about-you", "not in this class")
    store.save_worksheet("a2-comparison", SheetOwner("trainee", elsewhere.id), elsewhere, {"Notes": "elsewhere"}, None)
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
    rows = [(r["name"], r["kind"], r["prompt_id"], r["revision"], r["latest"], r["value"]) for r in record["responses"]]
    assert rows[:5] == [
        ("Dana Ortiz", "prompt", "s01-about-you", 1, False, "first"),
        ("Dana Ortiz", "prompt", "s01-about-you", 2, True, HOSTILE_ANSWER),
        ("Lee Park", "prompt", "s01-prior-training", 1, True, "No, never"),
        ("Lee Park", "case", "case:window-stolen-bike", 1, True, {"path": ["greet", "listen"], "ending": "good"}),
        ("Dana Ortiz", "roleplay", "roleplay:window-stolen-bike", 1, True, {"L": 4, "A": 5, "S": 3, "T": 4}),
    ]
    assert [r[2] for r in rows[5:]] == ["s02-choices", "roleplay:car-breakin-distrust",
                                        "roleplay:car-breakin-distrust", "case:car-breakin-distrust"]
    assert record["prompt_states"] == [{"prompt_id": "s01-about-you", "open": False}]
    assert "not in this class" not in files.json_path.read_text(encoding="utf-8")
    assert "elsewhere" not in files.json_path.read_text(encoding="utf-8")

    sheets = [(r["sheet_id"], r["owner_kind"], r["owner"], r["revision"], r["author"], r["fields"])
              for r in record["worksheet_revisions"]]
    assert sheets == [
        ("a2-comparison", "group", "Team Blue", 1, "Dana Ortiz", {"Best practices": "Listen first"}),
        ("a2-comparison", "group", "Team Blue", 2, "Lee Park", {"Best practices": "Listen first", "Notes": HOSTILE}),
        ("a3-observer-checklist", "trainee", "Lee Park", 1, "Lee Park", {"Seen": "Empathy"}),
    ]
    assert all(r["saved_at"] and not r["kept_aside"] for r in record["worksheet_revisions"])
    assert [(c["name"], c["case_id"], c["ticked"], c["notes"]) for c in record["observer_checklists"]] == [
        ("Lee Park", "car-breakin-distrust", ["Listen", "L.A.S.T.: Thank"], "Kept calm.")]
    paths = {p["case_id"]: p for p in record["case_paths"]}
    assert paths["car-breakin-distrust"]["started"] == 1 and paths["car-breakin-distrust"]["finished"] == 0
    assert paths["window-stolen-bike"]["started"] == 0  # a save that is not a play is not counted
    assert [(r["trainee_name"], r["before"], r["after"], r["change"]) for r in record["role_play_ratings"]] == [
        ("Dana Ortiz", 3, 7, 4)]

    with files.responses_csv.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 9
    assert [(r["prompt_id"], r["revision"], r["latest"], r["answer"]) for r in table[:3]] == [
        ("s01-about-you", "1", "no", "first"),
        ("s01-about-you", "2", "yes", "'" + HOSTILE_ANSWER),  # shown as text, never run
        ("s01-prior-training", "1", "yes", "No, never"),
    ]
    assert table[5]["answer"] == "Listen; Follow up"  # choices joined, not a JSON list
    with files.attendance_csv.open(encoding="utf-8", newline="") as handle:
        assert [r["name"] for r in csv.DictReader(handle)] == ["Dana Ortiz", "Lee Park"]
    with files.worksheets_csv.open(encoding="utf-8", newline="") as handle:
        sheet_rows = list(csv.DictReader(handle))
    assert [(r["sheet_id"], r["owner"], r["revision"], r["author"], r["kept_aside"], r["Best practices"], r["Notes"],
             r["Seen"]) for r in sheet_rows] == [
        ("a2-comparison", "Team Blue", "1", "Dana Ortiz", "no", "Listen first", "", ""),
        ("a2-comparison", "Team Blue", "2", "Lee Park", "no", "Listen first", "'" + HOSTILE, ""),
        ("a3-observer-checklist", "Lee Park", "1", "Lee Park", "no", "", "", "Empathy"),
    ]
    assert all(r["saved_at"] for r in sheet_rows)


def test_a_worksheet_save_kept_aside_after_a_clash_is_exported(store: ResponseStore, tmp_path: Path) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    owner = SheetOwner("group", store.join_group(dana, "Team Blue").id)
    store.join_group(lee, "Team Blue")
    base = store.save_worksheet("a2-comparison", owner, dana, {"Notes": "start"}, None).revision
    store.save_worksheet("a2-comparison", owner, dana, {"Notes": "Dana's"}, base.seq)
    assert store.save_worksheet("a2-comparison", owner, lee, {"Notes": "Lee's"}, base.seq).status == "conflict"
    files = export_class(store, course, tmp_path)
    record = json.loads(files.json_path.read_text(encoding="utf-8"))
    assert [(r["author"], r["revision"], r["kept_aside"], r["fields"]["Notes"]) for r in record["worksheet_revisions"]] == [
        ("Dana Ortiz", 1, False, "start"), ("Dana Ortiz", 2, False, "Dana's"), ("Lee Park", None, True, "Lee's")]
    with files.worksheets_csv.open(encoding="utf-8", newline="") as handle:
        assert [r["kept_aside"] for r in csv.DictReader(handle)] == ["no", "no", "yes"]


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
    assert [p.suffix for p in written] == [".csv", ".csv", ".csv", ".csv", ".json"]
    assert all(str(p) in result.output for p in written)
    missing = CliRunner().invoke(export_command, ["--class", "NOPE99"], env=env)
    assert missing.exit_code != 0 and "No class has the code" in missing.output
