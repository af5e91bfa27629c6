"""A class's record as files: attendance, every answer and worksheet with all their revisions, as CSV and JSON.

``export_class`` writes five files under ``var/exports/`` (or a folder given):

* ``<code>-<date>.json`` — the class, the attendance, every page visit, every
  revision of every answer (discussion prompts, case-study plays ``case:*``,
  role plays ``roleplay:*``, the assessment, anything else saved) with its
  value exactly as stored, every worksheet revision (sheet, group or trainee,
  author, fields, time; saves kept aside after a clash included), each
  observer's latest checklist, the class's case-study paths, the role-play
  ratings, Learning Activity 3's rubrics (the observer's ratings, the
  instructor's confirmed ratings and the points), each trainee's
  self-assessment before and after per item (``self_assessment``) and course
  feedback form with the trainee's id (``course_feedback``, for the
  coordinator; the console shows it without names, and it is left out of the
  responses, which carry names), which prompts the
  instructor opened or closed, and every sign-in event (sign-ins, wrong codes
  and PINs, approval requests, approvals and refusals, sign-outs, revoked
  devices, the class closed or reopened; with the name typed and the client's
  address);
* ``<code>-<date>-attendance.csv``, ``<code>-<date>-responses.csv``,
  ``<code>-<date>-worksheets.csv`` and ``<code>-<date>-sign-ins.csv`` — the
  attendance, the answer revisions (one
  row each, the answer as plain text with choices joined by "; ", and whether
  it is the trainee's latest) and the worksheet revisions (one row each, a
  column per field) and the sign-in events for a spreadsheet. Every CSV cell goes through
  :func:`adaptive_policing.views.spreadsheet.write_csv`, so a cell a
  spreadsheet would read as a formula is shown, never run. The JSON file keeps
  every value verbatim.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import config
from ..analysis.case_paths import class_paths
from ..analysis.tallies import format_answer, latest_by_prompt
from ..content.role_plays import PROMPT_PREFIX as ROLE_PLAY_PREFIX
from ..content.scenarios import PROMPT_PREFIX as CASE_PREFIX
from ..content.survey import FEEDBACK_PROMPT, load_survey
from ..data.store import TrainingClass, ResponseStore
from .activities import class_role_play_ratings, played_case_studies
from .attendance import class_attendance
from .rubrics import rubric_records
from .spreadsheet import write_csv
from .survey import survey_record

SIGN_IN_COLUMNS = ["event_id", "kind", "trainee_id", "badge", "name_typed", "client", "at"]
"""The sign-in events CSV's columns (``at`` is when, in UTC)."""
WORKSHEET_COLUMNS = ["revision_id", "sheet_id", "owner_kind", "owner", "revision", "kept_aside",
                     "author_id", "author", "saved_at"]
"""The worksheet CSV's first columns; one column per worksheet field follows."""

@dataclass(frozen=True)
class ExportFiles:
    """The files one export wrote."""

    json_path: Path
    attendance_csv: Path
    responses_csv: Path
    worksheets_csv: Path
    sign_ins_csv: Path

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.json_path, self.attendance_csv, self.responses_csv, self.worksheets_csv, self.sign_ins_csv)


def activity_kind(prompt_id: str) -> str:
    """``prompt``, ``case``, ``roleplay`` or another namespace, from a prompt id."""
    return prompt_id.split(":", 1)[0] if ":" in prompt_id else "prompt"


def class_record(store: ResponseStore, training_class: TrainingClass) -> dict[str, Any]:
    """Everything saved in one class, as JSON-able data."""
    answers = list(store.iter_answers(training_class.id))
    latest = latest_by_prompt(answers)
    latest_ids = {answer.id for rows in latest.values() for _trainee, answer in rows}
    revision_numbers: dict[tuple[int, str], int] = {}
    responses = []
    for trainee, answer in answers:
        if answer.prompt_id == FEEDBACK_PROMPT:
            continue  # in ``course_feedback``, with the trainee's id and not their name
        key = (trainee.id, answer.prompt_id)
        revision_numbers[key] = revision_numbers.get(key, 0) + 1
        responses.append({
            "response_id": answer.id,
            "trainee_id": trainee.id,
            "name": trainee.name,
            "badge": trainee.badge,
            "kind": activity_kind(answer.prompt_id),
            "prompt_id": answer.prompt_id,
            "revision": revision_numbers[key],
            "latest": answer.id in latest_ids,
            "value": answer.value,
            "saved_at": answer.created_at.isoformat(),
        })
    return {
        "class": {
            "id": training_class.id,
            "code": training_class.code,
            "title": training_class.title,
            "course_plan": training_class.course_plan,
            "date": training_class.class_date.isoformat(),
            "location": training_class.location,
            "instructor": training_class.instructor,
            "created_at": training_class.created_at.isoformat(),
        },
        "exported_at": datetime.now(timezone.utc).isoformat(),
        "attendance": [
            {
                "trainee_id": row.trainee.id,
                "name": row.trainee.name,
                "badge": row.trainee.badge,
                "signed_in_at": row.trainee.created_at.isoformat(),
                "last_page": row.last_page,
                "last_seen_at": row.last_seen.isoformat() if row.last_seen else None,
                "left_at": row.left_at.isoformat() if row.left_at else None,
            }
            for row in class_attendance(store, training_class.id)
        ],
        "visits": [
            {"trainee_id": trainee.id, "page": page, "visited_at": at.isoformat()}
            for trainee, page, at in store.visits(training_class.id)
        ],
        "responses": responses,
        "worksheet_revisions": [
            {
                "revision_id": revision.id,
                "sheet_id": sheet_id,
                "owner_kind": owner_kind,
                "owner": owner,
                "revision": revision.seq,
                "kept_aside": revision.seq is None,
                "author_id": revision.author_id,
                "author": revision.author_name,
                "fields": revision.fields,
                "saved_at": revision.created_at.isoformat(),
            }
            for sheet_id, owner_kind, owner, revision in store.class_worksheet_history(training_class.id)
        ],
        "observer_checklists": _observer_checklists(latest),
        "case_paths": _case_paths(latest),
        "role_play_ratings": [
            {**asdict(pair), "change": pair.change}
            for pair in class_role_play_ratings(store, training_class.id)
        ],
        "rubrics": rubric_records(store, training_class.id),
        **survey_record(latest, load_survey()),
        "prompt_states": [
            {"prompt_id": prompt_id, "open": is_open}
            for prompt_id, is_open in store.prompt_states_in(training_class.id).items()
        ],
        "sign_in_events": [
            {"event_id": event.id, "kind": event.kind, "trainee_id": event.trainee_id, "badge": event.badge,
             "name_typed": event.name_typed, "client": event.client, "at": event.created_at.isoformat()}
            for event in store.sign_in_events_in(training_class.id)
        ],
    }


