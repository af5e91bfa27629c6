"""A course page stays light: few widget models (comms) and one read of the trainee's answers as it opens.

Counts, not timers: every widget model is a comm the page's kernel opens, the server
relays and the browser builds, and every query takes the database's attention while
a class opens the same page at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as widgets
import nbformat
import pytest
import sqlalchemy as sa
from ipywidgets.widgets.widget import _instances as open_widget_models

from adaptive_policing.data.store import ResponseStore, Trainee, TrainingClass
from adaptive_policing.widgets import opening
from adaptive_policing.widgets.common import SharedLayout, shared_layout
from adaptive_policing.widgets.page import page_header
from adaptive_policing.widgets.prompt import DiscussionPrompt, prompt

from .conftest import REPO

pytestmark = pytest.mark.usefixtures("isolated_session")

SECTION_III = REPO / "course" / "03-what-is-customer-service.ipynb"
SECTION_III_MODEL_BOUND = 105
"""Section III (15 prompts: 9 written, 4 single choice, 2 with 4 boxes to tick) made 92 widget
models when this bound was set, 276 before its prompts shared their layout, style and hidden flush
button models. A written or single-choice prompt is 5 models (its box, question, answer control,
Save, status line), a 4-box one 8; the header 1; the shared layouts, styles and flush button 10.
The bound leaves room for two more prompts and no more: one more model per prompt (a layout or
style of its own) breaks it."""


@pytest.fixture
def page_store(store: ResponseStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch) -> Iterator[ResponseStore]:
    """The test's store as the page's process-wide store, the page opened with ``trainee``'s token."""
    monkeypatch.setattr("adaptive_policing.widgets.common.page_store", lambda: store)
    monkeypatch.setattr("adaptive_policing.widgets.viewer.page_store", lambda: store)
    monkeypatch.setenv("QUERY_STRING", f"t={trainee.token}")
    opening.forget()
    yield store
    opening.forget()


@contextmanager
def counted_selects(store: ResponseStore) -> Iterator[list[str]]:
    """The SELECT statements ``store`` sends while the block runs."""
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)


def run_page(path: object) -> None:
    """Execute a course notebook's code cells here, as its kernel would (they are one-line calls)."""
    namespace: dict[str, object] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)  # noqa: S102 - the course's own one-line cells


def test_section_iii_opens_few_widget_models(page_store: ResponseStore) -> None:
    before = set(open_widget_models)
    run_page(SECTION_III)
    made = [model for key, model in open_widget_models.items() if key not in before]
    prompts = [model for model in made if isinstance(model, DiscussionPrompt)]
    assert len(prompts) == 15
    assert len(made) <= SECTION_III_MODEL_BOUND, f"{len(made)} widget models"


def test_prompts_show_shared_layouts_and_styles(store: ResponseStore, trainee: Trainee) -> None:
    first = DiscussionPrompt("p1", "First?", store=store, trainee=trainee)
    second = DiscussionPrompt("p2", "Second?", kind="choice", options=["a", "b"], store=store, trainee=trainee)
    third = DiscussionPrompt("p3", "Third?", store=store, trainee=trainee)
    assert first.text.layout is third.text.layout and first.text.style is third.text.style
    assert first.layout is second.layout  # the prompts' own boxes
    assert first.save_button.layout is second.save_button.layout
    assert first.save_button.style is second.save_button.style
    assert first.status.layout is second.status.layout and first.status.style is second.status.style
    assert first.children[0].style is second.children[0].style  # the questions
    assert "ap-save" in first.save_button._dom_classes and "ap-status" in first.status._dom_classes
    assert first.children[-2] is second.children[-2] and "ap-flush" in first.children[-2]._dom_classes


def test_the_shared_flush_button_keeps_every_pending_draft(store: ResponseStore, trainee: Trainee) -> None:
    first = DiscussionPrompt("p1", "First?", store=store, trainee=trainee)
    second = DiscussionPrompt("p2", "Second?", store=store, trainee=trainee)
    first.text.value, second.text.value = "typed in one", "typed in two"
    flush = first.children[-2]
    flush.click()  # what the page does when it is hidden or closed
    assert store.latest_entry(trainee, "p1").value == "typed in one"
    assert store.latest_entry(trainee, "p2").value == "typed in two"
    assert first.status.kind == "draft" and second.status.kind == "draft"


