"""Where the course lives and where its runtime data goes.

Every path and URL the package uses is resolved here, from environment variables
that the command line sets and that Voilà kernels inherit:

``ADAPTIVE_POLICING_HOME``
    The course checkout (the folder holding ``course/``, ``exercises/``,
    ``solutions/`` and ``grading/``). Defaults to the checkout this package was
    installed from, or the current directory.
``ADAPTIVE_POLICING_VAR``
    The one git-ignored folder for runtime data. Defaults to ``<home>/var``.
``ADAPTIVE_POLICING_GRADING_DIR``
    nbgrader's course root, where grading's runtime data goes (gradebook,
    submissions, autograded notebooks, feedback, reports, the exchange).
    Defaults to ``<home>/grading``, the folder holding ``nbgrader_config.py``.
``ADAPTIVE_POLICING_DB_URL``
    Any SQLAlchemy URL for the response store. Defaults to a SQLite file in the
    runtime folder.
``ADAPTIVE_POLICING_GRADEBOOK_URL``
    Any SQLAlchemy URL for nbgrader's gradebook, e.g. PostgreSQL
    (``postgresql+psycopg://user:password@host:5432/gradebook``) when several
    graders share it behind the hub. Defaults to the SQLite file
    ``gradebook.db`` in the grading folder. ``grading/nbgrader_config.py`` reads
    it too, so plain ``nbgrader`` commands and the formgrader use the same gradebook.
``ADAPTIVE_POLICING_ROLE``
    Set by each server for the kernels it starts: ``trainee`` or ``instructor``
    (see :func:`adaptive_policing.widgets.viewer.is_instructor_view`).
``ADAPTIVE_POLICING_JOIN_URLS``
    Set by ``serve``: the trainee server's addresses (one per network address, or
    ``--public-url``), which the console shows with a QR code.
``ADAPTIVE_POLICING_INSTRUCTOR_KEY``
    The instructor key. Defaults to a random key created once and kept in the
    runtime folder, so it survives a server restart.
``ADAPTIVE_POLICING_HUB``
    Set to ``1`` by a server running behind JupyterHub (``--hub``) for the kernels it
    starts: identity then comes from the hub user the server authenticated, never from
    the browser (see :mod:`adaptive_policing.widgets.viewer`).
``ADAPTIVE_POLICING_PASS_PERCENT``
    The agency's passing mark for the assessment, in percent of all points
    (default 70), or ``off`` for none. The outline requires no test, so the
    mark never decides course completion; it only fills the roster's
    "met standard" column and the console's count.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "ADAPTIVE_POLICING_HOME"
VAR_ENV = "ADAPTIVE_POLICING_VAR"
DB_URL_ENV = "ADAPTIVE_POLICING_DB_URL"
GRADING_DIR_ENV = "ADAPTIVE_POLICING_GRADING_DIR"
GRADEBOOK_URL_ENV = "ADAPTIVE_POLICING_GRADEBOOK_URL"
INSTRUCTOR_KEY_ENV = "ADAPTIVE_POLICING_INSTRUCTOR_KEY"
ROLE_ENV = "ADAPTIVE_POLICING_ROLE"
PASS_PERCENT_ENV = "ADAPTIVE_POLICING_PASS_PERCENT"
DEFAULT_PASS_PERCENT = 70.0
"""The passing mark when none is set (the outline sets none; an agency standard)."""
PASS_MARK_OFF = ("off", "none", "no")
"""Values of the pass-mark setting that switch it off."""
JOIN_URLS_ENV = "ADAPTIVE_POLICING_JOIN_URLS"
"""The trainee server's addresses ``serve`` announced (space-separated), for the console's QR code."""
DEFAULT_TRAINEE_PORT = 8866
CLIENT_HEADER = "X-Adaptive-Policing-Client"
"""The request header the trainee server sets to the client's address (a client's own value is
replaced); Voilà hands it to the page's kernel as ``HTTP_X_ADAPTIVE_POLICING_CLIENT``."""
HUB_ENV = "ADAPTIVE_POLICING_HUB"
"""``1`` in a server behind JupyterHub and its kernels (department mode)."""
HUB_USER_HEADER = "X-Adaptive-Policing-Hub-User"
"""The request header a server behind the hub sets to the hub user it authenticated (a client's own
value is replaced); the page's kernel reads it as ``HTTP_X_ADAPTIVE_POLICING_HUB_USER``."""
HUB_GROUPS_HEADER = "X-Adaptive-Policing-Hub-Groups"
"""The same for the hub user's groups, as a JSON list."""
TRAINEE_GROUP_PREFIX = "trainees-"
"""Hub group ``trainees-<class code>``: its members are the trainees of that class."""
INSTRUCTOR_GROUP_PREFIX = "instructors-"
"""Hub group ``instructors-<class code>``: its members see that class in the console."""
INSTRUCTORS_GROUP = "instructors"
"""Hub group whose members may open the instructor console and slides at all."""
FORMGRADE_GROUP = "formgrade-adaptive-policing"
"""Hub group of the coordinators who grade in nbgrader's formgrader (nbgrader's ``formgrade-<course>``)."""
SLIDES_TEMPLATE = "adaptive-slides"
"""The Voilà template that shows a course page as projector slides (instructor server only)."""

