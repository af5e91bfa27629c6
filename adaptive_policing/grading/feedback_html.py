"""nbgrader's feedback HTML (the coordinator's) for several trainees through one kept converter.

nbgrader's ``NbGraderAPI.generate_feedback`` builds a new ``GenerateFeedback``
converter on every call, and with it a new HTML exporter and Jinja environment
that compiles nbconvert's templates again: about a third of the time nbgrader
spent on each submission's feedback. :class:`FeedbackForStudents` is nbgrader's
own converter with two differences:

* it converts the autograded submissions of the trainees listed in
  ``students`` (nbgrader's converter takes one student id or a glob), so one
  run writes everyone's feedback;
* its exporter and writer are built on the first run and kept for the next
  ones, so a grading worker sets up the templates once for all its submissions.

Each run reads the autograded notebook and the gradebook afresh; only the
exporter (templates, filters, preprocessors such as
:class:`.feedback.HideTestsAndTracebacks`) is kept, as when nbgrader itself
writes feedback for a whole class in one run. The output is nbgrader's:
``feedback/<student>/<assignment>/<notebook>.html``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from nbgrader.converters import GenerateFeedback
from nbgrader.utils import capture_log, temp_attrs
from traitlets import List, Unicode
from traitlets.config import Config

from .course import GradingPaths


class FeedbackForStudents(GenerateFeedback):
    """nbgrader's ``GenerateFeedback`` for the listed students, keeping its exporter between runs."""

    students = List(Unicode(), help="Write feedback for these students' autograded submissions only.")
    written = List(Unicode(), help="The students whose feedback the last run wrote.")

    def init_notebooks(self) -> None:
        super().init_notebooks()  # every autograded submission matching the course directory's glob
        wanted = set(self.students)
        self.assignments = {folder: found for folder, found in self.assignments.items()
                            if Path(folder).parent.name in wanted}

    def set_permissions(self, assignment_id: str, student_id: str) -> None:
        """nbgrader calls this once a submission's feedback is written: note the student, then set them."""
        self.written.append(student_id)
        super().set_permissions(assignment_id, student_id)

    def start(self) -> None:
        """nbgrader's ``BaseConverter.start``; the exporter and writer of the first run are used again."""
        if not self.trait_has_value("exporter"):  # the first run builds them
            super().start()
            return
        self.init_notebooks()
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(here)


def feedback_converter(api: Any) -> FeedbackForStudents:
    """A converter on nbgrader's API ``api`` (its course directory and configuration), as ``generate_feedback`` makes."""
    converter = FeedbackForStudents(coursedir=api.coursedir, parent=api)
    template = Config()
    template.HTMLExporter.template_name = "feedback"  # as NbGraderAPI.generate_feedback sets it
    converter.update_config(template)
    converter.force = True
    return converter


def write_feedback(converter: FeedbackForStudents, paths: GradingPaths, students: Iterable[str]) -> dict[str, Any]:
    """Write the feedback HTML of each of ``students`` for ``paths.assignment`` in one converter run.

    Returns nbgrader's result (``success``, ``log``, ``error``) with ``written``:
    for each student, whether their feedback file was written by this run.
    """
    wanted = list(students)
    if not wanted:
        return {"success": True, "written": {}}
    with temp_attrs(converter.coursedir, assignment_id=paths.assignment, student_id="*"):
        converter.students = wanted
        converter.written = []
        result = capture_log(converter)
    result["written"] = {sid: sid in converter.written for sid in wanted}
    return result
