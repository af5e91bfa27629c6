"""The assessment's questions, read from the released nbgrader notebook.

The question bank is authored once, as the nbgrader source assignment
``solutions/assessment/adaptive-policing-assessment/assessment.ipynb``. Each
question there is three cells (two for a free-text question):

1. a locked markdown cell (``grade_id`` ``<id>_question``) with the question
   and its options, for people reading the notebook;
2. the answer cell, carrying the question's data in ``metadata.assessment``
   (``id``, ``section``, ``kind``, ``prompt``, ``options`` and, for matching,
   ``items``):

   * autograded kinds (``single``, ``truefalse``, ``multi``, ``order``,
     ``match``): a code cell (``grade_id`` ``<id>_answer``, nbgrader solution)
     holding ``<id> = None`` and the solution between ``### BEGIN SOLUTION`` and
     ``### END SOLUTION``;
   * ``text``: a markdown cell (``grade_id`` ``<id>``, solution and graded by
     hand, with points) holding the model answer and the rubric as its solution;

3. for autograded kinds, a locked test cell (``grade_id`` ``<id>``, points) with
   a visible ``assert <id> is not None`` and a hidden test whose last line is
   ``float(<points earned>)``: nbgrader reads that number as the score (its
   partial credit), so matching earns a share per correct pair while the other
   kinds are all or nothing, and an ordering earns a share per pair of items
   in the right relative order (pairwise agreement, stated under the
   question). The hidden tests use plain Python only, so plain
   ``nbgrader autograde`` needs nothing from this package.

The answer cell's ``metadata.assessment`` also names the learning
``objective`` the question measures (a code of
:data:`adaptive_policing.content.objectives.OBJECTIVES`), for a short
scenario its ``setting`` (``window``, ``phone`` or ``street``) and, for an
autograded question, its ``explanation``: a sentence or two on why the keyed
answer is right, shown in a trainee's feedback under a wrong answer (the
release leaves it out; see :mod:`adaptive_policing.grading.release`).

There are two assignments, each its own nbgrader assignment and notebook
folder under ``solutions/assessment/``: :data:`ASSIGNMENT`, the Assessment of
Learning of the 2-hour course (sections I-VIII only), and
:data:`WINDOW_ASSIGNMENT`, the district-window and telephone module's own
short check, taken on that module's last page.

Options of ordering questions are stored shuffled; the right order lives only
in the hidden test. To add a question, copy three cells, give them a new id,
then run ``adaptive-policing release``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from nbformat.notebooknode import NotebookNode

from .. import config

ASSIGNMENT = "adaptive-policing-assessment"
"""The nbgrader assignment id of the 2-hour course's Assessment of Learning."""

WINDOW_ASSIGNMENT = "district-window-assessment"
"""The nbgrader assignment id of the district-window and telephone module's check."""

ASSIGNMENTS: tuple[str, ...] = (ASSIGNMENT, WINDOW_ASSIGNMENT)
"""Every assignment, in the order they are released and graded."""

NOTEBOOK = "assessment"
"""The notebook's name inside the assignment (without ``.ipynb``)."""

Kind = Literal["single", "truefalse", "multi", "order", "match", "text"]
KINDS: tuple[str, ...] = ("single", "truefalse", "multi", "order", "match", "text")

SECTIONS: dict[str, str] = {
    "I": "I. Introductions",
    "II": "II. What is the problem?",
    "III": "III. What is customer service?",
    "IV": "IV. Customer service and policing",
    "V": "V. Techniques and strategies",
    "VI": "VI. The customer complaint resolution process",
    "VII": "VII. Implementing customer service into police contacts",
    "VIII": "VIII. What do we gain with good customer service?",
    "W": "The district window and the telephone",
}
"""Section keys used in ``metadata.assessment.section`` and their titles."""

ASSIGNMENT_SECTIONS: dict[str, tuple[str, ...]] = {
    ASSIGNMENT: ("I", "II", "III", "IV", "V", "VI", "VII", "VIII"),
    WINDOW_ASSIGNMENT: ("W",),
}
"""The sections each assignment may ask about: the core assessment covers only the 2-hour course."""

