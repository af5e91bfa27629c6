"""Who may sign in, and as whom: the rules at the door of a class.

One trainee, one person. The first sign-in for a badge number in a class creates
the trainee and gives that browser a device token. A later sign-in with the same
badge from a browser that does not hold one of that trainee's tokens gets in only
with the trainee's 4-digit PIN or the instructor's approval; after
:attr:`Limits.pin_tries` wrong PINs in a row only the instructor can approve.

Guessing stops: wrong class codes and wrong PINs are counted per client address
and (wrong PINs) per class within :attr:`Limits.window_seconds`; past the limit
the answer says when to try again. A class the instructor closed, or a class
from an earlier day that nobody reopened today, refuses sign-ins.

Every outcome is recorded as a sign-in event (the class record and the export
read them). Times come from ``clock`` so tests can move time on.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Literal

from .records import StoreError, Trainee, TrainingClass
from .rules import CLASS_CODE_LENGTH, WRONG_CODE_MESSAGE, check_name_and_badge, hash_pin, normalize_class_code

if TYPE_CHECKING:
    from .store import ResponseStore

WINDOW_ENV = "ADAPTIVE_POLICING_SIGN_IN_WINDOW"
"""Seconds over which wrong codes and PINs are counted (default 300; tests use a few seconds)."""

FAILURES = ("wrong_code", "wrong_pin")
SUCCESSES = ("signed_in", "signed_in_again", "signed_in_with_pin", "signed_in_with_approval")


@dataclass(frozen=True)
class Limits:
    """How many wrong attempts are allowed, and over how long."""

    window_seconds: float = 300.0
    per_client: int = 10
    """Wrong codes or PINs from one client address within the window."""
    per_class: int = 30
    """Wrong PINs in one class within the window, from any address."""
    pin_tries: int = 5
    """Wrong PINs in a row for one trainee before only the instructor can approve."""

    @classmethod
    def from_environment(cls) -> "Limits":
        window = os.environ.get(WINDOW_ENV)
        return cls(window_seconds=float(window)) if window else cls()


Status = Literal["signed_in", "needs_pin_or_approval", "needs_approval", "waiting", "refused"]


@dataclass(frozen=True)
class Outcome:
    """What the door says: signed in (with the trainee and this browser's token), or why not yet."""

    status: Status
    message: str = ""
    trainee: Trainee | None = None
    retry_at: datetime | None = None

    @property
    def signed_in(self) -> bool:
        return self.status == "signed_in"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def valid_pin(pin: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", pin or ""))


def _when(moment: datetime, now: datetime) -> str:
    """'at 10:47 (in 4 minutes)' in local time."""
    seconds = max(1, int((moment - now).total_seconds() + 0.999))
    wait = f"{seconds} seconds" if seconds < 90 else f"{round(seconds / 60)} minutes"
    return f"at {moment.astimezone():%H:%M:%S} (in {wait})"


class SignInDesk:
    """The door of every class, for one page: sign in, PINs, approvals and sign-out.

    ``client`` is the address of the browser (empty when unknown); ``clock`` tells the time.
    """

    def __init__(
        self, store: ResponseStore, *, client: str = "", limits: Limits | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.client = client or ""
        self.limits = limits or Limits.from_environment()
        self.clock = clock

    # the rules ------------------------------------------------------------------------

    def closed_reason(self, training_class: TrainingClass) -> str | None:
        """Why the class refuses sign-ins now (closed, or from an earlier day), or None when open."""
        state = self.store.class_state(training_class.id)
        today = self.clock().astimezone().date()
        if state is not None:
            is_open, changed_at = state
            if not is_open:
                return "This class is closed to sign-ins. Ask the instructor."
            if changed_at.astimezone().date() == today:
                return None  # reopened today
        if training_class.class_date != today:
            return (f"This class was held on {training_class.class_date:%d %b %Y} and no longer takes "
                    "sign-ins. Ask the instructor for today's class code.")
        return None

    def _blocked_until(self, training_class: TrainingClass | None) -> datetime | None:
        """When this client may try again, if it has had too many wrong attempts (or the class has)."""
        now = self.clock()
        window = timedelta(seconds=self.limits.window_seconds)
        since = now - window
        limits: list[tuple[list[datetime], int]] = [
            (self.store.event_times(FAILURES, since, client=self.client), self.limits.per_client)]
        if training_class is not None:
            limits.append((self.store.event_times(("wrong_pin",), since, class_id=training_class.id),
                           self.limits.per_class))
        until = [times[-limit] + window for times, limit in limits if len(times) >= limit]
        return max(until) if until else None

    def _refuse_if_blocked(self, training_class: TrainingClass | None) -> Outcome | None:
        until = self._blocked_until(training_class)
        if until is None:
            return None
        return Outcome("refused", f"Too many wrong attempts. Please try again {_when(until, self.clock())}.",
                       retry_at=until)

    def _pin_locked(self, trainee: Trainee) -> bool:
        kinds = self.store.kinds_since_last(trainee.id, SUCCESSES)
        return kinds.count("wrong_pin") >= self.limits.pin_tries

    def _event(self, kind: str, training_class: TrainingClass | None, trainee: Trainee | None,
               badge: str, name: str) -> None:
        self.store.record_sign_in_event(
            kind, class_id=training_class.id if training_class else None,
            trainee_id=trainee.id if trainee else None, badge=badge, name_typed=name, client=self.client,
            at=self.clock())

    def class_for_code(self, class_code: str) -> TrainingClass | None:
        """The class a typed code names, so the form can show its date, place and instructor before signing in.

        None for a code that is not complete yet, for an unknown code (counted as a wrong
        code, as a sign-in with it would be) and while this client is refused for too many
        wrong attempts: looking codes up is no quicker a way to guess them than signing in.
        """
        if len(normalize_class_code(class_code)) != CLASS_CODE_LENGTH or self._blocked_until(None) is not None:
            return None
        training_class = self.store.class_by_code(class_code)
        if training_class is None:
            self._event("wrong_code", None, None, "", "")
        return training_class

    # signing in -----------------------------------------------------------------------------

    def sign_in(self, class_code: str, name: str, badge: str, *, pin: str = "",
                browser_tokens: Iterable[str] = ()) -> Outcome:
        """Sign in with what the form holds.

        ``browser_tokens`` are the tokens this browser already holds (address and cookie):
        holding one of the trainee's own tokens signs them straight in. ``pin`` is the
        trainee's PIN: chosen now by a new trainee (optional), or typed to sign in on
        another device.
        """
        try:
            name, badge = check_name_and_badge(name, badge)
        except StoreError as problem:
            return Outcome("refused", str(problem))
        pin = (pin or "").strip()
        if pin and not valid_pin(pin):
            return Outcome("refused", "A PIN is 4 digits, for example 2580.")
        training_class = self.store.class_by_code(class_code)
        blocked = self._refuse_if_blocked(training_class)
        if blocked:
            return blocked
        if training_class is None:
            self._event("wrong_code", None, None, badge, name)
            return self._refuse_if_blocked(None) or Outcome("refused", WRONG_CODE_MESSAGE)
        existing = self.store.trainee_by_badge(training_class.id, badge)
        if existing is not None:
            for token in browser_tokens:
                held = self.store.trainee_by_token(token)
                if held is not None and held.id == existing.id:
                    self._event("signed_in_again", training_class, held, badge, name)
                    return Outcome("signed_in", trainee=held)
        closed = self.closed_reason(training_class)
        if closed:
            self._event("refused_closed", training_class, existing, badge, name)
            return Outcome("refused", closed)
        if existing is None:
            trainee = self.store.enroll(training_class, name, badge, pin_hash=hash_pin(pin) if pin else None)
            if trainee is not None:
                self._event("signed_in", training_class, trainee, badge, name)
                return Outcome("signed_in", trainee=trainee)
            # someone signed in with this badge at the same moment: this browser is a second device
            existing = self.store.trainee_by_badge(training_class.id, badge)
            assert existing is not None
        return self._second_device(training_class, existing, name, badge, pin)

    def _second_device(self, training_class: TrainingClass, trainee: Trainee, name: str, badge: str,
                       pin: str) -> Outcome:
        if self._pin_locked(trainee):
            return Outcome("needs_approval", "Too many wrong PINs for this badge number. Ask the instructor to "
                           "approve this device.", trainee=None)
        if not pin:
            if not self.store.has_pin(trainee.id):
                return Outcome("needs_approval", "This badge number is already signed in on another device. "
                               "Ask the instructor to approve this device.")
            return Outcome("needs_pin_or_approval", "This badge number is already signed in on another device. "
                           "Type your 4-digit PIN, or ask the instructor to approve this device.")
        if self.store.pin_is(trainee.id, pin):
            device = self.store.add_device(trainee, "pin", at=self.clock())
            self._event("signed_in_with_pin", training_class, trainee, badge, name)
            return Outcome("signed_in", trainee=device)
        self._event("wrong_pin", training_class, trainee, badge, name)
        blocked = self._refuse_if_blocked(training_class)
        if self._pin_locked(trainee):
            return Outcome("needs_approval", "That PIN is not right, and that was the last try. Ask the "
                           "instructor to approve this device.")
        if blocked:
            return blocked
        left = self.limits.pin_tries - self.store.kinds_since_last(trainee.id, SUCCESSES).count("wrong_pin")
        return Outcome("needs_pin_or_approval", f"That PIN is not right. {left} tries left, or ask the "
                       "instructor to approve this device.")

    # approval by the instructor -----------------------------------------------------------------

    def ask_instructor(self, class_code: str, name: str, badge: str) -> int | None:
        """Ask the instructor to let this browser in as the trainee with ``badge``; the request's id."""
        try:
            name, badge = check_name_and_badge(name, badge)
        except StoreError:
            return None
        training_class = self.store.class_by_code(class_code)
        trainee = self.store.trainee_by_badge(training_class.id, badge) if training_class else None
        if training_class is None or trainee is None:
            return None
        request_id = self.store.request_approval(trainee, name, self.client, at=self.clock())
        self._event("approval_requested", training_class, trainee, badge, name)
        return request_id

    def answer(self, request_id: int) -> Outcome:
        """The instructor's answer to a request: signed in (a new device), refused, or still waiting."""
        decision = self.store.request_decision(request_id)
        request = self.store.request_by_id(request_id)
        if decision is None or request is None:
            return Outcome("waiting", "Waiting for the instructor to approve this device…")
        if not decision:
            return Outcome("refused", "The instructor did not approve this device. Ask them if this is a mistake.")
        trainee = self.store.trainee_by_id(request.trainee_id)
        assert trainee is not None
        device = self.store.add_device(trainee, "approval", at=self.clock())
        training_class = self.store.class_by_id(trainee.class_id)
        self._event("signed_in_with_approval", training_class, trainee, trainee.badge, request.name_typed)
        return Outcome("signed_in", trainee=device)

    # signing out --------------------------------------------------------------------------------

    def sign_out(self, token: str) -> Trainee | None:
        """End this browser's device; returns whose it was (None when the token no longer worked)."""
        trainee = self.store.end_device(token, "signed_out", at=self.clock())
        if trainee is not None:
            self._event("signed_out", self.store.class_by_id(trainee.class_id), trainee, trainee.badge, trainee.name)
        return trainee


def decide(store: ResponseStore, request_id: int, approved: bool) -> bool:
    """The instructor approves or refuses a request (recorded as an event); False if already decided."""
    request = store.request_by_id(request_id)
    if request is None or not store.decide_request(request_id, approved):
        return False
    store.record_sign_in_event("approved" if approved else "refused", class_id=request.class_id,
                               trainee_id=request.trainee_id, badge=request.badge, name_typed=request.name_typed)
    return True


def revoke(store: ResponseStore, trainee: Trainee) -> int:
    """The instructor ends every device of a trainee (recorded as an event); how many ended."""
    ended = store.revoke_devices(trainee.id)
    store.record_sign_in_event("devices_revoked", class_id=trainee.class_id, trainee_id=trainee.id,
                               badge=trainee.badge, name_typed=trainee.name)
    return ended


def set_class_open(store: ResponseStore, training_class: TrainingClass, open: bool) -> None:
    """The instructor closes a class to sign-ins, or reopens it (recorded as an event)."""
    store.set_class_open(training_class.id, open)
    store.record_sign_in_event("class_reopened" if open else "class_closed", class_id=training_class.id)
