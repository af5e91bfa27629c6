"""Command-line commands for the assessment: ``grade`` and ``report``.

``adaptive_policing.cli`` registers them on ``adaptive-policing``; each also
runs on its own: ``python -m adaptive_policing.grading.cli grade``.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import config
from ..data.store import ResponseStore
from .course import GradingPaths

if TYPE_CHECKING:
    from .pipeline import GradeRun

console = Console()

#: Warnings nbgrader's gradebook raises through SQLAlchemy once per submission, harmless
#: and meaningless to an instructor ("Object of type <Grade> not in session, add
#: operation along 'Notebook.grades' won't proceed").
KNOWN_HARMLESS_WARNINGS = (r"Object of type .* not in session, .* operation along .* (won't|will not) proceed",)


def quiet_known_warnings() -> None:
    """Hide :data:`KNOWN_HARMLESS_WARNINGS` in this process, and nothing else.

    The grading workers' own output, and so their kernels' ("Kernel is running
    over TCP without encryption"), already goes to ``/dev/null``
    (:func:`adaptive_policing.grading.pool.run_in_processes`).
    """
    for message in KNOWN_HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", message=message)

def _pass_mark(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    """``--pass-percent``: a percent, ``off``, or (not given) the configured mark."""
    if value is None:
        return config.settings().pass_percent
    try:
        return config.parse_pass_percent(value)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from None


PASS_PERCENT_HELP = ("Passing mark, percent of all points, or 'off' (default: $ADAPTIVE_POLICING_PASS_PERCENT, "
                     f"else {config.DEFAULT_PASS_PERCENT:g}). Reported apart from course completion.")

STATUS_WORDS = {
    "graded": "[green]graded[/green]",
    "tampered": "[yellow]graded, locked cells were tampered with[/yellow]",
    "timed out": "[yellow]graded, stopped at the time limit[/yellow]",
    "broken": "[red]BROKEN: not graded[/red]",
    "rejected": "[red]REJECTED: not run[/red]",
    "error": "[red]nbgrader failed[/red]",
}


@click.command()
@click.option("--workers", default=2, show_default=True, help="Notebooks graded at once (one per core).")
@click.option("--timeout", "notebook_timeout", default=120, show_default=True,
              help="Seconds one submission may run in total before it is cut off.")
@click.option("--pass-percent", callback=_pass_mark, help=PASS_PERCENT_HELP)
@click.option("--regrade", is_flag=True, help="Grade every submission again, not only new ones.")
def grade(workers: int, notebook_timeout: int, pass_percent: float | None, regrade: bool) -> None:
    """Autograde new submissions of both assessments, then write feedback, exports and charts to grading/reports/.

    The core assessment's reports go to grading/reports/, the district-window
    module's to grading/reports/district-window-assessment/.
    """
    from .pipeline import grade as run_grade

    quiet_known_warnings()
    paths = GradingPaths.default()
    store = ResponseStore(config.settings().db_url)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    runs = []
    for each in paths.every_assignment():
        if not each.source_notebook().exists():
            continue
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"{each.assignment}: checking the gradebook", total=None)

            def started(total: int, task: Any = task, progress: Progress = progress, name: str = each.assignment) -> None:
                progress.update(task, description=f"{name}: grading submissions", total=total, completed=0)

            def finished(student: str, outcome: str, task: Any = task, progress: Progress = progress) -> None:
                progress.update(task, advance=1)
                if outcome != "graded":
                    progress.console.print(f"  {student}: {STATUS_WORDS.get(outcome, outcome)}")

            runs.append((run_grade(each, store=store, workers=workers, notebook_timeout=notebook_timeout,
                                   pass_percent=pass_percent, regrade=regrade, on_start=started, on_done=finished),
                         each))
            progress.update(task, description=f"{each.assignment}: done")
    store.close()
    for run, each in runs:
        _print_run(run, each)


def _print_run(run: GradeRun, paths: GradingPaths) -> None:
    table = Table(title=f"{run.assignment}: graded in {run.seconds:.1f} s", show_lines=False)
    table.add_column("Trainee (student id)")
    table.add_column("Result")
    table.add_column("Details")
    for r in run.results:
        table.add_row(r.student, STATUS_WORDS.get(r.status, r.status), "; ".join(r.problems))
    if run.results:
        console.print(table)
    else:
        console.print(f"{run.assignment}: no new submissions.")
    if run.unchanged:
        console.print(f"{len(run.unchanged)} earlier submission(s) unchanged, not graded again.")
    if run.manual_pending:
        console.print(f"[bold]{len(run.manual_pending)} trainee(s) have written answers to grade by hand[/bold] in "
                      "formgrader; the rubric is in grading/reports/rubric.md.")
    console.print(f"Reports: {paths.reports}")


@click.command()
@click.option("--pass-percent", callback=_pass_mark, help=PASS_PERCENT_HELP)
@click.option("--class", "class_code", default=None, help="Write the roster of this class only (its code).")
@click.option("--classes", "compare", is_flag=True,
              help="Instead, compare classes over time: self-assessment change and feedback ratings (CSV and PNG).")
def report(pass_percent: float | None, class_code: str | None, compare: bool) -> None:
    """Rewrite the exports and charts from the gradebook (after grading by hand in formgrader)."""
    if compare:
        _compare_classes()
        return
    from .course import nbgrader_api
    from .pipeline import write_reports

    quiet_known_warnings()
    store = ResponseStore(config.settings().db_url)
    for paths in GradingPaths.default().every_assignment():
        if not paths.source_notebook().exists():
            continue
        with console.status(f"{paths.assignment}: writing feedback and reports…"):
            if any((paths.root / "autograded").glob(f"*/{paths.assignment}")):
                nbgrader_api(paths).generate_feedback(paths.assignment, None, force=True)
            written = write_reports(paths, store, pass_percent=pass_percent, class_code=class_code)
        for name, path in written.items():
            console.print(f"{paths.assignment} {name}: {path}")
    store.close()


def _compare_classes() -> None:
    """``report --classes``: the class comparison under grading/reports/."""
    from ..views.class_comparison import write_class_comparison

    store = ResponseStore(config.settings().db_url)
    try:
        written = write_class_comparison(store, GradingPaths.default().reports)
    finally:
        store.close()
    for path in written:
        console.print(f"class comparison: {path}")


@click.group()
def main() -> None:
    """The assessment's commands."""


main.add_command(grade)
main.add_command(report)

if __name__ == "__main__":
    main()
