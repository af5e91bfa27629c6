"""Checks on a submitted notebook before nbgrader runs it.

:func:`check_submission` compares a submission with the released notebook:

``broken``
    the file is missing, is not JSON or is not a valid notebook. nbgrader
    would skip it silently and its export row would read like "did not
    submit"; the pipeline lists it plainly instead.
``rejected``
    the notebook holds something the assessment page never writes: a cell
    the release does not have (code or markdown), or an answer cell that is
    anything but ``<question> = <literal>``. It is not executed at all.
``tampered``
    a locked cell (question text, tests) was changed or deleted. nbgrader
    puts the released cell back before grading, so it is graded, and flagged.

Deleted answer cells are noted; those questions score 0. A submission
written before the release had its rubric cells (:mod:`.release`) lacks
them: that is not tampering, as the rubric is for the grader. Free text that was not
written as literal text (by something other than the assessment page) is
listed in ``unescaped_text`` for the pipeline to escape before grading.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import nbformat
from nbformat.notebooknode import NotebookNode

from ..content.questions import nbgrader_meta
from .release import is_rubric_cell

Status = Literal["ok", "tampered", "rejected", "broken"]


@dataclass
class SubmissionCheck:
    """What the checks found in one submission."""

    status: Status = "ok"
    problems: list[str] = field(default_factory=list)
    tampered_cells: list[str] = field(default_factory=list)
    missing_answers: list[str] = field(default_factory=list)
    unescaped_text: list[str] = field(default_factory=list)

    @property
    def gradable(self) -> bool:
        return self.status in ("ok", "tampered")


def _is_literal_assignment(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Assign):
        return False
    node = body[0]
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != name:
        return False
    try:
        ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def is_escaped_text(source: str) -> bool:
    """Whether a free-text answer is written as the assessment page writes it (literal text)."""
    return all(line.startswith("    ") for line in source.split("\n"))


def read_notebook(path: Path) -> NotebookNode:
    """Read and validate a notebook; raises ``ValueError`` with a plain reason."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise ValueError(f"cannot be read ({problem.__class__.__name__})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("is not JSON (not a notebook file)") from None
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as problem:  # nbformat raises several kinds
        raise ValueError(f"is not a valid notebook ({problem.__class__.__name__})") from None
    return notebook


def check_submission(path: Path, release: NotebookNode) -> SubmissionCheck:
    """Check the submitted notebook at ``path`` against the ``release``."""
    found = SubmissionCheck()
    try:
        submitted = read_notebook(path)
    except ValueError as problem:
        found.status = "broken"
        found.problems.append(f"{path.name} {problem}")
        return found

    released = {nbgrader_meta(c).get("grade_id"): c for c in release.cells}
    seen: set[str] = set()
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        original = released.get(grade_id)
        if original is None or grade_id in seen:
            found.status = "rejected"
            found.problems.append(f"a {cell.cell_type} cell that is not part of the assessment")
            continue
        seen.add(grade_id)
        if original.cell_type != cell.cell_type:
            found.status = "rejected"
            found.problems.append(f"cell {grade_id} changed from {original.cell_type} to {cell.cell_type}")
            continue
        meta = nbgrader_meta(original)
        if meta.get("locked"):
            if cell.source != original.source:
                found.tampered_cells.append(grade_id)
        elif cell.cell_type == "code" and meta.get("solution"):
            name = (original.metadata.get("assessment") or {}).get("id", "")
            if cell.source != original.source and not _is_literal_assignment(cell.source, name):
                found.status = "rejected"
                found.problems.append(f"answer cell {grade_id} holds code, not an answer")
        elif cell.cell_type == "markdown" and meta.get("solution") and cell.source != original.source:
            if not is_escaped_text(cell.source):
                found.unescaped_text.append(grade_id)
    for grade_id, original in released.items():
        if grade_id in seen or is_rubric_cell(original):
            continue
        if nbgrader_meta(original).get("locked"):
            found.tampered_cells.append(grade_id)
        else:
            found.missing_answers.append(grade_id)
    if found.tampered_cells:
        found.problems.append("locked cells changed or deleted: " + ", ".join(found.tampered_cells))
        if found.status == "ok":
            found.status = "tampered"
    if found.missing_answers:
        found.problems.append("answer cells deleted: " + ", ".join(found.missing_answers))
    return found
