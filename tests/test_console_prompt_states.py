"""Opening and closing prompts: stored append-only, migrated into old databases, enforced by the prompt."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adaptive_policing.data import schema

from adaptive_policing.widgets import viewer
from adaptive_policing.data.store import ResponseStore, create_engine
from adaptive_policing.widgets.common import CLOSED_MESSAGE, CLOSED_ON_OPEN_MESSAGE
from adaptive_policing.widgets.prompt import DiscussionPrompt


@pytest.fixture(autouse=True)
def nobody_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv(viewer.TOKEN_ENV, raising=False)
    viewer.set_current_trainee(None)


def test_the_latest_change_wins_per_class_and_prompt(db_url: str) -> None:
    store = ResponseStore(db_url)
    first, second = store.create_class(), store.create_class()
    assert store.prompt_is_open(first.id, "p")  # open until closed
    store.set_prompt_open(first.id, "p", False)
    assert not store.prompt_is_open(first.id, "p")
    assert store.prompt_is_open(second.id, "p") and store.prompt_is_open(first.id, "q")
    store.set_prompt_open(first.id, "p", True)
    store.set_prompt_open(first.id, "q", False)
    assert store.prompt_is_open(first.id, "p")
    assert store.prompt_states_in(first.id) == {"p": True, "q": False}
    assert store.prompt_states_in(second.id) == {}
    with pytest.raises(sa.exc.DBAPIError):
        with store.engine.begin() as db:
            db.execute(schema.prompt_states.update().values(open=True))
    store.close()


def test_a_version_2_database_gains_prompt_states_and_keeps_its_answers(db_url: str) -> None:
    engine = create_engine(db_url)
    assert schema.migrate(engine, target=2) == 2
    assert "prompt_states" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    store = ResponseStore(db_url)
    course = store.create_class()
    store.set_prompt_open(course.id, "p", False)
    assert not store.prompt_is_open(course.id, "p")
    with store.engine.connect() as db:
        assert schema.current_version(db) == schema.LATEST_VERSION >= 3
    store.close()


def test_a_closed_prompt_refuses_the_save_and_keeps_the_text(store: ResponseStore) -> None:
    course = store.create_class()
    trainee = store.sign_in(course.code, "Dana Ortiz", "4821")
    widget = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    widget.value = "Before closing"
    assert widget.save()
    store.set_prompt_open(course.id, "s01-about-you", False)
    widget.value = "After closing"
    widget.save_button.click()
    assert widget.status.kind == "error" and widget.status.text == CLOSED_MESSAGE == "This question is closed."
    assert 'role="alert"' in widget.status.value
    assert widget.text.value == "After closing"
    assert [a.value for a in store.answer_history(trainee, "s01-about-you")] == ["Before closing"]
    store.set_prompt_open(course.id, "s01-about-you", True)
    assert widget.save()
    assert store.latest_answer(trainee, "s01-about-you").value == "After closing"


def test_closing_in_one_class_does_not_close_it_in_another(store: ResponseStore) -> None:
    closed, other = store.create_class(), store.create_class()
    store.set_prompt_open(closed.id, "s01-prior-training", False)
    trainee = store.sign_in(other.code, "Lee Park", "5150")
    widget = DiscussionPrompt("s01-prior-training", "Q?", "choice", ["Yes", "No"], store=store, trainee=trainee)
    widget.value = "No"
    assert widget.save()


def test_a_prompt_closed_before_the_page_opens_shows_as_closed_with_save_off(store: ResponseStore) -> None:
    course = store.create_class()
    trainee = store.sign_in(course.code, "Dana Ortiz", "4821")
    store.set_prompt_open(course.id, "s01-about-you", False)
    widget = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    assert widget.save_button.disabled
    assert widget.status.kind == "warning" and widget.status.text == CLOSED_ON_OPEN_MESSAGE
    assert "closed" in widget.status.value
    store.set_prompt_open(course.id, "s01-about-you", True)
    reloaded = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    assert not reloaded.save_button.disabled and reloaded.status.kind != "warning"
