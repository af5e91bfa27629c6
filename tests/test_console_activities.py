"""The console's Activities tab: worksheets side by side, case-study paths, role-play ratings."""

from __future__ import annotations


import pytest
from markupsafe import escape

from adaptive_policing.content.scenarios import load_case_study, routes_to_endings
from adaptive_policing.widgets.case_study import CaseStudyPlayer
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.views.activities import activities_html, case_paths_html, role_plays_html, worksheets_html
from adaptive_policing.analysis.tallies import word_frequencies
from adaptive_policing.widgets.role_play import RolePlayKit
from adaptive_policing.data.store import TrainingClass, ResponseStore, SheetOwner

SCRIPT = "<script>alert('x')</script>"
ONERROR = "<img src=x onerror=alert(1)>"


pytestmark = pytest.mark.usefixtures("isolated_session")


def test_groups_best_practices_are_lined_up_first_and_escaped(store: ResponseStore, classroom: TrainingClass) -> None:
    alpha = store.sign_in(classroom.code, "Lee Park", "101")
    bravo = store.sign_in(classroom.code, "Kim Ode", "102")
    for trainee, group, practices in ((alpha, "Alpha", "Own the wait"), (bravo, "Bravo", f"Say thank you {SCRIPT}")):
        team = store.join_group(trainee, group)
        store.save_worksheet("a2-comparison", SheetOwner("group", team.id), trainee,
                             {"Goals and outcomes: private sector": "Profit", "Our group's best practices": practices},
                             None)

    assert store.worksheet_ids(classroom.id) == ["a2-comparison"]
    page = worksheets_html(store, classroom.id, ["a2-comparison"])
    assert page.index("Our group&#39;s best practices") < page.index("Goals and outcomes: private sector")
    assert "Alpha" in page and "Bravo" in page and "Own the wait" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_the_class_paths_count_starts_endings_and_choices(store: ResponseStore, classroom: TrainingClass) -> None:
    case = load_case_study("window-stolen-bike")
    good = routes_to_endings(case)["good-ending"]
    finisher = CaseStudyPlayer(case, store=store, trainee=store.sign_in(classroom.code, "Ana Cruz", "201"))
    for index in good:
        assert finisher.choose(index)
    starter = CaseStudyPlayer(case, store=store, trainee=store.sign_in(classroom.code, "Bo Diaz", "202"))
    assert starter.choose(good[0])

    page = case_paths_html(store, classroom.id, ["window-stolen-bike"])
    assert "2 started · 1 finished" in page
    assert "Good ending (good-ending): <strong>1</strong>" in page
    first_choice = case.nodes[case.start].choices[good[0]].text  # type: ignore[union-attr]
    assert f"{escape(first_choice)}: <strong>2</strong>" in page


def test_role_play_ratings_become_a_chart_and_a_table(store: ResponseStore, classroom: TrainingClass) -> None:
    assert "No role-play ratings" in role_plays_html(store, classroom.id)
    kit = RolePlayKit("phone-towed-car", store=store, trainee=store.sign_in(classroom.code, "Cy Moe", "301"))
    kit.value = {"role": "customer", "partners": ONERROR, "before": 2, "after": 8, "checklist": [], "notes": ""}
    assert kit.save()

    page = role_plays_html(store, classroom.id)
    assert 'src="data:image/png;base64,' in page and 'alt="' in page
    assert "<td>2</td><td>8</td><td>+6</td>" in page
    assert ONERROR not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_word_frequencies_count_each_answer_once_and_skip_common_words(
        store: ResponseStore, classroom: TrainingClass) -> None:
    for badge, text in (("1", "Respect and listen, listen"), ("2", "Listen with respect"), ("3", "Follow up")):
        store.save_answer(store.sign_in(classroom.code, f"T {badge}", badge), "s01-why-this-class", text)
    answers = store.class_answers(classroom.id, "s01-why-this-class")
    assert word_frequencies(answers) == [("listen", 2), ("respect", 2)]


def test_the_console_shows_one_class_s_activities_only(store: ResponseStore, classroom: TrainingClass) -> None:
    other = store.create_class(location="Elsewhere")
    mine = CaseStudyPlayer("window-stolen-bike", store=store, trainee=store.sign_in(classroom.code, "Ed Fox", "401"))
    assert mine.choose(0)
    console = Console(store=store, start_polling=False)
    try:
        console.picker.value = classroom.id
        console.refresh()
        assert "The Stolen Bicycle at the District Window" in console.activities.value
        assert "1 started · 0 finished" in console.activities.value
        console.picker.value = other.id
        console.refresh()
        assert "No case studies played in this class yet." in console.activities.value
        assert activities_html(store, other.id, [], []).count("yet.") == 4  # worksheets, cases, role plays, rubrics
    finally:
        console.stop()


def test_worksheet_ids_are_per_class_in_first_saved_order(db_url: str) -> None:
    store = ResponseStore(db_url)
    try:
        here, there = store.create_class(location="A"), store.create_class(location="B")
        lee, kim = store.sign_in(here.code, "Lee", "1"), store.sign_in(there.code, "Kim", "2")
        for sheet in ("a2-comparison", "a3-observer-checklist", "a2-comparison"):
            latest = store.latest_worksheet(sheet, SheetOwner("trainee", lee.id))
            store.save_worksheet(sheet, SheetOwner("trainee", lee.id), lee, {"Notes": sheet},
                                 latest.seq if latest else None)
        store.save_worksheet("other-sheet", SheetOwner("trainee", kim.id), kim, {"Notes": "x"}, None)
        assert store.worksheet_ids(here.id) == ["a2-comparison", "a3-observer-checklist"]
        assert store.worksheet_ids(there.id) == ["other-sheet"]
    finally:
        store.close()