SETTINGS: tuple[str, ...] = ("window", "phone", "street")
"""Where a scenario question takes place (``metadata.assessment.setting``)."""


class QuestionBankError(ValueError):
    """The assessment notebook does not follow the question conventions."""


@dataclass(frozen=True)
class Question:
    """One question as the trainee sees it (no solution)."""

    id: str
    number: int
    section: str
    kind: Kind
    prompt: str
    options: tuple[str, ...]
    items: tuple[str, ...]
    points: float
    objective: str = ""
    """The code of the learning objective the question measures."""
    setting: str | None = None
    """``window``, ``phone`` or ``street`` for a short scenario; ``None`` otherwise."""
    explanation: str = ""
    """Why the keyed answer is right, for a trainee's feedback on a wrong answer. Only the
    authored source holds it; the release leaves it out (it names the answer)."""

    @property
    def autograded(self) -> bool:
        return self.kind != "text"

    @property
    def section_title(self) -> str:
        return SECTIONS.get(self.section, self.section)


def source_notebook_path(home: Path | None = None, assignment: str = ASSIGNMENT) -> Path:
    home = home or config.settings().home
    return home / "solutions" / "assessment" / assignment / f"{NOTEBOOK}.ipynb"


def release_notebook_path(home: Path | None = None, assignment: str = ASSIGNMENT) -> Path:
    home = home or config.settings().home
    return home / "exercises" / "assessment" / assignment / f"{NOTEBOOK}.ipynb"


def nbgrader_meta(cell: NotebookNode) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def _points_by_grade_id(notebook: NotebookNode) -> dict[str, float]:
    return {
        meta["grade_id"]: float(meta.get("points", 0))
        for meta in map(nbgrader_meta, notebook.cells)
        if meta.get("grade") and "grade_id" in meta
    }


def questions_in(notebook: NotebookNode) -> list[Question]:
    """The questions of an assessment notebook (source or release), in order."""
    points = _points_by_grade_id(notebook)
    found: list[Question] = []
    seen: set[str] = set()
    for cell in notebook.cells:
        data = cell.get("metadata", {}).get("assessment")
        if not data:
            continue
        qid = str(data.get("id", ""))
        kind = data.get("kind")
        if not qid.isidentifier() or qid in seen:
            raise QuestionBankError(f"question id {qid!r} is not a unique Python name")
        if kind not in KINDS:
            raise QuestionBankError(f"{qid}: unknown kind {kind!r}")
        if data.get("section") not in SECTIONS:
            raise QuestionBankError(f"{qid}: unknown section {data.get('section')!r}")
        options = tuple(str(o) for o in data.get("options", ()))
        items = tuple(str(i) for i in data.get("items", ()))
        if kind != "text" and len(set(options)) < 2:
            raise QuestionBankError(f"{qid}: needs at least two different options")
        if kind == "match" and not items:
            raise QuestionBankError(f"{qid}: a matching question needs items")
        if qid not in points:
            raise QuestionBankError(f"{qid}: no graded cell with grade_id {qid!r}")
        setting = data.get("setting")
        if setting is not None and setting not in SETTINGS:
            raise QuestionBankError(f"{qid}: unknown setting {setting!r}")
        seen.add(qid)
        found.append(
            Question(
                id=qid,
                number=len(found) + 1,
                section=str(data["section"]),
                kind=kind,
                prompt=str(data.get("prompt", "")),
                options=options,
                items=items,
                points=points[qid],
                objective=str(data.get("objective", "")),
                setting=setting,
                explanation=str(data.get("explanation", "")),
            )
        )
    if not found:
        raise QuestionBankError("the notebook holds no questions")
    return found


def load_questions(path: Path | None = None, assignment: str = ASSIGNMENT) -> list[Question]:
    """The released assessment's questions (what the trainee app shows)."""
    import nbformat  # seconds to import (jsonschema's format checks): only pages that load questions pay it

    path = path or release_notebook_path(assignment=assignment)
    return questions_in(nbformat.read(path, as_version=4))
