"""``adaptive-policing formgrader``: grade written answers by hand in nbgrader's formgrader.

``make formgrader`` runs it. It prints the address (loopback only, a free port
unless ``--port`` is given, with this run's token) and then becomes JupyterLab
(see :mod:`adaptive_policing.grading.formgrader`), so Ctrl+C and ``kill`` reach
Jupyter itself.
"""

from __future__ import annotations

import os

import click

from .grading.course import GradingPaths
from .grading.formgrader import (
    LOOPBACK, formgrader_argv, formgrader_env, formgrader_url, free_loopback_port, new_token, prepare_course_root,
)
from .serve.supervisor import PortTaken, check_ports_free


@click.command("formgrader")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0,
              help="Port on 127.0.0.1 (default: a free one, printed at start).")
@click.option("--browser/--no-browser", default=True, show_default=True,
              help="Open the formgrader in the default web browser.")
def formgrader_command(port: int, browser: bool) -> None:
    """Open nbgrader's formgrader on Manage Submissions, to grade the written answers by hand."""
    paths = GradingPaths.default()
    port = port or free_loopback_port()
    try:
        check_ports_free(LOOPBACK, [port])
    except PortTaken as taken:
        raise click.ClickException(str(taken)) from taken
    prepare_course_root(paths)
    token = new_token()
    argv = formgrader_argv(paths, port, token, open_browser=browser)
    click.echo(f"Formgrader (course root {paths.root}):")
    click.echo(f"  {formgrader_url(port, token, paths.assignment)}")
    click.echo("Grade each written answer against the rubric under it. Press Ctrl+C twice to stop.", nl=True)
    os.chdir(paths.root)  # nbgrader reads nbgrader_config.py from the working directory
    os.execve(argv[0], argv, formgrader_env(paths))
