"""``adaptive-policing``: the command line behind the Makefile."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import config
from .cli_export import export_command
from .cli_formgrader import formgrader_command
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


def _todays_class(store: ResponseStore) -> tuple[str, bool]:
    today = store.todays_class()
    if today is not None:
        return today.code, False
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
@click.option("--public-url", default=None,
              help="The trainees' address when the laptop is reached by a name or through a proxy "
                   "(e.g. https://training.example.org/); replaces the list of network addresses.")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="TLS certificate (PEM): serve both servers over HTTPS (with --keyfile).")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The TLS certificate's private key (PEM).")
@click.option("--prewarm/--no-prewarm", default=True, show_default=True,
              help="Keep kernels ready for the next section of today's classes (not over HTTPS).")
def serve(ip: str, port: int, instructor_port: int, max_kernels: int | None, public_url: str | None,
          certfile: str | None, keyfile: str | None, prewarm: bool) -> None:
    """Serve the course: the trainee server and the key-protected instructor server.

    Prints every address trainees can join at (never 127.x) with a QR code of the
    first, the class code filled in. Ctrl+C, SIGTERM or closing the terminal stops
    both servers and every kernel.
    """
    from .views.join import base_urls, join_url, lan_addresses, qr_text

    if keyfile and not certfile:
        raise click.ClickException("--keyfile needs --certfile.")
    try:
        check_ports_free(ip, (port, instructor_port))
    except PortTaken as taken:
        raise click.ClickException(str(taken)) from taken
    settings = config.settings()
    store = ResponseStore(settings.db_url)
    code, created = _todays_class(store)
    store.close()
    key = config.instructor_key(settings)
    scheme = "https" if certfile else "http"
    if ip in ("0.0.0.0", ""):
        trainee_urls = base_urls(port, public_url=public_url, https=bool(certfile))
    else:
        trainee_urls = [public_url.rstrip("/") + "/" if public_url else f"{scheme}://{ip}:{port}/"]
    if ip in ("0.0.0.0", ""):
        instructor_host = next(iter(lan_addresses()), "localhost")
    else:
        instructor_host = ip
    os.environ[config.JOIN_URLS_ENV] = " ".join(trainee_urls)  # the servers and the console's kernel inherit it
    tls_args = ["--certfile", str(Path(certfile).resolve())] if certfile else []
    if keyfile:
        tls_args += ["--keyfile", str(Path(keyfile).resolve())]
    logs = settings.var_dir / "logs"
    budget = max_kernels or default_max_kernels()
    warming = ("--prewarm",) if prewarm and not certfile else ()
    specs = [ServerSpec("trainee", port, logs / "trainee-server.log", ("--max-kernels", str(budget), *warming)),
             ServerSpec("instructor", instructor_port, logs / "instructor-server.log")]
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _raise_stop)
    children: list[subprocess.Popen[bytes]] = []
    try:
        children = start_servers(ip, specs, tls_args)
        with console.status("Starting the trainee and instructor servers…"):
            ready = wait_until_listening(ip, [spec.port for spec in specs], children)
        if not ready:
            raise click.ClickException(_failure(specs))
        table = Table(title="Adaptive Policing is being served", show_header=False)
        for url in trainee_urls:
            table.add_row("Trainees open", join_url(url, code))
        if not trainee_urls:
            table.add_row("Trainees open", "no network address found: connect to the classroom network "
                                           "or use --public-url")
        table.add_row("Class code", f"[bold]{code}[/bold]" + (" (new class for today)" if created else ""))
        table.add_row("Instructor console", f"{scheme}://{instructor_host}:{instructor_port}/?token={key}")
        table.add_row("Pages open at once", f"up to {budget} (--max-kernels)")
        table.add_row("Next section", "kernels kept ready for each trainee signed in" if warming else
                      "not pre-warmed" + (" (HTTPS)" if prewarm else " (--no-prewarm)"))
        table.add_row("Responses", settings.db_url)
        table.add_row("Server logs", str(logs))
        console.print(table)
        if trainee_urls:
            click.echo(f"Trainees scan this to join class {code} ({join_url(trainee_urls[0], code)}):")
            click.echo(qr_text(join_url(trainee_urls[0], code)))
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


@cli.command("instructor-key")
@click.option("--rotate", is_flag=True, help="Replace the key: console links with the old key stop working.")
def instructor_key(rotate: bool) -> None:
    """Show where the instructor key is kept, or replace it with --rotate.

    A running instructor server takes a rotated key up within a second; consoles
    opened with the old key must be opened again with the new address.
    """
    settings = config.settings()
    if not rotate:
        where = config.instructor_key_file(settings)
        console.print(f"The instructor key is kept in {where}." if where else
                      f"The instructor key is set by ${config.INSTRUCTOR_KEY_ENV}.")
        return
    try:
        key = config.rotate_instructor_key(settings)
    except RuntimeError as problem:
        raise click.ClickException(str(problem)) from problem
    console.print(f"New instructor key: [bold]{key}[/bold]. Open the console again with ?token= and the new key; "
                  "links with the old key no longer work.")


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
cli.add_command(formgrader_command)
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
