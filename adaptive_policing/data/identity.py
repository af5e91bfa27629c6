"""The store's side of identity: devices and their tokens, PINs, approval requests, sign-in events, class states.

A trainee may be signed in on several browsers ("devices"), each with its own
opaque token. A device ends when its browser signs out or the instructor
revokes the trainee's devices; its token then stops working. Nothing here is
ever updated or deleted: an end, a decision or a state change is a new row.

The rules (who may get a device, rate limits, closed classes) are in
:mod:`.sign_in`; this module only reads and writes.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime

import sqlalchemy as sa

from .engine import StorePart
from .records import SignInEvent, SignInRequest, Trainee
from .rules import pin_matches
from .schema import (
    as_utc, class_states, device_ends, devices, sign_in_decisions, sign_in_events, sign_in_requests, trainees, utcnow,
)

def new_token() -> str:
    return secrets.token_urlsafe(24)


def _active_devices(trainee_id: int) -> sa.Select[tuple[int]]:
    """The ids of a trainee's devices that have not ended."""
    ended = sa.select(device_ends.c.device_id)
    return sa.select(devices.c.id).where(devices.c.trainee_id == trainee_id, devices.c.id.not_in(ended))


def _moment(at: datetime | None) -> datetime:
    return as_utc(at) if at is not None else utcnow()


