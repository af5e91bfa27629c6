"""Printable handouts generated from the course: the pocket card and paper versions of the activities.

``adaptive-policing handouts`` (:mod:`adaptive_policing.cli_handouts`) writes
them as HTML and prints them to PDF. Nothing here is typed a second time:

* the **pocket card** prints the lists of ``course/pocket-card.yaml`` and the
  complaint steps of ``course/complaint-process.yaml``
  (:mod:`adaptive_policing.content.pocket_card`);
* the **paper worksheets** are read from the trainee copies of the activities
  (``exercises/activities/*.ipynb``, facilitator cells already removed): each
  markdown cell is rendered (raw HTML escaped), and each one-line call in a code
  cell becomes its paper form: a ``prompt`` a question with boxes or lines to
  write on, a ``worksheet`` its fields, a ``role_play`` its three role cards,
  a ``rubric`` the observer's rubric with its anchors, a ``case_study`` its
  title and summary. Calls are read with :mod:`ast` and only literal
  arguments are used; no notebook code is ever run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..config import settings
from ..content.complaint_process import complaint_process
from ..content.pocket_card import pocket_card
from ..content.role_plays import ROLES, load_scenario, role_label
from ..content.scenarios import CaseStudyError
from .render import render

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

SCALE = ("1 strongly disagree", "2", "3", "4", "5 strongly agree")
"""A ``scale`` prompt on paper (the widget's 1–5 scale)."""


@dataclass(frozen=True)
class PaperBlock:
    """One piece of a paper worksheet: ``kind`` names the template part that prints it."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaperActivity:
    """One activity as paper: its blocks in the notebook's order."""

    id: str
    blocks: list[PaperBlock]


def pocket_card_html() -> Markup:
    """The one-page pocket card."""
    return render("handouts/pocket_card.html.j2", card=pocket_card())


def _literal_call(node: ast.AST) -> tuple[str, list[Any], dict[str, Any]] | None:
    """A call statement ``name(literal, …, key=literal)`` as its name and values; None for anything else."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)):
        return None
    call = node.value
    try:
        args = [ast.literal_eval(arg) for arg in call.args]
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg is not None}
    except ValueError:
        return None
    return call.func.id, args, kwargs


def _role_cards(scenario_id: str) -> PaperBlock | None:
    try:
        scenario = load_scenario(scenario_id)
    except CaseStudyError:
        return None
    cards = [(role_label(role, scenario.setting), scenario.roles.get(role, "")) for role in ROLES]
    return PaperBlock("role_cards", {"scenario": scenario, "cards": cards})


def _block(name: str, args: list[Any], kwargs: dict[str, Any]) -> PaperBlock | None:
    """The paper form of one call, or None for a call that has none (``page_header``, imports)."""
    if name == "prompt" and len(args) >= 2:
        kind = kwargs.get("kind", args[2] if len(args) > 2 else "text")
        options = list(kwargs.get("options") or (args[3] if len(args) > 3 else []))
        if kind == "scale":
            options = list(SCALE)
        return PaperBlock("prompt", {"id": args[0], "text": args[1], "kind": kind, "options": options,
                                     "many": kind == "multi"})
    if name == "worksheet" and len(args) >= 3:
        fields = args[2]
        pairs = list(fields.items()) if isinstance(fields, dict) else [(str(f), "") for f in fields]
        return PaperBlock("worksheet", {"id": args[0], "title": args[1], "fields": pairs,
                                        "group": bool(kwargs.get("group"))})
    if name == "role_play" and args:
        return _role_cards(args[0])
    if name == "rubric" and args:
        try:
            scenario = load_scenario(args[0])
        except CaseStudyError:
            return None
        return PaperBlock("rubric", {"scenario": scenario, "process": complaint_process()})
    if name == "case_study" and args:
        try:
            case = load_scenario(args[0])
        except CaseStudyError:
            return None
        return PaperBlock("case_study", {"case": case})
    return None


def paper_activity(path: Path) -> PaperActivity:
    """An activity notebook (a trainee copy) as paper blocks."""
    notebook = nbformat.read(path, as_version=4)
    blocks: list[PaperBlock] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            blocks.append(PaperBlock("markdown", {"html": Markup(_markdown.render(cell.source))}))
        elif cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for statement in tree.body:
                call = _literal_call(statement)
                block = _block(*call) if call else None
                if block is not None:
                    blocks.append(block)
    return PaperActivity(path.stem, blocks)


def activity_paths(folder: Path | None = None) -> list[Path]:
    """The trainee copies of the activities, in order."""
    return sorted((folder or settings().exercises_dir / "activities").glob("*.ipynb"))


def worksheets_html(paths: Iterable[Path] | None = None) -> Markup:
    """Every activity on paper, one after the other, each starting on a new page."""
    activities = [paper_activity(path) for path in (activity_paths() if paths is None else paths)]
    return render("handouts/worksheets.html.j2", activities=activities)
