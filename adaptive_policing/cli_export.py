"""``adaptive-policing export --class CODE``: write a class's record under ``var/exports/``.

It is one of the commands of ``adaptive-policing`` (``adaptive_policing/cli.py``
adds it with ``cli.add_command``).
"""

from __future__ import annotations

from pathlib import Path

import click

from . import config
from .data.store import ResponseStore
from .views.export import export_class


@click.command("export")
@click.option("--class", "class_code", required=True, help="The class code shown on the board, e.g. K7P2QX.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: var/exports/).")
def export_command(class_code: str, out_dir: Path | None) -> None:
    """Export a class's attendance and every answer (all revisions) as CSV and JSON."""
    store = ResponseStore(config.settings().db_url)
    try:
        training_class = store.class_by_code(class_code)
        if training_class is None:
            raise click.ClickException(f"No class has the code {class_code!r}. "
                                       "Check the code and try again.")
        click.echo(f"Exporting class {training_class.code} ({training_class.class_date:%d %b %Y})…")
        files = export_class(store, training_class, out_dir)
        for path in files.paths:
            click.echo(f"  wrote {path}")
    finally:
        store.close()
