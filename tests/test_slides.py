"""Projector slides: cells to slides, links, the instructor view of prompts, and what each live server serves."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from adaptive_policing import config

from adaptive_policing.widgets import viewer

from adaptive_policing.serve import slides
from adaptive_policing.content.prompts import prompts_in_source
from adaptive_policing.widgets.console.slide_answers import SlideAnswers, slide_answers
from adaptive_policing.serve.server import CONTENT_SECURITY_POLICY
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.widgets.prompt import DiscussionPrompt, prompt

from .conftest import LiveServer

REPO = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("isolated_session")


def slide_types(nb: nbformat.NotebookNode) -> list[str]:
    processed, _ = slides.HeadingSlidesPreprocessor().preprocess(nb, {})
    return [cell.metadata["slideshow"]["slide_type"] for cell in processed.cells]


def test_each_heading_starts_a_slide_and_setup_cells_stay_off() -> None:
    nb = new_notebook(cells=[
        new_markdown_cell("# III. What Is Customer Service?\n\nAbout 20 minutes"),
        new_code_cell("from adaptive_policing import page_header, prompt"),
        new_code_cell('page_header("03-what-is-customer-service")'),
        new_markdown_cell("## A. Define customer service\n\ntext"),
        new_code_cell('prompt("s03-x", "Why?")'),
        new_markdown_cell("### 2. A mindset\n\nmore"),
        new_markdown_cell("Plain paragraph, no heading"),
        new_markdown_cell("#### A small heading continues the slide"),
    ])
    assert slide_types(nb) == ["slide", "skip", "skip", "slide", "slide", "slide", "-", "-"]


def test_a_notebook_with_its_own_slide_metadata_is_left_alone() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# One"), new_markdown_cell("# Two")])
    nb.cells[1].metadata["slideshow"] = {"slide_type": "fragment"}
    processed, _ = slides.HeadingSlidesPreprocessor().preprocess(nb, {})
    assert "slideshow" not in processed.cells[0].metadata
    assert processed.cells[1].metadata["slideshow"] == {"slide_type": "fragment"}


def test_every_course_section_gets_a_slide_per_heading() -> None:
    for path in sorted((REPO / "course").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        headed = sum(1 for c in nb.cells if c.cell_type == "markdown" and re.match(r"\s*#{1,3}\s", c.source))
        asked = sum(1 for c in nb.cells if c.cell_type == "code" and prompts_in_source(c.source))
        joins = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.lstrip().startswith("start_page("))
        types = slide_types(nb)
        assert [t for t in types if t != "skip"][0] == "slide", path.name
        assert max(headed, 1) + asked + joins >= types.count("slide") >= max(headed, 1), path.name


def test_the_slides_link_names_the_template_and_the_class() -> None:
    assert viewer.slides_link("course/03-what-is-customer-service.ipynb", "K7Q2XM") == (
        "/voila/render/course/03-what-is-customer-service.ipynb?template=adaptive-slides&class=K7Q2XM")


def test_the_reveal_styles_match_the_script_voila_bundles() -> None:
    import voila

    bundled = Path(voila.__file__).resolve().parent.parent.parent.parent.parent / (
        "share/jupyter/voila/templates/base/static/reveal.js")
    if not bundled.exists():
        pytest.skip("Voilà's static files are not where a virtual environment keeps them")
    versions = set(re.findall(r'="(\d+\.\d+\.\d+)"', bundled.read_text(encoding="utf-8", errors="replace")))
    assert slides.REVEAL_VERSION in versions


def test_the_template_has_no_address_of_another_machine() -> None:
    for path in slides.TEMPLATE_DIR.rglob("*"):
        if path.is_file() and path.suffix in (".j2", ".json", ".css") and "reveal" not in path.parts:
            assert not re.search(r"https?://|//cdn", path.read_text(encoding="utf-8")), path


# --- the instructor view of a prompt ------------------------------------------------------------


def test_only_the_instructor_server_kernels_are_an_instructor_view(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not viewer.is_instructor_view()
    monkeypatch.setenv(config.ROLE_ENV, "trainee")
    assert not viewer.is_instructor_view()
    assert isinstance(prompt("s01-about-you", "Tell us."), DiscussionPrompt)
    monkeypatch.setenv(config.ROLE_ENV, "instructor")
    assert viewer.is_instructor_view()


def test_on_the_instructor_server_a_prompt_shows_the_class_answers_escaped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    monkeypatch.setenv(config.DB_URL_ENV, url)
    monkeypatch.setenv(config.ROLE_ENV, "instructor")
    store = ResponseStore(url)
    shown, other = store.create_class(location="A"), store.create_class(location="B")
    dana = store.sign_in(shown.code, "Dana Ortiz", "4821")
    store.save_answer(dana, "s01-about-you", "<script>alert(1)</script> patrol")
    lee = store.sign_in(other.code, "Lee Park", "5150")
    store.save_answer(lee, "s01-about-you", "from the other class")
    monkeypatch.setenv("QUERY_STRING", f"template=adaptive-slides&class={shown.code}")
    widget = prompt("s01-about-you", "Tell us about you.")
    assert isinstance(widget, SlideAnswers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; patrol" in widget.value
    assert "<script>alert" not in widget.value
    assert "from the other class" not in widget.value and "Dana Ortiz" not in widget.value
    assert "1 answered" in widget.value
    store.save_answer(store.sign_in(shown.code, "Sam Reyes", "K-77"), "s01-about-you", "records")
    widget.refresh()
    assert "2 answered" in widget.value and "records" in widget.value
    widget.close()  # ends its live updates
    store.close()


def test_a_choice_prompt_shows_bars_and_without_a_class_says_so(tmp_path: Path) -> None:
    store = ResponseStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    course = store.create_class()
    store.save_answer(store.sign_in(course.code, "Dana Ortiz", "4821"), "s01-prior", "No, never")
    info = slide_answers("s01-prior", "Prior training?", "choice", ["No, never", "Yes"], live=False).info
    widget = SlideAnswers(info, store=store, training_class=course)
    assert "ap-bars" in widget.value
    assert "No, never: 1 of 1 (100%)" in re.sub(r"<[^>]+>", "", widget.value)
    assert "Yes: 0 of 1" in re.sub(r"<[^>]+>", "", widget.value)
    assert "No class to show" in SlideAnswers(info, store=ResponseStore(
        f"sqlite:///{tmp_path / 'empty.sqlite3'}")).value
    store.close()


# --- the servers -----------------------------------------------------------------------------


def served(url: str) -> tuple[int, str, dict[str, str]]:
    """GET ``url`` from a live server, redirects not followed: status, body, lower-cased headers."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=120)
    try:
        connection.request("GET", where.path + (f"?{where.query}" if where.query else ""))
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


@pytest.mark.server
def test_only_the_instructor_server_serves_slides_with_local_reveal_and_the_security_policy(
    trainee_server: LiveServer, instructor_server: LiveServer
) -> None:
    page = f"/voila/render/course/03-what-is-customer-service.ipynb?template={slides.SLIDES_TEMPLATE}"
    status, body, headers = served(instructor_server.url(f"{page}&token={instructor_server.key}"))
    assert status == 200
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert 'class="reveal"' in body and "III. What Is Customer Service?" in body
    reveal = f"/voila/templates/{slides.SLIDES_TEMPLATE}/static/reveal"
    assert f"{reveal}/dist/reveal.css" in body, "reveal.js's style sheets come from the server itself"
    assert served(instructor_server.url(f"{reveal}/dist/reveal.css"))[0] == 200

    refused, _, headers = served(trainee_server.url(page))
    assert refused in (403, 404)
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    section, body, headers = served(trainee_server.url("/voila/render/course/03-what-is-customer-service.ipynb"))
    assert section == 200 and 'class="reveal"' not in body
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
