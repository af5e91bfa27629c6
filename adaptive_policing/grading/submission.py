"""Writing a trainee's answers as an ordinary nbgrader submission.

A submission is the released notebook with the answers filled in as data:

* an autograded answer cell becomes the one line ``<id> = <repr(answer)>``,
  where the answer has been validated against the question's options, so the
  cell can only ever hold a Python literal (checked again with
  :func:`ast.literal_eval` before writing);
* a free-text answer becomes the markdown answer cell, written as an indented
  code block, so whatever was typed (HTML, script, Markdown, links) is shown
  as literal text in JupyterLab, formgrader and feedback.

It is written to ``grading/submitted/<student>/<assignment>/`` with nbgrader's
``timestamp.txt``. A second submission replaces the first for grading; the
earlier one moves to ``grading/history/<student>/<assignment>/<timestamp>/``.

Submitting is idempotent: the same answers submitted again within
:data:`DUPLICATE_SECONDS` (a double click, a second tab) are ignored
(:func:`recent_duplicate`), so only one submission is written.

A resubmission keeps the hand scores of written answers whose text did not
change: :func:`keep_unchanged_hand_scores` runs after nbgrader has graded the
new submission (nbgrader itself would send every hand-graded answer back to
"needs grading"); a written answer whose text changed loses its old score and
waits for a grader again.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import nbformat
from nbformat.notebooknode import NotebookNode

from .. import config
from ..content.answers import Answer, InvalidAnswer, validate_answer
from ..content.questions import ASSIGNMENT, NOTEBOOK, Question, questions_in

GRADING_DIR_ENV = config.GRADING_DIR_ENV
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
"""nbgrader's own timestamp format (``ExchangeSubmit``)."""

DUPLICATE_SECONDS = 10.0
"""The same answers submitted again within this many seconds are ignored."""

_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def grading_dir() -> Path:
    """nbgrader's course root: ``$ADAPTIVE_POLICING_GRADING_DIR`` or ``<home>/grading``."""
    return config.settings().grading_dir


def student_id(class_code: str, badge: str) -> str:
    """A stable, filesystem-safe nbgrader student id, e.g. ``K7P4QX-b1234``."""
    sid = f"{class_code}-b{badge}"
    if not _STUDENT_ID.fullmatch(sid):
        raise ValueError(f"cannot make a student id from class {class_code!r} and badge {badge!r}")
    return sid


def timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def answer_source(question: Question, value: Answer) -> str:
    """The answer cell's source: one assignment of a literal."""
    checked = validate_answer(question, value)
    literal = repr(checked)
    if ast.literal_eval(literal) != checked:  # pragma: no cover - repr of validated data always round-trips
        raise InvalidAnswer("This answer cannot be written safely.")
    return f"{question.id} = {literal}"


_ANSWER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) = (.+)$", re.M)


def cell_answer(source: str, qid: str) -> Any:
    """The literal assigned to ``qid`` in an answer cell's source (the last assignment), ``None`` if none.

    Read with :func:`ast.literal_eval`: an answer cell is data, never run.
    """
    found = None
    for name, literal in _ANSWER.findall(source):
        if name != qid:
            continue
        try:
            found = ast.literal_eval(literal)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            found = None
    return found


def free_text_markdown(text: str) -> str:
    """Free text as a markdown cell that renders as literal, preformatted text."""
    lines = text.strip("\n").split("\n")
    return "\n".join("    " + line for line in lines)


def free_text_from_markdown(source: str) -> str:
    """The text a trainee typed, from a written answer cell made by :func:`free_text_markdown`."""
    lines = source.split("\n")
    if all(line.startswith("    ") for line in lines):
        lines = [line[4:] for line in lines]
    return "\n".join(lines).strip("\n")


def _answer_cell(notebook: NotebookNode, question: Question) -> NotebookNode:
    for cell in notebook.cells:
        data = cell.get("metadata", {}).get("assessment") or {}
        if data.get("id") == question.id:
            return cell
    raise KeyError(question.id)


