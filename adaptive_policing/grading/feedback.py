"""The feedback preprocessor: trainees see their answers and scores, never a hidden test.

nbgrader restores the hidden tests into every autograded notebook, and a
Python traceback quotes the lines around the failing one, hidden lines
included. :class:`HideTestsAndTracebacks` runs in ``GenerateFeedback`` (see
``grading/nbgrader_config.py``) after the grades are read, and

* cuts every code cell back to the lines before ``### BEGIN HIDDEN TESTS``;
* replaces each error output by one plain sentence with no traceback;
* replaces a test cell's numeric result by "Points: x of y".
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
NOT_ANSWERED = "This question was not answered, so it earned no points."
NO_POINTS = "This answer earned no points."


def visible_source(source: str) -> str:
    """The part of a test cell's source a trainee may see (before any hidden test)."""
    lines = source.splitlines()
    for index, line in enumerate(lines):
        if BEGIN_HIDDEN in line:
            return "\n".join(lines[:index]).rstrip()
    return source


def plain_message(output: NotebookNode) -> NotebookNode:
    """A stream output with one sentence in place of an error and its traceback."""
    missing = output.get("ename") in ("NameError", "AssertionError")
    return NotebookNode(output_type="stream", name="stdout", text=(NOT_ANSWERED if missing else NO_POINTS) + "\n")


def points_text(output: NotebookNode, max_points: Any) -> NotebookNode | None:
    """A test cell's returned score as a sentence, or None if it is not a number."""
    try:
        earned = float(output["data"]["text/plain"])
    except (KeyError, TypeError, ValueError):
        return None
    return NotebookNode(output_type="stream", name="stdout", text=f"Points: {earned:g} of {float(max_points):g}\n")


class HideTestsAndTracebacks(NbGraderPreprocessor):
    """Remove hidden tests and tracebacks from a notebook before it becomes feedback HTML."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type != "code":
            return cell, resources
        cell.source = visible_source(cell.source)
        max_points = cell.metadata.get("nbgrader", {}).get("points", 0)
        cleaned = []
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.get("name") == "stderr"):
                cleaned.append(plain_message(output))
            elif output.output_type == "execute_result":
                cleaned.append(points_text(output, max_points) or output)
            else:
                cleaned.append(output)
        cell.outputs = cleaned
        return cell, resources
