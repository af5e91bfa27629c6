"""A trainee's feedback on the assessment: a document of its own, or a part of the course page.

:func:`feedback_page` renders a :class:`~adaptive_policing.analysis.answer_feedback.FeedbackSheet`
as one self-contained HTML document (no script, a Content-Security-Policy that loads
nothing) to hand out; :func:`feedback_fragment` renders the same content for the
assessment's course page. Both go through the package's Jinja2 environment
(autoescaped: the trainee's answers and the grader's comments are text, never
markup) with ``static/feedback.css`` inlined. They read on a phone and print one
question per block, and hold no code and none of nbgrader's words: questions,
answers, right or not, points, comments, explanations.
"""

from __future__ import annotations

from markupsafe import Markup

from ..analysis.answer_feedback import FeedbackSheet
from .render import render


def feedback_page(sheet: FeedbackSheet) -> Markup:
    """The whole feedback page for one trainee."""
    return render("trainee_feedback.html.j2", sheet=sheet)


def feedback_fragment(sheet: FeedbackSheet) -> Markup:
    """The feedback for one trainee inside a course page (its title one heading level down)."""
    return render("trainee/feedback.html.j2", sheet=sheet, top=2)
