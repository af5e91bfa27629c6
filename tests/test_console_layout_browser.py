"""The instructor console at a laptop's width (1280 × 800) in real Chromium: no label is cut off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import shot, wait_for_widgets
from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Every label, button and note of the console whose text is wider than the box it is drawn in.
_CLIPPED = """() => {
  const cut = [];
  const boxes = document.querySelectorAll('.ap-console .widget-label, .ap-console button,'
    + ' .ap-console .widget-html, .ap-console .widget-checkbox, .ap-console .lm-TabBar-tab');
  for (const box of boxes) {
    if (box.offsetParent === null) continue;
    const outer = box.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(box);
    const text = range.getBoundingClientRect();
    // text wider than its box, or the box squeezed narrower than one word of its text
    const frame = (box.parentElement.closest('.widget-tab-contents, .lm-StackedPanel') || document.body)
      .getBoundingClientRect();  // a tab's contents clip what sticks out on the right
    const oneLine = !box.classList.contains('widget-html');  // HTML blocks wrap; labels and buttons must not
    if (box.scrollWidth > box.clientWidth + 1 || outer.right > frame.right + 1
        || (oneLine && (text.width > outer.width + 1 || text.right > frame.right + 1))) {
      cut.push(box.textContent.trim().slice(0, 40));
    }
  }
  return cut;
}"""
# A checkbox label broken over two lines ("All" / "questions") counts as cut off too.
_WRAPPED = """() => Array.from(document.querySelectorAll('.ap-console .widget-checkbox label'))
  .filter(e => e.offsetParent !== null && e.getClientRects().length && e.getBoundingClientRect().height > 30)
  .map(e => e.textContent.trim())"""


def test_no_console_label_is_cut_off_at_a_laptops_width(browser: object, instructor_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(instructor_server.url(f"/?token={instructor_server.key}"))
        wait_for_widgets(page)
        page.get_by_role("tab", name="New class").click()
        page.get_by_label("Location").fill("Training room L")  # a room no other test of the shared server uses
        page.get_by_role("button", name="Create class").click()
        expect(page.get_by_text("created. Write the code on the board.")).to_be_visible()
        page.get_by_role("tab", name="Live results").click()
        expect(page.get_by_text("Open: trainees can save.")).to_be_visible()
        shot(page, "console-1280")
        assert (page.evaluate(_CLIPPED), page.evaluate(_WRAPPED)) == ([], [])
        page.get_by_role("tab", name="Agenda & guide").click()
        expect(page.get_by_role("button", name="Start class")).to_be_visible()
        shot(page, "console-1280-agenda")
        assert page.evaluate(_CLIPPED) == []
    finally:
        context.close()
