"""Navigation and agenda generated from a course plan."""

from __future__ import annotations

import os
import time
from pathlib import Path

from adaptive_policing import plan

PLAN = """
plans:
  demo:
    title: Demo course
    minutes: 30
    sessions:
      - {page: 01-one, title: "I. One", minutes: 10}
      - {page: 02-two, title: "II. Two", minutes: 15, activities: [activity-x]}
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


def test_agenda_gives_start_minutes_and_exercises(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    rows = plan.agenda("demo", tmp_path)
    assert [(r.title, r.start_minute, r.minutes) for r in rows] == [
        ("I. One", 0, 10), ("II. Two", 10, 15), ("III. Three", 25, 5)]
    assert [a.path for a in rows[1].activities] == ["exercises/activity-x.ipynb"]


def test_an_edited_plan_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    assert len(plan.agenda("demo", tmp_path)) == 3
    (tmp_path / "plan.yaml").write_text(PLAN.replace("      - {page: 03-three, title: \"III. Three\", minutes: 5}\n", ""))
    os.utime(tmp_path / "plan.yaml", (time.time() + 5, time.time() + 5))
    assert len(plan.agenda("demo", tmp_path)) == 2
