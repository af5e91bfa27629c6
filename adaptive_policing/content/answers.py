"""Checking a trainee's answer against its question before it is kept or written.

Every answer the assessment app saves or submits passes :func:`validate_answer`
first: a choice must be one of the question's own options, an ordering must be
exactly the question's items, a match may only pair listed items with listed
options, and free text is plain text within the store's length limit. Anything
else is refused with a message a trainee can act on. Only validated answers
ever reach a notebook, and there only as Python literals or escaped text.
"""

from __future__ import annotations

from typing import Any, Mapping

from .limits import MAX_TEXT_CHARS
from .questions import Question

Answer = str | list[str] | dict[str, str] | None


class InvalidAnswer(ValueError):
    """The answer does not fit the question; the message says why, in plain words."""


_CONTROL = {code: None for code in range(32) if chr(code) not in "\n\t"} | {0x7F: None}


def clean_text(text: str) -> str:
    """Free text with Windows line ends unified and control characters removed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)


def validate_answer(question: Question, value: Any) -> Answer:
    """The answer in its canonical form, ``None`` when blank; raises :class:`InvalidAnswer`."""
    kind = question.kind
    if value is None:
        return None
    if kind in ("single", "truefalse"):
        if not isinstance(value, str) or value not in question.options:
            raise InvalidAnswer("Please choose one of the answers shown.")
        return value
    if kind == "multi":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise InvalidAnswer("Please tick the answers shown.")
        if not set(value) <= set(question.options):
            raise InvalidAnswer("Please choose only from the answers shown.")
        chosen = [option for option in question.options if option in set(value)]
        return chosen or None
    if kind == "order":
        if not isinstance(value, (list, tuple)) or sorted(map(str, value)) != sorted(question.options):
            raise InvalidAnswer("Please put every item shown in order.")
        if not all(isinstance(v, str) for v in value):
            raise InvalidAnswer("Please put every item shown in order.")
        return list(value)
    if kind == "match":
        if not isinstance(value, Mapping):
            raise InvalidAnswer("Please match the items shown.")
        matched: dict[str, str] = {}
        for item in question.items:
            choice = value.get(item)
            if choice is None:
                continue
            if not isinstance(choice, str) or choice not in question.options:
                raise InvalidAnswer("Please choose matches from the list shown.")
            matched[item] = choice
        if set(value) - set(question.items):
            raise InvalidAnswer("Please match only the items shown.")
        return matched or None
    if kind == "text":
        if not isinstance(value, str):
            raise InvalidAnswer("Please type your answer as text.")
        text = clean_text(value)
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidAnswer(
                f"This answer is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
                "Please shorten it. Your text is still in the box."
            )
        return text if text.strip() else None
    raise InvalidAnswer(f"Unknown question kind {kind!r}.")


def describe_answer(question: Question, value: Answer) -> str:
    """The answer as plain text for the review screen (escape before showing as HTML)."""
    if value is None:
        return "Not answered"
    if isinstance(value, list):
        joiner = " → " if question.kind == "order" else "; "
        return joiner.join(value)
    if isinstance(value, dict):
        return "; ".join(f"{item}: {value[item]}" for item in question.items if item in value)
    return value
