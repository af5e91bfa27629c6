"""`adaptive-policing handouts`: the pocket card and the paper activities, generated from the course."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from markupsafe import escape
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from adaptive_policing.cli import cli
from adaptive_policing.cli_handouts import pdf_page_count
from adaptive_policing.content.complaint_process import complaint_process
from adaptive_policing.content.pocket_card import pocket_card
from adaptive_policing.content.role_plays import activity_rounds, load_role_play
from adaptive_policing.views.handouts import paper_activity, pocket_card_html, worksheets_html

REPO = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert('x')</script>"

pytestmark = pytest.mark.usefixtures("isolated_session")


def page_text(page_id: str) -> str:
    """A course page's markdown as plain words (emphasis marks removed, spaces folded)."""
    notebook = nbformat.read(REPO / "course" / f"{page_id}.ipynb", 4)
    text = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return " ".join(text.replace("*", "").split()).lower()


def test_every_card_item_is_still_taught_on_its_page() -> None:
    card = pocket_card()
    for card_list in card.lists:
        for item in card_list.items:
            if item.example:
                continue
            taught = page_text(item.source)
            # a phrase must be on its page word for word; a named step or tool by its name
            wanted = item.text.strip('"') if card_list.key == "alternative_yes" else item.name
            assert wanted.lower() in taught, f"{card_list.key}: {wanted!r} is not on {item.source}"


def test_the_pocket_card_holds_every_list_and_the_complaint_steps_with_intake() -> None:
    html = str(pocket_card_html())
    for name in ("The anatomy of a contact", "L.A.S.T.", "The 3 R&#39;s", "Alternative yes", "PC 832.5", "PC 832.7"):
        assert name in html, name
    for step in complaint_process().steps:
        assert step.name in html
    assert "Accept and document the complaint" in html
    assert html.count("(example)") == sum(item.example for lst in pocket_card().lists for item in lst.items)
    assert not re.search(r"""(src|href)=["']?https?:""", html), "the card loads nothing from outside"


def test_the_paper_activities_hold_questions_role_cards_and_rubrics_without_facilitator_notes() -> None:
    html = str(worksheets_html())
    for title in ("Learning Activity 1", "Learning Activity 2", "Learning Activity 3"):
        assert title in html
    for r in activity_rounds().rounds:
        scenario = load_role_play(r.scenario)
        assert f"Observer's rubric: {escape(scenario.title)}" in html
    assert html.count("Tick one box per step.") == 3
    assert "Facilitator" not in html and "Expected answers" not in html


def test_a_notebook_is_read_never_run_and_its_text_is_escaped(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    notebook = new_notebook(cells=[
        new_markdown_cell(f"# Title {SCRIPT}"),
        new_code_cell(f'prompt("x-1", "Why? {SCRIPT}", kind="choice", options=["Yes", "{SCRIPT}"])\n'
                      f'__import__("pathlib").Path({str(marker)!r}).touch()\n'
                      'prompt(some_name, "not literal")'),
        new_code_cell('worksheet("x-2", "Sheet", {"Goals": "What do you want?"}, group=True)'),
    ])
    path = tmp_path / "activity-9.ipynb"
    nbformat.write(notebook, path)
    activity = paper_activity(path)
    assert [block.kind for block in activity.blocks] == ["markdown", "prompt", "worksheet"]
    html = str(worksheets_html([path]))
    assert SCRIPT not in html and html.count("&lt;script&gt;") == 3
    assert "Tick one." in html and "(one per group)" in html
    assert not marker.exists()


def test_the_command_writes_html_and_a_one_page_pocket_card_pdf(tmp_path: Path) -> None:
    # On a thread of its own: Playwright's sync API refuses a thread whose event loop a browser test holds.
    with ThreadPoolExecutor(max_workers=1) as thread:
        result = thread.submit(CliRunner().invoke, cli, ["handouts", "--out", str(tmp_path)]).result()
    assert result.exit_code == 0, result.output
    for name in ("pocket-card", "activity-worksheets"):
        assert (tmp_path / f"{name}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert pdf_page_count((tmp_path / "pocket-card.pdf").read_bytes()) == 1
    assert pdf_page_count((tmp_path / "activity-worksheets.pdf").read_bytes()) >= 6
    assert "1 pages" in result.output