_PACKAGE_DIR = Path(__file__).resolve().parent


def _default_home() -> Path:
    checkout = _PACKAGE_DIR.parent
    if (checkout / "course").is_dir():
        return checkout
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Resolved locations for one run of the course."""

    home: Path
    var_dir: Path
    db_url: str
    pass_percent: float | None = DEFAULT_PASS_PERCENT
    """The assessment's passing mark in percent, ``None`` when switched off."""
    grading_root: Path | None = None
    """nbgrader's course root when set apart (``ADAPTIVE_POLICING_GRADING_DIR``); see :attr:`grading_dir`."""
    gradebook_url: str | None = None
    """nbgrader's gradebook when set apart (``ADAPTIVE_POLICING_GRADEBOOK_URL``), else ``None``: SQLite in the grading folder."""

    @property
    def course_dir(self) -> Path:
        return self.home / "course"

    @property
    def exercises_dir(self) -> Path:
        return self.home / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.home / "solutions"

    @property
    def grading_dir(self) -> Path:
        """nbgrader's course root: ``$ADAPTIVE_POLICING_GRADING_DIR``, else ``<home>/grading``."""
        return self.grading_root or self.home / "grading"

    @property
    def serve_dir(self) -> Path:
        """Generated serving folders (one per server) live here."""
        return self.var_dir / "serve"


def settings() -> Settings:
    """Read the current settings from the environment."""
    home = Path(os.environ.get(HOME_ENV) or _default_home()).resolve()
    var_dir = Path(os.environ.get(VAR_ENV) or home / "var").resolve()
    db_url = os.environ.get(DB_URL_ENV) or f"sqlite:///{var_dir / 'responses.sqlite3'}"
    pass_percent = parse_pass_percent(os.environ.get(PASS_PERCENT_ENV))
    grading = os.environ.get(GRADING_DIR_ENV)
    return Settings(home=home, var_dir=var_dir, db_url=db_url, pass_percent=pass_percent,
                    grading_root=Path(grading).resolve() if grading else None,
                    gradebook_url=os.environ.get(GRADEBOOK_URL_ENV) or None)


def parse_pass_percent(text: str | None) -> float | None:
    """A pass-mark setting: a percent from 0 to 100, ``off`` for none, blank for the default."""
    if text is None or not text.strip():
        return DEFAULT_PASS_PERCENT
    if text.strip().lower() in PASS_MARK_OFF:
        return None
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"the pass mark must be a percent from 0 to 100 or 'off', not {text!r}") from None
    if not 0 <= value <= 100:
        raise ValueError(f"the pass mark must be a percent from 0 to 100 or 'off', not {text!r}")
    return value


def kernel_env_name(header: str) -> str:
    """The environment variable under which Voilà hands a request header to a page's kernel (RFC 3875)."""
    return "HTTP_" + header.upper().replace("-", "_")


def hub_mode() -> bool:
    """Whether this process serves (or is a kernel of a server) behind JupyterHub."""
    return os.environ.get(HUB_ENV, "") == "1"


def instructor_key_file(settings_: Settings | None = None) -> Path | None:
    """The file the instructor key is kept in, or None when the environment sets the key."""
    if os.environ.get(INSTRUCTOR_KEY_ENV):
        return None
    return (settings_ or settings()).var_dir / "instructor.key"


def _write_key(where: Path, key: str, *, replace: bool) -> None:
    """Write ``key`` to ``where``, readable by the instructor's account only (atomically when replacing)."""
    where.parent.mkdir(parents=True, exist_ok=True)
    target = where.with_name(where.name + ".new") if replace else where
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(target, flags, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    if replace:
        os.replace(target, where)


def instructor_key(settings_: Settings | None = None) -> str:
    """The instructor key: from the environment, else kept in ``var/instructor.key``."""
    from_env = os.environ.get(INSTRUCTOR_KEY_ENV)
    if from_env:
        return from_env
    where = instructor_key_file(settings_)
    assert where is not None
    if where.exists():
        return where.read_text().strip()
    key = secrets.token_urlsafe(18)
    _write_key(where, key, replace=False)
    return key


def rotate_instructor_key(settings_: Settings | None = None) -> str:
    """Replace the kept instructor key with a new one (a running instructor server takes it up)."""
    where = instructor_key_file(settings_)
    if where is None:
        raise RuntimeError(f"The instructor key is set by ${INSTRUCTOR_KEY_ENV}; change that variable instead.")
    key = secrets.token_urlsafe(18)
    _write_key(where, key, replace=True)
    return key
