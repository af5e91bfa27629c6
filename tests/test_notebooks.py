"""Notebook hygiene: every committed notebook is valid, has no outputs, and runs top to bottom.

Every notebook that is not an nbgrader assignment is executed top to bottom on a fresh
kernel once per run: the course walk's Voilà renders in Chromium execute the pages a
trainee walks through (tests/test_course_walk.py, which fails on an execution error),
and this module executes the rest with nbclient.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .browser import walked_notebooks
from .conftest import REPO

NOTEBOOK_FOLDERS = ("course", "exercises", "solutions")
NOTEBOOKS = sorted(
    path
    for folder in NOTEBOOK_FOLDERS
    for path in (REPO / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)
IDS = [str(path.relative_to(REPO)) for path in NOTEBOOKS]


def _is_nbgrader_assignment(path: Path) -> bool:
    return any("nbgrader" in cell.metadata for cell in nbformat.read(path, as_version=4).cells)


# nbgrader assignments are checked by nbgrader itself (tests/test_assessment*.py):
# a released assignment fails its own tests by design until it is answered.
EXECUTABLE = [path for path in NOTEBOOKS if not _is_nbgrader_assignment(path)]
# Rendered, so executed, by the course walk; the others are executed here.
WALKED = set(walked_notebooks())
EXECUTED_HERE = [path for path in EXECUTABLE if str(path.relative_to(REPO)) not in WALKED]


def test_there_are_notebooks_to_check() -> None:
    assert (REPO / "course" / "00-start.ipynb") in NOTEBOOKS
    assert (REPO / "course" / "01-introductions.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_valid_and_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_a_page_title(path: Path) -> None:
    """Voilà uses the notebook's title as the page title (WCAG 2.4.2)."""
    title = nbformat.read(path, as_version=4).metadata.get("title", "")
    assert title.strip() and not title.startswith(("0", "1")), f"{path.name}: set metadata.title"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_are_one_line_calls(path: Path) -> None:
    """Notebooks hold content; code lives in the package (no pasted helpers)."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code" or "nbgrader" in cell.metadata:
            continue
        statements = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        assert len(statements) <= 2, f"{path.name}: code cell is more than a call:\n{cell.source}"
        assert not any(line.lstrip().startswith(("def ", "class ", "for ", "while ")) for line in statements)


def test_every_notebook_is_executed_here_or_by_the_course_walk() -> None:
    executable = {str(path.relative_to(REPO)) for path in EXECUTABLE}
    assert WALKED <= executable, f"the walk renders notebooks that are not executable: {WALKED - executable}"
    assert {str(path.relative_to(REPO)) for path in EXECUTED_HERE} == executable - WALKED
    assert "solutions/instructor-console.ipynb" in executable - WALKED


@pytest.mark.parametrize("path", EXECUTED_HERE, ids=[str(p.relative_to(REPO)) for p in EXECUTED_HERE])
def test_notebook_executes_on_a_fresh_kernel(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTIVE_POLICING_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("ADAPTIVE_POLICING_DB_URL", f"sqlite:///{tmp_path / 'responses.sqlite3'}")
    monkeypatch.setenv("ADAPTIVE_POLICING_HOME", str(REPO))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
