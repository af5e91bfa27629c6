"""Case studies: every scenario file is sound, every ending can be played, plays are saved and resumed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape

from adaptive_policing.views.activities import class_case_paths
from adaptive_policing.content.case_play import CasePlay
from adaptive_policing.content.scenarios import CaseStudy, CaseStudyError, Ending, Node, case_study_ids, check_case_study, load_case_study, routes_to_endings
from adaptive_policing.widgets.case_study import CaseStudyPlayer
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.widgets.common import PREVIEW_MESSAGE
from adaptive_policing.widgets.common import CLOSED_MESSAGE

REPO = Path(__file__).resolve().parent.parent
CASE_IDS = case_study_ids(REPO / "course")


pytestmark = pytest.mark.usefixtures("isolated_session")


def choice(next_id: str, effect: int = 1, honours: bool = True, text: str = "Say something kind.") -> dict[str, Any]:
    return {"text": text, "next": next_id, "effect": effect, "principle": "Respect",
            "honours": honours, "debrief": f"Why going to {next_id} matters."}


def ending(outcome: str) -> dict[str, Any]:
    return {"ending": True, "outcome": outcome, "text": f"It ends {outcome}.", "debrief": f"Debrief {outcome}."}


def scenario(case_id: str = "tiny") -> dict[str, Any]:
    """A small valid scenario: three decisions in a row, three endings."""
    return {
        "id": case_id, "title": "Tiny", "setting": "district-window", "summary": "A short test case.",
        "perception": {"start": 9, "label": "How Mr. Test sees the police"},
        "roles": {"officer": "Officer card.", "customer": "Customer card.", "observer": "Observer card."},
        "start": "one",
        "nodes": {
            "one": {"text": "First.", "choices": [choice("two", 2), choice("bad", -5, False)]},
            "two": {"text": "Second.", "choices": [choice("three", 3), choice("meh", 0, False)]},
            "three": {"text": "Third.", "choices": [choice("good", 1), choice("meh", -1, False)]},
            "good": ending("good"), "meh": ending("mixed"), "bad": ending("poor"),
        },
    }


def write(tmp_path: Path, data: dict[str, Any], name: str | None = None) -> Path:
    folder = tmp_path / "case-studies"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


# --- the course's scenario files --------------------------------------------------------------


def test_the_course_has_the_six_case_studies() -> None:
    assert len(CASE_IDS) >= 6
    assert {"window-stolen-bike", "phone-towed-car", "burglary-slow-response"} <= set(CASE_IDS)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_course_case_study_is_sound(case_id: str) -> None:
    raw = yaml.safe_load((REPO / "course" / "case-studies" / f"{case_id}.yaml").read_text())
    assert check_case_study(raw, f"{case_id}.yaml") == []
    case = load_case_study(case_id, REPO / "course")
    assert case.id == case_id
    assert len(case.endings) >= 3 and len(case.decisions) >= 3
    for node in case.decisions:
        for made in node.choices:
            assert made.next in case.nodes, f"{case_id}: dead link from {node.id}"
            assert made.debrief.strip()
    assert all(end.debrief.strip() for end in case.endings)
    routes = routes_to_endings(case)
    assert set(routes) == {end.id for end in case.endings}, "every ending is reachable"
    assert max(len(route) for route in routes.values()) >= 3


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_node_is_reachable_and_every_path_ends(case_id: str) -> None:
    case = load_case_study(case_id, REPO / "course")
    seen, todo = {case.start}, [case.start]
    while todo:
        node = case.nodes[todo.pop()]
        for made in getattr(node, "choices", ()):
            if made.next not in seen:
                seen.add(made.next)
                todo.append(made.next)
    assert seen == set(case.nodes)
    # Walk every choice from every node: all roads lead to an ending within len(nodes) steps.
    for start in case.nodes:
        frontier = {start}
        for _ in range(len(case.nodes)):
            frontier = {m.next for n in frontier for m in getattr(case.nodes[n], "choices", ())} | {
                n for n in frontier if isinstance(case.nodes[n], Ending)}
        assert any(isinstance(case.nodes[n], Ending) for n in frontier)


# --- broken scenario files ----------------------------------------------------------------------


def broken(tmp_path: Path, change: Any, name: str | None = None) -> str:
    data = scenario()
    change(data)
    folder = write(tmp_path, data, name)
    with pytest.raises(CaseStudyError) as raised:
        load_case_study(name or data["id"], folder)
    return str(raised.value)


def test_a_valid_fixture_loads(tmp_path: Path) -> None:
    case = load_case_study("tiny", write(tmp_path, scenario()))
    assert isinstance(case, CaseStudy) and isinstance(case.nodes["one"], Node)
    assert routes_to_endings(case) == {"good": [0, 0, 0], "meh": [0, 1], "bad": [1]}


def test_an_unknown_next_is_named(tmp_path: Path) -> None:
    message = broken(tmp_path, lambda d: d["nodes"]["two"]["choices"][1].update(next="nowhere"))
    assert "tiny.yaml" in message
    assert "node 'two', choice 2 leads to 'nowhere', which is not a node in this file" in message


def test_an_unreachable_node_is_named(tmp_path: Path) -> None:
    def add_island(d: dict[str, Any]) -> None:
        d["nodes"]["island"] = {"text": "Nobody gets here.", "choices": [choice("good"), choice("bad")]}
    assert "node 'island' cannot be reached from the start node 'one'" in broken(tmp_path, add_island)


def test_a_loop_with_no_way_out_is_named(tmp_path: Path) -> None:
    def loop(d: dict[str, Any]) -> None:
        d["nodes"]["three"]["choices"] = [choice("four"), choice("four")]
        d["nodes"]["four"] = {"text": "Round again.", "choices": [choice("three"), choice("four")]}
        d["nodes"]["extra"] = ending("mixed")
        d["nodes"]["one"]["choices"].append(choice("extra"))
    message = broken(tmp_path, loop)
    assert "from node 'three' no choice leads to an ending" in message
    assert "from node 'four' no choice leads to an ending" in message


def test_a_loop_with_a_way_out_is_fine(tmp_path: Path) -> None:
    data = scenario()
    data["nodes"]["three"]["choices"].append(choice("two", 0))
    assert load_case_study("tiny", write(tmp_path, data)).id == "tiny"


@pytest.mark.parametrize("where", ["choice", "ending"])
def test_a_missing_debrief_is_named(tmp_path: Path, where: str) -> None:
    if where == "choice":
        message = broken(tmp_path, lambda d: d["nodes"]["three"]["choices"][0].pop("debrief"))
        assert "node 'three', choice 1 has no debrief" in message
    else:
        message = broken(tmp_path, lambda d: d["nodes"]["meh"].update(debrief="  "))
        assert "ending 'meh' has no debrief" in message


def test_a_schema_error_is_named(tmp_path: Path) -> None:
    message = broken(tmp_path, lambda d: d["nodes"]["two"]["choices"][0].update(effect="a lot"))
    assert "'nodes' › 'two' › 'choices' › choice 1 › 'effect'" in message
    assert "is not of type 'integer'" in message
    assert "outcome" in broken(tmp_path, lambda d: d["nodes"]["good"].update(outcome="great"))
    assert "'title' is a required property" in broken(tmp_path, lambda d: d.pop("title"))


def test_a_choice_cannot_be_both_keyed_and_also_defensible(tmp_path: Path) -> None:
    message = broken(tmp_path, lambda d: d["nodes"]["two"]["choices"][0].update(defensible=True))
    assert "node 'two', choice 1 is marked both as honouring the principle and as 'defensible'" in message
    assert "is not of type 'boolean'" in broken(
        tmp_path, lambda d: d["nodes"]["two"]["choices"][1].update(defensible="yes"))


def test_the_debrief_marks_a_trade_off_and_shows_what_service_could_not_change(store, trainee, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = scenario()
    data["nodes"]["two"]["choices"][1].update(defensible=True)
    data["nodes"]["meh"]["setback"] = "The <bike> is never found."
    case = load_case_study("tiny", write(tmp_path, data))
    two = case.nodes["two"]
    assert isinstance(two, Node) and two.keyed == [0] and two.sound == [0, 1]
    assert two.choices[1].defensible and not two.choices[0].defensible
    assert isinstance(case.nodes["meh"], Ending) and case.nodes["meh"].setback == "The <bike> is never found."
    assert isinstance(case.nodes["bad"], Ending) and case.nodes["bad"].setback == ""
    player = CaseStudyPlayer(case, store=store, trainee=trainee)
    for index in (0, 1):
        player.choose(index)
    html = player.ending.value
    assert "≈ Defensible, with a trade-off:" in html and html.count("✓ Honours:") == 1 and "✗ Breaks" not in html
    assert "What good service could not change:</strong> The &lt;bike&gt; is never found." in html
    player.restart()
    player.choose(1)
    assert "could not change" not in player.ending.value and "✗ Breaks:" in player.ending.value


def test_too_few_endings_and_decisions_are_named(tmp_path: Path) -> None:
    def shrink(d: dict[str, Any]) -> None:
        d["nodes"]["two"]["choices"] = [choice("good"), choice("meh")]
        del d["nodes"]["three"], d["nodes"]["bad"]
        d["nodes"]["one"]["choices"] = [choice("two"), choice("meh")]
    message = broken(tmp_path, shrink)
    assert "it has 2 ending(s) that can be reached; it needs at least 3" in message
    assert "it needs at least 3 decision points on one path" in message


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    message = broken(tmp_path, lambda d: None, name="other-name")
    assert "its id 'tiny' does not match the file name 'other-name.yaml'" in message


def test_a_missing_file_and_bad_ids_are_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(CaseStudyError, match="There is no case study file"):
        load_case_study("no-such-case", tmp_path)
    with pytest.raises(CaseStudyError, match="is not a case study id"):
        load_case_study("../secrets", tmp_path)


# --- playing -----------------------------------------------------------------------------------------


def test_perception_is_clamped_to_0_to_10(tmp_path: Path) -> None:
    case = load_case_study("tiny", write(tmp_path, scenario()))
    play = CasePlay(case)
    play.choose(0)  # 9 + 2
    play.choose(0)  # + 3
    assert play.perception == [9, 10, 10]
    low = CasePlay(case)
    low.choose(1)
    assert low.perception == [9, 4]
    data = scenario()
    data["perception"]["start"] = 1
    data["nodes"]["one"]["choices"][1]["effect"] = -5
    low = CasePlay(load_case_study("tiny", write(tmp_path, data)))
    low.choose(1)
    assert low.perception == [1, 0]


ROUTES = [
    (case_id, ending_id, route)
    for case_id in CASE_IDS
    for ending_id, route in routes_to_endings(load_case_study(case_id, REPO / "course")).items()
]


@pytest.mark.parametrize(("case_id", "ending_id", "route"), ROUTES, ids=[f"{c}-{e}" for c, e, _ in ROUTES])
def test_every_case_study_plays_to_each_of_its_endings(store, trainee, case_id, ending_id, route) -> None:  # type: ignore[no-untyped-def]
    case = load_case_study(case_id, REPO / "course")
    player = CaseStudyPlayer(case, store=store, trainee=trainee)
    expected_level = case.perception_start
    assert f"{case.perception_start} out of 10" in player.meter.value
    node_ids = [case.start]
    for step, index in enumerate(route):
        node = case.nodes[node_ids[-1]]
        assert isinstance(node, Node)
        assert player.options.options[index][1] == index
        assert player.choose(index), player.status.text
        expected_level = max(0, min(10, expected_level + node.choices[index].effect))
        node_ids.append(node.choices[index].next)
        saved = store.latest_answer(trainee, f"case:{case_id}").value
        assert saved["path"] == node_ids and saved["choices"] == route[: step + 1]
        assert saved["perception"][-1] == expected_level
    end = case.nodes[ending_id]
    assert isinstance(end, Ending)
    saved = store.latest_answer(trainee, f"case:{case_id}").value
    assert saved["ending"] == ending_id and saved["outcome"] == end.outcome
    assert saved["path"][-1] == ending_id and len(saved["perception"]) == len(route) + 1
    assert f"{expected_level} out of 10" in player.meter.value
    html = player.ending.value
    assert f"Ending: {end.outcome.capitalize()} outcome" in html
    assert yaml_text_in(end.debrief, html)
    for node_id, index in zip(node_ids, route):
        made = case.nodes[node_id].choices[index]  # type: ignore[union-attr]
        assert yaml_text_in(made.debrief, html) and yaml_text_in(made.principle, html)
        mark = "✓ Honours" if made.honours else "≈ Defensible, with a trade-off" if made.defensible else "✗ Breaks"
        assert mark in html
    assert (end.setback and f"What good service could not change:</strong> {escape(end.setback)}" in html) or (
        not end.setback and "could not change" not in html)

    assert player.again_button.layout.display is None and player.choose_button.layout.display == "none"


def yaml_text_in(text: str, html: str) -> bool:
    """Whether ``text`` appears in ``html`` exactly as the templates' autoescape writes it."""
    return str(escape(text)) in html


