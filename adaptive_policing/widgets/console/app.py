"""The instructor's live classroom console (one line in ``solutions/instructor-console.ipynb``).

``console()`` shows:

* **Class** — (behind the hub: only the classes of the instructor's ``instructors-<code>``
  groups, and classes are created as hub groups, not here)
  create a class (date, location, instructor, course plan) and get
  its short code in large type for the board, or pick an earlier class. Only the
  chosen class's data is ever shown. The console opens on today's class (the one
  ``make serve`` announced, :meth:`~adaptive_policing.data.classes.Classes.todays_class`);
  creating a second class for a day and room that already have one asks first
  (*Use today's class* or *Create a second class anyway*).
* **Agenda and timer** — under the code, one sentence such as "12 minutes left in
  IV. Customer Service and Policing · 3 minutes behind schedule · 40 minutes left
  in the class", with *Start class*, *Back* and *Next section* (one click moves
  on, and a double click within :data:`DOUBLE_CLICK_SECONDS` moves it once; after the
  last section the class is finished). The *Agenda & guide* tab
  lists the plan's sections (``plan.agenda``) with the current one marked "Now"
  in words, not colour only, each with its activities and its run-of-show (core
  and if-time items, :mod:`adaptive_policing.content.run_of_show`), and beside it the facilitator guide's part for that
  section (``solutions/facilitator-guide.md``, rendered from markdown with raw
  HTML escaped). Every move is a row in the store (``ResponseStore.record_progress``),
  so a restarted server or a second console window shows the same section and
  clock. The timing maths is in :mod:`adaptive_policing.analysis.agenda`.
* **Slides** — each agenda section links to its course page as projector slides
  on this server (``?template=adaptive-slides&class=<code>``, see
  :mod:`adaptive_policing.serve.slides`): reveal.js served locally, arrow keys or space
  to advance, and every prompt showing the class's live answers instead of an
  answer box.
* **Attendance** — who signed in and when, and the page each trainee was last on.
* **Live results** — per discussion prompt, bars for choice/multi/scale prompts
  and a wall of free-text answers (anonymous unless "Show names" is ticked; one
  answer can be spotlighted, and the spotlight is stored so the projector slides
  show it too). The *Question* list follows the current section (its page and
  activities), with an *All questions* switch. The chosen question can be closed
  and reopened; trainees then see "This question is closed." when they save, and
  a page opened while it is closed shows Save off.
* **Activities** — the groups' worksheets side by side (Activity 2's best
  practices first), the class's paths through each case study (endings, choices
  at each decision, final perception) and the role plays' before/after chart
  (:mod:`adaptive_policing.views.activities`); below them the self-assessment's
  change per item and the course feedback without names
  (:mod:`adaptive_policing.views.survey`).
* **Assessment** — after ``make grade``: this class's scores, the score
  distribution and mastery per section, and the questions nearly everyone misses
  or gets right (:mod:`adaptive_policing.widgets.console.assessment`).
* **Export** — the class's record as CSV and JSON under ``var/exports/``, with
  download links.
* **Sign-ins** — the join QR code, approvals, closing the class, revoking devices
  (:mod:`adaptive_policing.widgets.console.sign_ins`).

The console subscribes to the kernel's one live refresher
(:mod:`adaptive_policing.widgets.live`, shared with the slide pages): the store
is re-read only when its change marker moves, a few tenths of a second after a
save, and a widget is updated only when its content changed. What changes with
the clock alone (who is still here, the agenda's timer, the gradebook) is
re-read every :data:`AGENDA_REFRESH_SECONDS`. Closing the console (``close()``)
ends its subscription.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timezone
from typing import Any, Callable

import ipywidgets as widgets

from ... import config
from ...data.store import TrainingClass, ResponseStore, StoreError, open_store
from ..common import StatusLine
from ..live import Refresher, Subscription, refresher as kernel_refresher
from ..rubric import RubricConfirmPanel
from ..viewer import slides_link, visible_classes
from ...views.activities import activities_html
from ...analysis.agenda import (
    FINISHED,
    AgendaStatus,
    GuideSection,
    agenda_status,
    page_id_of,
    read_guide,
    status_text,
)
from .assessment import assessment_html
from .sign_ins import SignInsPanel
from ...analysis.tallies import answer_summary, answered_prompt_ids, latest_by_prompt
from ...content.prompts import PromptInfo, describe, prompt_catalog
from ...views.agenda import agenda_html, guide_html
from ...views.attendance import attendance_html, class_attendance
from ...views.console import (
    agenda_status_html,
    class_board_html,
    console_style,
    export_links_html,
    heading_html,
    join_html,
    note_html,
    same_day_html,
)
from ...views.export import export_class
from ...views.results import prompt_html
from ...views.survey import survey_html
from ...content.survey import load_survey

DOUBLE_CLICK_SECONDS = 1.0
"""A second press of the same agenda button within this time is the same click (a double click), not another move."""
AGENDA_REFRESH_SECONDS = 5.0
"""The agenda's timer, attendance and the gradebook are re-read this often even when nothing was saved."""
DEFAULT_PLAN = "adaptive-policing"
GUIDE_FILE = "facilitator-guide.md"
HUB_CLASSES_NOTE = ("Behind the department's hub, a class is a hub group: ask the hub's administrator to create the "
                    "groups trainees-<code> and instructors-<code> for it.")
