"""``adaptive-policing handouts``: the pocket card and the paper activity worksheets, as HTML and PDF.

The pages come from :mod:`adaptive_policing.views.handouts` (generated from the
course's content, never retyped). The PDFs are printed by Chromium's own
print-to-PDF through Playwright (the browser the tests already use), so no PDF
library is needed; where Chromium cannot be started the HTML is still written
and the message says how to print it from a browser instead. The page loads
nothing from anywhere: its style sheet is inlined and every request is refused.

It is one of the commands of ``adaptive-policing`` (``adaptive_policing/cli.py``
adds it with ``cli.add_command``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from . import config

CHROMIUM_ENV = "ADAPTIVE_POLICING_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HANDOUTS = ("pocket-card", "activity-worksheets")
"""The files written, as ``<name>.html`` and ``<name>.pdf``."""

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(pdf: bytes) -> int:
    """How many pages a PDF that Chromium wrote has (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf))


def print_pdfs(pages: dict[Path, str], chromium: str) -> None:
    """Print each HTML page to its PDF path with Chromium (US Letter, backgrounds on, the page's own @page size)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing from outside the page
            for target, html in pages.items():
                page.set_content(html, wait_until="load")
                page.pdf(path=str(target), format="Letter", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


@click.command("handouts")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: var/handouts/).")
@click.option("--no-pdf", is_flag=True, help="Write the HTML only.")
def handouts_command(out_dir: Path | None, no_pdf: bool) -> None:
    """Write the pocket card and the paper activity worksheets as HTML and PDF, ready to print."""
    from .views.handouts import pocket_card_html, worksheets_html

    folder = out_dir or config.settings().var_dir / "handouts"
    folder.mkdir(parents=True, exist_ok=True)
    pages = dict(zip(HANDOUTS, (str(pocket_card_html()), str(worksheets_html()))))
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        click.echo(f"  wrote {folder / f'{name}.html'}")
    if no_pdf:
        return
    chromium = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    click.echo("Printing the PDFs with Chromium…")
    try:
        print_pdfs({folder / f"{name}.pdf": html for name, html in pages.items()}, chromium)
    except Exception as error:  # no Playwright, no Chromium: the HTML is still there to print
        raise click.ClickException(
            f"Could not print the PDFs with Chromium at {chromium} ({type(error).__name__}: {error}). "
            f"The HTML files are written: open them in a browser and print them, or set {CHROMIUM_ENV}."
        ) from error
    for name in HANDOUTS:
        pdf = folder / f"{name}.pdf"
        click.echo(f"  wrote {pdf} ({pdf_page_count(pdf.read_bytes())} pages)")
    if pdf_page_count((folder / "pocket-card.pdf").read_bytes()) != 1:
        click.echo("  note: the pocket card no longer fits on one page; shorten course/pocket-card.yaml.")
