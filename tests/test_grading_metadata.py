"""nbgrader's cell-metadata check with the schema compiled once: same verdicts, no per-cell schema check."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from nbgrader.preprocessors import CheckCellMetadata
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooOldError, ValidationError

from adaptive_policing.grading.course import GradingPaths, nbgrader_config
from adaptive_policing.grading.metadata import CHECK_ONCE, CheckCellMetadataOnce, metadata_validator
from adaptive_policing.grading.overwrite import OVERWRITE_READ_AHEAD
from adaptive_policing.grading.scores import GET_READ_AHEAD, SAVE_AT_ONCE

from .fixtures.assessment import submissions as fx


def _graded_cells(nb):
    return [cell for cell in nb.cells if "nbgrader" in cell.metadata]


def test_a_release_validates_without_checking_the_schema_for_every_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    nb = fx.release()
    assert len(_graded_cells(nb)) > 20
    metadata_validator().validate_nb(nb)  # the schema is compiled here at the latest
    checks: list[object] = []
    real_check = jsonschema.validators.Draft4Validator.check_schema
    monkeypatch.setattr(jsonschema.validators.Draft4Validator, "check_schema",
                        classmethod(lambda cls, schema, **kw: (checks.append(schema), real_check(schema, **kw))))
    monkeypatch.setattr(jsonschema, "validate", lambda *a, **kw: pytest.fail("jsonschema.validate re-checks the schema"))
    CheckCellMetadataOnce().preprocess(nb, {})
    assert checks == []


@pytest.mark.parametrize(
    "damage, error",
    [
        (lambda meta: meta.update(points="three"), ValidationError),
        (lambda meta: meta.update(grade="yes"), ValidationError),
        (lambda meta: meta.pop("grade_id"), ValidationError),
        (lambda meta: meta.update(schema_version=2), SchemaTooOldError),
    ],
)
def test_damaged_metadata_fails_as_with_nbgrader_s_own_check(damage, error) -> None:
    nb = fx.release()
    cell = next(c for c in _graded_cells(nb) if c.metadata["nbgrader"].get("grade"))
    damage(cell.metadata["nbgrader"])
    with pytest.raises(error) as ours:
        metadata_validator().validate_nb(copy.deepcopy(nb))
    with pytest.raises(error) as theirs:
        MetadataValidator().validate_nb(copy.deepcopy(nb))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(error) as ours:
        CheckCellMetadataOnce().preprocess(copy.deepcopy(nb), {})
    with pytest.raises(error) as theirs:
        CheckCellMetadata().preprocess(copy.deepcopy(nb), {})
    assert str(ours.value) == str(theirs.value)


def test_duplicate_grade_ids_still_fail() -> None:
    nb = fx.release()
    first, second = [c for c in _graded_cells(nb) if c.metadata["nbgrader"].get("grade")][:2]
    second.metadata["nbgrader"]["grade_id"] = first.metadata["nbgrader"]["grade_id"]
    with pytest.raises(ValidationError, match="Duplicate grade id"):
        metadata_validator().validate_nb(nb)


def test_the_project_s_autograde_uses_the_faster_preprocessors_and_plain_nbgrader_s_config_does_not(tmp_path) -> None:
    cfg = nbgrader_config(GradingPaths.under(tmp_path))
    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        listed = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}" for p in cfg.Autograde[name]]
        assert listed[-1] == CHECK_ONCE
        assert not any(p.endswith((".CheckCellMetadata", ".SaveAutoGrades", ".OverwriteCells")) for p in listed)
    assert SAVE_AT_ONCE in cfg.Autograde.autograde_preprocessors
    assert cfg.GenerateFeedback.preprocessors[0] == GET_READ_AHEAD
    assert OVERWRITE_READ_AHEAD in cfg.Autograde.sanitize_preprocessors
    committed = (fx.REPO / "grading" / "nbgrader_config.py").read_text()
    assert not any(name in committed for name in ("CheckCellMetadataOnce", "SaveAutoGradesAtOnce", "GetGradesReadAhead",
                                                       "OverwriteCellsReadAhead"))
