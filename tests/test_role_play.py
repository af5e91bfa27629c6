"""Role plays, headless: choose a role, see its card, rate, tick, save, reload; the instructor's chart."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest
import yaml
from markupsafe import escape

from adaptive_policing.analysis.role_plays import PairRating
from adaptive_policing.views.activities import class_role_play_ratings
from adaptive_policing.content.role_plays import CHECKLIST, COMPLAINT_STEPS, LAST_STEPS
from adaptive_policing.views.charts import role_play_chart, role_play_chart_alt
from adaptive_policing.widgets.role_play import RolePlayKit
from adaptive_policing.content.limits import MAX_TEXT_CHARS
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.widgets.common import PREVIEW_MESSAGE
from adaptive_policing.widgets.common import CLOSED_MESSAGE

REPO = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


pytestmark = pytest.mark.usefixtures("isolated_session")


def test_the_officer_is_the_call_taker_on_the_telephone(store, trainee) -> None:  # type: ignore[no-untyped-def]
    phone = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    assert [label for label, _ in phone.role.options] == ["Call-taker", "Customer", "Observer"]
    window = RolePlayKit("window-stolen-bike", store=store, trainee=trainee)
    assert [label for label, _ in window.role.options] == ["Officer", "Customer", "Observer"]


def test_choosing_a_role_shows_its_card_and_fields(store, trainee) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    assert kit.card.value == ""
    assert kit.customer_box.layout.display == "none" and kit.observer_box.layout.display == "none"
    kit.role.value = "officer"
    assert "Your role card: Call-taker" in kit.card.value
    assert escape(kit.case.roles["officer"]) in kit.card.value
    kit.role.value = "customer"
    assert escape(kit.case.roles["customer"]) in kit.card.value and "You are Mr. Okafor" in kit.card.value
    assert kit.customer_box.layout.display is None and kit.observer_box.layout.display == "none"
    kit.role.value = "observer"
    assert kit.observer_box.layout.display is None and kit.customer_box.layout.display == "none"
    assert [c.description for c in kit.checks] == list(CHECKLIST)
    assert len(COMPLAINT_STEPS) == 8 and len(LAST_STEPS) == 4


def test_a_customer_saves_and_a_reload_shows_it(store, trainee) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.role.value = "customer"
    kit.partners.value = "Kim Nguyen, Ray Adams"
    kit.before.value = 2
    assert kit.status.text == "Not saved yet: press Save role play."
    kit.save_button.click()
    assert kit.status.kind == "error"
    assert kit.status.text == "As the customer, please give both ratings: before and after the role play."
    assert store.latest_answer(trainee, "roleplay:phone-towed-car") is None
    kit.after.value = 7
    kit.notes.value = "Not being transferred again calmed me down."
    kit.save_button.click()
    assert kit.status.kind == "saved", kit.status.text
    expected = {"role": "customer", "partners": "Kim Nguyen, Ray Adams", "before": 2, "after": 7,
                "checklist": [], "notes": "Not being transferred again calmed me down."}
    assert store.latest_answer(trainee, "roleplay:phone-towed-car").value == expected
    again = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    assert again.value == expected and "is shown" in again.status.text
    assert again.before.label.startswith("2") and again.customer_box.layout.display is None


def test_an_observer_saves_the_ticked_steps_only(store, trainee) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("traffic-stop-rude-complaint", store=store, trainee=trainee)
    kit.role.value = "customer"
    kit.before.value = 4  # typed as customer first, then switched role
    kit.role.value = "observer"
    ticked = ["Listen", "Empathize", "L.A.S.T.: Thank"]
    for check in kit.checks:
        check.value = check.description in ticked
    assert kit.save()
    saved = store.latest_answer(trainee, "roleplay:traffic-stop-rude-complaint").value
    assert saved["role"] == "observer" and saved["checklist"] == ticked
    assert saved["before"] is None and saved["after"] is None
    reloaded = RolePlayKit("traffic-stop-rude-complaint", store=store, trainee=trainee)
    assert [c.description for c in reloaded.checks if c.value] == ticked


def test_a_role_must_be_chosen(store, trainee) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    assert not kit.save()
    assert kit.status.text == "Please choose your role first." and 'role="alert"' in kit.status.value


def test_overlong_notes_are_refused_and_kept(store, trainee) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.role.value = "officer"
    kit.notes.value = "x" * (MAX_TEXT_CHARS + 1)
    assert not kit.save()
    assert "10,001 characters" in kit.status.text and len(kit.notes.value) == MAX_TEXT_CHARS + 1
    assert store.latest_answer(trainee, "roleplay:phone-towed-car") is None


def test_preview_saves_nothing(store) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit("phone-towed-car", store=store)
    assert kit.status.text == PREVIEW_MESSAGE and kit.save_button.disabled
    kit.role.value = "officer"
    assert not kit.save() and store.answer_count() == 0


def test_a_closed_role_play_saves_nothing(store, classroom, trainee) -> None:  # type: ignore[no-untyped-def]
    store.set_prompt_open(classroom.id, "roleplay:phone-towed-car", False)
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.role.value = "officer"
    assert not kit.save()
    assert kit.status.text == CLOSED_MESSAGE and store.answer_count() == 0


def test_scenario_text_is_escaped_in_the_kit(tmp_path: Path, store, trainee) -> None:  # type: ignore[no-untyped-def]
    source = (REPO / "course" / "case-studies" / "phone-towed-car.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    data["title"] = "<script>alert('t')</script>"
    data["roles"]["customer"] = '<img src=x onerror="alert(1)">'
    (tmp_path / "case-studies").mkdir()
    (tmp_path / "case-studies" / "phone-towed-car.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee, course_dir=tmp_path)
    kit.role.value = "customer"
    shown = "".join(child.value for child in kit.children if isinstance(child, widgets.HTML))
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in kit.card.value


def save_as(store: ResponseStore, who, case_id: str, **value) -> None:  # type: ignore[no-untyped-def]
    kit = RolePlayKit(case_id, store=store, trainee=who)
    kit.value = value
    assert kit.save(), kit.status.text


def test_role_play_pairs_lists_each_customers_latest_ratings(db_url: str) -> None:
    store = ResponseStore(db_url)
    try:
        course, other = store.create_class(), store.create_class()
        ann = store.sign_in(course.code, "Ann Lee", "1")
        ben = store.sign_in(course.code, "Ben Cho", "2")
        cal = store.sign_in(course.code, "Cal Diaz", "3")
        out = store.sign_in(other.code, "Out Sider", "9")
        assert class_role_play_ratings(store, course.id) == []
        save_as(store, ann, "phone-towed-car", role="customer", partners="Ben, Cal", before=1, after=4)
        save_as(store, ann, "phone-towed-car", role="customer", partners="Ben, Cal", before=2, after=6)
        save_as(store, ben, "phone-towed-car", role="officer", partners="Ann, Cal")
        save_as(store, cal, "phone-towed-car", role="observer", partners="Ann, Ben", checklist=["Listen"])
        save_as(store, cal, "traffic-stop-rude-complaint", role="customer", partners="Ann", before=5, after=5)
        save_as(store, out, "phone-towed-car", role="customer", before=0, after=10)
        assert class_role_play_ratings(store, course.id, "phone-towed-car") == [
            PairRating("Ann Lee", "Ben, Cal", "phone-towed-car", 2, 6)
        ]
        everything = class_role_play_ratings(store, course.id)
        assert {(p.trainee_name, p.case_id, p.before, p.after) for p in everything} == {
            ("Ann Lee", "phone-towed-car", 2, 6), ("Cal Diaz", "traffic-stop-rude-complaint", 5, 5)
        }
        alt = role_play_chart_alt(everything)
        assert "Ann Lee (with Ben, Cal), phone-towed-car: 2 before, 6 after (up 4)." in alt
        assert "5 before, 5 after (no change)" in alt and "in 2 role play(s); the rating rose in 1" in alt
        assert role_play_chart(everything).startswith(PNG)
    finally:
        store.close()


def test_the_chart_is_a_png_with_and_without_data(tmp_path: Path) -> None:
    pairs = [PairRating(f"Trainee {n} with a rather long name", "Partner A and Partner B", "phone-towed-car",
                        n % 11, (n * 3) % 11) for n in range(12)]
    full = role_play_chart(pairs)
    empty = role_play_chart([])
    assert full.startswith(PNG) and empty.startswith(PNG) and full != empty
    assert role_play_chart_alt([]) == "No ratings yet."
    (tmp_path / "chart.png").write_bytes(full)
