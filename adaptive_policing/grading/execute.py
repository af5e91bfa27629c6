"""nbgrader's Execute preprocessor with a time limit for the whole notebook.

nbgrader's own ``Execute.timeout`` limits each cell. ``DeadlineExecute`` also
gives each notebook a total budget (``DeadlineExecute.notebook_timeout``
seconds): every cell waits at most the time left, so a submission that hangs
costs at most that long and the run goes on. Cells cut off by the deadline
get nbgrader's ``CellTimeoutError`` output, which the grading pipeline reports.
"""

from __future__ import annotations

import time
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

TIMEOUT_ERROR = "CellTimeoutError"


class DeadlineExecute(Execute):
    """Execute a notebook within ``notebook_timeout`` seconds in total."""

    notebook_timeout = Integer(120, help="Seconds one notebook may run in total.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._deadline = time.monotonic() + self.notebook_timeout
        return super().preprocess(nb, resources, km)

    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        per_cell = super()._get_timeout(cell)
        deadline = getattr(self, "_deadline", None)
        if deadline is None:
            return per_cell
        left = max(1, int(deadline - time.monotonic()))
        return left if per_cell is None else min(per_cell, left)


def timed_out(notebook: NotebookNode) -> bool:
    """Whether any cell of an executed notebook was stopped by a timeout."""
    return any(
        output.get("output_type") == "error" and output.get("ename") == TIMEOUT_ERROR
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
