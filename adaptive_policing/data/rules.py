"""The store's rules for what people type, as plain functions: no SQLAlchemy.

Class codes, names and badges, PIN hashes and the length of an answer are checked
the same way in the store's own process and in a page's kernel that reaches the
store through its server (:mod:`.remote`), so a page can check before it sends.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from ..content.limits import MAX_TEXT_CHARS
from .records import AnswerTooLong, StoreError

CLASS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CLASS_CODE_LENGTH = 6
WRONG_CODE_MESSAGE = "That class code was not found. Check the code on the board and try again."
PIN_ITERATIONS = 60_000


def normalize_class_code(code: str) -> str:
    """A class code as typed (any case, spaces or dashes) in the form it is stored."""
    return re.sub(r"[\s-]", "", code or "").upper()


def check_name_and_badge(name: str, badge: str) -> tuple[str, str]:
    """The name (spaces tidied) and badge as they are stored; a plain message when either will not do."""
    name = " ".join((name or "").split())
    badge = (badge or "").strip()
    if not name:
        raise StoreError("Please type your name.")
    if len(name) > 120:
        raise StoreError("Please shorten your name to 120 characters or fewer.")
    if not re.fullmatch(r"[A-Za-z0-9-]{1,32}", badge):
        raise StoreError("Please type your employee or badge number: letters, digits and dashes only.")
    return name, badge


def hash_pin(pin: str) -> str:
    """A salted PBKDF2 hash of a PIN, as ``pbkdf2_sha256$<iterations>$<salt>$<hash>``."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), PIN_ITERATIONS).hex()
    return f"pbkdf2_sha256${PIN_ITERATIONS}${salt}${digest}"


def pin_matches(pin: str, stored: str | None) -> bool:
    """Whether ``pin`` is the PIN hashed in ``stored`` (never, when no PIN was chosen)."""
    if not stored:
        return False
    _scheme, iterations, salt, digest = stored.split("$")
    given = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations)).hex()
    return hmac.compare_digest(given, digest)


def _longest_text(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return max((_longest_text(v) for v in value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return max((_longest_text(v) for v in value), default=0)
    return 0


def check_length(value: Any) -> None:
    """Refuse any text in ``value`` longer than :data:`MAX_TEXT_CHARS`."""
    longest = _longest_text(value)
    if longest > MAX_TEXT_CHARS:
        raise AnswerTooLong(
            f"This answer is {longest:,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
            "Please shorten it and save again. Your text is still in the box."
        )