def fill_notebook(release: NotebookNode, answers: Mapping[str, Answer]) -> NotebookNode:
    """A copy of the released notebook with ``answers`` (question id -> answer) filled in."""
    filled = copy.deepcopy(release)
    for question in questions_in(filled):
        value = validate_answer(question, answers.get(question.id))
        if value is None:
            continue  # left as released: nbgrader scores it 0
        cell = _answer_cell(filled, question)
        if question.kind == "text":
            cell.source = free_text_markdown(str(value))
        else:
            cell.source = answer_source(question, value)
    return filled


def parse_timestamp(stamp: str) -> datetime | None:
    """A ``timestamp.txt`` written by :func:`timestamp`, as an aware UTC datetime (``None`` if unreadable)."""
    try:
        return datetime.strptime(stamp.strip(), TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def recent_duplicate(notebook: NotebookNode, student: str, *, root: Path | None = None,
                     assignment: str = ASSIGNMENT, now: datetime | None = None) -> Path | None:
    """The submission folder if ``student`` submitted exactly ``notebook`` less than :data:`DUPLICATE_SECONDS` ago."""
    target = (root or grading_dir()) / "submitted" / student / assignment
    try:
        previous = (target / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8")
        when = parse_timestamp((target / "timestamp.txt").read_text())
    except OSError:
        return None
    if when is None or previous.strip() != nbformat.writes(notebook).strip():
        return None
    age = ((now or datetime.now(timezone.utc)) - when).total_seconds()
    return target if 0 <= age < DUPLICATE_SECONDS else None


def _safe_folder(stamp: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", stamp).strip("-")


def write_submission(
    notebook: NotebookNode,
    student: str,
    *,
    root: Path | None = None,
    assignment: str = ASSIGNMENT,
    when: datetime | None = None,
) -> Path:
    """Write ``notebook`` as ``student``'s submission; returns the submission folder.

    An earlier submission is moved to ``history/`` first, never deleted. The
    same notebook submitted again within :data:`DUPLICATE_SECONDS` is not
    written a second time (the existing folder is returned).
    """
    if not _STUDENT_ID.fullmatch(student):
        raise ValueError(f"not a safe student id: {student!r}")
    root = root or grading_dir()
    duplicate = recent_duplicate(notebook, student, root=root, assignment=assignment, now=when)
    if duplicate is not None:
        return duplicate
    target = root / "submitted" / student / assignment
    stamp = timestamp(when)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=_ensure(root / "submitted" / student)))
    try:
        nbformat.write(notebook, staging / f"{NOTEBOOK}.ipynb")
        (staging / "timestamp.txt").write_text(stamp)
        if target.exists():
            previous = (target / "timestamp.txt").read_text().strip() if (target / "timestamp.txt").exists() else "unknown"
            keep = _ensure(root / "history" / student / assignment) / _safe_folder(previous)
            n = 1
            while keep.exists():
                keep = keep.with_name(f"{_safe_folder(previous)}-{n}")
                n += 1
            os.replace(target, keep)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def written_answers(notebook: NotebookNode) -> dict[str, str]:
    """The written (hand-graded) answers of a submission: question id -> the answer cell's text."""
    found = {}
    for cell in notebook.cells:
        data = cell.get("metadata", {}).get("assessment") or {}
        if data.get("kind") == "text" and isinstance(data.get("id"), str):
            found[data["id"]] = cell.source
    return found


def keep_unchanged_hand_scores(db_url: str, student: str, before: Mapping[str, str], after: Mapping[str, str],
                               *, assignment: str = ASSIGNMENT) -> list[str]:
    """After a resubmission is graded: keep the hand scores of written answers whose text is unchanged.

    ``before`` holds the written answers as they were when graded, ``after``
    as they are now (:func:`written_answers`). An unchanged answer with a hand
    score is marked graded again; a changed one loses its hand score and waits
    for a grader. Returns the ids whose scores were kept.
    """
    from nbgrader.api import Gradebook, MissingEntry

    kept = []
    with Gradebook(db_url) as gb:
        for qid, text in after.items():
            try:
                grade = gb.find_grade(qid, NOTEBOOK, assignment, student)
            except MissingEntry:
                continue
            if grade.manual_score is None:
                continue
            if before.get(qid) == text:
                grade.needs_manual_grade = False
                kept.append(qid)
            else:
                grade.manual_score = None
                grade.needs_manual_grade = True
        gb.db.commit()
    return kept
