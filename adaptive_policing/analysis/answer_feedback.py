"""A trainee's feedback on the assessment, question by question, as plain data.

:func:`answer_feedback` turns one question, the trainee's answer (the literal
read from their graded answer sheet, ``None`` when not answered), its grade and
the grader's comment into an :class:`AnswerFeedback`: the question, the answer
as lines of text, a :data:`Verdict`, the points and, for an answer that was not
fully right, the question bank's explanation. A written answer nobody has
graded yet is ``pending``: it has no points, never 0
(:mod:`.grading_status`). :class:`FeedbackSheet` is the whole page.

Pure: no nbgrader, no HTML; :mod:`adaptive_policing.views.trainee_feedback`
renders it and :mod:`adaptive_policing.grading.trainee_feedback` fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..content.questions import Question
from .grading_status import AssessmentStatus, ItemGrade

Verdict = Literal["right", "partly", "wrong", "not answered", "pending"]
Layout = Literal["text", "choice", "list", "steps", "pairs"]

VERDICT_WORDS: dict[str, str] = {
    "right": "Right",
    "partly": "Partly right",
    "wrong": "Not right",
    "not answered": "Not answered",
    "pending": "Pending: your instructor has not graded this answer yet",
}
"""How each verdict reads on the page."""

LAYOUTS: dict[str, Layout] = {
    "text": "text", "single": "choice", "truefalse": "choice", "multi": "list", "order": "steps", "match": "pairs",
}
"""How each kind of question's answer is laid out."""


@dataclass(frozen=True)
class AnswerFeedback:
    """One question of a trainee's feedback."""

    number: int
    section: str
    prompt: str
    layout: Layout
    answer: tuple[str, ...]
    """The trainee's answer as lines: the text, the choice, each choice or step, or ``item → choice`` pairs."""
    verdict: Verdict
    points: float | None
    """Points earned, ``None`` while pending."""
    max_points: float
    comment: str = ""
    """The grader's comment, if any."""
    explanation: str = ""
    """Why the keyed answer is right: given only when the answer was not fully right."""

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS[self.verdict]


@dataclass(frozen=True)
class FeedbackSheet:
    """One trainee's feedback page: a heading, the overall result and every question."""

    title: str
    trainee: str
    status: AssessmentStatus
    items: tuple[AnswerFeedback, ...]
    pass_percent: float | None = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def answer_lines(question: Question, answer: Any) -> tuple[str, ...]:
    """The answer as lines of plain text (empty when not answered)."""
    if answer is None or answer == "" or answer == [] or answer == {}:
        return ()
    if question.kind == "match" and isinstance(answer, dict):
        return tuple(f"{_text(item)} → {_text(choice)}" for item, choice in answer.items())
    if isinstance(answer, (list, tuple)):
        return tuple(_text(each) for each in answer)
    return (_text(answer),)


def verdict(grade: ItemGrade, answered: bool) -> Verdict:
    """Right, partly, wrong, not answered, or pending (a written answer waiting for a grader)."""
    if grade.pending:
        return "pending"
    if not answered:
        return "not answered"
    if grade.max_score and grade.score >= grade.max_score:
        return "right"
    return "partly" if grade.score > 0 else "wrong"


def answer_feedback(question: Question, answer: Any, grade: ItemGrade, comment: str = "") -> AnswerFeedback:
    """The feedback on one question (see the module docstring)."""
    lines = answer_lines(question, answer)
    found = verdict(grade, bool(lines))
    return AnswerFeedback(
        number=question.number,
        section=question.section_title,
        prompt=question.prompt,
        layout=LAYOUTS[question.kind],
        answer=lines,
        verdict=found,
        points=None if found == "pending" else grade.score,
        max_points=grade.max_score,
        comment=comment.strip(),
        explanation=question.explanation if found in ("partly", "wrong", "not answered") else "",
    )
