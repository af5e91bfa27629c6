"""Activity worksheets in exercises/ are generated from solutions/ and never drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from adaptive_policing.content.worksheets import FACILITATOR_TAG, ExerciseFolders, generate_exercises, stale_exercises

REPO = Path(__file__).resolve().parent.parent


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_every_activity_worksheet_is_exactly_what_its_source_gives() -> None:
    folders = ExerciseFolders.default(REPO)
    assert len(folders.sources()) == 3
    assert stale_exercises(folders) == []


def test_worksheets_hold_every_trainee_cell_and_no_facilitator_cell() -> None:
    folders = ExerciseFolders.default(REPO)
    for source in folders.sources():
        authored = nbformat.read(source, as_version=4)
        worksheet = nbformat.read(folders.target / source.name, as_version=4)
        facilitator = [cell for cell in authored.cells if FACILITATOR_TAG in _tags(cell)]
        assert facilitator, f"{source.name} has no facilitator notes"
        assert [cell.id for cell in worksheet.cells] == [
            cell.id for cell in authored.cells if FACILITATOR_TAG not in _tags(cell)]
        text = nbformat.writes(worksheet)
        assert "Facilitator" not in text and "facilitator" not in text


def test_regenerating_finds_and_repairs_an_edited_a_missing_and_an_orphan_copy(tmp_path: Path) -> None:
    folders = ExerciseFolders(tmp_path / "solutions", tmp_path / "exercises")
    shutil.copytree(REPO / "solutions" / "activities", folders.source)
    generate_exercises(folders)
    assert stale_exercises(folders) == []
    first, second, *_ = sorted(folders.target.glob("*.ipynb"))
    first.write_text(first.read_text().replace("Learning Activity", "Edited by hand"))
    second.unlink()
    (folders.target / "old-activity.ipynb").write_text("{}")

    assert stale_exercises(folders) == [
        f"exercises/activities/{first.name} differs from solutions/activities/{first.name}",
        f"exercises/activities/{second.name} is missing",
        "exercises/activities/old-activity.ipynb has no source in solutions/activities/",
    ]
    generate_exercises(folders)
    assert stale_exercises(folders) == []


def test_a_worksheet_loses_facilitator_cells_and_outputs_and_keeps_other_tags(tmp_path: Path) -> None:
    folders = ExerciseFolders(tmp_path / "solutions", tmp_path / "exercises")
    folders.source.mkdir()
    run = nbformat.v4.new_code_cell("prompt('a1')", execution_count=3, metadata={"tags": ["trainee"]})
    run.outputs = [nbformat.v4.new_output("stream", text="answered\n")]
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Activity"),
        nbformat.v4.new_markdown_cell("Key: the answer", metadata={"tags": [FACILITATOR_TAG, "debrief"]}),
        run,
    ])
    nbformat.write(notebook, folders.source / "activity-9.ipynb")

    (written,) = generate_exercises(folders)
    worksheet = nbformat.read(written, as_version=4)
    assert [cell.source for cell in worksheet.cells] == ["# Activity", "prompt('a1')"]
    assert worksheet.cells[1].outputs == [] and worksheet.cells[1].execution_count is None
    assert _tags(worksheet.cells[1]) == ["trainee"]
    assert stale_exercises(folders) == []
