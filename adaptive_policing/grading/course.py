"""nbgrader for the assessment: where the course root is, its configuration, the release.

The course root is ``grading/`` and its configuration ``grading/nbgrader_config.py``
(committed; plain ``nbgrader`` commands run from that folder). The project's
commands load that same file and may point the course root elsewhere, as the
tests do, with :class:`GradingPaths`.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config
from ..content.questions import ASSIGNMENT, ASSIGNMENTS, NOTEBOOK
if TYPE_CHECKING:  # nbgrader is imported where it is used: a course page that only needs paths stays light
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

CONFIG_FILE = "nbgrader_config.py"
GRADING_DIR_ENV = config.GRADING_DIR_ENV
"""Moves nbgrader's course root (see :mod:`adaptive_policing.config`)."""


class GradingError(RuntimeError):
    """nbgrader could not do what was asked; the message says what happened."""


@dataclass(frozen=True)
class GradingPaths:
    """The nbgrader course root, the authored source and the release folder, for one assignment.

    Both assignments share the course root and its gradebook; each has its own
    folders under ``submitted/``, ``autograded/`` and ``feedback/`` (nbgrader's
    layout) and its own reports: the core assessment's in ``reports/``, any
    other's in ``reports/<assignment>/``. The gradebook is the SQLite file
    ``gradebook.db`` in the course root unless ``gradebook_url`` names another
    database (:attr:`adaptive_policing.config.Settings.gradebook_url`, e.g. PostgreSQL).
    """

    root: Path
    source: Path
    release: Path
    assignment: str = ASSIGNMENT
    gradebook_url: str | None = None

    def for_assignment(self, assignment: str) -> "GradingPaths":
        """The same course root and folders, for ``assignment``."""
        return replace(self, assignment=assignment)

    def every_assignment(self) -> list["GradingPaths"]:
        """These paths for each assignment of :data:`~adaptive_policing.content.questions.ASSIGNMENTS`."""
        return [self.for_assignment(a) for a in ASSIGNMENTS]

    @classmethod
    def default(cls) -> "GradingPaths":
        settings = config.settings()
        home = settings.home
        return cls(root=settings.grading_dir, source=home / "solutions" / "assessment", release=home / "exercises" / "assessment",
                   gradebook_url=settings.gradebook_url)

    @classmethod
    def under(cls, home: Path) -> "GradingPaths":
        return cls(home / "grading", home / "solutions" / "assessment", home / "exercises" / "assessment")

    @property
    def db_url(self) -> str:
        """nbgrader's gradebook: :attr:`gradebook_url`, else ``gradebook.db`` in the course root."""
        return self.gradebook_url or f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def gradebook_file(self) -> Path | None:
        """The gradebook's file when it is SQLite, ``None`` when it is on a database server."""
        from sqlalchemy.engine import make_url

        url = make_url(self.db_url)
        if url.get_backend_name() != "sqlite":
            return None
        return Path(url.database) if url.database and url.database != ":memory:" else None

    def has_gradebook(self) -> bool:
        """Whether the gradebook exists yet (its file, or nbgrader's tables on a database server)."""
        file = self.gradebook_file
        if file is not None:
            return file.is_file()
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.exc import SQLAlchemyError

        engine = create_engine(self.db_url)
        try:
            return inspect(engine).has_table("assignment")
        except SQLAlchemyError:
            return False
        finally:
            engine.dispose()

    @property
    def reports(self) -> Path:
        """This assignment's reports: ``reports/`` for the core assessment, ``reports/<assignment>/`` otherwise."""
        top = self.root / "reports"
        return top if self.assignment == ASSIGNMENT else top / self.assignment

    def submitted(self, student: str) -> Path:
        return self.root / "submitted" / student / self.assignment

    def autograded(self, student: str) -> Path:
        return self.root / "autograded" / student / self.assignment

    def feedback(self, student: str) -> Path:
        return self.root / "feedback" / student / self.assignment

    def history(self, student: str) -> Path:
        return self.root / "history" / student / self.assignment

    def release_notebook(self) -> Path:
        return self.release / self.assignment / f"{NOTEBOOK}.ipynb"

    def source_notebook(self) -> Path:
        return self.source / self.assignment / f"{NOTEBOOK}.ipynb"


