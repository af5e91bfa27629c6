"""``adaptive-policing``: the command line behind the Makefile."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import config
from .cli_export import export_command
from .cli_handouts import handouts_command
from .content.worksheets import generate_exercises, stale_exercises
from .grading.cli import grade, report
from .grading.course import GradingPaths, generate_release, release_is_current
from .data.store import ResponseStore
from .serve.budget import default_max_kernels
from .serve.supervisor import (
    PortTaken, ServerSpec, check_ports_free, start_servers, stop_servers, wait_until_listening,
)

console = Console()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db-url",
    envvar=config.DB_URL_ENV,
    default=None,
    help=f"SQLAlchemy URL of the response store (or ${config.DB_URL_ENV}); default: a SQLite file in var/.",
)
def cli(db_url: str | None) -> None:
    """Run the Adaptive Policing interactive curriculum."""
    if db_url:
        os.environ[config.DB_URL_ENV] = db_url


def _store() -> ResponseStore:
    return ResponseStore(config.settings().db_url)


def _lan_address() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def _todays_class(store: ResponseStore) -> tuple[str, bool]:
    today = [c for c in store.classes() if c.class_date == date.today()]
    if today:
        return today[0].code, False
    return store.create_class().code, True


class _Stop(Exception):
    """Raised by a stop signal (Ctrl+C, SIGTERM, a closed terminal) to leave the wait."""


def _raise_stop(_signum: int, _frame: object) -> None:
    raise _Stop


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@cli.command()
@click.option("--ip", default="0.0.0.0", show_default=True, help="Address to listen on (0.0.0.0: the classroom network).")
@click.option("--port", default=8866, show_default=True, help="Trainee server port.")
@click.option("--instructor-port", default=8867, show_default=True, help="Instructor server port.")
@click.option("--max-kernels", type=click.IntRange(min=1), default=None,
              help="Pages the trainee server runs at once; beyond that a page says the course is busy and "
                   "retries by itself. Default: from the machine's memory.")
def serve(ip: str, port: int, instructor_port: int, max_kernels: int | None) -> None:
    """Serve the course: the trainee server and the key-protected instructor server.

    Ctrl+C, SIGTERM or closing the terminal stops both servers and every kernel.
    """
    try:
        check_ports_free(ip, (port, instructor_port))
    except PortTaken as taken:
        raise click.ClickException(str(taken)) from taken
    settings = config.settings()
    store = ResponseStore(settings.db_url)
    code, created = _todays_class(store)
    store.close()
    key = config.instructor_key(settings)
    host = _lan_address() if ip == "0.0.0.0" else ip
    logs = settings.var_dir / "logs"
    budget = max_kernels or default_max_kernels()
    specs = [ServerSpec("trainee", port, logs / "trainee-server.log", ("--max-kernels", str(budget))),
             ServerSpec("instructor", instructor_port, logs / "instructor-server.log")]
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _raise_stop)
    children: list[subprocess.Popen[bytes]] = []
    try:
        children = start_servers(ip, specs)
        with console.status("Starting the trainee and instructor servers…"):
            ready = wait_until_listening(ip, [spec.port for spec in specs], children)
        if not ready:
            raise click.ClickException(_failure(specs))
        table = Table(title="Adaptive Policing is being served", show_header=False)
        table.add_row("Trainees open", f"http://{host}:{port}/")
        table.add_row("Class code", f"[bold]{code}[/bold]" + (" (new class for today)" if created else ""))
        table.add_row("Instructor console", f"http://{host}:{instructor_port}/?token={key}")
        table.add_row("Pages open at once", f"up to {budget} (--max-kernels)")
        table.add_row("Responses", settings.db_url)
        table.add_row("Server logs", str(logs))
        console.print(table)
        console.print("Press Ctrl+C to stop both servers.")
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        raise click.ClickException(_failure(specs))
    except _Stop:
        pass
    finally:
        # A second Ctrl+C must not cut the shutdown short.
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        stop_servers(children)


def _failure(specs: list[ServerSpec]) -> str:
    """Say that a server stopped, with the end of its log."""
    lines = ["A server stopped unexpectedly."]
    for spec in specs:
        log = spec.log
        if log.exists():
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            lines += [f"--- last lines of {log} ---", *tail]
    return "\n".join(lines)


@cli.group("class")
def class_group() -> None:
    """Create and list classes."""


@class_group.command("new")
@click.option("--date", "class_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Class date (default today).")
@click.option("--location", default="", help="Where the class is held.")
@click.option("--instructor", default="", help="Instructor's name.")
@click.option("--plan", "course_plan", default="adaptive-policing", show_default=True, help="Course plan id.")
def class_new(class_date: object, location: str, instructor: str, course_plan: str) -> None:
    """Open a new class and print its code for the board."""
    when = class_date.date() if class_date else None  # type: ignore[attr-defined]
    created = _store().create_class(
        class_date=when, location=location, instructor=instructor, course_plan=course_plan
    )
    console.print(f"Class code: [bold]{created.code}[/bold] ({created.class_date:%d %b %Y})")


@class_group.command("list")
def class_list() -> None:
    """List every class, newest first."""
    store = _store()
    table = Table("Code", "Date", "Location", "Instructor", "Plan", "Trainees")
    for c in store.classes():
        table.add_row(c.code, f"{c.class_date:%Y-%m-%d}", c.location, c.instructor, c.course_plan,
                      str(len(store.trainees_in(c.id))))
    console.print(table)


cli.add_command(export_command)
cli.add_command(handouts_command)


@cli.command("role-cards")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the page (default: var/role-cards.html).")
def role_cards(out_file: Path | None) -> None:
    """Write every case study's role cards as one page to print and cut up."""
    from .views.role_cards import role_cards_html

    target = out_file or config.settings().var_dir / "role-cards.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(role_cards_html(), encoding="utf-8")
    console.print(f"Role cards: {target}")


@cli.command()
@click.option("--check", is_flag=True, help="Only check that exercises/ matches solutions/; exit 1 if not.")
def release(check: bool) -> None:
    """Generate exercises/ from solutions/: the activity worksheets and the assessment.

    Activity worksheets lose their facilitator cells; the assessment is released
    by nbgrader generate_assignment.
    """
    paths = GradingPaths.default()
    if check:
        problems = stale_exercises()
        problems += [f"exercises/assessment/{each.assignment} differs from solutions/assessment"
                     for each in paths.every_assignment() if not release_is_current(each)]
        if problems:
            raise click.ClickException("; ".join(problems) + ". Run `adaptive-policing release`.")
        console.print("exercises/ matches solutions/.")
        return
    for worksheet in generate_exercises():
        console.print(f"Worksheet: {worksheet.relative_to(config.settings().home)}")
    for each in paths.every_assignment():
        with console.status(f"Releasing {each.assignment} with nbgrader…"):
            notebook = generate_release(each)
        console.print(f"Assessment: {notebook.relative_to(config.settings().home)}")
cli.add_command(grade)
cli.add_command(report)


def main() -> None:
    cli(prog_name="adaptive-policing")


if __name__ == "__main__":
    main()
