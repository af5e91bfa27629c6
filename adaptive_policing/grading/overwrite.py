"""nbgrader's ``OverwriteCells`` with the release's cells read in three queries instead of two per cell.

Before a submission runs, nbgrader's ``OverwriteCells`` puts back what a
trainee may not change (locked cells, points, cell types), looking each cell up
in the gradebook: its source cell and, for a graded cell, its grade or task cell,
each a query of its own. :class:`OverwriteCellsReadAhead` (set in the project's
autograde configuration, :func:`.course.nbgrader_config`) reads the notebook's
source, grade and task cells once, on its first cell, and nbgrader's own
``preprocess_cell`` does the rest. A cell not found there is looked up as
nbgrader does, so an unknown one is reported the same way.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Assignment, Gradebook, GradeCell, Notebook, SourceCell, TaskCell
from nbgrader.preprocessors import OverwriteCells

OVERWRITE_READ_AHEAD = f"{__name__}.OverwriteCellsReadAhead"


class ReleaseCells:
    """A gradebook as ``OverwriteCells`` uses it, with one released notebook's cells read ahead."""

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str) -> None:
        self._gradebook = gradebook
        self._source = _by_name(gradebook, SourceCell, notebook, assignment)
        # as nbgrader's find_graded_cell: a grade cell first, else a task cell of that name
        self._graded = {**_by_name(gradebook, TaskCell, notebook, assignment),
                        **_by_name(gradebook, GradeCell, notebook, assignment)}

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        found = self._source.get(name)
        return found if found is not None else self._gradebook.find_source_cell(name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradeCell | TaskCell:
        found = self._graded.get(name)
        return found if found is not None else self._gradebook.find_graded_cell(name, notebook, assignment)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gradebook, name)


def _by_name(gradebook: Gradebook, kind: type, notebook: str, assignment: str) -> dict[str, Any]:
    """Every ``kind`` cell of one released notebook, by name, in one query."""
    rows = gradebook.db.query(kind).join(Notebook, Notebook.id == kind.notebook_id).join(
        Assignment, Assignment.id == Notebook.assignment_id).filter(
        Notebook.name == notebook, Assignment.name == assignment)
    return {cell.name: cell for cell in rows}


class OverwriteCellsReadAhead(OverwriteCells):
    """nbgrader's ``OverwriteCells``; on the notebook's first cell its gradebook is wrapped in :class:`ReleaseCells`."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        if not isinstance(self.gradebook, ReleaseCells):  # nbgrader opens a new gradebook for every notebook
            self.gradebook = ReleaseCells(self.gradebook, self.notebook_id, self.assignment_id)
        return super().preprocess_cell(cell, resources, cell_index)


REPLACEMENTS = {OverwriteCells: OVERWRITE_READ_AHEAD}
"""nbgrader's preprocessor this module replaces, and the dotted name of its replacement."""
