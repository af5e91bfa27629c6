"""The end-of-course assessment: question model, answer checks, submissions and the app.

The question bank is the nbgrader source assignment in ``solutions/assessment/``;
trainees take the released copy (``exercises/assessment/``) through
:func:`assessment`, which writes ordinary nbgrader submissions for
``adaptive-policing grade`` to grade.
"""

from .app import AssessmentApp, assessment
from .questions import ASSIGNMENT, NOTEBOOK, Question, load_questions

__all__ = ["ASSIGNMENT", "NOTEBOOK", "AssessmentApp", "Question", "assessment", "load_questions"]
