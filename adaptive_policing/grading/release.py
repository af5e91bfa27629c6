"""What the release adds and leaves out: the rubric under each written answer, no explanations.

:class:`RubricUnderWrittenAnswers` is the first preprocessor of nbgrader's
``GenerateAssignment`` (see ``grading/nbgrader_config.py``), so both
``adaptive-policing release`` and a plain ``nbgrader generate_assignment`` run it:

* under each written (hand-graded) answer cell it inserts a **locked markdown
  cell** holding that question's model answer and rubric, copied from the
  answer cell's solution region before nbgrader clears it. The cell is
  read-only and not graded; nbgrader records it with a checksum, so a
  submission that changes it gets it back. Every submission is the release
  filled in, so the graded notebook formgrader shows has the rubric right under
  the trainee's answer;
* it removes each question's ``explanation`` (the short reason a trainee reads
  under a wrong answer in their feedback page) from the answer cell's
  ``metadata.assessment``: explanations name the right answer, so they stay in
  the authored source, where :mod:`.trainee_feedback` reads them.

The released assessment is never served to trainees (the trainee server
leaves out ``exercises/assessment/``); they take it through its page.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
RUBRIC_SUFFIX = "_rubric"
"""A rubric cell's ``grade_id`` is the question id with this suffix."""
RUBRIC_HEADING = "**For the grader: the rubric for the answer above.** The trainee never sees this cell."


def rubric_cell(question_id: str, solution: str) -> NotebookNode:
    """The locked, ungraded markdown cell that shows a written answer's rubric to the grader."""
    cell = new_markdown_cell(f"{RUBRIC_HEADING}\n\n{solution.strip()}")
    cell.id = (question_id + RUBRIC_SUFFIX)[-64:]  # stable, so releasing again gives the same file
    cell.metadata["nbgrader"] = {
        "grade": False, "grade_id": question_id + RUBRIC_SUFFIX, "locked": True,
        "schema_version": 3, "solution": False, "task": False,
    }
    return cell


def is_rubric_cell(cell: NotebookNode) -> bool:
    """Whether ``cell`` is a rubric cell this preprocessor inserted."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("locked")) and str(meta.get("grade_id", "")).endswith(RUBRIC_SUFFIX)


class RubricUnderWrittenAnswers(NbGraderPreprocessor):
    """Insert a locked rubric cell under each written answer; drop explanations from the release."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        cells: list[NotebookNode] = []
        for cell in nb.cells:
            if is_rubric_cell(cell):
                continue  # a source that already holds one (released twice): made again below
            data = cell.get("metadata", {}).get("assessment")
            if isinstance(data, dict):
                data.pop("explanation", None)
            cells.append(cell)
            if isinstance(data, dict) and data.get("kind") == "text":
                found = SOLUTION.search(cell.source)
                if found and found.group(1).strip():
                    cells.append(rubric_cell(str(data.get("id")), found.group(1)))
        nb.cells = cells
        return nb, resources
