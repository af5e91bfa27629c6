"""nbgrader configuration for the Adaptive Policing assessment (course root: this folder).

Run plain nbgrader commands from this folder, with the project's virtual
environment on PATH (nbgrader runs ``alembic`` as a subprocess)::

    cd grading && PATH="$PWD/../.venv/bin:$PATH" nbgrader autograde adaptive-policing-assessment

Every path is relative to this file, so the commands work from any clone. The
project's own commands (``adaptive-policing release|grade|report``) read this
same file and may point the course root elsewhere (the tests do).
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

HERE = Path(__file__).resolve().parent
HOME = HERE.parent

c.CourseDirectory.course_id = "adaptive-policing"
c.CourseDirectory.root = str(HERE)
# The authored source (solutions, hidden tests, rubrics) and the released copy trainees get.
c.CourseDirectory.source_directory = str(HOME / "solutions" / "assessment")
c.CourseDirectory.release_directory = str(HOME / "exercises" / "assessment")
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

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
