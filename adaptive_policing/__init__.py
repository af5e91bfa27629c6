"""The Adaptive Policing interactive curriculum.

Course notebooks call the widgets exported here, one line each::

    from adaptive_policing import page_header, prompt
    page_header("01-introductions")
    prompt("s01-about-you", "Tell the class your name, experience and assignment.")

The package is layered; each layer imports only the ones below it (checked by
import-linter's contract in ``pyproject.toml``):

* :mod:`.content`: the course as data: plan, prompts, scenarios, questions (pure);
* :mod:`.data`: the response store, its schema and migrations;
* :mod:`.analysis`: tallies, attendance, agenda timing, case paths (pure);
* :mod:`.views`: HTML, CSV and chart rendering;
* :mod:`.grading`: the assessment's nbgrader pipeline;
* :mod:`.widgets`: the trainee and instructor widgets;
* :mod:`.serve`: the trainee and instructor servers and the slides.

The names below are imported on first use, so a page loads only what it shows.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .widgets.assessment import assessment
    from .widgets.case_study import case_study
    from .widgets.console.app import console
    from .widgets.page import page_header, start_page
    from .widgets.prompt import prompt
    from .widgets.role_play import role_play
    from .widgets.rubric import rubric
    from .widgets.survey import survey
    from .widgets.worksheet import worksheet

_API = {
    "assessment": ".widgets.assessment",
    "case_study": ".widgets.case_study",
    "console": ".widgets.console.app",
    "page_header": ".widgets.page",
    "prompt": ".widgets.prompt",
    "role_play": ".widgets.role_play",
    "rubric": ".widgets.rubric",
    "start_page": ".widgets.page",
    "survey": ".widgets.survey",
    "worksheet": ".widgets.worksheet",
}

__all__ = sorted(_API)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a notebook-facing widget function the first time a page asks for it."""
    if name in _API:
        return getattr(import_module(_API[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
