"""Learning Activity 3: the role-play rounds, the observer's anchored rubric, the instructor's confirmation."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa

from adaptive_policing.content.complaint_process import PROMPT_PREFIX, complaint_process
from adaptive_policing.content.role_plays import (
    COMPLAINT_STEPS, ROLES, RolePlayScenario, activity_rounds, load_role_play, role_play_ids,
)
from adaptive_policing.content.scenarios import case_study_ids
from adaptive_policing.data.store import ResponseStore, StoreError, TrainingClass, Trainee
from adaptive_policing.views.export import export_class
from adaptive_policing.views.rubrics import class_rubric_sheets, rubrics_html
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.widgets.role_play import RolePlayKit
from adaptive_policing.widgets.rubric import RubricConfirmPanel, RubricSheetWidget

REPO = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert('x')</script>"
COURSE_PAGES_BEFORE_ACTIVITY_3 = ("06-complaint-resolution", "07-implementing-customer-service", "08-what-we-gain")

pytestmark = pytest.mark.usefixtures("isolated_session")


def fill(widget: RubricSheetWidget, rating: str = "done", officer: str = "Kim Lee") -> None:
    widget.officer.value = officer
    widget.customer.value = "Ana Cruz"
    for choice in widget.choices.values():
        choice.value = rating


# --- the content ----------------------------------------------------------------------------------


def test_every_step_has_three_anchors_and_covers_section_vi_and_intake() -> None:
    process = complaint_process()
    names = [step.name for step in process.steps]
    assert set(COMPLAINT_STEPS) <= set(names), "the kit's checklist steps must all be rubric steps"
    assert {"Intro", "Accept and document the complaint", "Not defensive"} <= set(names)
    assert process.rating_ids == ("done", "partly", "not_done")
    for step in process.steps:
        anchors = [step.anchor(r) for r in process.rating_ids]
        assert all(len(a) > 10 for a in anchors) and len(set(anchors)) == 3, step.id
    intake = next(step for step in process.steps if step.id == "intake")
    assert "file formally" in intake.what and "written notice" in intake.what
    address = next(step for step in process.steps if step.id == "address")
    assert "discipline" in address.not_done  # promising or disclosing discipline is the failure, not the key


def test_three_rounds_rotate_so_everyone_plays_each_role_once() -> None:
    rounds = activity_rounds()
    assert len(rounds.rounds) == 3
    for role in ROLES:
        assert sorted(r.players[role] for r in rounds.rounds) == ["A", "B", "C"], role
    for r in rounds.rounds:
        assert sorted(r.players.values()) == ["A", "B", "C"]
    assert len({r.scenario for r in rounds.rounds}) == 3
    assert rounds.minutes <= 18, "Activity 3 must fit section VIII's minutes"


def test_the_round_scenarios_are_new_and_legally_sound() -> None:
    played_in_vi_to_viii = set()
    for page in COURSE_PAGES_BEFORE_ACTIVITY_3:
        source = "\n".join(c.source for c in nbformat.read(REPO / "course" / f"{page}.ipynb", 4).cells)
        played_in_vi_to_viii |= {case for case in case_study_ids() if case in source}
    for r in activity_rounds().rounds:
        scenario = load_role_play(r.scenario)
        assert isinstance(scenario, RolePlayScenario)
        assert scenario.id not in played_in_vi_to_viii and scenario.id not in case_study_ids()
        officer = scenario.roles["officer"].lower()
        assert "accept" in officer and "file formally" in officer
        assert "do not defend or condemn" in officer
        assert "832.5" in scenario.legal_notes
    assert set(role_play_ids()) == {r.scenario for r in activity_rounds().rounds}


def test_the_activity_calls_a_role_play_and_a_rubric_per_round() -> None:
    source = "\n".join(c.source for c in nbformat.read(
        REPO / "solutions/activities/activity-3-changing-perception.ipynb", 4).cells)
    for r in activity_rounds().rounds:
        assert f'role_play("{r.scenario}")' in source and f'rubric("{r.scenario}")' in source
    assert "a3-observer-checklist" not in source  # the rubric replaces the free-text checklist


# --- the observer's widget -------------------------------------------------------------------------


def test_the_observer_rates_every_step_and_a_reload_shows_it(store: ResponseStore, trainee: Trainee) -> None:
    sheet = RubricSheetWidget("phone-search-complaint", store=store, trainee=trainee)
    assert sheet.round == 2
    assert not sheet.save()
    assert "officer" in sheet.status.text
    sheet.officer.value = "Kim Lee"
    assert not sheet.save() and "Listen" in sheet.status.text  # every step must be rated
    fill(sheet)
    sheet.choices["intake"].value = "partly"
    sheet.notes.value = SCRIPT
    assert "21 of 22" in sheet.score.value
    assert sheet.save()
    saved = store.latest_answer(trainee, PROMPT_PREFIX + "phone-search-complaint").value
    assert saved["ratings"]["intake"] == "partly" and saved["round"] == 2 and saved["officer"] == "Kim Lee"
    again = RubricSheetWidget("phone-search-complaint", store=store, trainee=trainee)
    assert again.choices["intake"].value == "partly" and again.notes.value == SCRIPT


def test_the_kit_hides_its_checklist_when_the_scenario_has_a_rubric(store: ResponseStore, trainee: Trainee) -> None:
    kit = RolePlayKit("window-citation-complaint", store=store, trainee=trainee)
    kit.role.value = "observer"
    assert kit.observer_box.layout.display == "none"
    assert "Score each step of the rubric" in kit.card.value
    case_kit = RolePlayKit("traffic-stop-rude-complaint", store=store, trainee=trainee)
    case_kit.role.value = "observer"
    assert case_kit.observer_box.layout.display is None


# --- the instructor's confirmation, the console, the export ---------------------------------------


def saved_rubric(store: ResponseStore, classroom: TrainingClass, name: str = SCRIPT) -> Trainee:
    observer = store.sign_in(classroom.code, name, "77")
    sheet = RubricSheetWidget("lobby-injury-complaint", store=store, trainee=observer)
    fill(sheet, "partly", officer=SCRIPT)
    assert sheet.save()
    return observer


def test_the_instructor_confirms_or_corrects_a_rating(store: ResponseStore, classroom: TrainingClass) -> None:
    observer = saved_rubric(store, classroom)
    panel = RubricConfirmPanel(store)
    panel.show(classroom.id)
    assert "awaiting confirmation" in panel.chooser.label and "11 of 22" in panel.chooser.label
    assert panel.choices["listen"].value == "partly"
    panel.choices["listen"].value = "done"
    panel.show(classroom.id)  # a refresh keeps the instructor's correction
    assert panel.choices["listen"].value == "done"
    panel.note.value = "Heard a full paraphrase."
    assert panel.confirm()
    [sheet] = class_rubric_sheets(store, classroom.id)
    assert sheet.confirmed is not None and sheet.confirmed["listen"] == "done" and sheet.ratings["listen"] == "partly"
    assert sheet.confirmed_points == 12 and sheet.confirmation_note == "Heard a full paraphrase."
    assert "confirmed" in panel.chooser.label
    # a new revision by the observer awaits confirmation again
    again = RubricSheetWidget("lobby-injury-complaint", store=store, trainee=observer)
    again.choices["test"].value = "done"
    assert again.save()
    [sheet] = class_rubric_sheets(store, classroom.id)
    assert sheet.confirmed is None and sheet.points == 12


def test_a_rubric_of_another_class_cannot_be_confirmed(store: ResponseStore, classroom: TrainingClass) -> None:
    observer = saved_rubric(store, classroom)
    answer = store.latest_answer(observer, PROMPT_PREFIX + "lobby-injury-complaint")
    assert answer is not None
    other = store.create_class()
    with pytest.raises(StoreError):
        store.confirm_rubric(other.id, answer, {"intro": "done"})
    assert store.rubric_confirmations(other.id) == []
    store.confirm_rubric(classroom.id, answer, {"intro": "done"})
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with store.engine.begin() as db:
            db.exec_driver_sql("DELETE FROM rubric_confirmations")


def test_the_console_shows_the_rubrics_escaped_and_the_export_holds_them(
    store: ResponseStore, classroom: TrainingClass, tmp_path: Path
) -> None:
    saved_rubric(store, classroom)
    html = str(rubrics_html(store, classroom.id))
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "Awaiting confirmation" in html and "11 of 22" in html
    console = Console(store=store, start_polling=False)
    try:
        console.picker.value = classroom.id
        console.refresh()
        assert "the observers&#39; rubrics" in console.activities.value or "observers' rubrics" in console.activities.value
        assert console.rubric_panel.chooser.value is not None
        assert console.rubric_panel.confirm()
        assert "Confirmed by the instructor" in console.activities.value
    finally:
        console.stop()
    record = json.loads(export_class(store, classroom, tmp_path).json_path.read_text(encoding="utf-8"))
    [rubric] = record["rubrics"]
    assert rubric["officer"] == SCRIPT and rubric["confirmed"] and rubric["confirmed_points"] == 11
    assert rubric["ratings"] == {step.id: "partly" for step in complaint_process().steps}
