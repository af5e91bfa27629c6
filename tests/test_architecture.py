"""The package's architecture: layers that import only downwards, pure lower layers, no import circles.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); ``lint-imports``
is run as the command a developer would run, so a wrong-way import fails ``make test``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_every_import_contract_is_kept() -> None:
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout
    assert "Layers import only downwards KEPT" in done.stdout


def _circles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every import that is part of a circle, as the chain that leads back to its importer."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                found.append((importer, *back))
    return found


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    graph = grimp.build_graph("adaptive_policing", exclude_type_checking_imports=True)
    assert _circles(graph) == []


def test_the_circle_check_finds_a_planted_circle() -> None:
    graph = grimp.build_graph("adaptive_policing", exclude_type_checking_imports=True)
    graph.add_import(importer="adaptive_policing.content.plan", imported="adaptive_policing.widgets.page")
    circles = _circles(graph)
    assert any(chain[0] == "adaptive_policing.content.plan" and chain[-1] == "adaptive_policing.content.plan"
               for chain in circles), circles


@pytest.mark.parametrize("module", ["adaptive_policing.content.plan", "adaptive_policing.analysis.agenda"])
def test_a_wrong_way_import_breaks_the_layers_contract(module: str, tmp_path: Path) -> None:
    """The contract is live: a copy of the package with one upward import fails it."""
    graph = grimp.build_graph("adaptive_policing", exclude_type_checking_imports=True)
    graph.add_import(importer=module, imported="adaptive_policing.widgets.prompt")
    layers = ["cli", "serve", "widgets", "grading", "views", "analysis", "data", "content", "config"]
    illegal = graph.find_illegal_dependencies_for_layers(
        layers=[f"adaptive_policing.{layer}" for layer in layers], containers=set())
    assert any(dep.importer.startswith(module.rsplit(".", 1)[0]) for dep in illegal)
