"""nbgrader's cell-metadata check, with its JSON schema compiled once per process.

nbgrader's ``CheckCellMetadata`` runs twice per autograded notebook (after the
submission is sanitized and after it is graded). Its validator calls
``jsonschema.validate`` for every nbgrader cell, and that function first checks
the schema itself against the JSON Schema meta-schema, every time: about a sixth
of nbgrader's time per submission went there. :class:`CheckCellMetadataOnce`
does the same checks with the same messages, through nbgrader's own extension
point (the converters' preprocessor lists, set in
:func:`.course.nbgrader_config`): the schema is checked and compiled once, and
each cell is validated against the compiled schema. Nothing in nbgrader is
replaced; plain ``nbgrader`` commands keep nbgrader's own check.
"""

from __future__ import annotations

import traceback
from functools import cached_property, lru_cache
from typing import Any

from jsonschema import exceptions, validators
from nbformat.notebooknode import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import CheckCellMetadata

CHECK_ONCE = f"{__name__}.CheckCellMetadataOnce"


class _CompiledSchema(BaseMetadataValidator):
    """nbgrader's per-cell schema check (``BaseMetadataValidator.validate_cell``) against the compiled schema."""

    @cached_property
    def compiled_schema(self) -> Any:
        """A validator for this version's schema; the schema itself is checked here, once."""
        validator_class = validators.validator_for(self.schema)
        validator_class.check_schema(self.schema)  # what jsonschema.validate does before every cell
        return validator_class(self.schema)

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        meta = cell.metadata["nbgrader"]
        version = meta.get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        error = exceptions.best_match(self.compiled_schema.iter_errors(meta))
        if error is not None:  # as jsonschema.validate: the most relevant error
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current metadata validator; its per-cell schema check uses the compiled schema.

    The method order puts :class:`_CompiledSchema` between nbgrader's validator
    and its base, so nbgrader's own checks (grade ids, points, cell types,
    duplicate ids) run unchanged and only ``jsonschema.validate`` is replaced.
    """


@lru_cache(maxsize=1)
def metadata_validator() -> CompiledMetadataValidator:
    """This process's validator (it reads nbgrader's schema files once)."""
    return CompiledMetadataValidator()


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` with the schema compiled once (see the module docstring)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        try:
            metadata_validator().validate_nb(nb)
        except ValidationError:  # reported as nbgrader reports it
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources


REPLACEMENTS = {CheckCellMetadata: CHECK_ONCE}
"""nbgrader's preprocessor this module replaces, and the dotted name of its replacement."""
