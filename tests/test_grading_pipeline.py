"""Grading, end to end through nbgrader: fixture submissions give exact scores or flags.

One course root is graded once per module (ten submissions, two workers);
each test then checks one promise against the gradebook, the feedback HTML,
formgrader's rendering and the exports.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.api import Gradebook

from adaptive_policing.content.questions import ASSIGNMENT, WINDOW_ASSIGNMENT
from adaptive_policing.widgets.console.assessment import NOT_GRADED, assessment_html
from adaptive_policing.grading.autograde import AutogradeResult, autograde_submission
from adaptive_policing.grading.course import GradingPaths, nbgrader_api
from adaptive_policing.grading.execute import DeadlineExecute, timed_out
from adaptive_policing.grading.pipeline import GradeRun, grade, grade_all, write_reports
from adaptive_policing.grading.trainee_feedback import feedback_page_path
from adaptive_policing.views.spreadsheet import spreadsheet_safe
from adaptive_policing.data.store import ResponseStore

from .fixtures.assessment import submissions as fx

# The course root is graded once, by a module fixture: every test of the module runs on that one worker.
pytestmark = pytest.mark.xdist_group("grading-pipeline")

AUTO_POINTS = 37.0
ALL_POINTS = 43.0
WINDOW_POINTS = 13.0


@dataclass
class Graded:
    paths: GradingPaths
    run: GradeRun
    store: ResponseStore
    code: str
    marker: Path
    window: GradeRun

    def sid(self, n: int) -> str:
        return f"{self.code}-b{n}"

    def result(self, n: int):
        return next(r for r in self.run.results if r.student == self.sid(n))

    def score(self, n: int, assignment: str = ASSIGNMENT) -> float:
        with Gradebook(self.paths.db_url) as gb:
            return float(gb.find_submission(assignment, self.sid(n)).score)

    def question_scores(self, n: int, assignment: str = ASSIGNMENT) -> dict[str, float]:
        with Gradebook(self.paths.db_url) as gb:
            submission = gb.find_submission(assignment, self.sid(n))
            return {g.name: float(g.score) for nb in submission.notebooks for g in nb.grades}

    def feedback(self, n: int) -> str:
        return (self.paths.feedback(self.sid(n)) / "assessment.html").read_text()

    def trainee_page(self, n: int, assignment: str = ASSIGNMENT) -> str:
        """The trainee's own feedback page (not nbgrader's HTML)."""
        return feedback_page_path(self.paths.for_assignment(assignment), self.sid(n)).read_text()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    tmp = tmp_path_factory.mktemp("grading")
    paths = fx.course_root(tmp)
    store = ResponseStore(f"sqlite:///{tmp / 'responses.sqlite3'}")
    session = store.create_class(location="Room 1", instructor="Sgt. Example")
    code = session.code
    names = {1: "Alex Rivera", 2: "Sam Okafor", 3: "=HYPERLINK(\"http://x\")", 4: "Jo <b>Bold</b> Lee", 11: "Pat Absent"}
    for badge, name in names.items():
        store.sign_in(code, name, str(badge))
    marker = tmp / "pwned"
    payloads = fx.fixture("payloads.json")
    right = {**fx.solution_answers(), **fx.FREE_TEXT_RIGHT}
    wrong = fx.fixture("answers-all-wrong.json")
    sid = lambda n: f"{code}-b{n}"  # noqa: E731
    fx.submit(paths, sid(1), fx.filled(right))
    fx.submit(paths, sid(2), fx.release())
    fx.submit(paths, sid(3), fx.filled(fx.partly_right_answers()))
    fx.submit(paths, sid(4), fx.filled(wrong))
    fx.submit_file(paths, sid(5), fx.HERE / "not-json.txt")  # copied in as assessment.ipynb; kept as .txt in the tree
    fx.submit(paths, sid(6), fx.without_cell(fx.filled(right), "golden_circle_answer"))
    fx.submit(paths, sid(7), fx.with_source(fx.filled(wrong), "golden_circle", "# nothing to check here"))
    code_payload = payloads["code"][1].replace("{marker}", str(marker))
    fx.submit(paths, sid(8), fx.with_source(fx.filled(right), "one_customer_answer", f"one_customer = '{code_payload}'"))
    markup = payloads["markup"]
    fx.submit(paths, sid(9), fx.filled({**right, "free_alternative_yes": markup[0], "free_complaint_process": markup[1]}))
    raw = "\n".join(markup)
    fx.submit(paths, sid(10), fx.with_source(fx.filled(right), "free_alternative_yes", raw))
    window = paths.for_assignment(WINDOW_ASSIGNMENT)
    fx.submit(window, sid(1), fx.filled(fx.solution_answers(WINDOW_ASSIGNMENT), WINDOW_ASSIGNMENT))
    fx.submit(window, sid(3), fx.filled(fx.partly_right_answers(WINDOW_ASSIGNMENT), WINDOW_ASSIGNMENT))
    run, window_run = grade_all(paths, store=store, workers=2)
    return Graded(paths, run, store, code, marker, window_run)


def test_solution_scores_full_marks_on_every_autograded_question(graded: Graded) -> None:
    with Gradebook(graded.paths.db_url) as gb:
        submission = gb.find_submission(ASSIGNMENT, graded.sid(1))
        grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
        auto = {name: g for name, g in grades.items() if not name.startswith("free_")}
        assert len(auto) >= 20
        assert all(g.score == g.max_score for g in auto.values()), {n: g.score for n, g in auto.items()}
        assert submission.score == AUTO_POINTS and submission.max_score == ALL_POINTS
        assert submission.needs_manual_grade
    assert graded.result(1).status == "graded"


def test_blank_release_scores_zero_without_crashing(graded: Graded) -> None:
    assert graded.result(2).status == "graded"
    assert graded.score(2) == 0


def test_partly_right_and_all_wrong_give_exact_scores(graded: Graded) -> None:
    spec = fx.fixture("answers-partly-right.json")
    assert graded.score(3) == pytest.approx(spec["expected_autograded_score"]) == 29.2
    per_question = graded.question_scores(3)
    for qid, expected in spec["expected_question_scores"].items():
        assert per_question[qid] == pytest.approx(expected), qid
    assert per_question["complaint_resolution_order"] == 2.5  # partial credit on an ordering: 5 of 6 pairs
    assert graded.score(4) == 0


def test_not_json_is_listed_as_broken_not_as_did_not_submit(graded: Graded) -> None:
    broken = graded.result(5)
    assert broken.status == "broken"
    assert "not JSON" in broken.problems[0]
    rows = {r["trainee_number"]: r for r in csv.DictReader(graded.run.reports["roster"].open())}
    assert rows["5"]["assessment_status"] == "not graded: submission file broken"


def test_deleted_answer_cell_scores_zero_on_that_question_only(graded: Graded) -> None:
    assert graded.score(6) == AUTO_POINTS - 1
    assert any("golden_circle_answer" in p for p in graded.result(6).problems)


def test_tampered_locked_cell_is_flagged_and_restored(graded: Graded) -> None:
    result = graded.result(7)
    assert result.status == "tampered"
    assert "golden_circle" in " ".join(result.problems)
    assert graded.score(7) == 0  # the tampered test would have passed; nbgrader's original ran


def test_code_in_an_answer_cell_is_rejected_and_never_runs(graded: Graded) -> None:
    result = graded.result(8)
    assert result.status == "rejected"
    assert not graded.marker.exists()
    assert not graded.paths.autograded(graded.sid(8)).exists()


@pytest.mark.parametrize("n", [9, 10])
def test_markup_in_free_text_is_shown_as_text_in_feedback_and_formgrader(graded: Graded, n: int) -> None:
    assert graded.result(n).status == "graded"
    feedback = graded.feedback(n)
    rendered = HTMLExporter(template_name="formgrade", extra_template_basedirs=[_formgrader_templates()]).from_filename(
        str(graded.paths.autograded(graded.sid(n)) / "assessment.ipynb"),
        resources={"assignment_id": ASSIGNMENT, "notebook_id": "assessment", "submission_id": "x", "index": 0,
                   "total": 1, "base_url": "/", "student": graded.sid(n), "last_name": "", "first_name": "",
                   "notebook_path": "x"},
    )[0]
    for page in (feedback, rendered):
        assert "document.title=" not in re.sub(r"&\w+;|&#\d+;", "", _live_markup(page))
        assert "<img src=x" not in page and '<img src="x"' not in page
        assert 'href="javascript:' not in page
        assert "example.com/track.png" not in _live_markup(page)
        assert "&lt;script&gt;" in page


def _formgrader_templates() -> str:
    from nbgrader.server_extensions.formgrader import handlers

    return handlers.template_path


def _live_markup(page: str) -> str:
    """The page without text content inside <pre>/<code> blocks, where escaped trainee text lives."""
    return re.sub(r"<pre>.*?</pre>", "", page, flags=re.S)


def test_feedback_shows_answers_and_scores_but_no_hidden_test(graded: Graded) -> None:
    for n in (1, 2, 3, 4, 6, 7):
        page = graded.feedback(n)
        assert "HIDDEN TESTS" not in page
        assert "The points earned" not in page and "float(" not in page
        assert "most recent call last" not in page and "AssertionError" not in page and "NameError" not in page
    # The autograded notebook behind the feedback does hold the hidden tests: the feedback step removes them.
    autograded = (graded.paths.autograded(graded.sid(4)) / "assessment.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in autograded and "AssertionError" in (
        graded.paths.autograded(graded.sid(2)) / "assessment.ipynb").read_text()
    wrong = graded.feedback(4)
    assert "The forms and case numbers, because that is what the public gets" in wrong
    assert "Points: 0 of 1" in wrong
    assert "Points: 2 of 2" in graded.feedback(1)
    assert "This question was not answered" in graded.feedback(2)


def _question_block(page: str, number: int) -> str:
    found = re.search(rf'id="ap-assessment-feedback-q{number}">.*?</section>', page, flags=re.S)
    assert found, f"question {number} is missing"
    return found.group(0)


def test_each_trainee_s_feedback_page_reads_without_code_or_nbgrader_words(graded: Graded) -> None:
    for n in (1, 2, 3, 4, 6, 7, 9, 10):
        page = graded.trainee_page(n)
        assert page.count('<section class="question') == 26
        for word in ("assert", "In [", "Out[", "Test cell", "nbgrader", "autograde", "HIDDEN", "float(", "= None",
                     " cell", "grade_id", "intro_reasons_for_class"):
            assert word not in page, (n, word)
        assert not re.search(r"\b[A-Za-z_]\w* = ", page), n  # no variable assignment anywhere
        assert "<script" not in page and "<img" not in page
    right, blank, partly, wrong = (graded.trainee_page(n) for n in (1, 2, 3, 4))
    assert "Alex Rivera" in right and "Right" in _question_block(right, 3) and "1 of 1 point" in right
    assert "Start with Why" not in _question_block(right, 3)  # explanations only under answers not fully right
    golden = _question_block(wrong, 3)
    assert "Not right" in golden and "0 of 1 point" in golden and "Start with Why" in golden
    assert "The forms and case numbers, because that is what the public gets" in golden  # their answer, as text
    assert "Not answered" in _question_block(blank, 1) and "You did not answer this question." in blank
    order = _question_block(partly, 15)
    assert "Partly right" in order and "2.5 of 3 points" in order and "<ol" in order
    # Written answers nobody has graded yet: pending, never 0, and the total says so.
    for page in (right, partly):
        free = _question_block(page, 25)
        assert "Pending" in free and "out of 3 points" in free and "0 of 3" not in free
        assert "still waiting for your instructor" in page
    markup = graded.trainee_page(9)
    assert "&lt;script&gt;" in _question_block(markup, 25) + _question_block(markup, 26)
    # The window module's page is its own; broken and rejected submissions get none; nbgrader's HTML stays.
    assert graded.trainee_page(1, WINDOW_ASSIGNMENT).count('<section class="question') == 8
    assert not feedback_page_path(graded.paths, graded.sid(5)).exists()
    assert not feedback_page_path(graded.paths, graded.sid(8)).exists()
    assert "Points: 2 of 2" in graded.feedback(1)


def test_the_course_page_shows_a_signed_in_trainee_their_own_feedback_and_nobody_else_s(
        graded: Graded, isolated_session: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from adaptive_policing.grading.submission import GRADING_DIR_ENV
    from adaptive_policing.widgets.assessment import AssessmentApp

    monkeypatch.setenv(GRADING_DIR_ENV, str(graded.paths.root))
    training_class = graded.store.class_by_code(graded.code)
    people = {t.badge: t for t in graded.store.trainees_in(training_class.id)}
    mine = AssessmentApp(store=graded.store, trainee=people["4"])
    assert mine.feedback_button in mine.feedback.children
    assert mine.show_feedback()
    shown = mine.feedback_view.value
    assert "Jo bBold/b Lee" in shown and "<b>" not in shown  # their own name, as text
    golden = _question_block(shown, 3)
    assert "Not right" in golden and "Start with Why" in golden and "</h3>" in golden  # one level below the page's
    assert "Alex Rivera" not in shown and "assert" not in shown
    nobody = AssessmentApp(store=graded.store, trainee=people["11"])  # signed in, never submitted
    assert nobody.feedback.children == () and not nobody.show_feedback()
    preview = AssessmentApp(store=graded.store, trainee=None)
    assert preview.feedback.children == () and not preview.show_feedback()


def test_formgrader_shows_each_written_answer_s_rubric_right_under_it(graded: Graded) -> None:
    notebook = graded.paths.autograded(graded.sid(1)) / "assessment.ipynb"
    cells = nbformat.read(notebook, as_version=4).cells
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
    for qid in ("free_alternative_yes", "free_complaint_process"):
        assert ids[ids.index(qid) + 1] == f"{qid}_rubric"
    rendered = HTMLExporter(template_name="formgrade", extra_template_basedirs=[_formgrader_templates()]).from_filename(
        str(notebook), resources={"assignment_id": ASSIGNMENT, "notebook_id": "assessment", "submission_id": "x",
                                  "index": 0, "total": 1, "base_url": "/", "student": graded.sid(1), "last_name": "",
                                  "first_name": "", "notebook_path": "x"})[0]
    answer = rendered.index("legal car towed")
    rubric = rendered.index("1 point: says no honestly and explains why")
    next_question = rendered.index("Question 26")
    assert answer < rubric < next_question


def test_free_text_is_graded_by_hand_through_the_nbgrader_api(graded: Graded) -> None:
    sid = graded.sid(1)
    with Gradebook(graded.paths.db_url) as gb:
        for grade_id in ("free_alternative_yes", "free_complaint_process"):
            found = gb.find_grade(grade_id, "assessment", ASSIGNMENT, sid)
            found.manual_score = 3
            found.needs_manual_grade = False  # what formgrader's grade handler does on save
            comment = gb.find_comment(grade_id, "assessment", ASSIGNMENT, sid)
            comment.manual_comment = f"Rubric met in full ({grade_id})."
        gb.db.commit()
    result = nbgrader_api(graded.paths).generate_feedback(ASSIGNMENT, sid, force=True)
    assert result["success"], result.get("log")
    assert "Rubric met in full (free_alternative_yes)." in graded.feedback(1)
    write_reports(graded.paths, graded.store)
    free = _question_block(graded.trainee_page(1), 25)
    assert "Right" in free and "3 of 3 points" in free and "Rubric met in full (free_alternative_yes)." in free
    assert "still waiting" not in graded.trainee_page(1) and "43 of 43 points (100%)" in graded.trainee_page(1)
    rows = {r["trainee_number"]: r for r in csv.DictReader(graded.run.reports["roster"].open())}
    assert rows["1"]["score"] == "43" and rows["1"]["met_standard"] == "yes"


def test_roster_lists_every_trainee_with_post_columns(graded: Graded) -> None:
    rows = {r["trainee_number"]: r for r in csv.DictReader(graded.run.reports["roster"].open())}
    assert {"1", "2", "3", "4", "11"} <= set(rows)
    first = rows["2"]
    assert (first["course_number"], first["post_course"], first["hours"]) == ("2320", "10206", "2")
    # Signed in and submitted moments ago, no activity done: not completed; the score sits apart.
    assert (first["attended"], first["activity_1"], first["course_completed"]) == ("no", "no", "no")
    assert (first["assessment_status"], first["score"], first["met_standard"]) == ("graded", "0", "no")
    # Signed in by mistake and did nothing: no activity, never a fail.
    assert (rows["11"]["course_completed"], rows["11"]["assessment_status"], rows["11"]["met_standard"]) == \
        ("no activity", "not submitted", "")
    assert rows["3"]["trainee_name"].startswith("'=")  # a formula typed as a name is defused
    # b3's written answers wait for a grader: pending, no score and no 0.
    assert rows["3"]["assessment_status"].startswith("pending") and rows["3"]["score"] == ""
    assert rows["3"]["met_standard"] == "pending" and "29.2 points so far" in rows["3"]["notes"]


def test_item_analysis_and_charts(graded: Graded) -> None:
    items = {r["grade_id"]: r for r in csv.DictReader(graded.run.reports["item_analysis"].open())}
    assert len(items) == 26
    # Graded: b1, b2, b3, b4, b6, b7, b9, b10 (8 submissions). one_customer is right in b1, b3, b6, b9, b10.
    assert items["one_customer"]["graded"] == "8"
    assert items["one_customer"]["percent_correct"] == "62.5"
    assert "nearly everyone" not in items["one_customer"]["flag"]
    assert "distractor nobody picks" in items["one_customer"]["flag"]  # the fixtures pick only one wrong option
    # gains: right in b1, b6, b9, b10 only (b3 left it blank) -> 50 %.
    assert items["gains"]["percent_correct"] == "50.0"
    # complaint_resolution_order: fully right in b1, b6, b9, b10; b3 earned 2.5 of 3 (partial credit).
    assert items["complaint_resolution_order"]["percent_correct"] == "50.0"
    assert items["complaint_resolution_order"]["mean_percent_of_points"] == f"{100 * (4 * 3 + 2.5) / (8 * 3):.1f}"
    assert items["one_customer"]["discrimination"] != ""
    assert "(key)" in items["one_customer"]["choices"]
    # Written answers: the pending ones are left out, not counted as 0.
    free = items["free_alternative_yes"]
    assert int(free["graded"]) + int(free["pending"]) == 8 and int(free["pending"]) >= 5
    assert "nearly everyone misses" not in free["flag"] and "at least 5 needed" in free["note"]
    sections = {r["section"] for r in csv.DictReader(graded.run.reports["section_mastery"].open())}
    assert sections == {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"}  # the window module is reported apart
    for chart in ("score_chart", "mastery_chart"):
        assert graded.run.reports[chart].read_bytes().startswith(b"\x89PNG")
    scores = list(csv.DictReader(graded.run.reports["scores"].open()))
    assert {r["student_id"] for r in scores} >= {graded.sid(1), graded.sid(3)}


def test_the_console_shows_this_class_s_scores_charts_and_flagged_questions(graded: Graded) -> None:
    page = assessment_html(graded.code, graded.paths)
    assert "passing mark (70%)" in page
    assert page.count('src="data:image/png;base64,') == 2
    assert "Percent of points earned: I. Introductions" in page
    assert "<b>" not in page and "<script" not in page
    assert assessment_html("ZZZZZZ", graded.paths) == NOT_GRADED


def test_the_window_module_is_graded_apart_with_exact_scores(graded: Graded) -> None:
    assert graded.window.assignment == WINDOW_ASSIGNMENT
    assert sorted(r.student for r in graded.window.results) == [graded.sid(1), graded.sid(3)]
    assert graded.score(1, WINDOW_ASSIGNMENT) == WINDOW_POINTS
    spec = fx.fixture("window-answers-partly-right.json")
    assert graded.score(3, WINDOW_ASSIGNMENT) == spec["expected_autograded_score"] == 10
    assert graded.question_scores(3, WINDOW_ASSIGNMENT)["last_matching"] == 2  # 2 of 4 matches
    assert (graded.paths.feedback(graded.sid(1)).parent / WINDOW_ASSIGNMENT / "assessment.html").exists()


def test_the_two_assessments_have_separate_reports(graded: Graded) -> None:
    folder = graded.paths.root / "reports" / WINDOW_ASSIGNMENT
    assert graded.window.reports["results"] == folder / "results.csv"
    assert graded.run.reports["roster"] == graded.paths.root / "reports" / "roster.csv"
    results = {r["trainee_number"]: r for r in csv.DictReader((folder / "results.csv").open())}
    assert set(results) == {"1", "3"}
    assert (results["1"]["score"], results["1"]["max_score"], results["3"]["score"]) == ("13", "13", "10")
    assert results["1"]["trainee_name"] == "Alex Rivera" and results["1"]["assignment"] == WINDOW_ASSIGNMENT
    window_items = list(csv.DictReader((folder / "item-analysis.csv").open()))
    assert len(window_items) == 8 and {r["section"] for r in window_items} == {"W"}
    assert (folder / "score-distribution.png").read_bytes().startswith(b"\x89PNG")
    # The POST roster and the core item analysis hold the core course only.
    roster = {r["trainee_number"]: r for r in csv.DictReader(graded.run.reports["roster"].open())}
    assert "29.2 points so far" in roster["3"]["notes"]  # written answers pending; no window points
    rubric = graded.run.reports["rubric"].read_text()
    assert "pairwise agreement" in rubric and "`complaint_resolution_order`" in rubric
    assert "`last_matching`" in (folder / "rubric.md").read_text()
    exported = {(r["assignment"], r["student_id"]) for r in csv.DictReader(graded.run.reports["scores"].open())}
    assert {(ASSIGNMENT, graded.sid(3)), (WINDOW_ASSIGNMENT, graded.sid(3))} <= exported


def test_the_console_and_the_roster_agree_on_graded_pending_and_met(graded: Graded) -> None:
    write_reports(graded.paths, graded.store)
    rows = [r for r in csv.DictReader(graded.run.reports["roster"].open()) if r["class_code"] == graded.code]
    pending = sum(r["assessment_status"].startswith("pending") for r in rows)
    done = sum(r["assessment_status"] == "graded" for r in rows)
    met = sum(r["met_standard"] == "yes" for r in rows)
    assert pending >= 3 and done >= 1  # b2 (blank, nothing to grade by hand) at least, whatever else ran first
    page = html.unescape(assessment_html(graded.code, graded.paths))
    assert f"<p>{done} graded · {met} met the passing mark (70%) · {pending} pending" in page
    assert f'alt="{done} graded; ' in page  # the chart draws only the fully graded


def test_second_run_grades_only_new_submissions(graded: Graded) -> None:
    fx.submit(graded.paths, graded.sid(2), fx.filled(fx.solution_answers()))
    again = grade(graded.paths, store=graded.store)
    assert [r.student for r in again.results] == [graded.sid(2)]
    assert graded.score(2) == AUTO_POINTS
    history = list((graded.paths.root / "history" / graded.sid(2) / ASSIGNMENT).iterdir())
    assert len(history) == 1 and (history[0] / "assessment.ipynb").exists()
    status = json.loads((graded.paths.reports / "submission-status.json").read_text())
    assert status[graded.sid(5)]["status"] == "broken"


def test_one_submission_nbgrader_cannot_grade_is_reported_not_raised(graded: Graded) -> None:
    result = autograde_submission(graded.paths, f"{graded.code}-b99")
    assert isinstance(result, AutogradeResult)
    assert result.student == f"{graded.code}-b99" and result.status == "error"
    assert result.problems[0].startswith("nbgrader could not grade it: ")


def test_spreadsheet_safe() -> None:
    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("Alex") == "Alex"


def test_a_notebook_that_hangs_is_cut_off_at_the_notebook_deadline() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time; time.sleep(1.5)"),
        nbformat.v4.new_code_cell("time.sleep(60)"),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    import time as clock

    started = clock.monotonic()
    executor = DeadlineExecute(notebook_timeout=4, timeout=30)
    executor.preprocess(notebook, {"metadata": {"path": "."}})
    assert clock.monotonic() - started < 30
    assert timed_out(notebook)


def test_a_resubmission_keeps_hand_scores_of_unchanged_written_answers(graded: Graded) -> None:
    from datetime import datetime, timedelta, timezone

    from adaptive_policing.grading.submission import write_submission

    sid = graded.sid(1)
    right = {**fx.solution_answers(), **fx.FREE_TEXT_RIGHT}
    with Gradebook(graded.paths.db_url) as gb:
        for grade_id in ("free_alternative_yes", "free_complaint_process"):
            found = gb.find_grade(grade_id, "assessment", ASSIGNMENT, sid)
            found.manual_score, found.needs_manual_grade = 3, False
        gb.db.commit()
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    changed = {**right, "free_complaint_process": "Listen, then fix it."}
    write_submission(fx.filled(changed), sid, root=graded.paths.root, when=later)
    grade(graded.paths, store=graded.store)
    with Gradebook(graded.paths.db_url) as gb:
        kept = gb.find_grade("free_alternative_yes", "assessment", ASSIGNMENT, sid)
        redo = gb.find_grade("free_complaint_process", "assessment", ASSIGNMENT, sid)
        assert (kept.manual_score, kept.needs_manual_grade) == (3, False)  # unchanged text: hand score kept
        assert (redo.manual_score, redo.needs_manual_grade) == (None, True)  # changed text: graded again
    rows = {r["trainee_number"]: r for r in csv.DictReader(graded.run.reports["roster"].open())}
    assert rows["1"]["assessment_status"].startswith("pending")


def test_one_kernel_grades_one_notebook_after_another_and_keeps_nothing_between_them(graded: Graded) -> None:
    """A kept kernel is cleared before each notebook: a deleted answer cell is not filled from the one before."""
    from adaptive_policing.grading import execute

    right = {**fx.solution_answers(), **fx.FREE_TEXT_RIGHT}
    fx.submit(graded.paths, graded.sid(21), fx.filled(right))
    fx.submit(graded.paths, graded.sid(22), fx.without_cell(fx.filled(right), "golden_circle_answer"))
    kernels = []
    for n in (21, 22):
        assert autograde_submission(graded.paths, graded.sid(n)).status == "graded"
        kernels.append(execute._kept["kernel"].provisioner.process.pid)
    assert kernels[0] == kernels[1]  # the same kernel graded both
    assert graded.question_scores(21)["golden_circle"] == 1
    assert graded.question_scores(22)["golden_circle"] == 0
    assert graded.score(22) == AUTO_POINTS - 1
    graded_notebook = nbformat.read(graded.paths.autograded(graded.sid(22)) / "assessment.ipynb", as_version=4)
    counts = [cell.execution_count for cell in graded_notebook.cells if cell.cell_type == "code"]
    assert counts[0] == 1  # numbered from 1, as in a fresh kernel
    for n in (21, 22):  # and the worker's kept feedback converter wrote each one's feedback
        assert "Points:" in graded.feedback(n)


def test_one_converter_run_writes_the_feedback_of_every_listed_trainee_and_keeps_nothing_stale(graded: Graded) -> None:
    from adaptive_policing.grading.feedback_html import feedback_converter, write_feedback

    listed = [graded.sid(n) for n in (1, 3, 4)]
    for sid in listed:
        (graded.paths.feedback(sid) / "assessment.html").unlink()
    not_listed = graded.paths.feedback(graded.sid(6)) / "assessment.html"
    untouched = not_listed.stat().st_mtime_ns
    converter = feedback_converter(nbgrader_api(graded.paths))
    never_graded = graded.sid(5)  # broken: nothing autograded, so no feedback
    result = write_feedback(converter, graded.paths, [*listed, never_graded])
    assert result["written"] == {**{sid: True for sid in listed}, never_graded: False}
    assert "Points: 2 of 2" in graded.feedback(1) and "Points: 0 of 1" in graded.feedback(4)
    assert "HIDDEN TESTS" not in graded.feedback(3)
    assert not_listed.stat().st_mtime_ns == untouched
    exporter = converter.exporter

    # A grader comments afterwards: the same converter writes it, from the gradebook as it is now.
    with Gradebook(graded.paths.db_url) as gb:
        gb.find_comment("free_complaint_process", "assessment", ASSIGNMENT, graded.sid(4)).manual_comment = (
            "Start by listening to the caller.")
        gb.db.commit()
    again = write_feedback(converter, graded.paths, [graded.sid(4)])
    assert again["written"] == {graded.sid(4): True} and again["success"]
    assert converter.exporter is exporter  # the templates were set up once
    assert "Start by listening to the caller." in graded.feedback(4)


def _events(target: object, name: str, action) -> int:
    """How many times SQLAlchemy fires event ``name`` of ``target`` while ``action()`` runs."""
    from sqlalchemy import event

    fired = []
    count = lambda *_args: fired.append(1)  # noqa: E731
    event.listen(target, name, count)
    try:
        action()
    finally:
        event.remove(target, name, count)
    return len(fired)


def test_autograde_scores_are_saved_with_nbgrader_s_rules_in_one_commit(graded: Graded) -> None:
    from nbgrader.preprocessors import SaveAutoGrades
    from sqlalchemy.orm import Session

    from adaptive_policing.grading.scores import SaveAutoGradesAtOnce

    def scramble(sid: str) -> None:
        with Gradebook(graded.paths.db_url) as gb:
            notebook = gb.find_submission_notebook("assessment", ASSIGNMENT, sid)
            for found in notebook.grades:
                found.auto_score, found.needs_manual_grade = 99.0, True
            for found in notebook.comments:
                found.auto_comment = "stale"
            gb.db.commit()

    def commits(action) -> int:
        return _events(Session, "after_commit", action)

    opening = commits(lambda: Gradebook(graded.paths.db_url).close())  # nbgrader's own, on opening the gradebook

    def saved(sid: str, preprocessor) -> tuple[list, list, int]:
        scramble(sid)
        notebook = nbformat.read(graded.paths.autograded(sid) / "assessment.ipynb", as_version=4)
        resources = {"nbgrader": {"notebook": "assessment", "assignment": ASSIGNMENT, "student": sid,
                                  "db_url": graded.paths.db_url}}
        made = commits(lambda: preprocessor.preprocess(notebook, resources)) - opening
        with Gradebook(graded.paths.db_url) as gb:
            notebook = gb.find_submission_notebook("assessment", ASSIGNMENT, sid)
            grades = sorted((g.name, g.auto_score, g.needs_manual_grade) for g in notebook.grades)
            comments = sorted((c.name, c.auto_comment) for c in notebook.comments)
        return grades, comments, made

    for n in (2, 3):  # blank ("No response.") and partly right
        sid = graded.sid(n)
        theirs = saved(sid, SaveAutoGrades())
        ours = saved(sid, SaveAutoGradesAtOnce())
        assert ours[:2] == theirs[:2]
        assert 99.0 not in [score for _name, score, _manual in ours[0]]
        assert ours[2] == 1 and theirs[2] > 20


def test_feedback_reads_a_notebook_s_scores_and_comments_as_nbgrader_does_in_a_few_queries(graded: Graded) -> None:
    from nbgrader.preprocessors import GetGrades
    from sqlalchemy.engine import Engine

    from adaptive_policing.grading.scores import GetGradesReadAhead

    def queries(action) -> int:
        return _events(Engine, "before_cursor_execute", action)

    def read(preprocessor) -> tuple[dict, dict, int]:
        notebook = nbformat.read(graded.paths.autograded(graded.sid(3)) / "assessment.ipynb", as_version=4)
        resources = {"nbgrader": {"notebook": "assessment", "assignment": ASSIGNMENT, "student": graded.sid(3),
                                  "db_url": graded.paths.db_url}}
        made = queries(lambda: preprocessor.preprocess(notebook, resources))
        cells = {c.metadata["nbgrader"]["grade_id"]: dict(c.metadata["nbgrader"])
                 for c in notebook.cells if "nbgrader" in c.metadata}
        return cells, dict(resources["nbgrader"]), made

    opening = queries(lambda: Gradebook(graded.paths.db_url).close())  # nbgrader's own, on opening the gradebook
    theirs, ours = read(GetGrades()), read(GetGradesReadAhead())
    assert ours[:2] == theirs[:2]
    assert any(meta.get("score") == 0 for meta in ours[0].values()) and ours[1]["score"] > 0
    assert ours[2] - opening <= 8 < 40 < theirs[2] - opening


def test_locked_cells_and_points_are_restored_as_nbgrader_does_with_the_release_read_ahead(graded: Graded) -> None:
    import copy

    from nbgrader.preprocessors import OverwriteCells
    from sqlalchemy.engine import Engine

    from adaptive_policing.grading.overwrite import OverwriteCellsReadAhead

    tampered = nbformat.read(graded.paths.submitted(graded.sid(7)) / "assessment.ipynb", as_version=4)
    graded_cell = next(c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade"))
    graded_cell.metadata["nbgrader"]["points"] = 50  # more points than the release gives

    def restored(preprocessor) -> tuple[NotebookNode, int]:
        notebook = copy.deepcopy(tampered)
        resources = {"nbgrader": {"notebook": "assessment", "assignment": ASSIGNMENT, "student": graded.sid(7),
                                  "db_url": graded.paths.db_url}}
        made = _events(Engine, "before_cursor_execute", lambda: preprocessor.preprocess(notebook, resources))
        return notebook, made

    (theirs, their_queries), (ours, our_queries) = restored(OverwriteCells()), restored(OverwriteCellsReadAhead())
    assert ours == theirs and ours != tampered
    assert "# nothing to check here" not in nbformat.writes(ours)
    assert our_queries < their_queries / 3
