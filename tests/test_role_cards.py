"""Printable role cards for every case study, from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from adaptive_policing.content.scenarios import case_study_ids, load_case_study
from adaptive_policing.cli import cli
from adaptive_policing.views.role_cards import role_cards_html
from adaptive_policing.content.role_plays import CHECKLIST
from markupsafe import escape


def test_every_case_study_has_its_three_cards_with_the_scenario_text() -> None:
    page = role_cards_html()
    assert page.count('class="card"') == 3 * len(case_study_ids()) >= 18
    for case_id in case_study_ids():
        case = load_case_study(case_id)
        for role in ("officer", "customer", "observer"):
            assert escape(case.roles[role]) in page
    assert "Call-taker: The Towed Car on the Telephone" in page
    assert "Officer: The Stolen Bicycle at the District Window" in page
    assert page.count(f"☐ {escape(CHECKLIST[0])}") == len(case_study_ids())
    assert "http" not in page  # nothing to fetch: it prints offline


def test_the_command_writes_the_page(tmp_path: Path) -> None:
    target = tmp_path / "cards.html"
    result = CliRunner().invoke(cli, ["role-cards", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == role_cards_html()