def _observer_checklists(latest: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each observer's latest role-play save: the steps they ticked and their notes."""
    return [
        {
            "trainee_id": trainee.id,
            "name": trainee.name,
            "case_id": prompt_id.removeprefix(ROLE_PLAY_PREFIX),
            "partners": answer.value.get("partners", ""),
            "ticked": list(answer.value.get("checklist") or []),
            "notes": answer.value.get("notes", ""),
            "saved_at": answer.created_at.isoformat(),
        }
        for prompt_id, rows in latest.items() if prompt_id.startswith(ROLE_PLAY_PREFIX)
        for trainee, answer in rows
        if isinstance(answer.value, dict) and answer.value.get("role") == "observer"
    ]


def _case_paths(latest: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The class summary of every case study played (scenarios since removed are left out)."""
    played = [prompt_id.removeprefix(CASE_PREFIX) for prompt_id in latest if prompt_id.startswith(CASE_PREFIX)]
    return [
        asdict(class_paths(case, (answer.value for _trainee, answer in latest[case.prompt_id])))
        for case in played_case_studies(played)
    ]


def _answer_text(value: Any) -> str:
    """An answer as a person reads it: text as typed, choices joined with "; "."""
    return "" if value is None else format_answer(value)


def _cell(value: Any) -> Any:
    """A CSV cell: ``yes``/``no`` for a flag, anything else as it is."""
    return ("yes" if value else "no") if isinstance(value, bool) else value


def export_class(store: ResponseStore, training_class: TrainingClass, out_dir: Path | None = None) -> ExportFiles:
    """Write the class's record as JSON and three CSV files; returns their paths."""
    folder = out_dir or config.settings().var_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    record = class_record(store, training_class)
    stem = f"{training_class.code}-{training_class.class_date.isoformat()}"
    files = ExportFiles(folder / f"{stem}.json", folder / f"{stem}-attendance.csv",
                        folder / f"{stem}-responses.csv", folder / f"{stem}-worksheets.csv",
                        folder / f"{stem}-sign-ins.csv")
    files.json_path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    write_csv(
        files.attendance_csv,
        ["trainee_id", "name", "badge", "signed_in_at", "last_page", "last_seen_at", "left_at"],
        [[r["trainee_id"], r["name"], r["badge"], r["signed_in_at"], r["last_page"], r["last_seen_at"], r["left_at"]]
         for r in record["attendance"]],
    )
    write_csv(
        files.responses_csv,
        ["response_id", "trainee_id", "name", "badge", "kind", "prompt_id", "revision", "latest", "saved_at", "answer"],
        [[r["response_id"], r["trainee_id"], r["name"], r["badge"], r["kind"], r["prompt_id"], r["revision"],
          _cell(r["latest"]), r["saved_at"], _answer_text(r["value"])] for r in record["responses"]],
    )
    sheets = record["worksheet_revisions"]
    field_names = list(dict.fromkeys(name for sheet in sheets for name in sheet["fields"]))
    write_csv(
        files.worksheets_csv,
        WORKSHEET_COLUMNS + field_names,
        [[_cell(sheet[column]) for column in WORKSHEET_COLUMNS] + [sheet["fields"].get(name, "") for name in field_names]
         for sheet in sheets],
    )
    write_csv(files.sign_ins_csv, SIGN_IN_COLUMNS,
              [[event[column] for column in SIGN_IN_COLUMNS] for event in record["sign_in_events"]])
    return files
