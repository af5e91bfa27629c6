"""The course plan: navigation and agenda generated from it, and its agreement with the notebooks."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import yaml

from adaptive_policing.content import plan

REPO = Path(__file__).resolve().parent.parent

PLAN = """
plans:
  demo:
    title: Demo course
    minutes: 30
    agenda:
      - {page: 01-one, title: "I. One", minutes: 10}
      - page: 02-two
        title: "II. Two"
        minutes: 15
        activities: [{id: activity-x, title: "Activity X"}]
      - {page: 03-three, title: "III. Three", minutes: 5}
"""


def test_navigation_follows_the_plan(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    middle = plan.navigation("02-two", tmp_path)
    assert middle.previous == plan.PageRef("01-one", "I. One", "course/01-one.ipynb")
    assert middle.next == plan.PageRef("03-three", "III. Three", "course/03-three.ipynb")
    assert plan.navigation("01-one", tmp_path).previous is None
    assert plan.navigation("03-three", tmp_path).next is None
    assert plan.navigation("99-missing", tmp_path) == plan.Navigation(None, None, None)


def test_an_activity_leads_back_to_its_section_and_on_to_the_next(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    nav = plan.navigation("activity-x", tmp_path)
    assert nav.previous is not None and nav.previous.page_id == "02-two"
    assert nav.next is not None and nav.next.page_id == "03-three"


def test_agenda_gives_start_minutes_and_activities(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    rows = plan.agenda("demo", tmp_path)
    assert [(r.title, r.start_minute, r.minutes) for r in rows] == [
        ("I. One", 0, 10), ("II. Two", 10, 15), ("III. Three", 25, 5)]
    assert rows[1].activities == (
        plan.PageRef("activity-x", "Activity X", "exercises/activities/activity-x.ipynb"),)


def test_an_edited_plan_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    assert len(plan.agenda("demo", tmp_path)) == 3
    (tmp_path / "plan.yaml").write_text(PLAN.replace("      - {page: 03-three, title: \"III. Three\", minutes: 5}\n", ""))
    os.utime(tmp_path / "plan.yaml", (time.time() + 5, time.time() + 5))
    assert len(plan.agenda("demo", tmp_path)) == 2


def test_the_course_plan_the_notebooks_and_the_navigation_agree() -> None:
    assert plan.check_plans(REPO) == []
    plans = plan.load_plans(REPO / "course")
    assert plans["adaptive-policing"].minutes == 120
    assert 45 <= plans["district-window"].minutes <= 60
    activities = [a.page_id for s in plans["adaptive-policing"].items for a in s.activities]
    assert activities == [
        "activity-1-who-are-our-customers", "activity-2-private-and-public-service", "activity-3-changing-perception"]


def test_walking_next_links_visits_every_section_once() -> None:
    for course in plan.load_plans(REPO / "course").values():
        page, seen = course.items[0].sequence[0].page_id, []
        while page is not None:
            seen.append(page)
            following = plan.navigation(page, REPO / "course").next
            page = following.page_id if following else None
        assert [p for p in seen if not p.startswith("activity-")] == [item.page for item in course.items]
        assert seen == [ref.page_id for item in course.items for ref in item.sequence]


def test_an_activity_run_before_its_page_sits_between_the_previous_section_and_the_page(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN.replace("activities: [{id: activity-x, title: \"Activity X\"}]",
                                                     "activities: [{id: activity-x, title: \"Activity X\", before: true}]"))
    assert plan.navigation("01-one", tmp_path).next.page_id == "activity-x"
    nav = plan.navigation("activity-x", tmp_path)
    assert (nav.previous.page_id, nav.next.page_id) == ("01-one", "02-two")
    assert plan.navigation("02-two", tmp_path).previous.page_id == "activity-x"
    assert plan.navigation("02-two", tmp_path).next.page_id == "03-three"
    assert plan.agenda("demo", tmp_path)[1].activities[0].before


def _copy_of_the_course(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "course", tmp_path / "course")
    shutil.copytree(REPO / "exercises" / "activities", tmp_path / "exercises" / "activities")
    return tmp_path


def test_the_plan_check_names_each_disagreement(tmp_path: Path) -> None:
    home = _copy_of_the_course(tmp_path)
    plan_file = home / "course" / "plan.yaml"
    raw = yaml.safe_load(plan_file.read_text())
    agenda = raw["plans"]["adaptive-policing"]["agenda"]
    agenda[0]["minutes"] += 5
    agenda[3]["title"] = "IV. Something Else"
    agenda[1]["page"] = "02-renamed"
    agenda[2]["activities"][0]["id"] = "activity-9-missing"
    raw["plans"]["district-window"]["agenda"].pop()
    plan_file.write_text(yaml.safe_dump(raw))
    notebook = nbformat.read(home / "course" / "04-customer-service-and-policing.ipynb", as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace('page_header("04-customer-service-and-policing")', 'page_header("04-old")')
    nbformat.write(notebook, home / "course" / "04-customer-service-and-policing.ipynb")

    problems = plan.check_plans(home)

    assert "plan adaptive-policing: agenda items add up to 125 minutes, the plan says 120" in problems
    assert "course/02-renamed.ipynb does not exist" in problems
    assert "exercises/activities/activity-9-missing.ipynb does not exist" in problems
    assert "course/04-customer-service-and-policing.ipynb does not call page_header('04-customer-service-and-policing')" in problems
    assert "course/02-what-is-the-problem.ipynb is in no plan" in problems
    assert "course/11-telephone.ipynb is in no plan" in problems
    window_page = raw["plans"]["district-window"]["agenda"][0]
    assert f"plan district-window: agenda items add up to {window_page['minutes']} minutes, the plan says 55" in problems
    assert "course/04-customer-service-and-policing.ipynb: its first heading is not '# IV. Something Else'" in problems
    assert len(problems) == 8
