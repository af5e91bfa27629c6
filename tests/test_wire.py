"""A page kernel's store calls as JSON (data/wire.py) and the client that sends them (data/remote.py), headless."""

from __future__ import annotations

import json
import socket
from datetime import date, datetime, timezone

import pytest

from adaptive_policing.data import remote, wire
from adaptive_policing.data.records import (
    AnswerTooLong, SavedAnswer, SheetOwner, StoreError, Trainee, WorksheetRevision, WorksheetSave, WrongClassCode,
)

MOMENT = datetime(2026, 11, 26, 9, 30, 15, 123456, tzinfo=timezone.utc)
TRAINEE = Trainee(id=7, class_id=2, name="Dana Ruiz", badge="B-1042", token="tok", created_at=MOMENT)


def kind(value: object) -> str:
    """A short test id that is the same in every worker: the value's type."""
    return type(value).__name__


def over_the_wire(value: object) -> object:
    """``value`` encoded, sent as JSON text and decoded, as a call and its answer travel."""
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


@pytest.mark.parametrize("value", [
    None, True, 0, -3, 2.5, "", "plain", "emoji 🚓 and right-to-left שלום and NUL \x00",
    [1, "two", None], (1, "two"), (), {"a": 1}, {},
    MOMENT, date(2026, 11, 26),
    TRAINEE,
    SavedAnswer(id=1, trainee_id=7, prompt_id="s03-mindset", value={"rating": 4, "note": "ok"}, created_at=MOMENT),
    SheetOwner(kind="group", id=3),
    # what latest_revisions answers: prompt ids to (saved answer or None, newest entry)
    {"s01": (None, SavedAnswer(id=2, trainee_id=7, prompt_id="s01", value="x", created_at=MOMENT, draft=True))},
    {3: "an int key", (1, "a"): "a tuple key", None: "no key"},
    (True, MOMENT),  # class_state
    WorksheetSave(status="conflict",
                  revision=WorksheetRevision(id=1, seq=None, author_id=7, author_name="Dana", fields={"f": "1"},
                                             created_at=MOMENT),
                  latest=WorksheetRevision(id=2, seq=4, author_id=8, author_name="Lee", fields={"f": "2"},
                                           created_at=MOMENT),
                  conflicts=("f",)),
], ids=kind)
def test_every_value_a_page_sends_or_gets_comes_back_equal_and_of_the_same_type(value: object) -> None:
    back = over_the_wire(value)
    assert back == value
    assert type(back) is type(value)


def test_a_trainees_text_that_looks_like_a_tag_stays_text() -> None:
    """Every JSON object on the wire is a tag, so a trainee's own dictionary can never be read as one."""
    typed = {"record": ["Trainee", [["id", 1]]], "tuple": [1, 2], "datetime": "2026-11-26"}
    answer = SavedAnswer(id=1, trainee_id=7, prompt_id="w", value=typed, created_at=MOMENT)
    back = over_the_wire(answer)
    assert isinstance(back, SavedAnswer)
    assert back.value == typed


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", ValueError("no")], ids=kind)
def test_a_value_that_is_not_the_stores_is_refused_when_sent(value: object) -> None:
    with pytest.raises(wire.WireError):
        wire.encode(value)


@pytest.mark.parametrize("data", [
    {"function": "os.system"},                        # an unknown tag
    {"record": ["Popen", [["args", "ls"]]]},          # a class that is not a record
    {"record": ["Trainee", [["id", 1]]]},             # a record missing its fields
    {"tuple": [1], "dict": []},                       # two tags in one object
    {"datetime": "not a time"},
    {"dict": [[[1], "a list as a key"]]},
], ids=["unknown tag", "foreign class", "missing fields", "two tags", "bad time", "list key"])
def test_a_malformed_or_foreign_message_is_refused_when_read(data: object) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(data)


@pytest.mark.parametrize("error", [
    StoreError("Please type your name."), WrongClassCode("That class code was not found."),
    AnswerTooLong("This answer is 10,001 characters long."),
], ids=kind)
def test_a_store_error_reaches_the_page_with_its_kind_and_message(error: StoreError) -> None:
    carried = json.loads(json.dumps(wire.error_message(error)))
    back = wire.error_from(carried["error"])
    assert type(back) is type(error)
    assert str(back) == str(error)


def test_a_page_may_make_only_the_calls_of_trainees_pages() -> None:
    store = remote.RemoteStore("http://127.0.0.1:9/adaptive-policing/store", "secret")
    assert callable(store.save_answer)
    for instructors_only in ("create_class", "confirm_rubric", "decide_request", "set_prompt_open", "class_answers",
                             "engine", "close"):
        with pytest.raises(AttributeError):
            getattr(store, instructors_only)


def test_a_call_that_gets_no_answer_says_so_plainly() -> None:
    with socket.socket() as closed:  # a port that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    store = remote.RemoteStore(f"http://127.0.0.1:{port}/adaptive-policing/store", "secret")
    with pytest.raises(remote.StoreUnreachable) as raised:
        store.save_answer(TRAINEE, "s03-mindset", {"rating": 4})
    assert str(raised.value) == remote.UNREACHABLE_MESSAGE
    assert isinstance(raised.value, StoreError)  # so every widget shows it as it shows any store message


def test_without_a_server_that_offers_it_a_page_opens_the_database_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    from adaptive_policing.data import store as local

    monkeypatch.delenv(remote.STORE_ENDPOINT_ENV, raising=False)
    monkeypatch.setattr(local, "open_store", lambda: "the database")
    assert remote.page_store() == "the database"
    monkeypatch.setenv(remote.STORE_ENDPOINT_ENV, "http://127.0.0.1:8866/adaptive-policing/store")
    monkeypatch.setenv(remote.STORE_SECRET_ENV, "s3cret")
    assert isinstance(remote.page_store(), remote.RemoteStore)
