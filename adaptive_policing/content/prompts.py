"""Which discussion prompts the course has: their question, kind and options.

The console needs to know that ``s01-prior-training`` is a single choice with
three options before anybody has answered it. The course notebooks are the one
source: every ``prompt("id", "question", kind=..., options=[...])`` call in a
code cell of ``course/*.ipynb`` and of the activity worksheets
``exercises/activities/*.ipynb`` is read (parsed with :mod:`ast`, never run).
A prompt that is answered but not found there is shown as free text.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config

SCALE_LABELS = (
    "1 – Strongly disagree",
    "2 – Disagree",
    "3 – Neutral",
    "4 – Agree",
    "5 – Strongly agree",
)
"""The answer options of every 1–5 agreement scale."""


@dataclass(frozen=True)
class PromptInfo:
    """One discussion prompt as a course page defines it."""

    prompt_id: str
    question: str
    kind: str = "text"
    options: tuple[str, ...] = ()
    page: str = ""
    keyed: tuple[int, ...] = ()
    """Positions (from 0) of the options the facilitator guide keys; empty when none is."""


def _literal(node: ast.AST | None) -> object:
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, SyntaxError, TypeError):
        return None


def prompts_in_source(source: str, page: str = "") -> list[PromptInfo]:
    """The ``prompt(...)`` calls in one cell's source, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[tuple[int, int], PromptInfo]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name != "prompt" or len(node.args) < 2:
            continue
        prompt_id, question = _literal(node.args[0]), _literal(node.args[1])
        if not isinstance(prompt_id, str) or not isinstance(question, str):
            continue
        keywords = {kw.arg: _literal(kw.value) for kw in node.keywords if kw.arg}
        kind = keywords.get("kind") if isinstance(keywords.get("kind"), str) else "text"
        options = keywords.get("options") or ()
        choices = tuple(str(o) for o in options) if isinstance(options, (list, tuple)) else ()
        keyed = keywords.get("keyed") or ()
        keys = tuple(i for i in keyed if isinstance(i, int)) if isinstance(keyed, (list, tuple)) else ()
        info = PromptInfo(prompt_id, question, str(kind), choices, page, keys)
        found.append(((node.lineno, node.col_offset), info))
    return [info for _, info in sorted(found, key=lambda pair: pair[0])]


#: Folders (under the checkout) whose notebooks hold prompts, in course order.
PROMPT_FOLDERS = ("course", "exercises/activities")


@lru_cache(maxsize=8)
def _catalog(stamp: tuple[tuple[str, float], ...]) -> dict[str, PromptInfo]:
    catalog: dict[str, PromptInfo] = {}
    for name, _mtime in stamp:
        path = Path(name)
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            for info in prompts_in_source(source, path.stem):
                catalog.setdefault(info.prompt_id, info)
    return catalog


def prompt_catalog(home: Path | None = None) -> dict[str, PromptInfo]:
    """Every prompt on the course pages and worksheets, in page order (re-read when a page changes)."""
    home = home or config.settings().home
    pages = [page for folder in PROMPT_FOLDERS for page in sorted((home / folder).glob("*.ipynb"))]
    stamp = tuple((str(page), page.stat().st_mtime) for page in pages)
    return _catalog(stamp)


def describe(prompt_id: str, catalog: dict[str, PromptInfo]) -> PromptInfo:
    """What is known about a prompt; an unknown one is free text with its id as question."""
    info = catalog.get(prompt_id) or PromptInfo(prompt_id, prompt_id)
    if info.kind == "scale" and not info.options:
        return PromptInfo(info.prompt_id, info.question, "scale", SCALE_LABELS, info.page, info.keyed)
    return info
