"""Saving a notebook's autograde scores to the gradebook: one session, two reads, one commit.

nbgrader's ``SaveAutoGrades`` looks up each grade and each comment with its own
query (six joined tables) and commits after each: about fifty queries and fifty
commits per submission. :class:`SaveAutoGradesAtOnce` is that preprocessor with
the same rules (nbgrader's methods decide each score and comment), set in the
project's autograde configuration (:func:`.course.nbgrader_config`):

* the submission's grades and comments are read in two queries, by cell name;
* everything is written in **one transaction**, committed at the end of the
  notebook. That is no weaker than nbgrader's: SQLite's settings are
  untouched, and a run stopped half-way leaves none of the notebook's new
  scores instead of some of them (the submission is graded again next run).

A grade or comment the two reads did not find is looked up as nbgrader does,
so a missing one fails the same way.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import BaseCell, Comment, Gradebook, Grade
from nbgrader.preprocessors import SaveAutoGrades

SAVE_AUTO_GRADES = "nbgrader.preprocessors.SaveAutoGrades"
"""How nbgrader's configuration names the preprocessor this module replaces."""
SAVE_AT_ONCE = f"{__name__}.SaveAutoGradesAtOnce"


class _OneTransaction:
    """A gradebook as nbgrader's preprocessor uses it, with grades and comments read ahead and commits held back."""

    def __init__(self, gradebook: Gradebook, grades: dict[str, Grade], comments: dict[str, Comment]) -> None:
        self._gradebook = gradebook
        self._grades = grades
        self._comments = comments
        self.db = _HeldCommits(gradebook.db)

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        found = self._grades.get(grade_cell)
        return found if found is not None else self._gradebook.find_grade(grade_cell, notebook, assignment, student)

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str) -> Comment:
        found = self._comments.get(solution_cell)
        return found if found is not None else self._gradebook.find_comment(solution_cell, notebook, assignment, student)


class _HeldCommits:
    """The gradebook's session, where nbgrader's per-cell ``commit()`` only flushes; the caller commits once."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class SaveAutoGradesAtOnce(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` in one session and one commit per notebook (see the module docstring)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.student_id = resources["nbgrader"]["student"]
        self.db_url = resources["nbgrader"]["db_url"]
        with Gradebook(self.db_url) as gradebook:
            submitted = gradebook.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
            self.gradebook = _OneTransaction(gradebook, _by_cell_name(gradebook, Grade, submitted.id),
                                             _by_cell_name(gradebook, Comment, submitted.id))
            # each cell through nbgrader's own _add_score and _add_comment (NbGraderPreprocessor.preprocess)
            nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)
            gradebook.db.commit()
        return nb, resources


def _by_cell_name(gradebook: Gradebook, kind: type, notebook_id: str) -> dict[str, Any]:
    """Every ``kind`` (grade or comment) of one submitted notebook, by its cell's name, in one query."""
    rows = gradebook.db.query(BaseCell.name, kind).join(kind, kind.cell_id == BaseCell.id).filter(
        kind.notebook_id == notebook_id)
    return {name: found for name, found in rows}


def with_one_commit(preprocessors: list[Any]) -> list[Any]:
    """``preprocessors`` (classes or dotted names) with nbgrader's ``SaveAutoGrades`` swapped for :class:`SaveAutoGradesAtOnce`."""
    return [SAVE_AT_ONCE if p in (SaveAutoGrades, SAVE_AUTO_GRADES) else p for p in preprocessors]