def test_a_reload_resumes_where_the_trainee_was(store, trainee) -> None:  # type: ignore[no-untyped-def]
    first = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    first.choose(1)  # defensive
    first.choose(0)  # listens
    again = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    assert again.play.path == ["arrival", "defensive", "listens"]
    assert again.play.perception == [3, 2, 4]
    assert "4 out of 10" in again.meter.value and "Are you even going to look for it?" in again.situation.value
    assert "is shown" in again.status.text
    for _ in range(3):
        again.choose(0)
    finished = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    assert finished.play.finished and "Ending: Good outcome" in finished.ending.value
    assert finished.options.layout.display == "none"
    finished.restart()
    assert finished.play.path == ["arrival"] and finished.ending.value == ""
    assert store.latest_answer(trainee, "case:window-stolen-bike").value["ending"] == "good-ending"
    finished.choose(2)
    assert store.latest_answer(trainee, "case:window-stolen-bike").value["path"] == ["arrival", "cold"]


def test_a_save_that_no_longer_fits_the_scenario_starts_again(store, trainee) -> None:  # type: ignore[no-untyped-def]
    store.save_answer(trainee, "case:window-stolen-bike", {"path": ["arrival", "gone"], "choices": [7],
                                                          "perception": [3, 4], "ending": None, "outcome": None})
    player = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    assert player.play.path == ["arrival"] and "starts again" in player.status.text


