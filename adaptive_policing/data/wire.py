"""The store's calls and answers as JSON, for a page kernel that reaches the store through its server.

A call's arguments and its result are the store's own values: numbers, text, lists,
tuples, dictionaries, dates and times, and the records of :mod:`.records`. JSON has
no tuple, date or record, and its object keys are only text, so every JSON object on
the wire is a tag with exactly one key saying what it holds::

    {"tuple": [...]}              {"dict": [[key, value], ...]}
    {"datetime": "2026-11-26T09:00:00+00:00"}    {"date": "2026-11-26"}
    {"record": ["Trainee", [[field, value], ...]]}

A trainee's own dictionary (a worksheet's fields, say) is always sent as a ``dict``
tag, so no text a trainee types can pass for a tag. Only the records and errors of
:mod:`.records` are ever rebuilt; anything else is refused with :class:`WireError`.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from . import records
from .records import StoreError

RECORDS: dict[str, type] = {
    name: value for name, value in vars(records).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
}
"""The records a call may carry, by class name."""
ERRORS: dict[str, type[StoreError]] = {
    name: value for name, value in vars(records).items() if isinstance(value, type) and issubclass(value, StoreError)
}
"""The store's errors, by class name: their messages are meant for the person who typed."""


class WireError(ValueError):
    """A value that cannot be sent, or a message that is not a well-formed call or answer."""


def encode(value: Any) -> Any:
    """``value`` as plain JSON data (see the module's tags)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    kind = type(value).__name__
    if RECORDS.get(kind) is type(value):
        return {"record": [kind, [[field.name, encode(getattr(value, field.name))]
                                  for field in dataclasses.fields(value)]]}
    raise WireError(f"a {kind} cannot be sent to or from the store")


def decode(data: Any) -> Any:
    """The value that :func:`encode` made ``data`` from."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("not a value the store sends")
    ((tag, content),) = data.items()
    try:
        if tag == "tuple":
            return tuple(decode(item) for item in content)
        if tag == "dict":
            return {_key(decode(key)): decode(item) for key, item in content}
        if tag == "datetime":
            return datetime.fromisoformat(content)
        if tag == "date":
            return date.fromisoformat(content)
        if tag == "record":
            kind, fields = content
            return RECORDS[kind](**{name: decode(item) for name, item in fields})
    except (KeyError, TypeError, ValueError) as error:
        raise WireError(f"a malformed {tag!r} value") from error
    raise WireError(f"an unknown tag {tag!r}")


def _key(key: Any) -> Any:
    if isinstance(key, (list, dict)):
        raise WireError("a dictionary key must be a plain value or a tuple")
    return key


def error_message(error: StoreError) -> dict[str, list[str]]:
    """The answer that carries a store error to the page that made the call."""
    return {"error": [type(error).__name__, str(error)]}


def error_from(content: Any) -> StoreError:
    """The store error an :func:`error_message` carried (a plain :class:`StoreError` if its kind is unknown)."""
    try:
        kind, message = content
    except (TypeError, ValueError) as error:
        raise WireError("a malformed error") from error
    return ERRORS.get(kind, StoreError)(str(message))
