"""Trainee worksheets generated from their authored sources.

Each Required Learning Activity is authored once in ``solutions/activities/``
with its facilitator key and debrief notes in cells tagged ``facilitator``.
The trainee copy in ``exercises/activities/`` is that notebook without those
cells and without outputs, written by nbconvert's ``NotebookExporter`` with its
``TagRemovePreprocessor`` and ``ClearOutputPreprocessor``; it is never edited by hand.
``adaptive-policing release`` writes it and ``release --check`` (and the tests)
fail when a committed copy differs from what its source produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import nbformat

from .. import config

if TYPE_CHECKING:
    from nbconvert.exporters import NotebookExporter

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


def trainee_exporter() -> NotebookExporter:
    """nbconvert's notebook exporter set to drop ``facilitator`` cells and every output."""
    from nbconvert.exporters import NotebookExporter
    from traitlets.config import Config

    settings = Config()
    settings.TagRemovePreprocessor.enabled = True
    settings.TagRemovePreprocessor.remove_cell_tags = {FACILITATOR_TAG}
    settings.ClearOutputPreprocessor.enabled = True
    return NotebookExporter(config=settings)


def trainee_copy(source: Path, exporter: NotebookExporter | None = None) -> str:
    """The trainee version of one authored notebook, as the text to write."""
    text, _resources = (exporter or trainee_exporter()).from_filename(str(source))
    nbformat.validate(nbformat.reads(text, as_version=nbformat.NO_CONVERT))
    return text


def generate_exercises(folders: ExerciseFolders | None = None) -> list[Path]:
    """Write every activity's trainee copy and remove copies whose source is gone."""
    folders = folders or ExerciseFolders.default()
    folders.target.mkdir(parents=True, exist_ok=True)
    written = []
    exporter = trainee_exporter()
    for source in folders.sources():
        target = folders.target / source.name
        target.write_text(trainee_copy(source, exporter), encoding="utf-8")
        written.append(target)
    for stale in set(folders.target.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


def stale_exercises(folders: ExerciseFolders | None = None) -> list[str]:
    """Plain descriptions of every trainee copy that differs from what its source gives."""
    folders = folders or ExerciseFolders.default()
    problems = []
    exporter = trainee_exporter()
    expected = {source.name: source for source in folders.sources()}
    for name, source in expected.items():
        target = folders.target / name
        if not target.exists():
            problems.append(f"exercises/{ACTIVITIES}/{name} is missing")
        elif target.read_text(encoding="utf-8") != trainee_copy(source, exporter):
            problems.append(f"exercises/{ACTIVITIES}/{name} differs from solutions/{ACTIVITIES}/{name}")
    for extra in sorted(path.name for path in folders.target.glob("*.ipynb") if path.name not in expected):
        problems.append(f"exercises/{ACTIVITIES}/{extra} has no source in solutions/{ACTIVITIES}/")
    return problems