def test_preview_plays_but_saves_nothing(store) -> None:  # type: ignore[no-untyped-def]
    player = CaseStudyPlayer("window-stolen-bike", store=store)
    assert player.status.text == PREVIEW_MESSAGE
    assert player.choose(0) is False
    assert player.play.path == ["arrival", "listens"]
    assert player.status.text == PREVIEW_MESSAGE
    assert store.answer_count() == 0


def test_a_closed_case_study_plays_but_saves_nothing(store, classroom, trainee) -> None:  # type: ignore[no-untyped-def]
    store.set_prompt_open(classroom.id, "case:window-stolen-bike", False)
    player = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    assert player.status.text == CLOSED_MESSAGE
    assert player.choose(0) is False
    assert player.status.text == CLOSED_MESSAGE and player.status.kind == "error"
    assert store.latest_answer(trainee, "case:window-stolen-bike") is None
    store.set_prompt_open(classroom.id, "case:window-stolen-bike", True)
    assert player.choose(0) is True


def test_the_choose_button_needs_a_selection(store, trainee) -> None:  # type: ignore[no-untyped-def]
    player = CaseStudyPlayer("window-stolen-bike", store=store, trainee=trainee)
    player.choose_button.click()
    assert player.status.kind == "error" and "pick one" in player.status.text
    player.options.value = 1
    player.choose_button.click()
    assert player.play.path == ["arrival", "defensive"]
    assert "You chose:" in player.consequence.value and "went down by 1" in player.consequence.value
    assert "2 out of 10" in player.meter.value and "(down 1)" in player.meter.value


