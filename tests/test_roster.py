"""The POST roster: completion as the outline defines it, the assessment apart, one class at a time."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from adaptive_policing.analysis.completion import (
    ACTIVITY_3_RATING,
    REQUIRED_ACTIVITIES,
    Evidence,
    activity_completed,
    completion,
    minutes_present,
)
from adaptive_policing.analysis.grading_status import ItemGrade
from adaptive_policing.data.records import SheetOwner
from adaptive_policing.data.schema import trainees as trainees_table
from adaptive_policing.data.store import ResponseStore, Trainee, TrainingClass
from adaptive_policing.grading.course import GradingPaths
from adaptive_policing.grading.reports import StudentScore
from adaptive_policing.grading.roster import export_roster
from adaptive_policing.grading.submission import student_id

ALL_DONE = Evidence(frozenset({"a1-first-list"}), frozenset({"a2-comparison", ACTIVITY_3_RATING}))


def test_completion_needs_the_minutes_and_all_three_activities() -> None:
    assert completion(ALL_DONE, 115, 120).completed == "yes"
    short = completion(ALL_DONE, 60, 120)
    assert short.completed == "no" and short.missing == ["attended 60 min"]
    no_rating = completion(Evidence(frozenset({"a1-x"}), frozenset({"a2-comparison"})), 120, 120)
    assert no_rating.completed == "no" and no_rating.missing == ["Activity 3 not done"]


def test_a_sign_in_by_mistake_is_no_activity_never_a_fail() -> None:
    assert completion(Evidence(), 0, 120).completed == "no activity"
    assert completion(Evidence(submitted=True), 0, 120).completed == "no"


def test_activity_3_is_completed_by_its_observer_rating() -> None:
    third = REQUIRED_ACTIVITIES[2]
    assert activity_completed(third, Evidence(prompts=frozenset({"rubric:window-citation-complaint"})))
    assert activity_completed(third, Evidence(worksheets=frozenset({ACTIVITY_3_RATING})))  # classes run earlier
    assert not activity_completed(third, Evidence(prompts=frozenset({"a3-take-away"})))


def _backdate(store: ResponseStore, trainee: Trainee, minutes: int) -> None:
    with store.engine.begin() as db:
        db.execute(sa.update(trainees_table).where(trainees_table.c.id == trainee.id)
                   .values(created_at=trainee.created_at - timedelta(minutes=minutes)))


def _rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["class_code"], r["trainee_number"]): r for r in csv.DictReader(path.open())}


@pytest.fixture
def paths(tmp_path: Path) -> GradingPaths:
    return GradingPaths(tmp_path / "grading", tmp_path / "source", tmp_path / "release")


def _score(*, pending: bool = False, right: float = 8) -> StudentScore:
    return StudentScore("x", 13, {"auto": ItemGrade(right, 10), "free": ItemGrade(3 if not pending else 0, 3, pending)})


def test_the_roster_reports_completion_and_the_assessment_in_their_own_columns(
    store: ResponseStore, classroom: TrainingClass, paths: GradingPaths
) -> None:
    done = store.sign_in(classroom.code, "Alex Rivera", "1")
    store.save_answer(done, "a1-first-list", "Callers, drivers, neighbours")
    team = store.join_group(done, "Team A")
    store.save_worksheet("a2-comparison", SheetOwner("group", team.id), done, {"Notes": "ours"}, None)
    store.save_worksheet(ACTIVITY_3_RATING, SheetOwner("group", team.id), done, {"Intro": "yes"}, None)
    _backdate(store, done, 118)
    teammate = store.sign_in(classroom.code, "Sam Okafor", "2")  # in the group, answered the activity, left early
    store.join_group(teammate, "Team A")
    store.save_answer(teammate, "a1-first-list", "Everyone")
    _backdate(store, teammate, 30)
    mistaken = store.sign_in(classroom.code, "Pat Wrongroom", "3")
    scores = {student_id(classroom.code, "1"): _score(), student_id(classroom.code, "2"): _score(pending=True)}

    rows = _rows(export_roster(paths, store, scores, {}, 70.0))
    alex, sam, pat = (rows[(classroom.code, n)] for n in ("1", "2", "3"))
    assert (alex["attended"], alex["activity_1"], alex["activity_2"], alex["activity_3"], alex["course_completed"]) == \
        ("yes", "yes", "yes", "yes", "yes")
    assert (alex["assessment_status"], alex["score"], alex["percent"], alex["met_standard"]) == ("graded", "11", "84.6", "yes")
    assert (sam["attended"], sam["activity_2"], sam["activity_3"], sam["course_completed"]) == ("no", "yes", "yes", "no")
    assert sam["assessment_status"].startswith("pending") and sam["score"] == "" and sam["percent"] == ""
    assert sam["met_standard"] == "pending" and "8 points so far" in sam["notes"]
    assert (pat["course_completed"], pat["assessment_status"], pat["met_standard"]) == ("no activity", "not submitted", "")
    assert mistaken.name == pat["trainee_name"]


def test_the_pass_mark_can_be_switched_off(store: ResponseStore, classroom: TrainingClass, paths: GradingPaths) -> None:
    store.sign_in(classroom.code, "Alex Rivera", "1")
    rows = _rows(export_roster(paths, store, {student_id(classroom.code, "1"): _score(right=1)}, {}, None))
    alex = rows[(classroom.code, "1")]
    assert (alex["score"], alex["pass_percent"], alex["met_standard"]) == ("4", "", "")


def test_the_roster_lists_only_the_reported_class(store: ResponseStore, classroom: TrainingClass,
                                                  paths: GradingPaths) -> None:
    other = store.create_class(location="Training room B", instructor="Sgt. Example")
    store.sign_in(classroom.code, "Alex Rivera", "1")
    store.sign_in(other.code, "Alex Rivera", "1")  # signed in to the second class as well
    store.sign_in(other.code, "Sam Okafor", "2")
    scores = {student_id(other.code, "1"): _score(), student_id(classroom.code, "9"): _score()}
    rows = _rows(export_roster(paths, store, scores, {}, 70.0, class_code=other.code))
    assert set(rows) == {(other.code, "1"), (other.code, "2")}
    everyone = _rows(export_roster(paths, store, scores, {}, 70.0))
    assert everyone[(classroom.code, "1")]["course_completed"] == "no activity"
    assert "submission with no sign-in" in everyone[(classroom.code, "9")]["notes"]


def test_minutes_present_counts_from_sign_in_to_the_last_action(classroom: TrainingClass) -> None:
    start = classroom.created_at
    assert minutes_present(start, start + timedelta(minutes=121, seconds=30)) == 121
    assert minutes_present(start, None) == 0