def tools_on_path() -> None:
    """Put this Python's ``bin`` on PATH: nbgrader runs ``alembic`` as a subprocess."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def committed_config_file() -> Path:
    return config.settings().home / "grading" / CONFIG_FILE


def nbgrader_config(paths: GradingPaths) -> Config:
    """The committed ``nbgrader_config.py`` with the course root and folders of ``paths``."""
    from traitlets.config import Config, PyFileConfigLoader

    file = paths.root / CONFIG_FILE
    if not file.exists():
        file = committed_config_file()
    loaded = PyFileConfigLoader(file.name, path=str(file.parent)).load_config()
    cfg = Config(loaded)
    cfg.CourseDirectory.root = str(paths.root)
    cfg.CourseDirectory.source_directory = str(paths.source)
    cfg.CourseDirectory.release_directory = str(paths.release)
    cfg.CourseDirectory.submitted_directory = "submitted"
    cfg.CourseDirectory.autograded_directory = "autograded"
    cfg.CourseDirectory.feedback_directory = "feedback"
    cfg.CourseDirectory.db_url = paths.db_url
    cfg.Exchange.root = str(paths.root / "exchange")
    cfg.NbGraderAPI.log_level = "ERROR"
    _faster_autograde(cfg)
    return cfg


def _faster_autograde(cfg: Config) -> None:
    """Autograde with nbgrader's metadata check on a schema compiled once (:mod:`.metadata`), the
    release's cells read ahead (:mod:`.overwrite`), its scores saved in one commit per notebook and
    read back for feedback in two queries (:mod:`.scores`).

    Only the project's commands get these: plain ``nbgrader`` commands read
    ``nbgrader_config.py`` alone and keep nbgrader's own preprocessors.
    """
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    from . import metadata, overwrite, scores

    replacements = {**metadata.REPLACEMENTS, **overwrite.REPLACEMENTS, **scores.REPLACEMENTS}

    def swapped(preprocessors: list[Any]) -> list[Any]:  # each given as a class or as its dotted name
        return [replacements.get(import_item(p) if isinstance(p, str) else p, p) for p in preprocessors]

    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        configured = cfg.Autograde[name] if name in cfg.Autograde else Autograde.class_traits()[name].default()
        cfg.Autograde[name] = swapped(list(configured))
    if "preprocessors" in cfg.GenerateFeedback:
        cfg.GenerateFeedback.preprocessors = swapped(list(cfg.GenerateFeedback.preprocessors))


def nbgrader_api(paths: GradingPaths, cfg: Config | None = None) -> NbGraderAPI:
    """nbgrader's Python API on the course root of ``paths``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    tools_on_path()
    paths.root.mkdir(parents=True, exist_ok=True)
    cfg = cfg or nbgrader_config(paths)
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def _generate(paths: GradingPaths, release_dir: Path) -> Path:
    api = nbgrader_api(replace(paths, release=release_dir))
    result = api.generate_assignment(paths.assignment, force=True, create=True)
    if not result.get("success"):
        raise GradingError(f"nbgrader generate_assignment failed:\n{result.get('error') or result.get('log')}")
    return release_dir / paths.assignment / f"{NOTEBOOK}.ipynb"


def generate_release(paths: GradingPaths) -> Path:
    """Run ``nbgrader generate_assignment``: the release lands in ``paths.release``.

    Also records the assignment (its cells, points and checksums) in the gradebook.
    """
    return _generate(paths, paths.release)


def release_is_current(paths: GradingPaths) -> bool:
    """Regenerate the release in a scratch folder and compare it with ``paths.release``."""
    with tempfile.TemporaryDirectory(prefix="ap-release-") as scratch:
        scratch_paths = GradingPaths(Path(scratch) / "root", paths.source, Path(scratch) / "release", paths.assignment)
        fresh = _generate(scratch_paths, scratch_paths.release)
        current = paths.release_notebook()
        return current.exists() and filecmp.cmp(fresh, current, shallow=False)


def ensure_gradebook(paths: GradingPaths) -> None:
    """Make sure the gradebook knows the assignment as the source defines it now.

    ``generate_assignment`` writes into ``<root>/release`` (git-ignored) so the
    committed release in ``exercises/`` is never touched by grading.
    """
    stamp = paths.root / f".source-checksum-{paths.assignment}"
    digest = _digest(paths.source_notebook(), paths.db_url)
    exists = paths.has_gradebook()
    if stamp.exists() and stamp.read_text() == digest and exists:
        return
    if not exists:
        create_gradebook(paths.db_url)
    _generate(paths, paths.root / "release")
    stamp.write_text(digest)


def create_gradebook(db_url: str) -> None:
    """Create an empty gradebook at nbgrader's current schema, as nbgrader's ``Gradebook`` does on a new database.

    nbgrader learns its schema version by running ``alembic heads`` in a new
    process (a second or more); this reads the same head from nbgrader's
    migrations folder in this process. nbgrader's ``Gradebook`` then finds the
    tables and the version in place and leaves them as they are.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():
                return  # not new: nbgrader's Gradebook checks and upgrades it
            Base.metadata.create_all(bind=connection)
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                               {"head": ScriptDirectory(ALEMBIC_DIR).get_current_head()})
    finally:
        engine.dispose()


def _digest(path: Path, db_url: str) -> str:
    """A checksum of the source notebook and the gradebook it was recorded in (the URL is not kept)."""
    import hashlib

    return hashlib.sha256(path.read_bytes() + b"\0" + db_url.encode()).hexdigest()


def copy_config(paths: GradingPaths) -> None:
    """Put the committed configuration into another course root (used by tests and the benchmark)."""
    paths.root.mkdir(parents=True, exist_ok=True)
    target = paths.root / CONFIG_FILE
    if not target.exists():
        shutil.copyfile(committed_config_file(), target)