class Identity(StorePart):
    """Devices, PINs, approval requests, sign-in events and class open/closed states."""

    # devices -------------------------------------------------------------------

    def trainee_by_token(self, token: str | None) -> Trainee | None:
        """The trainee whose device holds ``token``, with that token; None once the device has ended."""
        if not token:
            return None
        query = (
            sa.select(trainees, devices.c.token.label("device_token"))
            .join(devices, devices.c.trainee_id == trainees.c.id)
            .where(devices.c.token == token, devices.c.id.not_in(sa.select(device_ends.c.device_id)))
        )
        with self._reading() as db:
            row = db.execute(query).mappings().first()
        if row is None:
            return None
        return Trainee(id=row["id"], class_id=row["class_id"], name=row["name"], badge=row["badge"],
                       token=row["device_token"], created_at=row["created_at"])

    def add_device(self, trainee: Trainee, via: str, at: datetime | None = None) -> Trainee:
        """Give ``trainee`` a new device; returns the trainee carrying the new device's token."""
        token = new_token()
        with self.engine.begin() as db:
            db.execute(devices.insert().values(trainee_id=trainee.id, token=token, via=via, created_at=_moment(at)))
        return dataclasses.replace(trainee, token=token)

    def end_device(self, token: str, reason: str, at: datetime | None = None) -> Trainee | None:
        """End the device holding ``token`` (``signed_out`` or ``revoked``); returns whose it was."""
        trainee = self.trainee_by_token(token)
        if trainee is None:
            return None
        with self.engine.begin() as db:
            device_id = db.execute(sa.select(devices.c.id).where(devices.c.token == token)).scalar_one()
            db.execute(device_ends.insert().values(device_id=device_id, reason=reason, ended_at=_moment(at)))
        return trainee

    def revoke_devices(self, trainee_id: int, at: datetime | None = None) -> int:
        """End every device of a trainee (the instructor's *Revoke devices*); returns how many ended."""
        with self.engine.begin() as db:
            ids = list(db.execute(_active_devices(trainee_id)).scalars())
            for device_id in ids:
                db.execute(device_ends.insert().values(device_id=device_id, reason="revoked", ended_at=_moment(at)))
        return len(ids)

    # PINs -------------------------------------------------------------------------

    def trainee_by_badge(self, class_id: int, badge: str) -> Trainee | None:
        return self._first(Trainee, trainees.select().where(trainees.c.class_id == class_id,
                                                            trainees.c.badge == badge))

    def has_pin(self, trainee_id: int) -> bool:
        with self.engine.begin() as db:
            return bool(db.execute(sa.select(trainees.c.pin_hash).where(trainees.c.id == trainee_id)).scalar())

    def pin_is(self, trainee_id: int, pin: str) -> bool:
        """Whether ``pin`` is the trainee's PIN (False when they chose none)."""
        with self.engine.begin() as db:
            stored = db.execute(sa.select(trainees.c.pin_hash).where(trainees.c.id == trainee_id)).scalar()
        return pin_matches(pin, stored)

    # sign-in events -----------------------------------------------------------------

    def record_sign_in_event(
        self, kind: str, *, class_id: int | None = None, trainee_id: int | None = None, badge: str = "",
        name_typed: str = "", client: str = "", at: datetime | None = None,
    ) -> None:
        """Record one event at the door of a class (what was typed is cut to the column's length)."""
        with self.engine.begin() as db:
            db.execute(sign_in_events.insert().values(
                class_id=class_id, trainee_id=trainee_id, kind=kind[:30], badge=(badge or "")[:32],
                name_typed=" ".join((name_typed or "").split())[:120], client=(client or "")[:64],
                created_at=_moment(at),
            ))

    def sign_in_events_in(self, class_id: int) -> list[SignInEvent]:
        """Every sign-in event of a class, oldest first."""
        return self._all(SignInEvent, sign_in_events.select().where(sign_in_events.c.class_id == class_id)
                         .order_by(sign_in_events.c.id))

    def event_times(
        self, kinds: tuple[str, ...], since: datetime, *, client: str | None = None, class_id: int | None = None,
        trainee_id: int | None = None,
    ) -> list[datetime]:
        """When events of ``kinds`` happened since ``since`` for a client, a class or a trainee, oldest first."""
        query = sa.select(sign_in_events.c.created_at).where(
            sign_in_events.c.kind.in_(kinds), sign_in_events.c.created_at >= as_utc(since))
        if client is not None:
            query = query.where(sign_in_events.c.client == client)
        if class_id is not None:
            query = query.where(sign_in_events.c.class_id == class_id)
        if trainee_id is not None:
            query = query.where(sign_in_events.c.trainee_id == trainee_id)
        with self.engine.begin() as db:
            return [as_utc(moment) for moment in db.execute(query.order_by(sign_in_events.c.id)).scalars()]

    def kinds_since_last(self, trainee_id: int, reset_kinds: tuple[str, ...]) -> list[str]:
        """The kinds of the trainee's events after their latest event of ``reset_kinds``, oldest first."""
        last = (sa.select(sa.func.max(sign_in_events.c.id))
                .where(sign_in_events.c.trainee_id == trainee_id, sign_in_events.c.kind.in_(reset_kinds))
                .scalar_subquery())
        query = (sa.select(sign_in_events.c.kind)
                 .where(sign_in_events.c.trainee_id == trainee_id,
                        sign_in_events.c.id > sa.func.coalesce(last, 0))
                 .order_by(sign_in_events.c.id))
        with self.engine.begin() as db:
            return list(db.execute(query).scalars())

    # approval requests -----------------------------------------------------------------

    def request_approval(self, trainee: Trainee, name_typed: str, client: str, at: datetime | None = None) -> int:
        """Ask the instructor to let another device in as ``trainee``; returns the request's id."""
        with self.engine.begin() as db:
            return int(db.execute(sign_in_requests.insert().values(
                class_id=trainee.class_id, trainee_id=trainee.id,
                name_typed=" ".join((name_typed or "").split())[:120], client=(client or "")[:64],
                created_at=_moment(at),
            )).inserted_primary_key[0])

    def decide_request(self, request_id: int, approved: bool, at: datetime | None = None) -> bool:
        """Approve or refuse a request; False when it was already decided (the first decision stands)."""
        try:
            with self.engine.begin() as db:
                db.execute(sign_in_decisions.insert().values(
                    request_id=request_id, approved=bool(approved), decided_at=_moment(at)))
        except sa.exc.IntegrityError:
            return False
        return True

    def request_decision(self, request_id: int) -> bool | None:
        """True (approved), False (refused) or None (still waiting)."""
        with self.engine.begin() as db:
            found = db.execute(sa.select(sign_in_decisions.c.approved)
                               .where(sign_in_decisions.c.request_id == request_id)).scalar()
        return None if found is None else bool(found)

    def request_by_id(self, request_id: int) -> SignInRequest | None:
        found = self._requests(sign_in_requests.c.id == request_id)
        return found[0] if found else None

    def pending_requests(self, class_id: int) -> list[SignInRequest]:
        """The class's requests nobody has approved or refused yet, oldest first."""
        decided = sa.select(sign_in_decisions.c.request_id)
        return self._requests(sign_in_requests.c.class_id == class_id, sign_in_requests.c.id.not_in(decided))

    def _requests(self, *where: sa.ColumnElement[bool]) -> list[SignInRequest]:
        query = (
            sa.select(sign_in_requests.c.id, sign_in_requests.c.class_id, sign_in_requests.c.trainee_id,
                      trainees.c.badge, trainees.c.name.label("stored_name"), sign_in_requests.c.name_typed,
                      sign_in_requests.c.created_at)
            .join(trainees, trainees.c.id == sign_in_requests.c.trainee_id)
            .where(*where).order_by(sign_in_requests.c.id)
        )
        return self._all(SignInRequest, query)

    # class open / closed -----------------------------------------------------------------

    def set_class_open(self, class_id: int, open: bool, at: datetime | None = None) -> None:
        """Close a class to sign-ins, or reopen it; the latest change wins."""
        with self.engine.begin() as db:
            db.execute(class_states.insert().values(class_id=class_id, open=bool(open), changed_at=_moment(at)))

    def class_state(self, class_id: int) -> tuple[bool, datetime] | None:
        """The instructor's latest open/closed change of a class and when, or None when never changed."""
        query = (sa.select(class_states.c.open, class_states.c.changed_at)
                 .where(class_states.c.class_id == class_id).order_by(class_states.c.id.desc()).limit(1))
        with self.engine.begin() as db:
            row = db.execute(query).first()
        return None if row is None else (bool(row[0]), as_utc(row[1]))
