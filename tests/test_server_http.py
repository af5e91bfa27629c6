"""The trainee server over HTTP: what it serves, and everything it refuses."""

from __future__ import annotations

import http.client
import os
import shutil
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from .conftest import REPO, LiveServer, start_server, stop_process_tree

pytestmark = pytest.mark.server

SECRET = "FACILITATOR-ONLY-7d1f"


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A trainee server over a copy of the course with traps planted in ``course/``."""
    home = tmp_path_factory.mktemp("home")
    for folder in ("course", "exercises", "solutions"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, home / folder)
    (home / "exercises").mkdir(exist_ok=True)
    (home / "grading").mkdir()
    (home / "grading" / "nbgrader_config.py").write_text(f"# {SECRET}\n")
    (home / "solutions" / "secret.ipynb").write_text(
        (REPO / "solutions" / "instructor-console.ipynb").read_text().replace("Instructor console", SECRET)
    )
    os.symlink(home / "solutions" / "secret.ipynb", home / "course" / "linked.ipynb")
    os.symlink(home / "solutions", home / "course" / "linked-folder")
    os.symlink(home / "solutions", home / "exercises" / "answers")
    (home / "course" / "helper.py").write_text(f"SECRET = '{SECRET}'\n")
    (home / "course" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    server = start_server("trainee", tmp_path_factory.mktemp("var"), home=home)
    (server.var_dir / "secret.txt").write_text(SECRET)
    yield server
    stop_process_tree(server.process)


def raw_get(server: LiveServer, path: str) -> tuple[int, str, dict[str, str]]:
    """GET ``path`` exactly as written (no client-side normalising of ``..``)."""
    where = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, body, headers


def test_the_root_leads_to_the_start_page(planted_server: LiveServer) -> None:
    status, _, headers = raw_get(planted_server, "/")
    assert status in (301, 302)
    assert headers["location"].endswith("/voila/render/course/00-start.ipynb")


@pytest.mark.parametrize("page", ["course/00-start.ipynb", "course/01-introductions.ipynb"])
def test_course_pages_render_without_source_or_tracebacks(planted_server: LiveServer, page: str) -> None:
    status, body, headers = raw_get(planted_server, f"/voila/render/{page}")
    assert status == 200
    assert "from adaptive_policing import" not in body
    assert "Traceback" not in body
    assert "default-src 'self'" in headers["content-security-policy"]


def test_images_in_course_are_served(planted_server: LiveServer) -> None:
    status, _, _ = raw_get(planted_server, "/voila/files/course/logo.png")
    assert status == 200


DENIED = [
    "/voila/render/solutions/instructor-console.ipynb",
    "/voila/render/solutions/secret.ipynb",
    "/voila/render/course/linked.ipynb",
    "/voila/render/course/linked-folder/secret.ipynb",
    "/voila/render/exercises/answers/secret.ipynb",
    "/voila/render/../solutions/secret.ipynb",
    "/voila/render/course/../../solutions/secret.ipynb",
    "/voila/render/course/%2e%2e/%2e%2e/solutions/secret.ipynb",
    "/voila/render/course/..%2f..%2fsolutions%2fsecret.ipynb",
    "/voila/render/%2e%2e%2fsolutions/secret.ipynb",
    "/voila/render/grading/nbgrader_config.py",
    "/voila/render/exercises/assessment/adaptive-policing-assessment/assessment.ipynb",
    "/voila/files/grading/nbgrader_config.py",
    "/voila/files/course/helper.py",
    "/voila/files/course/01-introductions.ipynb",
    "/voila/files/course/linked.ipynb",
    "/voila/files/../secret.txt",
    "/voila/files/%2e%2e/%2e%2e/secret.txt",
    "/voila/files/var/secret.txt",
    "/voila/files/course/plan.yaml",
    "/voila/tree/solutions",
    "/voila/tree/course/linked-folder",
    "/voila/api/contents/solutions",
    "/voila/api/contents/course/linked-folder",
    "/voila/static/..%2f..%2f..%2fsecret.txt",
    "/voila/templates/adaptive/static/../../../../../../etc/passwd",
]


@pytest.mark.parametrize("path", DENIED)
def test_everything_outside_course_and_exercises_is_refused(planted_server: LiveServer, path: str) -> None:
    status, body, _ = raw_get(planted_server, path)
    assert status in (400, 403, 404, 405), f"{path} answered {status}"
    assert SECRET not in body
    assert "Traceback" not in body and 'File "' not in body


def test_listings_show_only_trainee_material(planted_server: LiveServer) -> None:
    for path in ("/voila/tree", "/voila/tree/course", "/voila/api/contents", "/voila/api/contents/course"):
        status, body, _ = raw_get(planted_server, path)
        assert status == 200, path
        for hidden in ("solutions", "grading", "linked", "helper.py", "plan.yaml", SECRET):
            assert hidden not in body, f"{path} shows {hidden}"


def test_the_released_assessment_is_taken_through_its_page_only(planted_server: LiveServer) -> None:
    status, body, _ = raw_get(planted_server, "/voila/api/contents/exercises")
    assert status == 200
    assert "activities" in body and "assessment" not in body
