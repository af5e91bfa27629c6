"""A class's record as files: attendance, every answer with all its revisions, as CSV and JSON.

``export_class`` writes three files under ``var/exports/`` (or a folder given):

* ``<code>-<date>.json`` — the class, the attendance, every page visit, every
  revision of every answer (discussion prompts, case-study paths ``case:*``,
  role-play ratings ``roleplay:*``, anything else saved) with its value exactly
  as stored, and the instructor's open/close changes;
* ``<code>-<date>-attendance.csv`` and ``<code>-<date>-responses.csv`` — the
  same attendance and revisions for a spreadsheet. Values are JSON text in the
  CSV; a cell that a spreadsheet would read as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'`` so it is
  shown, never run. The JSON file keeps every value verbatim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import config
from .spreadsheet import write_csv
from ..data.store import TrainingClass, ResponseStore
from .attendance import class_attendance

@dataclass(frozen=True)
class ExportFiles:
    """The files one export wrote."""

    json_path: Path
    attendance_csv: Path
    responses_csv: Path

    @property
    def paths(self) -> tuple[Path, Path, Path]:
        return (self.json_path, self.attendance_csv, self.responses_csv)


def activity_kind(prompt_id: str) -> str:
    """``prompt``, ``case``, ``roleplay`` or another namespace, from a prompt id."""
    return prompt_id.split(":", 1)[0] if ":" in prompt_id else "prompt"


def class_record(store: ResponseStore, training_class: TrainingClass) -> dict[str, Any]:
    """Everything saved in one class, as JSON-able data."""
    revision_numbers: dict[tuple[int, str], int] = {}
    responses = []
    for trainee, answer in store.iter_answers(training_class.id):
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
        "prompt_states": [
            {"prompt_id": prompt_id, "open": is_open}
            for prompt_id, is_open in store.prompt_states_in(training_class.id).items()
        ],
    }


def export_class(store: ResponseStore, training_class: TrainingClass, out_dir: Path | None = None) -> ExportFiles:
    """Write the class's record as JSON and two CSV files; returns their paths."""
    folder = out_dir or config.settings().var_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    record = class_record(store, training_class)
    stem = f"{training_class.code}-{training_class.class_date.isoformat()}"
    files = ExportFiles(folder / f"{stem}.json", folder / f"{stem}-attendance.csv",
                        folder / f"{stem}-responses.csv")
    files.json_path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    write_csv(
        files.attendance_csv,
        ["trainee_id", "name", "badge", "signed_in_at", "last_page", "last_seen_at", "left_at"],
        [[r["trainee_id"], r["name"], r["badge"], r["signed_in_at"], r["last_page"], r["last_seen_at"], r["left_at"]]
         for r in record["attendance"]],
    )
    write_csv(
        files.responses_csv,
        ["response_id", "trainee_id", "name", "badge", "kind", "prompt_id", "revision", "saved_at", "value_json"],
        [[r["response_id"], r["trainee_id"], r["name"], r["badge"], r["kind"], r["prompt_id"], r["revision"],
          r["saved_at"], json.dumps(r["value"], ensure_ascii=False)] for r in record["responses"]],
    )
    return files