def test_scenario_text_is_escaped(tmp_path: Path, store, trainee) -> None:  # type: ignore[no-untyped-def]
    data = scenario()
    data["title"] = "<script>alert('title')</script>"
    data["summary"] = '<img src=x onerror="alert(1)">'
    data["perception"]["label"] = "<b>label</b>"
    data["nodes"]["one"]["text"] = "<script>alert(1)</script>"
    data["nodes"]["one"]["choices"][1]["text"] = "<img src=x onerror=alert(2)>"
    data["nodes"]["one"]["choices"][1]["principle"] = "<script>p()</script>"
    data["nodes"]["one"]["choices"][1]["debrief"] = "<iframe src=x></iframe>"
    data["nodes"]["bad"]["text"] = "<img src=y onerror=alert(3)>"
    data["nodes"]["bad"]["debrief"] = "<svg onload=alert(4)>"
    player = CaseStudyPlayer(load_case_study("tiny", write(tmp_path, data)), store=store, trainee=trainee)
    shown = "".join(child.value for child in player.children if hasattr(child, "value") and isinstance(child.value, str))
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in player.situation.value
    player.choose(1)
    html = player.ending.value + player.consequence.value + player.meter.value
    for raw in ("<script", "<img", "<iframe", "<svg", "<b>"):
        assert raw not in html and raw not in shown
    assert "&lt;img src=y onerror=alert(3)&gt;" in html and "&lt;svg onload=alert(4)&gt;" in html
    assert "&lt;iframe src=x&gt;&lt;/iframe&gt;" in html and "&lt;script&gt;p()&lt;/script&gt;" in html