EXPORT_HINT = "Writes the class's record under var/exports/."


def course_plan_ids() -> list[str]:
    """The course plans to choose from (the default plan when none can be read yet)."""
    try:
        from ...content.plan import load_plans

        return list(load_plans()) or [DEFAULT_PLAN]
    except Exception:  # the plan module or file is missing or being edited
        return [DEFAULT_PLAN]


def plan_agenda(plan_id: str) -> list[Any]:
    """The agenda rows of a plan (none when the plan cannot be read, e.g. while it is being edited)."""
    try:
        from ...content.plan import agenda

        return agenda(plan_id)
    except Exception:
        return []


def plan_run_of_show(plan_id: str) -> dict[str, Any]:
    """The run-of-show of a plan's pages, by page id (none when it cannot be read, e.g. while being edited)."""
    try:
        from ...content.run_of_show import course_estimates

        return dict(course_estimates().get(plan_id, {}))
    except Exception:
        return {}


def section_pages(row: Any) -> frozenset[str]:
    """The page ids of an agenda section: its course page and its activities' worksheets."""
    return frozenset([page_id_of(row), *(page_id_of(activity) for activity in row.activities)])


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _set(widget: widgets.Widget, name: str, value: Any) -> None:
    """Set a trait only when it changes, so the page is not redrawn needlessly."""
    if getattr(widget, name) != value:
        setattr(widget, name, value)


