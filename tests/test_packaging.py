"""Set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import REPO


def test_environment_yml_installs_the_project_and_nothing_else() -> None:
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    python = next(d for d in conda if d.startswith("python"))
    minimum = re.search(r">=\s*([\d.]+)", project["requires-python"]).group(1)
    assert python == f"python={minimum}"
    # Python, pip, and Node.js for npm (the slides' style sheets); Python packages come from pyproject.toml.
    assert sorted(conda) == ["nodejs", "pip", python], "conda packages besides python, pip and nodejs drift"
    assert pip == ["-e .[test]"], "environment.yml must install the project, whose pyproject.toml lists the dependencies"
    assert "test" in project["optional-dependencies"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1].strip() == "make test"
    assert "make test" in readme and "make serve" in readme
    assert readme.index("make serve") < readme.index("make grade")


def test_the_command_line_is_installed() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["adaptive-policing"] == "adaptive_policing.cli:main"