# --- the instructor's summary --------------------------------------------------------------------------


def test_class_paths_counts_each_trainees_latest_play(db_url: str) -> None:
    store = ResponseStore(db_url)
    try:
        course = store.create_class()
        other = store.create_class()
        ann = store.sign_in(course.code, "Ann", "1")
        ben = store.sign_in(course.code, "Ben", "2")
        cal = store.sign_in(course.code, "Cal", "3")
        outsider = store.sign_in(other.code, "Out", "9")
        assert class_case_paths(store, course.id, load_case_study("window-stolen-bike")).started == 0
        for who, route in ((ann, [2, 1]), (ben, [0, 0, 0, 0]), (outsider, [0, 0, 0, 0])):
            player = CaseStudyPlayer("window-stolen-bike", store=store, trainee=who)
            for index in route:
                player.choose(index)
        ann_again = CaseStudyPlayer("window-stolen-bike", store=store, trainee=ann)
        ann_again.restart()
        for index in [0, 0, 1]:  # Ann's latest play ends mixed: only it counts
            ann_again.choose(index)
        CaseStudyPlayer("window-stolen-bike", store=store, trainee=cal).choose(1)  # started only
        paths = class_case_paths(store, course.id, load_case_study("window-stolen-bike"))
        assert paths.started == 3 and paths.finished == 2
        assert paths.endings == {"mixed-ending": 1, "good-ending": 1}
        assert paths.outcomes == {"mixed": 1, "good": 1}
        assert paths.choice_counts["arrival"] == (2, 1, 0)
        assert paths.choice_counts["listens"] == (2, 0, 0)
        assert paths.choice_counts["informed"] == (1, 1)
        assert paths.choice_counts["cold"] == (0, 0)
        # Ann: 3 -> 5 -> 7 -> 7 (mixed); Ben: 3 -> 5 -> 7 -> 9 -> 10 (good)
        assert paths.average_final_perception == 8.5
    finally:
        store.close()
