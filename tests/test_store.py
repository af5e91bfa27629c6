"""The response store, on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from adaptive_policing.data.store import (
    MAX_TEXT_CHARS,
    AnswerTooLong,
    ResponseStore,
    SheetOwner,
    StoreError,
    WrongClassCode,
)

UNICODE_SAMPLES = [
    "Café, naïve, jalapeño",
    "مرحبا بكم في الفصل",  # right to left
    "警察 🚓👮‍♀️ 🇺🇸",  # emoji with joiners and flags
    "e\u0301 combining accent, zero\u200bwidth space",
    "NUL \x00 and tab \t and newline \n",
    "<script>alert('x')</script> & \"quotes\"",
]


def test_sign_in_is_idempotent_and_checks_the_class_code(db_url: str) -> None:
    store = ResponseStore(db_url)
    course = store.create_class(location="Room 1")
    first = store.sign_in(course.code.lower(), "  Dana   Ortiz ", "4821")
    again = store.sign_in(f" {course.code[:3]}-{course.code[3:]} ", "Dana Ortiz", "4821")
    assert first == again
    assert first.name == "Dana Ortiz"
    assert len(first.token) >= 32 and "4821" not in first.token
    assert store.trainee_by_token(first.token) == first
    with pytest.raises(WrongClassCode, match="class code was not found"):
        store.sign_in("ZZZZZZ", "Dana Ortiz", "4821")
    with pytest.raises(StoreError, match="badge"):
        store.sign_in(course.code, "Dana Ortiz", "48 21; drop table")
    with pytest.raises(StoreError, match="name"):
        store.sign_in(course.code, "   ", "4821")
    store.close()


def test_answers_are_revisions_and_unicode_comes_back_verbatim(db_url: str) -> None:
    store = ResponseStore(db_url)
    trainee = store.sign_in(store.create_class().code, "Lee Park", "77")
    for text in UNICODE_SAMPLES:
        store.save_answer(trainee, "s01-about-you", text)
    history = store.answer_history(trainee, "s01-about-you")
    assert [a.value for a in history] == UNICODE_SAMPLES
    assert store.latest_answer(trainee, "s01-about-you").value == UNICODE_SAMPLES[-1]
    store.save_answer(trainee, "s01-why-this-class", ["A", "ü"])
    assert store.latest_answer(trainee, "s01-why-this-class").value == ["A", "ü"]
    store.close()


def test_text_over_the_limit_is_refused(db_url: str) -> None:
    store = ResponseStore(db_url)
    trainee = store.sign_in(store.create_class().code, "Lee Park", "77")
    store.save_answer(trainee, "p", "x" * MAX_TEXT_CHARS)
    with pytest.raises(AnswerTooLong, match="10,001 characters"):
        store.save_answer(trainee, "p", "x" * (MAX_TEXT_CHARS + 1))
    assert store.answer_count() == 1
    store.close()


def test_saved_rows_cannot_be_changed_or_deleted(db_url: str) -> None:
    store = ResponseStore(db_url)
    trainee = store.sign_in(store.create_class().code, "Lee Park", "77")
    store.save_answer(trainee, "p", "first")
    for statement in ("UPDATE responses SET value = '\"changed\"'", "DELETE FROM responses"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as db:
                db.execute(sa.text(statement))
    assert store.latest_answer(trainee, "p").value == "first"
    store.close()


def test_twenty_threads_saving_fifty_answers_each_lose_nothing(db_url: str) -> None:
    store = ResponseStore(db_url)
    course = store.create_class()
    people = [store.sign_in(course.code, f"Trainee {n}", f"B{n}") for n in range(20)]
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.save_answer(people[n], f"prompt-{i % 5}", f"{n}:{i}")
        except BaseException as problem:  # surfaced below
            errors.append(problem)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.answer_count() == 1000
    saved = {answer.value for _, answer in store.iter_answers(course.id)}
    assert saved == {f"{n}:{i}" for n in range(20) for i in range(50)}
    store.close()


WRITER = """
import sys
from adaptive_policing.data.store import ResponseStore
store = ResponseStore(sys.argv[1])
trainee = store.trainee_by_token(sys.argv[2])
i = 0
while True:
    store.save_answer(trainee, "p", f"answer {i}")
    print(i, flush=True)  # acknowledged: the save has committed
    i += 1
