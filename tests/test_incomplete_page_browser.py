"""A page whose widgets did not all arrive reloads itself once, then says so (``incomplete.js``), in Chromium.

On a heavily loaded server a widget's state occasionally never reaches the browser and Voilà
leaves "Error displaying widget: model not found" in its place. The planted page makes that
happen every time: it displays a widget and closes it before the browser asks for its state.
"""

from __future__ import annotations

import shutil
from typing import Iterator

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .browser import accessibility_problems, shot, wait_for_widgets
from .conftest import REPO, LiveServer, SuiteBrowser, start_server, stop_process_tree

BROKEN = "course/zz-broken-widget.ipynb"


@pytest.fixture(scope="module")
def server_with_a_broken_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home = tmp_path_factory.mktemp("home")
    shutil.copytree(REPO / "course", home / "course")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A page with a widget that never arrives"),
        nbformat.v4.new_code_cell("import ipywidgets\nbox = ipywidgets.Text()\ndisplay(box)\nbox.close()"),
    ])
    nbformat.write(notebook, home / BROKEN)
    server = start_server("trainee", tmp_path_factory.mktemp("var"), home=home)
    yield server
    stop_process_tree(server.process)


def _loads(page: Page) -> list[str]:
    """Every load of the page's main frame, as it happens."""
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    return loads


def test_an_incomplete_page_loads_again_once_then_offers_reload(
        browser: SuiteBrowser, server_with_a_broken_page: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    loads = _loads(page)
    page.goto(server_with_a_broken_page.url(f"/voila/render/{BROKEN}"))
    banner = page.locator("#ap-incomplete[role=alert]")
    expect(banner).to_contain_text("Part of this page did not load. Your saved answers are kept")
    assert len(loads) == 2  # the first load and one reload by itself, no more
    assert page.get_by_text("Error displaying widget: model not found").count() == 1
    assert accessibility_problems(page, "incomplete-page") == []
    shot(page, "incomplete-page")
    page.get_by_role("button", name="Reload").click()  # by hand, the trainee may try again at once
    expect(banner).to_be_visible()
    assert len(loads) == 3
    context.close()


def test_a_complete_page_is_looked_at_and_left_alone(
        browser: SuiteBrowser, server_with_a_broken_page: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    loads = _loads(page)
    page.goto(server_with_a_broken_page.url("/voila/render/course/00-start.ipynb"))
    wait_for_widgets(page)
    page.wait_for_function("() => window.apIncomplete && window.apIncomplete.looks >= 3")
    assert page.locator("#ap-incomplete").count() == 0
    assert len(loads) == 1
    context.close()
