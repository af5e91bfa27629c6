"""Trainee worksheets generated from their authored sources.

Each Required Learning Activity is authored once in ``solutions/activities/``
with its facilitator key and debrief notes in cells tagged ``facilitator``.
The trainee copy in ``exercises/activities/`` is that notebook without those
cells and without outputs; it is never edited by hand.
``adaptive-policing release`` writes it and ``release --check`` (and the tests)
fail when a committed copy differs from what its source produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import config

FACILITATOR_TAG = "facilitator"
"""Cells with this tag are for the instructor only and are left out of the trainee copy."""

ACTIVITIES = "activities"


@dataclass(frozen=True)
class ExerciseFolders:
    """Where activity sources are authored and where their trainee copies go."""

    source: Path
    target: Path

    @classmethod
    def default(cls, home: Path | None = None) -> ExerciseFolders:
        home = home or config.settings().home
        return cls(home / "solutions" / ACTIVITIES, home / "exercises" / ACTIVITIES)

    def sources(self) -> list[Path]:
        return sorted(self.source.glob("*.ipynb"))


def trainee_copy(source: Path) -> str:
    """The trainee version of one authored notebook, as the text to write."""
    notebook = nbformat.read(source, as_version=nbformat.NO_CONVERT)
    notebook.cells = [
        cell for cell in notebook.cells if FACILITATOR_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def generate_exercises(folders: ExerciseFolders | None = None) -> list[Path]:
    """Write every activity's trainee copy and remove copies whose source is gone."""
    folders = folders or ExerciseFolders.default()
    folders.target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in folders.sources():
        target = folders.target / source.name
        target.write_text(trainee_copy(source), encoding="utf-8")
        written.append(target)
    for stale in set(folders.target.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


def stale_exercises(folders: ExerciseFolders | None = None) -> list[str]:
    """Plain descriptions of every trainee copy that differs from what its source gives."""
    folders = folders or ExerciseFolders.default()
    problems = []
    expected = {source.name: source for source in folders.sources()}
    for name, source in expected.items():
        target = folders.target / name
        if not target.exists():
            problems.append(f"exercises/{ACTIVITIES}/{name} is missing")
        elif target.read_text(encoding="utf-8") != trainee_copy(source):
            problems.append(f"exercises/{ACTIVITIES}/{name} differs from solutions/{ACTIVITIES}/{name}")
    for extra in sorted(path.name for path in folders.target.glob("*.ipynb") if path.name not in expected):
        problems.append(f"exercises/{ACTIVITIES}/{extra} has no source in solutions/{ACTIVITIES}/")
    return problems
