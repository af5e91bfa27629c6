"""A notebook's scores in the gradebook in a few queries: saved at autograde, read for feedback.

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
so a missing one fails the same way. nbgrader's ``GetGrades``, which puts the
scores and comments into the feedback, reads them the same way
(:class:`GetGradesReadAhead`).
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import BaseCell, Comment, Gradebook, Grade
from nbgrader.preprocessors import GetGrades, SaveAutoGrades
from sqlalchemy.orm import undefer

SAVE_AT_ONCE = f"{__name__}.SaveAutoGradesAtOnce"
GET_READ_AHEAD = f"{__name__}.GetGradesReadAhead"


class ReadAhead:
    """A gradebook as nbgrader's preprocessors use it, with one submitted notebook's grades and comments read ahead.

    ``find_grade`` and ``find_comment`` answer from two queries made here;
    anything else, and a grade or comment not found here, goes to the gradebook
    itself (so a missing one fails as in nbgrader). With ``hold_commits`` the
    preprocessor's own ``commit()`` calls only flush, and the caller commits once.
    """

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str, student: str, *,
                 hold_commits: bool = False) -> None:
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        self._gradebook = gradebook
        self._grades = _by_cell_name(gradebook, Grade, submitted.id)
        self._comments = _by_cell_name(gradebook, Comment, submitted.id)
        self.db = _HeldCommits(gradebook.db) if hold_commits else gradebook.db

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        found = self._grades.get(grade_cell)
        return found if found is not None else self._gradebook.find_grade(grade_cell, notebook, assignment, student)

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str) -> Comment:
        found = self._comments.get(solution_cell)
        return found if found is not None else self._gradebook.find_comment(solution_cell, notebook, assignment, student)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gradebook, name)


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
            self.gradebook = ReadAhead(gradebook, self.notebook_id, self.assignment_id, self.student_id,
                                       hold_commits=True)
            # each cell through nbgrader's own _add_score and _add_comment (NbGraderPreprocessor.preprocess)
            nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)
            gradebook.db.commit()
        return nb, resources


class GetGradesReadAhead(GetGrades):
    """nbgrader's ``GetGrades`` (feedback), with the notebook's grades and comments read in two queries.

    nbgrader's ``preprocess`` opens the gradebook; on the notebook's first cell
    it is wrapped in a :class:`ReadAhead` for that notebook, and nbgrader's own
    methods do the rest (a kept converter opens a new gradebook, and so a new
    :class:`ReadAhead`, for every notebook).
    """

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        if not isinstance(self.gradebook, ReadAhead):
            self.gradebook = ReadAhead(self.gradebook, self.notebook_id, self.assignment_id, self.student_id)
        return super().preprocess_cell(cell, resources, cell_index)


def _by_cell_name(gradebook: Gradebook, kind: type, notebook_id: str) -> dict[str, Any]:
    """Every ``kind`` (grade or comment) of one submitted notebook, by its cell's name, in one query.

    A grade's ``max_score`` (deferred in nbgrader's model, one query per grade otherwise) is loaded with it.
    """
    rows = gradebook.db.query(BaseCell.name, kind).join(kind, kind.cell_id == BaseCell.id).filter(
        kind.notebook_id == notebook_id)
    if kind is Grade:
        rows = rows.options(undefer(Grade.max_score))
    return {name: found for name, found in rows}


REPLACEMENTS = {SaveAutoGrades: SAVE_AT_ONCE, GetGrades: GET_READ_AHEAD}
"""nbgrader's preprocessors this module replaces, and the dotted names of their replacements."""
