"""The run-of-show: the page-time estimator, the plan's tags, and the course fitting its minutes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from adaptive_policing.content import plan, run_of_show
from adaptive_policing.content.run_of_show import Cell, PageTags, Step, estimate_page

from .test_plan_navigation import _copy_of_the_course

REPO = Path(__file__).resolve().parent.parent

WORDS_400 = " ".join(["word"] * 400)


def _code(source: str) -> Cell:
    return Cell("code", source)


def _tags(prompts: dict[str, str] | None = None, timed: dict | None = None, activities: dict | None = None) -> PageTags:
    return PageTags(prompts or {}, timed or {}, activities or {})


# --- the estimator, a pure function --------------------------------------------------------


def test_reading_is_200_words_a_minute_and_if_time_or_take_home_cells_are_left_out() -> None:
    cells = [Cell("markdown", WORDS_400), Cell("markdown", WORDS_400, frozenset({"if-time"})),
             Cell("markdown", WORDS_400, frozenset({"take-home"})), Cell("markdown", WORDS_400, frozenset({"facilitator"}))]
    estimate = estimate_page("p", 10, cells, _tags())
    assert estimate.reading_minutes == 2.0
    assert estimate.core_minutes == 2.0


def test_a_typed_answer_takes_a_minute_and_a_half_and_a_choice_half_a_minute() -> None:
    cells = [_code('prompt("typed", "Why?")\nprompt("pick", "Which?", kind="choice", options=["a", "b"])'),
             _code('prompt("many", "Which?", kind="multi", options=["a"])\nprompt("rate", "Agree?", kind="scale")')]
    estimate = estimate_page("p", 10, cells, _tags({"typed": "core", "pick": "core", "many": "core", "rate": "core"}))
    assert [(item.item_id, item.minutes) for item in estimate.items] == [
        ("typed", 1.5), ("pick", 0.5), ("many", 0.5), ("rate", 0.5)]
    assert estimate.core_minutes == 3.0


def test_only_core_items_count_towards_the_page_minutes() -> None:
    cells = [_code('prompt("a", "A?")\nprompt("b", "B?")\nprompt("c", "C?")\ncase_study("bike")')]
    tags = _tags({"a": "core", "b": "if-time", "c": "take-home"}, {("case_study", "bike"): ("if-time", 6.0)})
    estimate = estimate_page("p", 2, cells, tags)
    assert estimate.core_minutes == 1.5
    assert estimate.minutes("if-time") == 7.5
    assert estimate.minutes("take-home") == 1.5
    assert estimate.fits


def test_case_studies_role_plays_and_the_assessment_take_the_minutes_the_plan_gives() -> None:
    cells = [_code('case_study("bike")\nrole_play("bike")\nassessment()')]
    tags = _tags(timed={("case_study", "bike"): ("core", 6.0), ("role_play", "bike"): ("core", 12.0),
                        ("assessment", ""): ("core", 7.0)})
    estimate = estimate_page("p", 24, cells, tags)
    assert [(item.kind, item.minutes) for item in estimate.items] == [
        ("case study", 6.0), ("role play", 12.0), ("assessment", 7.0)]
    assert estimate.core_minutes == 25.0
    assert not estimate.fits


def test_activity_steps_count_by_their_tier_and_every_activity_widget_must_be_in_a_step() -> None:
    steps = (Step("Pairs", "core", 3.0, ("a-list",)), Step("Wall", "core", 2.0, ()),
             Step("Reflect", "take-home", 1.5, ("a-reflect",)))
    activity_calls = {"act": run_of_show.calls_in([_code('prompt("a-list", "?")\nprompt("a-reflect", "?")\n'
                                                         'prompt("a-forgotten", "?")')])}
    estimate = estimate_page("p", 10, [], _tags(activities={"act": steps}), activity_calls)
    assert estimate.core_minutes == 5.0
    assert estimate.minutes("take-home") == 1.5
    assert estimate.untagged == ("act: prompt a-forgotten",)


def test_untagged_prompts_and_case_studies_are_reported_by_id_wherever_they_sit() -> None:
    cells = [Cell("markdown", "Intro"), _code('prompt("known", "?")'), Cell("markdown", "More"),
             _code('prompt("new-one", "?")\ncase_study("new-case")\nworksheet("sheet", "T", ["f"])')]
    estimate = estimate_page("p", 10, cells, _tags({"known": "core"}))
    assert estimate.untagged == ("prompt new-one", "case study new-case",
                                 "worksheet sheet (worksheets belong in an activity step)")


def test_tags_for_items_the_page_no_longer_has_are_reported() -> None:
    steps = (Step("Pairs", "core", 3.0, ("a-list", "a-gone")),)
    tags = _tags({"here": "core", "renamed-away": "if-time"}, {("case_study", "old-case"): ("core", 4.0)},
                 {"act": steps})
    estimate = estimate_page("p", 10, [_code('prompt("here", "?")')], tags,
                             {"act": run_of_show.calls_in([_code('prompt("a-list", "?")')])})
    assert estimate.stale == ("act: a-gone", "prompt renamed-away", "case study old-case")
    assert estimate.untagged == ()


def test_the_code_is_parsed_never_run_and_a_broken_cell_is_skipped() -> None:
    cells = [_code('import os; os.remove("/nonexistent"); prompt("x", "?")'), _code("prompt(\"y\", ")]
    assert [call.item_id for call in run_of_show.calls_in(cells)] == ["x"]


def test_notebooks_are_read_as_nbformat_reads_them_with_their_tags(tmp_path: Path) -> None:
    for path in [*sorted((REPO / "course").glob("*.ipynb")), *sorted((REPO / "exercises" / "activities").glob("*.ipynb"))]:
        notebook = nbformat.read(path, as_version=4)
        assert run_of_show.read_cells(path) == [
            Cell(c.cell_type, c.source, frozenset(c.metadata.get("tags", ()))) for c in notebook.cells], path.name
    lines = tmp_path / "lines.ipynb"  # nbformat 4 also allows the source as a list of lines
    lines.write_text('{"cells": [{"cell_type": "markdown", "metadata": {"tags": ["if-time"]}, "source": ["a b\\n", "c"]}]}')
    assert run_of_show.read_cells(lines) == [Cell("markdown", "a b\nc", frozenset({"if-time"}))]


def test_a_wrong_tier_in_the_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of core, if-time, take-home"):
        run_of_show.page_tags({"page": "p", "prompts": {"optional": ["x"]}})


# --- the course ------------------------------------------------------------------------------


def test_every_page_fits_its_minutes_and_every_item_is_tagged() -> None:
    assert run_of_show.check_run_of_show(REPO) == []


def test_the_core_course_is_120_minutes_and_the_window_module_a_separate_55_minute_block() -> None:
    plans = plan.load_plans(REPO / "course")
    assert plans["adaptive-policing"].minutes == sum(item.minutes for item in plans["adaptive-policing"].items) == 120
    assert plans["district-window"].minutes == sum(item.minutes for item in plans["district-window"].items) == 55


def test_the_check_names_an_untagged_prompt_and_a_page_that_runs_over(tmp_path: Path) -> None:
    home = _copy_of_the_course(tmp_path)
    plan_file = home / "course" / "plan.yaml"
    raw = yaml.safe_load(plan_file.read_text())
    agenda = raw["plans"]["adaptive-policing"]["agenda"]
    agenda[1]["prompts"]["core"].remove("s02-trust-scale")
    agenda[5]["minutes"] = 5
    agenda[2]["activities"][0]["steps"][0]["uses"] = []
    plan_file.write_text(yaml.safe_dump(raw))

    problems = run_of_show.check_run_of_show(home)

    assert "02-what-is-the-problem: prompt s02-trust-scale is not tagged core, if-time or take-home in plan.yaml" in problems
    assert ("03-what-is-customer-service: activity-1-who-are-our-customers: prompt a1-pair-list"
            " is not tagged core, if-time or take-home in plan.yaml") in problems
    assert any(p.startswith("06-complaint-resolution: core content takes") and p.endswith("the plan gives 5")
               for p in problems)
    assert len(problems) == 3


def test_a_prompt_renamed_on_its_page_is_named_as_untagged_and_its_old_tag_as_stale(tmp_path: Path) -> None:
    home = _copy_of_the_course(tmp_path)
    path = home / "course" / "04-customer-service-and-policing.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace('"s04-serve-peers"', '"s04-serve-peers-new"')
    nbformat.write(notebook, path)

    assert run_of_show.check_run_of_show(home) == [
        "04-customer-service-and-policing: prompt s04-serve-peers-new is not tagged core, if-time or take-home in plan.yaml",
        "04-customer-service-and-policing: plan.yaml tags prompt s04-serve-peers, which is not on the page or its activities",
    ]


def test_tagging_a_markdown_cell_if_time_takes_its_words_out_of_the_core(tmp_path: Path) -> None:
    home = _copy_of_the_course(tmp_path)
    path = home / "course" / "03-what-is-customer-service.ipynb"
    before = run_of_show.course_estimates(home)["adaptive-policing"]["03-what-is-customer-service"]
    notebook = nbformat.read(path, as_version=4)
    longest = max((c for c in notebook.cells if c.cell_type == "markdown"), key=lambda c: len(c.source.split()))
    longest.metadata["tags"] = ["if-time"]
    nbformat.write(notebook, path)

    after = run_of_show.course_estimates(home)["adaptive-policing"]["03-what-is-customer-service"]

    assert after.reading_minutes == pytest.approx(before.reading_minutes - len(longest.source.split()) / 200, abs=0.01)


def test_the_facilitator_guide_gives_each_page_the_plans_minutes() -> None:
    guide = (REPO / "solutions" / "facilitator-guide.md").read_text(encoding="utf-8")
    stated = {m["page"]: int(m["minutes"]) for m in re.finditer(r"^## (?P<page>[\w-]+): .*\((?P<minutes>\d+) min\)$",
                                                                 guide, re.MULTILINE)}
    planned = {item.page: item.minutes for course in plan.load_plans(REPO / "course").values() for item in course.items}
    assert stated == planned


def test_each_page_states_the_plans_minutes_under_its_title() -> None:
    for course in plan.load_plans(REPO / "course").values():
        for item in course.items:
            first = nbformat.read(REPO / item.ref.path, as_version=4).cells[0].source
            assert f"About {item.minutes} minutes" in first, item.page


# --- Activities 1 and 2 ------------------------------------------------------------------------


def test_activity_1_is_run_before_section_iii_teaches_who_our_customers_are() -> None:
    course = REPO / "course"
    assert plan.navigation("02-what-is-the-problem", course).next.page_id == "activity-1-who-are-our-customers"
    around = plan.navigation("activity-1-who-are-our-customers", course)
    assert (around.previous.page_id, around.next.page_id) == ("02-what-is-the-problem", "03-what-is-customer-service")
    assert plan.navigation("03-what-is-customer-service", course).previous.page_id == "activity-1-who-are-our-customers"


def test_activity_1_has_one_typed_line_per_pair_and_no_sorting_quiz() -> None:
    cells = run_of_show.read_cells(REPO / "exercises" / "activities" / "activity-1-who-are-our-customers.ipynb")
    calls = run_of_show.calls_in(cells)
    assert [(c.item_id, c.kind) for c in calls] == [("a1-pair-list", "text"), ("a1-no-product", "text"),
                                                    ("a1-one-change", "text")]
    assert "partner" in calls[0].label


def _worksheet_fields(path: Path, sheet_id: str) -> list[str]:
    for cell in run_of_show.read_cells(path):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "worksheet" and \
                    ast.literal_eval(node.args[0]) == sheet_id:
                return list(ast.literal_eval(node.args[2]))
    raise AssertionError(f"{sheet_id} not found in {path}")


def test_activity_2_worksheet_has_at_most_four_fields_and_ends_with_the_best_practices() -> None:
    fields = _worksheet_fields(REPO / "exercises" / "activities" / "activity-2-private-and-public-service.ipynb",
                               "a2-comparison")
    assert len(fields) <= 4
    assert "best practices" in fields[-1]


# --- the console's agenda ----------------------------------------------------------------------


def test_the_agenda_shows_each_sections_core_and_if_time_items_with_their_minutes() -> None:
    from adaptive_policing.analysis.agenda import AgendaStatus
    from adaptive_policing.content.run_of_show import RunItem
    from adaptive_policing.views.agenda import agenda_html

    rows = [plan.AgendaRow("I. One", "course/01-one.ipynb", 10, 0, ()),
            plan.AgendaRow("II. Two", "course/02-two.ipynb", 15, 10,
                           (plan.activity_ref("activity-x", "Activity <X>", before=True),))]
    estimates = {
        "02-two": run_of_show.PageEstimate("02-two", 15, 2.0, (
            RunItem("prompt", "p-core", "Who <b>are</b> our customers?", "core", 1.5),
            RunItem("activity step", "activity-x", "Pairs list customers", "core", 3.0),
            RunItem("prompt", "p-spare", "A spare question", "if-time", 0.5),
            RunItem("prompt", "p-home", "A take-home question", "take-home", 1.5))),
    }
    html = agenda_html(rows, AgendaStatus(index=1), ["", ""], estimates,
                       {"exercises/activities/activity-x.ipynb": "/slides/x"})
    two = html[html.index("II. Two"):]
    assert "Core 6.5 of 15 min · if time 0.5 min" in two
    assert two.index("Who &lt;b&gt;are&lt;/b&gt; our customers?") < two.index("If time") < two.index("A spare question")
    assert "Pairs list customers <small>(activity step, 3 min)</small>" in two
    assert "A take-home question" not in html
    assert "<details class=\"ap-run-of-show\" open>" in two
    assert "<strong>First:</strong> Activity &lt;X&gt;" in two and 'href="/slides/x"' in two
    assert "ap-run-of-show" not in html[:html.index("II. Two")]


@pytest.mark.usefixtures("isolated_session")
def test_the_console_agenda_lists_the_course_run_of_show(store) -> None:
    from adaptive_policing.widgets.console.app import Console

    console = Console(store=store, start_polling=False)
    try:
        course = console.create_class()
        assert course is not None
        value = console.agenda_list.value
        assert "of 21 min" in value
        assert "In pairs, list the customers you serve" in value
        assert "<strong>First:</strong> Learning Activity 1" in value
        assert "exercises/activities/activity-1-who-are-our-customers.ipynb?template=adaptive-slides" in value
        for estimate in run_of_show.course_estimates(REPO)[course.course_plan].values():
            for item in estimate.tier_items("take-home"):
                assert item.label not in value
    finally:
        console.stop()


# --- the start page --------------------------------------------------------------------------


def test_the_start_page_states_both_blocks_with_the_plans_minutes_and_who_sees_the_answers() -> None:
    plans = plan.load_plans(REPO / "course")
    text = nbformat.read(REPO / "course" / "00-start.ipynb", as_version=4).cells[0].source
    words = " ".join(text.split())
    assert f"{plans['adaptive-policing'].minutes} minutes" in words
    assert f"separate {plans['district-window'].minutes}-minute block" in words
    assert "with the **District Window and Telephone** module" not in words
    for point in ("without names", "name and badge number", "records-retention policy", "deletes nothing by itself",
                  "leave out names, case numbers and anything that identifies a person or incident"):
        assert point in words.replace("**Leave out**", "leave out"), point


def test_the_start_pages_agenda_says_activity_1_comes_first(store, trainee) -> None:
    from adaptive_policing.widgets.page import agenda_html as trainee_agenda

    html = " ".join(trainee_agenda(trainee, store).split())
    third = html[html.index("III. What Is Customer Service?"):html.index("IV. Customer Service and Policing")]
    assert "First: <a" in third and "Learning Activity 1: Who Are Our Customers?" in third
    fifth = html[html.index("V. Techniques and Strategies"):]
    assert "First: " not in fifth[:fifth.index("VI.")]