class Console(widgets.VBox):
    """Classes, attendance, live results and export, for one instructor."""

    def __init__(
        self,
        *,
        store: ResponseStore | None = None,
        start_polling: bool = True,
        refresher: Refresher | None = None,
        clock: Callable[[], datetime] = _utcnow,
        ticker: Callable[[], float] = time.monotonic,
    ) -> None:
        """``start_polling``: follow the store live, with ``refresher`` (default: the kernel's one).

        ``clock`` tells the time of day; ``ticker`` measures the time between two presses of a button.
        """
        self.store = store or open_store()
        self.clock = clock
        self.ticker = ticker
        self._last_move: tuple[int | None, float] | None = None
        self._agenda_read_at = 0.0
        self.catalog: dict[str, PromptInfo] = prompt_catalog()
        self._lock = threading.RLock()
        self._subscriptions: list[Subscription] = []
        self._pending_today: int | None = None
        self._section_pages: frozenset[str] | None = None
        """The pages (course page and activities) of the section the class is in; None before and after."""

        # classes
        self.class_date = widgets.DatePicker(description="Date", value=date.today())
        self.location = widgets.Text(description="Location", placeholder="e.g. Training room B")
        self.instructor = widgets.Text(description="Instructor", placeholder="e.g. Sgt. R. Alvarez")
        plans = course_plan_ids()
        self.plan = widgets.Dropdown(description="Course plan", options=plans, value=plans[0])
        self.create_button = widgets.Button(description="Create class", button_style="primary", icon="plus")
        self.create_button.on_click(lambda _b: self.create_class())
        self.create_status = StatusLine()
        # a second class for the same day and room: ask first (the room's class is usually the one announced)
        self.same_day_note = widgets.HTML()
        self.use_today_button = widgets.Button(description="Use today's class", button_style="primary",
                                               icon="check", layout=widgets.Layout(width="auto"))
        self.create_anyway_button = widgets.Button(description="Create a second class anyway", icon="plus",
                                                   layout=widgets.Layout(width="auto"))
        self.use_today_button.on_click(lambda _b: self.use_todays_class())
        self.create_anyway_button.on_click(lambda _b: self.create_class(second=True))
        self.same_day = widgets.VBox([self.same_day_note,
                                      widgets.HBox([self.use_today_button, self.create_anyway_button])],
                                     layout=widgets.Layout(display="none"))
        self.same_day.add_class("ap-same-day")
        self.picker = widgets.Dropdown(description="Class", options=[], layout=widgets.Layout(width="32em"))
        self.code_board = widgets.HTML()
        self.code_board.add_class("ap-console-board")
        new_class = widgets.VBox([
            widgets.HTML(heading_html("New class")), self.class_date, self.location, self.instructor, self.plan,
            self.create_button, self.same_day, self.create_status,
        ])

        # agenda and timer
        self.agenda_status = widgets.HTML()
        self.agenda_status.add_class("ap-agenda-status")
        self.start_button = widgets.Button(description="Start class", button_style="primary", icon="play",
                                           tooltip="Start the clock and the first section")
        self.next_button = widgets.Button(description="Next section", icon="forward",
                                          tooltip="Move the class on to the next section")
        self.back_button = widgets.Button(description="Back", icon="backward",
                                          tooltip="Go back to the previous section")
        self.start_button.on_click(lambda _b: self.start_class())
        self.next_button.on_click(lambda _b: self.next_section())
        self.back_button.on_click(lambda _b: self.previous_section())
        agenda_bar = widgets.HBox([self.agenda_status, self.start_button, self.back_button, self.next_button])
        agenda_bar.add_class("ap-agenda-bar")
        self.agenda_list = widgets.HTML(layout=widgets.Layout(width="24em", min_width="18em"))
        self.guide = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
        self.guide.add_class("ap-guide")
        agenda_box = widgets.HBox([self.agenda_list, self.guide])

        # attendance
        self.attendance = widgets.HTML()
        self.attendance.add_class("ap-attendance")

        # live results
        self.all_questions = widgets.Checkbox(description="All questions", value=False, indent=False,
                                              tooltip="List every question, not only the current section's",
                                              layout=widgets.Layout(width="auto", flex="0 0 auto"))
        self.question = widgets.Dropdown(description="Question", options=self._question_options(),
                                         layout=widgets.Layout(width="36em", max_width="100%"))
        self.open_button = widgets.Button(description="Close this question", icon="lock",
                                          layout=widgets.Layout(width="auto", min_width="14em"))
        self.open_button.on_click(lambda _b: self.toggle_open())
        self.question_state = widgets.HTML(layout=widgets.Layout(flex="0 0 auto", min_width="16em"))
        self.show_names = widgets.Checkbox(description="Show names", value=False, indent=False)
        self.spotlight = widgets.Dropdown(description="Spotlight", options=[("No spotlight", None)])
        self.results = widgets.HTML()
        self.results.add_class("ap-results")
        self.results.add_class("ap-live-board")  # the class the first live board used
        for control in (self.question, self.all_questions, self.show_names):
            control.observe(lambda _change: self.refresh(), names="value")
        self._syncing_spotlight = False
        self.spotlight.observe(self._spotlight_changed, names="value")
        results_box = widgets.VBox([
            # wraps onto a second line rather than squeezing a label (a laptop's 1280 px is the narrowest seen)
            widgets.HBox([self.question, self.all_questions, self.open_button, self.question_state],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            widgets.HBox([self.show_names, self.spotlight]),
            self.results,
        ])

        # worksheets, case studies, role plays, the assessment and export
        self.activities = widgets.HTML()
        self.activities.add_class("ap-activities")
        self.survey = widgets.HTML()  # the self-assessment's change and the feedback, without names
        self.rubric_panel = RubricConfirmPanel(self.store, on_confirmed=self.refresh)
        self.assessment = widgets.HTML()
        self.assessment.add_class("ap-assessment")
        self.export_button = widgets.Button(description="Export this class", icon="download")
        self.export_button.on_click(lambda _b: self.export())
        self.export_links = widgets.HTML(note_html(EXPORT_HINT))

        self.sign_ins = SignInsPanel(self.store, on_change=self.refresh)
        self.tabs = widgets.Tab(children=[
            new_class, agenda_box, self.attendance, results_box,
            widgets.VBox([self.activities, self.rubric_panel, self.survey]),
            self.assessment, widgets.VBox([self.export_button, self.export_links]), self.sign_ins,
        ])
        titles = ["New class", "Agenda & guide", "Attendance", "Live results", "Activities", "Assessment", "Export",
                  "Sign-ins"]
        for index, title in enumerate(titles):
            self.tabs.set_title(index, title)
        self.tabs.selected_index = titles.index("Live results")
        super().__init__(children=[
            widgets.HTML(console_style()), self.picker, self.code_board, agenda_bar, self.tabs,
        ])
        self.add_class("ap-console")

        self.picker.observe(self._class_changed, names="value")
        if start_polling:  # before the first read, so no save after it is missed
            live = refresher or kernel_refresher()
            self._subscriptions = [
                # the chosen class: re-read it when anything is recorded in it
                live.subscribe(self.store, self.refresh, class_id=lambda: self.picker.value,
                               on_tick=self._on_tick, tick_seconds=AGENDA_REFRESH_SECONDS),
                # the whole store: a class created elsewhere (a second console window) joins the list
                live.subscribe(self.store, self._reload_classes),
            ]
        self._reload_classes(select=self._announced_class_id())
        self.refresh()

    # classes -----------------------------------------------------------------

    def _reload_classes(self, select: int | None = None) -> None:
        """Re-read the class list; keep the chosen class, or choose ``select``.

        Runs on the refresher's thread too (a class created anywhere moves the store's marker,
        so creating one here reloads the list there as well): the choice is read under the
        lock, so a reload that started before the console chose a new class cannot put the
        old one back, and the board never shows another class's code.
        """
        with self._lock:
            options = [
                (f"{c.class_date:%d %b %Y} · {c.code} · {c.location or c.title}", c.id)
                for c in visible_classes(self.store)
            ]
            chosen = select if select is not None else self.picker.value
            if options != list(self.picker.options):
                self.picker.options = options
            ids = [class_id for _label, class_id in options]
            _set(self.picker, "value", chosen if chosen in ids else (ids[0] if ids else None))

    def _announced_class_id(self) -> int | None:
        """Today's class, the one ``make serve`` opened and announced (None when there is none)."""
        today = self.store.todays_class(on=self.clock().astimezone().date())
        if today is None or (config.hub_mode() and today.id not in {c.id for c in visible_classes(self.store)}):
            return None
        return today.id

    @property
    def current_class(self) -> TrainingClass | None:
        """The class the console shows."""
        return self.store.class_by_id(self.picker.value) if self.picker.value is not None else None

    def create_class(self, *, second: bool = False) -> TrainingClass | None:
        """Create a class from the form, select it and show its code.

        When the room already has a class that day (``make serve`` opens one), nothing is
        created: the console asks whether to use that class instead, unless ``second``
        (the instructor answered "create a second class anyway").
        """
        if config.hub_mode():
            self.create_status.show(HUB_CLASSES_NOTE, "info")
            return None
        class_date = self.class_date.value or date.today()
        existing = None if second else self.store.todays_class(on=class_date, location=self.location.value or "")
        if existing is not None:
            self._pending_today = existing.id
            self.same_day_note.value = same_day_html(existing)
            self.same_day.layout.display = ""
            self.create_status.show("", "info")
            return None
        self.same_day.layout.display = "none"
        try:
            training_class = self.store.create_class(
                course_plan=self.plan.value or DEFAULT_PLAN,
                class_date=class_date,
                location=self.location.value,
                instructor=self.instructor.value,
            )
        except (StoreError, ValueError) as problem:
            self.create_status.show(str(problem), "error")
            return None
        self._reload_classes(select=training_class.id)
        self.create_status.show(f"Class {training_class.code} created. Write the code on the board.", "saved")
        self.refresh()
        return training_class

    def use_todays_class(self) -> TrainingClass | None:
        """Answer "use today's class": show it, with the form's location and instructor where it had none."""
        self.same_day.layout.display = "none"
        if self._pending_today is None:
            return None
        chosen = self.store.fill_in_class(self._pending_today, location=self.location.value or "",
                                          instructor=self.instructor.value or "")
        self._pending_today = None
        if chosen is None:
            return None
        self._reload_classes(select=chosen.id)
        self.create_status.show(f"Showing today's class {chosen.code}. Its code is on the board.", "saved")
        self.refresh()
        return chosen

    def _class_changed(self, _change: dict[str, Any]) -> None:
        self._agenda_read_at = 0.0
        with self._lock:
            self.export_links.value = note_html(EXPORT_HINT)
        self.refresh()

    # prompts -----------------------------------------------------------------

    def _question_options(self, extra: list[str] | None = None) -> list[tuple[str, str]]:
        """The *Question* list: the current section's questions, or all of them (also before and after the class)."""
        pages = None if self.all_questions.value else self._section_pages
        ids = [p for p, info in self.catalog.items() if pages is None or info.page in pages]
        ids += [p for p in extra or [] if p not in self.catalog and pages is None]
        return [(f"{pid} · {answer_summary(describe(pid, self.catalog).question, 70)}", pid) for pid in ids]

    def toggle_open(self) -> None:
        """Close the chosen question if open, reopen it if closed."""
        training_class = self.current_class
        if training_class is None or self.question.value is None:
            return
        is_open = self.store.prompt_is_open(training_class.id, self.question.value)
        self.store.set_prompt_open(training_class.id, self.question.value, not is_open)
        self.refresh()

    def _spotlight_changed(self, change: dict[str, Any]) -> None:
        """The instructor chose an answer to spotlight (or none): store it, so the slides show it too."""
        training_class = self.current_class
        if self._syncing_spotlight or training_class is None:
            return
        self.store.set_spotlight(training_class.id, self.question.value, change["new"])
        self.refresh()

    # agenda and timer ---------------------------------------------------------

    def _agenda_state(self, training_class: TrainingClass) -> tuple[list[Any], AgendaStatus]:
        rows = plan_agenda(training_class.course_plan)
        return rows, agenda_status(rows, self.store.class_progress(training_class.id), self.clock())

    def _move_to(self, step: int | None) -> None:
        """Start the class (``None``) or move ``step`` sections on (1) or back (-1)."""
        training_class = self.current_class
        if training_class is None:
            return
        with self._lock:
            pressed_at = self.ticker()
            last = self._last_move
            if last is not None and last[0] == step and pressed_at - last[1] < DOUBLE_CLICK_SECONDS:
                return  # the second half of a double click
            self._last_move = (step, pressed_at)
            rows, status = self._agenda_state(training_class)
            if not rows:
                return
            if step is None:
                if status.running:
                    return
                target: int | None = 0
            elif status.finished:
                target = len(rows) - 1 if step < 0 else None
            elif not status.running:
                return
            else:
                target = status.index + step  # type: ignore[operator]
                if target < 0:
                    return
            page = FINISHED if target is None or target >= len(rows) else page_id_of(rows[target])
            self.store.record_progress(training_class.id, page)
            self._agenda_read_at = 0.0
        self.refresh()

    def start_class(self) -> None:
        """Start the clock: the class is now in its first section."""
        self._move_to(None)

    def next_section(self) -> None:
        """Move the class on to the next section (after the last one, the class is finished)."""
        self._move_to(1)

    def previous_section(self) -> None:
        """Go back to the section before the current one."""
        self._move_to(-1)

    def _guide(self) -> dict[str, GuideSection]:
        return read_guide(config.settings().solutions_dir / GUIDE_FILE)

    def _refresh_agenda(self, training_class: TrainingClass) -> None:
        rows, status = self._agenda_state(training_class)
        _set(self.agenda_status, "value", agenda_status_html(status_text(rows, status)))
        _set(self.start_button, "disabled", status.running or status.finished or not rows)
        _set(self.next_button, "disabled", not status.running)
        _set(self.back_button, "disabled", not (status.finished or (status.running and status.index)))
        links = [slides_link(row.path, training_class.code) for row in rows]
        activity_links = {a.path: slides_link(a.path, training_class.code) for row in rows for a in row.activities}
        estimates = plan_run_of_show(training_class.course_plan)
        _set(self.agenda_list, "value", agenda_html(rows, status, links, estimates, activity_links) if rows else
             note_html(f"The course plan {training_class.course_plan} could not be read."))
        self._section_pages = section_pages(rows[status.index]) if status.running else None  # type: ignore[index]
        if status.running:
            current = page_id_of(rows[status.index])  # type: ignore[index]
            guide = guide_html(self._guide().get(current))
        elif status.finished:
            guide = note_html("The class is finished. Export its record in the Export tab.")
        else:
            first = self._guide().get(page_id_of(rows[0])) if rows else None
            intro = note_html("Press Start class when the class begins.")
            guide = join_html([intro, guide_html(first)]) if first else intro
        _set(self.guide, "value", guide)

    # export ------------------------------------------------------------------

    def export(self) -> None:
        """Export the chosen class and offer the files for download."""
        training_class = self.current_class
        if training_class is None:
            self.export_links.value = note_html("Create or pick a class first.")
            return
        self.export_links.value = export_links_html(export_class(self.store, training_class).paths)

    # refreshing --------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the store and update only the widgets whose content changed."""
        with self._lock:
            training_class = self.current_class
            if training_class is None:
                _set(self.code_board, "value", note_html("No class yet: create one in the New class tab."))
                self.sign_ins.refresh(None)
                for widget in (self.attendance, self.results, self.activities, self.assessment, self.agenda_list,
                               self.guide, self.survey):
                    _set(widget, "value", note_html("Nothing yet."))
                _set(self.agenda_status, "value", note_html("Create or pick a class to see its agenda."))
                self.rubric_panel.show(None)
                for button in (self.start_button, self.next_button, self.back_button):
                    _set(button, "disabled", True)
                return
            _set(self.code_board, "value", class_board_html(training_class))
            self.sign_ins.refresh(training_class)
            self._refresh_attendance(training_class)
            if self._agenda_read_at == 0.0 or time.monotonic() - self._agenda_read_at >= AGENDA_REFRESH_SECONDS:
                self._refresh_clock(training_class)  # first: the question list follows the section
            latest = latest_by_prompt(self.store.iter_answers(training_class.id))
            states = self.store.prompt_states_in(training_class.id)
            spotlight = self.store.spotlight(training_class.id)
            self._refresh_controls(latest, states, spotlight)
            _set(self.results, "value", self._results_html(latest, states, spotlight))
            _set(self.activities, "value",
                 activities_html(self.store, training_class.id, latest, self.store.worksheet_ids(training_class.id)))
            self.rubric_panel.show(training_class.id)
            _set(self.survey, "value", survey_html(latest, load_survey()))

    def _refresh_attendance(self, training_class: TrainingClass) -> None:
        _set(self.attendance, "value", attendance_html(class_attendance(self.store, training_class.id, self.clock())))

    def _refresh_clock(self, training_class: TrainingClass) -> None:
        """Re-read what changes with time alone: the agenda's timer and the gradebook."""
        self._agenda_read_at = time.monotonic()
        self._refresh_agenda(training_class)
        _set(self.assessment, "value", assessment_html(training_class.code))

    def _refresh_controls(self, latest: dict[str, list[Any]], states: dict[str, bool],
                          spotlight: tuple[str, int] | None) -> None:
        options = self._question_options(answered_prompt_ids(latest, self.catalog))
        if options != list(self.question.options):
            chosen = self.question.value
            self.question.options = options
            ids = [prompt_id for _label, prompt_id in options]
            _set(self.question, "value", chosen if chosen in ids else (ids[0] if ids else None))
        chosen = self.question.value
        is_open = states.get(chosen, True)
        _set(self.open_button, "description", "Close this question" if is_open else "Reopen this question")
        _set(self.open_button, "icon", "lock" if is_open else "unlock")
        _set(self.question_state, "value",
             note_html("Open: trainees can save.") if is_open else note_html("Closed: saves are refused.", "ap-closed"))
        answers = latest.get(chosen, [])
        spot = [("No spotlight", None)] + [
            (f"{trainee.name if self.show_names.value else f'Answer {n}'}: {answer_summary(answer.value)}", trainee.id)
            for n, (trainee, answer) in enumerate(answers, start=1)
        ]
        # the Spotlight list shows the stored spotlight when it is on the chosen question (set in any console)
        shown = spotlight[1] if spotlight is not None and spotlight[0] == chosen else None
        self._syncing_spotlight = True
        try:
            if spot != list(self.spotlight.options):
                self.spotlight.options = spot
            _set(self.spotlight, "value", shown if shown in [v for _l, v in spot] else None)
        finally:
            self._syncing_spotlight = False

    def _results_html(self, latest: dict[str, list[Any]], states: dict[str, bool],
                      spotlight: tuple[str, int] | None) -> str:
        ids = answered_prompt_ids(latest, self.catalog)
        ids += [p for p, is_open in states.items() if not is_open and p not in ids]
        if not ids:
            return note_html("No answers yet. They appear here as soon as trainees save them.")
        return join_html(
            prompt_html(
                describe(prompt_id, self.catalog),
                latest.get(prompt_id, []),
                is_open=states.get(prompt_id, True),
                show_names=self.show_names.value,
                spotlight=spotlight[1] if spotlight is not None and spotlight[0] == prompt_id else None,
            )
            for prompt_id in ids
        )

    def _on_tick(self) -> None:
        """Nothing was recorded for a while: re-read only what the clock changes."""
        with self._lock:
            training_class = self.current_class
            if training_class is not None:
                section = self._section_pages
                self._refresh_attendance(training_class)
                self._refresh_clock(training_class)
                if self._section_pages != section:  # moved on in another console window
                    self.refresh()

    @property
    def live(self) -> bool:
        """Whether the console still follows the store."""
        return any(subscription.active for subscription in self._subscriptions)

    def stop(self) -> None:
        """Stop following the store (closing the console does this; so does the kernel's end)."""
        for subscription in self._subscriptions:
            subscription.cancel()

    def close(self) -> None:
        """Close the console and end its live updates."""
        self.stop()
        super().close()


def console() -> Console:
    """The instructor console (one line in an instructor notebook)."""
    return Console()
