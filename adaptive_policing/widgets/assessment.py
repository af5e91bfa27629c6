"""The assessment as a Voilà app: one question at a time, a review screen, then submit.

``assessment()`` on the course page ``09-assessment-of-learning`` shows the
released assessment's questions one at a time with radio buttons, check boxes,
an ordering control (Move up / Move down), drop-downs for matching and text
areas, a progress bar, and a review screen listing every answer before the
trainee submits; Submit first lists any unanswered questions and asks to
confirm. Each change is saved to the response store straight away
(prompt ``assessment:<assignment>``), so a trainee who closes the page and
comes back finds their answers; a written answer is saved about a second after
the trainee stops typing (and at once when the page is hidden or closed), not on
every keystroke, and its text is kept on the device meanwhile
(``static/drafts.js``). Submitting writes an nbgrader submission (see
:mod:`.submission`) and records it in the store as well. It happens once per
click burst: the buttons are disabled while it runs, and the same answers
submitted again within seconds (a double click) are ignored.

Once ``make grade`` has graded the trainee's answers, the page offers *Show my
feedback*: the trainee's own feedback (question, answer, right or not, points,
the grader's comment, an explanation for a wrong answer), built from the
gradebook for the student id of the signed-in trainee only
(:func:`adaptive_policing.grading.trainee_feedback.trainee_feedback`), so no
trainee can reach another's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import ipywidgets as widgets
import nbformat

from .. import config
from ..data.records import StoreError, Trainee
from ..views.clock import local_time
from ..views.render import render
from .common import (
    PREVIEW_MESSAGE, SAVE_CLASS, Participant, StatusLine, field_key, flush_button, fragment, keep_on_device,
)
from .drafts import DraftTimer
from ..content.answers import Answer, InvalidAnswer, describe_answer, validate_answer
from ..content.questions import ASSIGNMENT, Question, questions_in, release_notebook_path
from ..grading.course import GradingPaths
from ..grading.submission import fill_notebook, grading_dir, recent_duplicate, student_id, write_submission
from ..grading.trainee_feedback import is_graded
from ..views.trainee_feedback import feedback_fragment

if TYPE_CHECKING:
    from ..data.store import ResponseStore

PROGRESS_PREFIX = "assessment:"
SUBMITTED_PREFIX = "assessment-submitted:"
CHOOSE = "Choose…"


class QuestionControl(widgets.VBox):
    """The answer control for one question; calls ``on_change(answer)`` when it changes."""

    def __init__(self, question: Question, on_change: Callable[[Answer], None]) -> None:
        self.question = question
        self._on_change = on_change
        self._quiet = False
        self.order: list[str] | None = None
        self.accepted_text: str | None = None
        """For a written answer: the text in the box when its answer was last saved."""
        self.typing: DraftTimer | None = None
        kind = question.kind
        if kind in ("single", "truefalse"):
            self.radio = widgets.RadioButtons(options=question.options, value=None, layout=widgets.Layout(width="auto"))
            self.radio.observe(self._changed, names="value")
            children: list[widgets.Widget] = [self.radio]
        elif kind == "multi":
            self.checks = [
                widgets.Checkbox(value=False, description=o, indent=False, layout=widgets.Layout(width="auto"))
                for o in question.options
            ]
            for check in self.checks:
                check.observe(self._changed, names="value")
            children = [fragment("note", text="Choose all that apply."), *self.checks]
        elif kind == "order":
            self.order_box = widgets.VBox()
            self.keep = widgets.Button(description="This order is my answer", icon="check")
            self.keep.on_click(lambda _b: self._set_order(self._current_order()))
            children = [fragment("note", text="Use Move up and Move down to put the items in order, first at the top."),
                        self.order_box, self.keep]
            self._draw_order(list(question.options))
        elif kind == "match":
            self.drops = {}
            rows = []
            for item in question.items:
                drop = widgets.Dropdown(options=[(CHOOSE, "")] + [(o, o) for o in question.options], value="",
                                        description=item, layout=widgets.Layout(width="auto"),
                                        style={"description_width": "initial"})
                drop.observe(self._changed, names="value")
                self.drops[item] = drop
                rows.append(drop)
            children = rows
        else:
            self.text = widgets.Textarea(placeholder="Type your answer here.", continuous_update=True,
                                         layout=widgets.Layout(width="100%", height="10em"))
            self.text.add_class("ap-field")
            self.typing = DraftTimer(lambda: self._on_change(self.value))
            self.text.observe(self._typed, names="value")
            children = [self.text]
        super().__init__(children=children)
        self.add_class(f"ap-assessment-{kind}")

    # ordering ------------------------------------------------------------------

    def _current_order(self) -> list[str]:
        return list(self.order) if self.order is not None else list(self._shown)

    def _draw_order(self, items: list[str]) -> None:
        self._shown = items
        rows = []
        for index, item in enumerate(items):
            up = widgets.Button(description="Move up", icon="arrow-up", disabled=index == 0,
                                tooltip=f"Move up: {item}", layout=widgets.Layout(width="auto"))
            down = widgets.Button(description="Move down", icon="arrow-down", disabled=index == len(items) - 1,
                                  tooltip=f"Move down: {item}", layout=widgets.Layout(width="auto"))
            up.on_click(lambda _b, i=index: self.move(i, -1))
            down.on_click(lambda _b, i=index: self.move(i, +1))
            label = fragment("assessment_order_item", number=index + 1, item=item)
            rows.append(widgets.HBox([label, up, down]))
        self.order_box.children = rows

    def move(self, index: int, step: int) -> None:
        """Move the item at ``index`` up (-1) or down (+1); this makes the order an answer."""
        items = self._current_order()
        other = index + step
        if 0 <= index < len(items) and 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        self._set_order(items)

    def _set_order(self, items: list[str]) -> None:
        self.order = items
        self._draw_order(items)
        if not self._quiet:
            self._on_change(self.value)

    # value ------------------------------------------------------------------------

    @property
    def value(self) -> Any:
        kind = self.question.kind
        if kind in ("single", "truefalse"):
            return self.radio.value
        if kind == "multi":
            return [c.description for c in self.checks if c.value] or None
        if kind == "order":
            return list(self.order) if self.order is not None else None
        if kind == "match":
            return {item: d.value for item, d in self.drops.items() if d.value} or None
        return self.text.value

    @value.setter
    def value(self, answer: Answer) -> None:
        self._quiet = True
        try:
            kind = self.question.kind
            if kind in ("single", "truefalse"):
                self.radio.value = answer if answer in self.question.options else None
            elif kind == "multi":
                chosen = set(answer or [])
                for check in self.checks:
                    check.value = check.description in chosen
            elif kind == "order":
                self.order = list(answer) if answer else None
                self._draw_order(list(answer) if answer else list(self.question.options))
            elif kind == "match":
                matched = answer if isinstance(answer, dict) else {}
                for item, drop in self.drops.items():
                    drop.value = matched.get(item, "")
            else:
                self.text.value = str(answer or "")
                self.accepted_text = self.text.value
        finally:
            self._quiet = False

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self._on_change(self.value)

    def _typed(self, _change: dict[str, Any]) -> None:
        """A keystroke in a written answer: it is saved once the typing pauses (see :class:`.drafts.DraftTimer`)."""
        if not self._quiet and self.typing is not None:
            self.typing.touch()


class AssessmentApp(widgets.VBox):
    """The whole assessment for the signed-in trainee."""

    def __init__(
        self,
        *,
        assignment: str = ASSIGNMENT,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        release_path: Any = None,
    ) -> None:
        self.assignment = assignment
        self.participant = Participant(store, trainee)
        self.release = nbformat.read(release_path or release_notebook_path(assignment=assignment), as_version=4)
        self.questions = questions_in(self.release)
        self.by_id = {q.id: q for q in self.questions}
        self.answers: dict[str, Answer] = {}
        self.index = 0
        self.mode = "question"

        self.progress = widgets.IntProgress(value=0, min=0, max=len(self.questions), description="Answered")
        self.progress_text = widgets.HTML("")
        self.heading = widgets.HTML("")
        self.holder = widgets.VBox()
        self.status = StatusLine()
        self.prev_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right", button_style="primary")
        self.review_button = widgets.Button(description="Review answers", icon="list")
        self.submit_button = widgets.Button(description="Submit assessment", icon="paper-plane", button_style="success")
        self.submit_button.add_class(SAVE_CLASS)
        self.prev_button.on_click(lambda _b: self.go_to(self.index - 1))
        self.next_button.on_click(lambda _b: self.go_to(self.index + 1))
        self.review_button.on_click(lambda _b: self.show_review())
        self.submit_button.on_click(lambda _b: self.confirm_submit())
        self.final_button = widgets.Button(description="Yes, submit now", icon="paper-plane", button_style="success",
                                           layout=widgets.Layout(width="auto"))
        self.back_button = widgets.Button(description="Go back to my answers", icon="arrow-left",
                                          layout=widgets.Layout(width="auto"))
        self.final_button.on_click(lambda _b: self.submit())
        self.feedback_button = widgets.Button(description="Show my feedback", icon="comment",
                                              layout=widgets.Layout(width="auto"))
        self.feedback_button.on_click(lambda _b: self.show_feedback())
        self.feedback_view = widgets.HTML("")
        self.feedback = widgets.VBox([])
        self.back_button.on_click(lambda _b: self.show_review())
        self._submitting = False
        self.nav = widgets.HBox([self.prev_button, self.next_button, self.review_button])
        self.controls = {q.id: QuestionControl(q, lambda v, q=q: self.answer(q.id, v)) for q in self.questions}
        trainee = self.participant.trainee
        for qid, control in self.controls.items():
            if trainee is not None and control.typing is not None:
                keep_on_device(control.text, field_key(trainee, self.store_key, qid))
                control.text.observe(lambda _change: self._mark_typing(), names="value")
        flush = flush_button(self.flush_typing)
        # Page 09 is the core assessment's own page; elsewhere (the window module's last page) it needs its title.
        title = [] if assignment == ASSIGNMENT else [fragment("heading", text=self.release.metadata.get("title", ""))]
        super().__init__(children=[*title, self.progress, self.progress_text, self.heading, self.holder, self.nav,
                                   flush,
                                   self.status, self.feedback])
        self.add_class("ap-assessment")
        self._restore()
        self.go_to(0)
        self._offer_feedback()

    # state ------------------------------------------------------------------------

    @property
    def store_key(self) -> str:
        return PROGRESS_PREFIX + self.assignment

    def answered(self) -> int:
        return sum(1 for q in self.questions if self.answers.get(q.id) is not None)

    def _restore(self) -> None:
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return
        saved = self.participant.store.latest_answer(self.participant.trainee, self.store_key)
        values = saved.value.get("answers", {}) if saved and isinstance(saved.value, dict) else {}
        for qid, value in values.items():
            question = self.by_id.get(qid)
            if question is None:
                continue
            try:
                self.answers[qid] = validate_answer(question, value)
            except InvalidAnswer:
                continue
            self.controls[qid].value = self.answers[qid]
        if saved is not None:
            self.status.show(f"Your answers saved at {local_time(saved.created_at)} are shown.", "saved")
        submitted = self.participant.store.latest_answer(self.participant.trainee, SUBMITTED_PREFIX + self.assignment)
        if submitted is not None:
            self.status.show(
                f"You submitted this assessment at {local_time(submitted.created_at)}. "
                "You may change answers and submit again; your latest submission is the one graded.",
                "saved",
            )

    def answer(self, qid: str, value: Any) -> bool:
        """Record (and save) an answer to question ``qid``; returns whether it was accepted."""
        question = self.by_id[qid]
        control = self.controls[qid]
        try:
            checked = validate_answer(question, value)
        except InvalidAnswer as problem:
            self.status.show(f"Not saved: {problem}", "error")
            return False
        self.answers[qid] = checked
        self._update_progress()
        earlier = control.accepted_text
        if control.typing is not None:
            control.accepted_text = control.text.value
        if not self._save():
            control.accepted_text = earlier
            return False
        return True

    def _confirmed_texts(self) -> dict[str, str]:
        """Each written answer's device key and the text the server last saved from its box."""
        trainee = self.participant.trainee
        if trainee is None:
            return {}
        return {field_key(trainee, self.store_key, qid): control.accepted_text
                for qid, control in self.controls.items() if control.accepted_text is not None}

    def _mark_typing(self) -> None:
        if self.participant.signed_in:
            self.status.show("Not saved yet: your answer is saved when you pause typing.", "info")

    def flush_typing(self) -> None:
        """Save every written answer typed since the last save now (the page is being hidden or closed)."""
        for control in self.controls.values():
            if control.typing is not None:
                control.typing.flush()

    def _save(self) -> bool:
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return False
        try:
            saved = self.participant.store.save_answer(
                self.participant.trainee, self.store_key, {"answers": dict(self.answers)}
            )
        except StoreError as problem:
            self.status.show(f"Not saved: {problem}", "error")
            return False
        self.status.show(f"Answer saved at {local_time(saved.created_at)}.", "saved", confirmed=self._confirmed_texts())
        return True

    def _update_progress(self) -> None:
        done = self.answered()
        self.progress.value = done
        where = f"Question {self.index + 1} of {len(self.questions)}" if self.mode == "question" else "Review"
        where = "Submit" if self.mode == "confirm" else where
        self.progress_text.value = render(
            "trainee/assessment_progress.html.j2", where=where, done=done, total=len(self.questions)
        )

    # screens ------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Show question number ``index + 1`` (clamped to the first and last); what was typed is saved first."""
        self.flush_typing()
        self.mode = "question"
        self.index = max(0, min(index, len(self.questions) - 1))
        question = self.questions[self.index]
        self.heading.value = render(
            "trainee/assessment_question.html.j2",
            number=question.number,
            total=len(self.questions),
            section=question.section_title,
            points=f"{question.points:g}",
            plural=question.points != 1,
            hand_graded=question.kind == "text",
            prompt=question.prompt,
        )
        self.holder.children = [self.controls[question.id]]
        self.prev_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.questions) - 1
        self.nav.children = [self.prev_button, self.next_button, self.review_button]
        self._update_progress()

    def _review_context(self) -> dict[str, Any]:
        rows = [
            {"prompt": q.prompt, "answered": self.answers.get(q.id) is not None,
             "answer": describe_answer(q, self.answers.get(q.id))}
            for q in self.questions
        ]
        return {"rows": rows, "missing": len(self.questions) - self.answered()}

    def review_html(self) -> str:
        """Every question with the trainee's answer, and how many are unanswered."""
        return render("trainee/assessment_review.html.j2", **self._review_context())

    def show_review(self) -> None:
        """The review screen: every answer, a way back to any question, and Submit."""
        self.flush_typing()
        self.mode = "review"
        self.heading.value = self.review_html()
        jump = widgets.Dropdown(
            options=[(f"{q.number}. {q.prompt[:70]}", i) for i, q in enumerate(self.questions)],
            description="Change answer to", style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        go = widgets.Button(description="Go to question", icon="pencil")
        go.on_click(lambda _b: self.go_to(int(jump.value)))
        self.holder.children = [widgets.HBox([jump, go]),
                                fragment("note", text="When you are ready, submit. You may submit again later; "
                                                      "your latest submission is the one graded.")]
        self.nav.children = [self.submit_button]
        self.submit_button.disabled = not self.participant.signed_in
        self._update_progress()

    # submitting ------------------------------------------------------------------------

    def unanswered(self) -> list[Question]:
        """The questions without an answer, in order."""
        return [q for q in self.questions if self.answers.get(q.id) is None]

    def confirm_submit(self) -> None:
        """The confirmation before the final submit: lists every unanswered question."""
        self.mode = "confirm"
        self.heading.value = render("trainee/assessment_confirm.html.j2", total=len(self.questions),
                                    unanswered=[(q.number, q.prompt) for q in self.unanswered()])
        self.holder.children = []
        self.final_button.disabled = not self.participant.signed_in
        self.nav.children = [self.back_button, self.final_button]
        self._update_progress()

    def _busy(self, busy: bool) -> None:
        self._submitting = busy
        for button in (self.submit_button, self.final_button, self.back_button):
            button.disabled = busy

    def submit(self) -> bool:
        """Write the nbgrader submission; returns whether it was written (or had just been, a duplicate)."""
        self.flush_typing()
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return False
        if self._submitting:
            return False
        self._busy(True)
        try:
            return self._submit()
        finally:
            self._busy(False)

    def _student(self) -> str:
        """The signed-in trainee's own nbgrader student id (raises ``ValueError`` if none can be made)."""
        trainee = self.participant.trainee
        training_class = self.participant.store.class_by_id(trainee.class_id)
        return student_id(training_class.code if training_class else "class", trainee.badge)

    def _grading_paths(self) -> GradingPaths:
        return GradingPaths.default().for_assignment(self.assignment)

    def _offer_feedback(self) -> None:
        """Offer *Show my feedback* once this trainee's answers have been graded."""
        if not self.participant.signed_in:
            return
        try:
            graded = is_graded(self._grading_paths(), self._student())
        except (ValueError, StoreError):
            graded = False
        if graded:
            self.feedback.children = [fragment("note", text="Your assessment has been graded."),
                                      self.feedback_button, self.feedback_view]

    def show_feedback(self) -> bool:
        """Show the signed-in trainee's own feedback, as the gradebook holds it now; returns whether it is shown."""
        from ..grading.trainee_feedback import trainee_feedback

        if not self.participant.signed_in:
            return False
        try:
            sheet = trainee_feedback(self._grading_paths(), self._student(), config.settings().pass_percent)
        except (ValueError, OSError, StoreError):
            sheet = None
        if sheet is None:
            self.status.show("Your feedback is not ready yet. Please ask your instructor.", "warning")
            return False
        self.feedback_view.value = feedback_fragment(sheet)
        self.feedback_button.description = "Show my feedback again"
        return True

    def _submit(self) -> bool:
        trainee = self.participant.trainee
        store = self.participant.store
        try:
            sid = self._student()
            filled = fill_notebook(self.release, self.answers)
            if recent_duplicate(filled, sid, root=grading_dir(), assignment=self.assignment) is not None:
                return True  # a double click: the first click's submission stands
            folder = write_submission(filled, sid, root=grading_dir(), assignment=self.assignment)
            saved = store.save_answer(
                trainee, SUBMITTED_PREFIX + self.assignment,
                {"student_id": sid, "answers": dict(self.answers), "timestamp": (folder / "timestamp.txt").read_text()},
            )
        except (InvalidAnswer, StoreError, OSError, ValueError) as problem:
            self.status.show(f"Your assessment could not be submitted: {problem} Please tell your instructor.", "error")
            return False
        self.nav.children = [self.review_button]
        self.status.show(
            f"Submitted at {local_time(saved.created_at)}. Thank you: your answers have been sent for grading.",
            "saved",
        )
        self.heading.value = render(
            "trainee/assessment_submitted.html.j2", saved_at=local_time(saved.created_at), **self._review_context()
        )
        return True


def assessment(assignment: str = ASSIGNMENT) -> AssessmentApp:
    """An assessment for the signed-in trainee (one line in a notebook).

    ``assessment()`` is the course's Assessment of Learning (page 09);
    ``assessment("district-window-assessment")`` is the district-window module's
    own check, on its last page (11).
    """
    return AssessmentApp(assignment=assignment)