def test_a_shared_layout_cannot_be_changed_for_one_widget() -> None:
    layout = shared_layout(width="auto")
    assert isinstance(layout, SharedLayout) and layout is shared_layout(width="auto")
    with pytest.raises(AttributeError, match="shared layout"):
        layout.display = "none"
    assert layout.display is None


def test_a_closed_shared_model_is_made_again() -> None:
    layout = shared_layout(width="12em")
    layout.close()
    again = shared_layout(width="12em")
    assert again is not layout and again.comm is not None
    assert widgets.HTML("x", layout=again).layout.width == "12em"


def test_a_page_reads_its_answers_once_as_it_opens(page_store: ResponseStore, trainee: Trainee,
                                                   classroom: TrainingClass) -> None:
    page_store.save_answer(trainee, "s03-a", "saved text")
    page_store.save_answer(trainee, "s03-b", "saved first")
    page_store.save_answer(trainee, "s03-b", "a newer draft", draft=True)
    page_store.set_prompt_open(classroom.id, "s03-c", False)
    page_header("03-what-is-customer-service")
    with counted_selects(page_store) as selects:  # neither the answers nor the trainee are looked up again
        saved = prompt("s03-a", "A?")
        drafted = prompt("s03-b", "B?")
        closed = prompt("s03-c", "C?", kind="choice", options=["x", "y"])
        fresh = prompt("s03-d", "D?")
    assert selects == []
    assert saved.text.value == "saved text" and "saved at" in saved.status.text
    assert drafted.text.value == "a newer draft" and drafted.status.kind == "draft"
    assert closed.save_button.disabled and closed.status.kind == "warning"
    assert fresh.text.value == "" and fresh.status.text == ""
    assert saved.participant.trainee == trainee


def test_the_page_trainee_is_found_again_only_by_the_same_tokens(page_store: ResponseStore, trainee: Trainee,
                                                                 classroom: TrainingClass,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    page_header("03-what-is-customer-service")
    other = page_store.sign_in(classroom.code, "Kim Nguyen", "5001")
    monkeypatch.setenv("QUERY_STRING", f"t={other.token}")
    assert prompt("s03-a", "A?").participant.trainee == other
    monkeypatch.setenv("QUERY_STRING", "")
    assert prompt("s03-b", "B?").participant.trainee is None


def test_a_second_widget_for_the_same_prompt_asks_the_store(page_store: ResponseStore, trainee: Trainee) -> None:
    page_header("03-what-is-customer-service")
    first = prompt("s03-a", "A?")
    first.text.value = "typed and saved"
    assert first.save()
    with counted_selects(page_store) as selects:
        again = prompt("s03-a", "A?")
    assert selects and again.text.value == "typed and saved"


def test_latest_revisions_match_the_per_prompt_reads(store: ResponseStore, trainee: Trainee,
                                                     classroom: TrainingClass) -> None:
    other = store.sign_in(classroom.code, "Kim Nguyen", "5001")
    store.save_answer(trainee, "saved", "one")
    store.save_answer(trainee, "saved", "two")
    store.save_answer(trainee, "draft-newer", "kept")
    store.save_answer(trainee, "draft-newer", "typing", draft=True)
    store.save_answer(trainee, "draft-only", "typing", draft=True)
    store.save_answer(trainee, "saved-after-draft", "typing", draft=True)
    store.save_answer(trainee, "saved-after-draft", "final")
    store.save_answer(other, "saved", "not mine")
    with counted_selects(store) as selects:
        found = store.latest_revisions(trainee)
    assert len(selects) == 1
    assert set(found) == {"saved", "draft-newer", "draft-only", "saved-after-draft"}
    for prompt_id, (saved, newest) in found.items():
        assert saved == store.latest_answer(trainee, prompt_id)
        assert newest == store.latest_entry(trainee, prompt_id)
