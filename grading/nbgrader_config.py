"""nbgrader configuration for the Adaptive Policing assessment (course root: this folder).

Run plain nbgrader commands from this folder, with the project's virtual
environment on PATH (nbgrader runs ``alembic`` as a subprocess)::

    cd grading && PATH="$PWD/../.venv/bin:$PATH" nbgrader autograde adaptive-policing-assessment

Every path is relative to this file, so the commands work from any clone. The
course root (gradebook, submissions, feedback, reports) moves with
``ADAPTIVE_POLICING_GRADING_DIR``, the gradebook with ``ADAPTIVE_POLICING_GRADEBOOK_URL``
(any SQLAlchemy URL, e.g. ``postgresql+psycopg://user:password@host:5432/gradebook``;
default: ``gradebook.db`` in the course root) and the checkout with ``ADAPTIVE_POLICING_HOME``,
as for the project's own commands (``adaptive-policing release|grade|report|formgrader``),
which read this same file and may point the course root elsewhere (the tests do).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

HERE = Path(__file__).resolve().parent
HOME = Path(os.environ.get("ADAPTIVE_POLICING_HOME") or HERE.parent)
ROOT = Path(os.environ.get("ADAPTIVE_POLICING_GRADING_DIR") or HERE)

c.CourseDirectory.course_id = "adaptive-policing"
c.CourseDirectory.root = str(ROOT)
# The authored source (solutions, hidden tests, rubrics) and the released copy trainees get.
c.CourseDirectory.source_directory = str(HOME / "solutions" / "assessment")
c.CourseDirectory.release_directory = str(HOME / "exercises" / "assessment")
c.CourseDirectory.db_url = os.environ.get("ADAPTIVE_POLICING_GRADEBOOK_URL") or f"sqlite:///{ROOT / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Trainees submit through the assessment page, never through nbgrader's exchange; the exchange
# is a folder of the course root so that formgrader finds one and shows no warning about it.
c.Exchange.root = str(ROOT / "exchange")
c.FormgradeExtension.debug = False  # no configuration dump on Manage Assignments
try:
    (ROOT / "exchange").mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only course root: formgrader then says the exchange is missing, nothing else
    pass

# The release puts each written answer's rubric right under it, as a locked cell, so the
# grader sees it beside the answer in formgrader; the explanations for wrong answers stay
# in the source (the trainee's feedback page reads them there).
c.GenerateAssignment.preprocessors = [
    "adaptive_policing.grading.release.RubricUnderWrittenAnswers",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# The released answer cell keeps its "<question> = None" line; the solution is replaced by this note.
c.ClearSolutions.code_stub = {"python": "# The assessment page fills in your answer here."}
c.ClearSolutions.text_stub = "Your answer here."

# Time limits: each cell 30 s, each notebook 120 s in total; a hung submission is
# cut off, listed by `adaptive-policing grade`, and grading goes on.
c.Autograde.autograde_preprocessors = [
    "adaptive_policing.grading.execute.DeadlineExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.DeadlineExecute.notebook_timeout = 120

# Feedback shows the trainee's answers, scores and the grader's comments, never a
# hidden test: test cells are cut back to their visible line and tracebacks to a
# plain sentence before the HTML is written.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "adaptive_policing.grading.feedback.HideTestsAndTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
