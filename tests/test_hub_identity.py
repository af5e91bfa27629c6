"""Department mode without a hub: hub users and groups mapped to classes and trainees, headless.

The server behind the hub hands a page's kernel the hub user and groups it authenticated
(``HTTP_X_ADAPTIVE_POLICING_HUB_USER`` / ``..._GROUPS``, with ``ADAPTIVE_POLICING_HUB=1``);
these tests set those variables as the server would. The real hub is in tests/test_hub.py.
"""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from adaptive_policing import config
from adaptive_policing.data.hub import class_codes, hub_badge, hub_trainee, instructor_classes
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.widgets import viewer
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.widgets.console.slide_answers import page_class
from adaptive_policing.widgets.page import SignInForm


@pytest.fixture
def behind_hub(monkeypatch: pytest.MonkeyPatch, store: ResponseStore, isolated_session: None) -> Iterator[None]:
    """A kernel of a server behind the hub, on ``store``, with no hub user yet."""
    monkeypatch.setenv(config.DB_URL_ENV, store.url)
    monkeypatch.setenv(config.HUB_ENV, "1")
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    monkeypatch.delenv(viewer.HUB_USER_ENV, raising=False)
    monkeypatch.delenv(viewer.HUB_GROUPS_ENV, raising=False)
    yield
    viewer.set_current_trainee(None)


def as_hub_user(monkeypatch: pytest.MonkeyPatch, name: str, groups: list[str]) -> None:
    monkeypatch.setenv(viewer.HUB_USER_ENV, name)
    monkeypatch.setenv(viewer.HUB_GROUPS_ENV, json.dumps(groups))


def test_class_codes_come_from_the_groups_with_the_prefix() -> None:
    groups = ["instructors", "trainees-ab12c", "trainees-", "trainees-AB12C", "trainees-x y!", "other-ZZZ9",
              "trainees-TOOLONGCODE1234"]
    assert class_codes(groups, "trainees-") == ["AB12C"]
    assert class_codes(["instructors-Q7R8S9", "instructors"], "instructors-") == ["Q7R8S9"]


def test_a_hub_user_name_that_is_no_badge_gets_a_stable_one() -> None:
    assert hub_badge("ana-42") == "ana-42"
    odd = hub_badge("ana.lopez@pd.example.org")
    assert odd == hub_badge("ana.lopez@pd.example.org") and odd.startswith("hub-") and len(odd) <= 32
    assert odd != hub_badge("ana.lopez@pd.example.com")


def test_the_hub_user_is_the_trainee_of_their_group_class(store: ResponseStore) -> None:
    assert hub_trainee(store, "ana", ["instructors"]) is None  # in no class
    ana = hub_trainee(store, "ana", ["trainees-HUBA1"])
    assert ana is not None and ana.name == "ana"
    training_class = store.class_by_id(ana.class_id)
    assert training_class is not None and training_class.code == "HUBA1"
    again = hub_trainee(store, "ana", ["trainees-huba1"])
    assert again is not None and again.id == ana.id  # the same roster entry every time
    assert [c.code for c in store.classes()] == ["HUBA1"]


def test_a_code_from_a_group_opens_one_class_with_that_code(store: ResponseStore) -> None:
    first = store.create_class(code="HUBA1")
    second = store.create_class(code="huba1")
    assert first.id == second.id and first.code == "HUBA1"


def test_an_instructor_sees_only_the_classes_of_their_groups(store: ResponseStore) -> None:
    other = store.create_class(location="Room Z")
    seen = instructor_classes(store, ["instructors", "instructors-HUBA1", "trainees-HUBB2"])
    assert [c.code for c in seen] == ["HUBA1"]
    assert other.id not in {c.id for c in seen}


def test_behind_the_hub_the_page_trusts_the_hub_user_and_no_token(
    monkeypatch: pytest.MonkeyPatch, store: ResponseStore, behind_hub: None
) -> None:
    laptop = store.create_class()
    dana = store.sign_in(laptop.code, "Dana Ortiz", "4821")
    # A token in the address or a cookie names nobody behind the hub.
    monkeypatch.setenv("QUERY_STRING", f"t={dana.token}")
    monkeypatch.setenv(viewer.COOKIE_ENV, f"{viewer.COOKIE_NAME}={dana.token}")
    assert viewer.current_trainee() is None
    as_hub_user(monkeypatch, "ben", ["trainees-HUBA1"])
    ben = viewer.current_trainee()
    assert ben is not None and ben.name == "ben" and ben.id != dana.id
    assert viewer.page_link("course/01-introductions.ipynb") == "/voila/render/course/01-introductions.ipynb"
    assert viewer.sign_out_link("course/00-start.ipynb", ben) == "/hub/logout"


def test_behind_the_hub_the_start_page_welcomes_the_hub_user_without_a_sign_in_form(
    monkeypatch: pytest.MonkeyPatch, store: ResponseStore, behind_hub: None
) -> None:
    as_hub_user(monkeypatch, "ben", ["trainees-HUBA1"])
    form = SignInForm(store=store)
    try:
        assert form.form.layout.display == "none"
        assert "Welcome, ben." in form.welcome.value and "HUBA1" in form.welcome.value
        assert 'href="/hub/logout"' in form.welcome.value and "data-ap-token" not in form.welcome.value
    finally:
        form.close()
    as_hub_user(monkeypatch, "zoe", ["instructors"])
    viewer.set_current_trainee(None)
    form = SignInForm(store=store)
    try:
        assert form.form.layout.display == "none"
        assert "not in a class yet" in form.welcome.value and "logged in as zoe" in form.welcome.value
    finally:
        form.close()


def test_behind_the_hub_the_console_and_slides_show_only_the_instructors_classes(
    monkeypatch: pytest.MonkeyPatch, store: ResponseStore, behind_hub: None
) -> None:
    hub_trainee(store, "cai", ["trainees-HUBB2"])
    store.create_class(location="Room Z")  # a laptop-mode class in the same store
    as_hub_user(monkeypatch, "ivy", ["instructors", "instructors-HUBA1"])
    made = Console(store=store, start_polling=False)
    try:
        assert [label.split(" · ")[1] for label, _id in made.picker.options] == ["HUBA1"]
        assert made.create_class() is None  # classes are hub groups behind the hub
        assert [c.code for c in store.classes()].count("HUBA1") == 1 and len(store.classes()) == 3
    finally:
        made.close()
    monkeypatch.setenv("QUERY_STRING", "class=HUBB2")
    assert page_class(store) is None
    monkeypatch.setenv("QUERY_STRING", "class=HUBA1")
    chosen = page_class(store)
    assert chosen is not None and chosen.code == "HUBA1"
