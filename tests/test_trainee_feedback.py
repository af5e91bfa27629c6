"""A trainee's feedback page, rendered from plain data: verdicts, pending, escaping, no code words.

The pages ``make grade`` writes from a real gradebook are checked in
tests/test_grading_pipeline.py (same fixtures, graded once).
"""

from __future__ import annotations

from adaptive_policing.analysis.answer_feedback import FeedbackSheet, answer_feedback, verdict
from adaptive_policing.analysis.grading_status import ItemGrade, assessment_status
from adaptive_policing.content.questions import Question
from adaptive_policing.grading.submission import free_text_markdown, free_text_from_markdown
from adaptive_policing.views.trainee_feedback import feedback_page


def _question(kind: str, qid: str = "q", number: int = 1, explanation: str = "Because the course says so.") -> Question:
    return Question(qid, number, "V", kind, f"Prompt number {number}?", ("A", "B", "C"), ("x", "y") if kind == "match" else (),
                    3.0, explanation=explanation if kind != "text" else "")


def test_verdicts_and_pending_is_never_zero() -> None:
    assert verdict(ItemGrade(3, 3), True) == "right"
    assert verdict(ItemGrade(1.5, 3), True) == "partly"
    assert verdict(ItemGrade(0, 3), True) == "wrong"
    assert verdict(ItemGrade(0, 3), False) == "not answered"
    pending = answer_feedback(_question("text"), "My answer", ItemGrade(0, 3, pending=True))
    assert (pending.verdict, pending.points, pending.explanation) == ("pending", None, "")
    wrong = answer_feedback(_question("single"), "B", ItemGrade(0, 3))
    assert wrong.explanation == "Because the course says so."
    assert answer_feedback(_question("single"), "A", ItemGrade(3, 3)).explanation == ""
    assert answer_feedback(_question("match"), {"x": "A", "y": "B"}, ItemGrade(1.5, 3)).answer == ("x → A", "y → B")


def test_written_text_round_trips_through_the_answer_sheet() -> None:
    typed = "First line\n\n  indented <b>bold</b>\nlast"
    assert free_text_from_markdown(free_text_markdown(typed)) == typed


def _page(answer_text: str, pending: bool) -> str:
    questions = [_question("text", "free_one", 1), _question("single", "pick_one", 2)]
    grades = {"free_one": ItemGrade(0, 3, pending=pending), "pick_one": ItemGrade(0, 3)}
    items = (answer_feedback(questions[0], answer_text, grades["free_one"], "Good start: <i>add</i> a next step."),
             answer_feedback(questions[1], "B", grades["pick_one"]))
    sheet = FeedbackSheet("IX. Assessment of Learning", "Jo <b>Lee</b>", assessment_status(grades, 6, 70), items, 70)
    return str(feedback_page(sheet))


def test_the_page_escapes_trainee_text_and_shows_pending_not_zero() -> None:
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)> " + "W" * 400
    page = _page(payload, pending=True)
    assert "<script" not in page and "<img" not in page and "<b>Lee" not in page and "<i>add" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Jo &lt;b&gt;Lee&lt;/b&gt;" in page
    assert "W" * 400 in page  # never cut: the page wraps it (overflow-wrap) instead
    assert "Pending" in page and "out of 3 points" in page and "0 of 3 points" in page  # the wrong choice is 0
    assert "still waiting for your instructor" in page
    assert "Because the course says so." in page  # the wrong choice is explained
    for word in ("assert", "In [", "nbgrader", "cell", "autograde", "submission", "grade_id", "free_one", "pick_one"):
        assert word not in page, word
    assert "@media print" in page and 'name="viewport"' in page


def test_a_graded_written_answer_shows_its_points_and_the_standard() -> None:
    page = _page("A full answer", pending=False)
    assert "Pending" not in page and "0 of 6 points (0%)" in page and "agency's standard is 70%" in page
