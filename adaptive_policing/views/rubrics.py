"""Learning Activity 3's rubrics for the console and the export.

:func:`class_rubric_sheets` reads every observer's latest rubric of a class
with the instructor's confirmations; :func:`rubrics_html` is the console's
panel (one row per rubric, one column per complaint-resolution step, each
rating in words, the points, and whether the instructor confirmed it);
:func:`rubric_records` is the same as plain data for the class export.
Everything an observer typed reaches the page only through autoescaped
template variables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..analysis.role_plays import RubricSheet, rubric_sheets, step_counts
from ..content.complaint_process import PROMPT_PREFIX, ComplaintProcess, complaint_process
from .render import render

if TYPE_CHECKING:
    from ..data.store import ResponseStore


def class_rubric_sheets(store: ResponseStore, class_id: int,
                        process: ComplaintProcess | None = None) -> list[RubricSheet]:
    """Every observer's latest rubric in the class, with the instructor's confirmation where there is one."""
    process = process or complaint_process()
    prompt_ids = [p for p in store.prompts_answered(class_id) if p.startswith(PROMPT_PREFIX)]
    saved = ((prompt_id, trainee, answer) for prompt_id in prompt_ids
             for trainee, answer in store.class_answers(class_id, prompt_id))
    return rubric_sheets(process, saved, store.rubric_confirmations(class_id))


def rubrics_html(store: ResponseStore, class_id: int) -> Markup:
    """The console's rubric panel: every rubric, step by step, and the class's tally per step."""
    process = complaint_process()
    sheets = class_rubric_sheets(store, class_id, process)
    labels = {rating.id: rating.label for rating in process.ratings}
    return render("rubrics.html.j2", process=process, sheets=sheets, labels=labels,
                  counts=step_counts(process, sheets))


def rubric_records(store: ResponseStore, class_id: int) -> list[dict[str, Any]]:
    """Every rubric as plain data for the export: the observer's ratings, the confirmed ones, the points."""
    return [
        {
            "response_id": sheet.answer.id,
            "observer": sheet.observer,
            "scenario_id": sheet.scenario_id,
            "round": sheet.round,
            "officer": sheet.officer,
            "customer": sheet.customer,
            "ratings": sheet.ratings,
            "points": sheet.points,
            "max_points": sheet.max_points,
            "notes": sheet.notes,
            "saved_at": sheet.answer.created_at.isoformat(),
            "confirmed": sheet.confirmed is not None,
            "confirmed_ratings": sheet.confirmed,
            "confirmed_points": sheet.confirmed_points,
            "confirmation_note": sheet.confirmation_note,
        }
        for sheet in class_rubric_sheets(store, class_id)
    ]
