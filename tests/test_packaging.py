"""Set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

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


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=120, cwd=REPO)


def test_the_command_line_is_installed_and_lists_its_commands() -> None:
    installed = shutil.which("adaptive-policing", path=str(Path(sys.executable).parent))
    assert installed, "the `adaptive-policing` command is not installed beside Python: run `make install`"
    done = run(installed, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: adaptive-policing")
    listed = re.findall(r"^  ([a-z-]+)  ", done.stdout, flags=re.MULTILINE)
    assert {"serve", "grade", "release", "class", "export", "formgrader"} <= set(listed), done.stdout
    unknown = run(installed, "no-such-command")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


def test_the_slides_module_runs_as_a_command() -> None:
    from adaptive_policing.serve.slides import REVEAL_VERSION, reveal_installed

    done = run(sys.executable, "-m", "adaptive_policing.serve.slides", "check")
    installed = reveal_installed()
    assert done.returncode == (0 if installed else 1), done.stdout + done.stderr
    assert f"reveal.js {REVEAL_VERSION} for the slides: {'installed' if installed else 'missing'}" in done.stdout
    usage = run(sys.executable, "-m", "adaptive_policing.serve.slides", "--help")
    assert usage.returncode == 0 and "{install,check}" in usage.stdout
    wrong = run(sys.executable, "-m", "adaptive_policing.serve.slides")
    assert wrong.returncode == 2 and "required: command" in wrong.stderr


def test_reading_a_notebook_does_not_build_an_rfc_3987_grammar() -> None:
    # From jsonschema 4.25 on, importing jsonschema (as nbformat does) builds the grammar of the optional
    # rfc3987-syntax package, about 1.1 s of CPU in every kernel, grading worker and command that reads a
    # notebook; pyproject.toml keeps jsonschema below 4.25.
    done = run(sys.executable, "-c", "import sys, nbformat; print(sorted(m for m in sys.modules if 'rfc3987' in m))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