"""


def test_a_writer_killed_mid_save_loses_nothing_acknowledged(db_url: str, tmp_path: Path) -> None:
    store = ResponseStore(db_url)
    trainee = store.sign_in(store.create_class().code, "Lee Park", "77")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    writer = subprocess.Popen(
        [sys.executable, str(script), db_url, trainee.token], stdout=subprocess.PIPE, text=True
    )
    acknowledged: list[int] = []
    assert writer.stdout is not None
    while len(acknowledged) < 200:
        line = writer.stdout.readline()
        assert line, "the writer stopped early"
        acknowledged.append(int(line))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    acknowledged += [int(line) for line in writer.stdout.read().split()]
    store.close()
    reopened = ResponseStore(db_url)
    stored = {answer.value for answer in reopened.answer_history(trainee, "p")}
    missing = [i for i in acknowledged if f"answer {i}" not in stored]
    assert missing == []
    reopened.close()


def test_group_worksheet_merges_and_keeps_clashing_saves(db_url: str) -> None:
    store = ResponseStore(db_url)
    code = store.create_class().code
    ana, ben = store.sign_in(code, "Ana", "1"), store.sign_in(code, "Ben", "2")
    group = store.join_group(ana, "Team  Blue")
    assert store.join_group(ben, "team blue") == group
    owner = SheetOwner("group", group.id)

    first = store.save_worksheet("a2", owner, ana, {"Goals": "serve", "Value": ""}, None)
    assert first.status == "saved" and first.revision.seq == 1
    # Both open revision 1; Ben edits Value, Ana edits Goals: merged, nothing lost.
    assert store.save_worksheet("a2", owner, ben, {"Goals": "serve", "Value": "respect"}, 1).status == "saved"
    merged = store.save_worksheet("a2", owner, ana, {"Goals": "serve everyone", "Value": ""}, 1)
    assert merged.status == "merged"
    assert merged.revision.fields == {"Goals": "serve everyone", "Value": "respect"}
    # Both change the same field from revision 3: the later save is kept aside, not lost.
    assert store.save_worksheet("a2", owner, ben, {"Goals": "Ben's goals", "Value": "respect"}, 3).status == "saved"
    clash = store.save_worksheet("a2", owner, ana, {"Goals": "Ana's goals", "Value": "respect"}, 3)
    assert clash.status == "conflict" and clash.conflicts == ("Goals",)
    assert clash.latest.fields["Goals"] == "Ben's goals"
    assert store.latest_worksheet("a2", owner).fields["Goals"] == "Ben's goals"
    history = store.worksheet_history("a2", owner)
    assert {"Ana's goals", "Ben's goals"} <= {r.fields["Goals"] for r in history}
    # Saving again from the latest revision settles it.
    settled = store.save_worksheet("a2", owner, ana, {"Goals": "Ana's and Ben's goals", "Value": "respect"}, 4)
    assert settled.status == "saved" and settled.revision.seq == 5
    store.close()


def test_members_saving_at_the_same_instant_never_lose_an_edit(db_url: str) -> None:
    store = ResponseStore(db_url)
    code = store.create_class().code
    people = [store.sign_in(code, f"Member {n}", f"M{n}") for n in range(6)]
    group = store.join_group(people[0], "Table 4")
    owner = SheetOwner("group", group.id)
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def save(n: int) -> None:
        barrier.wait()
        outcome = store.save_worksheet("a2", owner, people[n], {f"field {n}": f"text {n}"}, None)
        outcomes.append(outcome.status)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latest = store.latest_worksheet("a2", owner)
    assert latest is not None
    assert {f"field {n}": f"text {n}" for n in range(len(people))}.items() <= latest.fields.items()
    assert sorted(set(outcomes)) <= ["merged", "saved"]
    store.close()


def test_classes_are_listed_newest_first_and_codes_are_unambiguous(store: ResponseStore) -> None:
    first, second = store.create_class(location="A"), store.create_class(location="B")
    assert [c.id for c in store.classes()][:2] == [second.id, first.id]
    for code in (first.code, second.code):
        assert len(code) == 6 and not set(code) & set("01OI")


def test_the_default_store_is_a_sqlite_file_in_wal_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTIVE_POLICING_VAR", str(tmp_path / "var"))
    monkeypatch.delenv("ADAPTIVE_POLICING_DB_URL", raising=False)
    store = ResponseStore()
    assert (tmp_path / "var" / "responses.sqlite3").exists()
    with store.engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_timing_of_saves_is_recorded_in_order(store: ResponseStore) -> None:
    trainee = store.sign_in(store.create_class().code, "Lee", "1")
    a = store.save_answer(trainee, "p", "one")
    time.sleep(0.01)
    b = store.save_answer(trainee, "p", "two")
    assert a.created_at < b.created_at and a.id < b.id


def test_class_worksheets_are_each_owners_latest_groups_first(db_url: str) -> None:
    store = ResponseStore(db_url)
    here, there = store.create_class(), store.create_class()
    ana, ben = store.sign_in(here.code, "Ana", "1"), store.sign_in(here.code, "Ben", "2")
    stranger = store.sign_in(there.code, "Cy", "3")
    zulu, alpha = store.join_group(ana, "Zulu"), store.join_group(ben, "Alpha")
    store.save_worksheet("a2", SheetOwner("group", zulu.id), ana, {"Goals": "z1"}, None)
    store.save_worksheet("a2", SheetOwner("group", zulu.id), ana, {"Goals": "z2"}, 1)
    store.save_worksheet("a2", SheetOwner("group", zulu.id), ben, {"Goals": "kept aside"}, 1)  # conflict
    store.save_worksheet("a2", SheetOwner("group", alpha.id), ben, {"Goals": "a1"}, None)
    store.save_worksheet("a2", SheetOwner("trainee", ben.id), ben, {"Goals": "mine"}, None)
    store.save_worksheet("a2", SheetOwner("trainee", stranger.id), stranger, {"Goals": "elsewhere"}, None)
    store.save_worksheet("other", SheetOwner("trainee", ana.id), ana, {"Goals": "other sheet"}, None)
    found = [(name, rev.seq, rev.author_name, rev.fields["Goals"]) for name, rev in store.class_worksheets(here.id, "a2")]
    assert found == [("Alpha", 1, "Ben", "a1"), ("Zulu", 2, "Ana", "z2"), ("Ben", 1, "Ben", "mine")]
    assert store.class_worksheets(there.id, "a2")[0][0] == "Cy"
    assert store.group_of(ana) == zulu and store.groups_in(here.id) == [alpha, zulu]
    store.close()


def test_the_change_marker_moves_on_every_write_and_only_for_its_class(db_url: str) -> None:
    store = ResponseStore(db_url)
    here, there = store.create_class(), store.create_class()
    whole, mine, theirs = store.change_marker(), store.change_marker(here.id), store.change_marker(there.id)
    stranger = store.sign_in(there.code, "Cy", "3")
    assert store.change_marker(here.id) == mine and store.change_marker(there.id) != theirs
    assert store.change_marker() != whole

    ana = store.sign_in(here.code, "Ana", "1")
    group = store.join_group(ana, "Table 1")
    writes = {
        "sign-in": lambda: store.sign_in(here.code, "Ben", "2"),
        "answer": lambda: store.save_answer(ana, "p", "text"),
        "worksheet": lambda: store.save_worksheet("a2", SheetOwner("trainee", ana.id), ana, {"Goals": "x"}, None),
        "group worksheet": lambda: store.save_worksheet("a2", SheetOwner("group", group.id), ana, {"G": "y"}, None),
        "prompt state": lambda: store.set_prompt_open(here.id, "p", False),
        "progress": lambda: store.record_progress(here.id, "01-introductions"),
        "visit": lambda: store.record_visit(ana, "01-introductions"),
        "group member": lambda: store.join_group(ana, "Table 1"),
    }
    for what, write in writes.items():
        before, before_whole, before_theirs = store.change_marker(here.id), store.change_marker(), store.change_marker(there.id)
        write()
        assert store.change_marker(here.id) != before, what
        assert store.change_marker() != before_whole, what
        assert store.change_marker(there.id) == before_theirs, what

    # Reading changes nothing; a write in the other class leaves this class's marker alone.
    settled = store.change_marker(here.id)
    store.class_answers(here.id, "p"), store.class_worksheets(here.id, "a2"), store.visits(here.id)
    store.save_answer(stranger, "p", "elsewhere")
    store.set_prompt_open(there.id, "p", False)
    assert store.change_marker(here.id) == settled
    # Another process's store sees the same marker.
    other = ResponseStore(db_url)
    assert other.change_marker(here.id) == settled
    store.save_answer(ana, "p", "again")
    assert other.change_marker(here.id) != settled
    other.close()
    store.close()
