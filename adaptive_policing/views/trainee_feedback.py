"""A trainee's feedback page on the assessment, as one self-contained HTML document.

:func:`feedback_page` renders a :class:`~adaptive_policing.analysis.answer_feedback.FeedbackSheet`
through the package's Jinja2 environment (autoescaped: the trainee's answers and the
grader's comments are text, never markup) with ``static/feedback.css`` inlined. The
page has no script and a Content-Security-Policy that loads nothing; it reads on a
phone and prints one question per block. It holds no code and none of nbgrader's
words: questions, answers, right or not, points, comments, explanations.
"""

from __future__ import annotations

from markupsafe import Markup

from ..analysis.answer_feedback import FeedbackSheet
from .render import render


def feedback_page(sheet: FeedbackSheet) -> Markup:
    """The whole feedback page for one trainee."""
    return render("trainee_feedback.html.j2", sheet=sheet)
