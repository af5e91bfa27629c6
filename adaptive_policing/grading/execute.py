"""nbgrader's Execute preprocessor with a time limit for the whole notebook.

nbgrader's own ``Execute.timeout`` limits each cell. ``DeadlineExecute`` also
gives each notebook a total budget (``DeadlineExecute.notebook_timeout``
seconds): every cell waits at most the time left, so a submission that hangs
costs at most that long and the run goes on. Cells cut off by the deadline
get nbgrader's ``CellTimeoutError`` output, which the grading pipeline reports.

It also grades one submission after another in **one kernel per process**
(``DeadlineExecute.reuse_kernel``, on by default) instead of starting a kernel
for every notebook, which is most of nbgrader's time per submission. Before each
notebook the kernel's namespace is cleared (``%reset -f``), its counter set back
to 1 and its folder set to the submission's, so a notebook sees nothing of the
one before: an answer cell a trainee deleted is undefined, as in a fresh kernel.
This is safe because only the released cells and literal answers ever run
(:func:`.checks.check_submission` rejects anything else before grading). A kernel
that timed out, died or raised is shut down and the next notebook gets a new one.
"""

from __future__ import annotations

import json
import time
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

TIMEOUT_ERROR = "CellTimeoutError"


class DeadlineExecute(Execute):
    """Execute a notebook within ``notebook_timeout`` seconds in total."""

    notebook_timeout = Integer(120, help="Seconds one notebook may run in total.").tag(config=True)
    reuse_kernel = Bool(
        True, help="Grade notebooks one after another in one kernel per process, cleared before each."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._deadline = time.monotonic() + self.notebook_timeout
        if km is not None or not self.reuse_kernel:
            return super().preprocess(nb, resources, km)
        self.nb = nb  # the kernel manager is made for this notebook's kernel
        kept = _kept_kernel(self)
        folder = ((resources or {}).get("metadata") or {}).get("path") or "."
        self.on_notebook_start = lambda **_: self._clear_kernel(str(Path(folder).resolve()))
        try:
            executed = super().preprocess(nb, resources, kept)
        except BaseException:
            _discard_kernel()
            raise
        finally:
            if self.kc is not None:
                self.kc.stop_channels()
                self.kc = None
        if timed_out(executed[0]):
            _discard_kernel()
        return executed

    async def _clear_kernel(self, folder: str) -> None:
        """Empty the kept kernel's namespace, set its counter to 1 and its folder to the notebook's."""
        assert self.kc is not None
        code = (
            "get_ipython().run_line_magic('reset', '-f')\n"
            f"__import__('os').chdir({json.dumps(folder)})\n"
            "get_ipython().execution_count = 1\n"
        )
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        reply = await self.async_wait_for_reply(msg_id)
        if reply is None or reply["content"].get("status") != "ok":
            raise RuntimeError("the grading kernel could not be cleared before the next notebook")

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


_kept: dict[str, Any] = {}
"""This process's kept kernel manager, under ``"kernel"`` (see :attr:`DeadlineExecute.reuse_kernel`)."""


def _kept_kernel(client: DeadlineExecute) -> Any:
    """This process's kernel manager for grading; nbclient starts its kernel on first use."""
    if "kernel" not in _kept:
        _kept["kernel"] = client.create_kernel_manager()
    return _kept["kernel"]


def _discard_kernel() -> None:
    """Shut down this process's kept kernel, if any; the next notebook starts a new one."""
    manager = _kept.pop("kernel", None)
    if manager is not None and manager.has_kernel:
        from jupyter_core.utils import run_sync

        run_sync(manager.shutdown_kernel)(now=True)


Finalize(None, _discard_kernel, exitpriority=10)  # at exit, also in a pool's worker, where atexit does not run
