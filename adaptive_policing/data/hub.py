"""Department mode: hub users and their groups mapped to classes and trainees.

Behind JupyterHub nobody types a class code. A hub group ``trainees-<class code>``
holds the trainees of one class and ``instructors-<class code>`` the instructors who
see it in the console (:data:`adaptive_policing.config.TRAINEE_GROUP_PREFIX`,
:data:`~adaptive_policing.config.INSTRUCTOR_GROUP_PREFIX`). The class is opened in the
store, with that code, the first time a group names it. A hub user in a class's trainee
group is that class's trainee whose badge is :func:`hub_badge` of the user's name, put
on the roster on first arrival. The user name and groups come from the hub (the
server authenticated the request through the hub's OAuth); nothing here trusts a
browser.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import config
from .records import Trainee, TrainingClass
from .rules import normalize_class_code

if TYPE_CHECKING:
    from .store import ResponseStore

HUB_CLASS_CODE = re.compile(r"[A-Z0-9]{3,12}")
"""What a class code taken from a hub group may look like (the store keeps up to 12 characters)."""
BADGE = re.compile(r"[A-Za-z0-9-]{1,32}")


def class_codes(groups: Iterable[str], prefix: str) -> list[str]:
    """The class codes that the groups starting with ``prefix`` name, normalised, in order, each once.

    A group whose rest is not a possible class code (e.g. ``trainees-`` alone) names none.
    """
    codes: list[str] = []
    for group in groups:
        if not group.startswith(prefix):
            continue
        code = normalize_class_code(group[len(prefix):])
        if HUB_CLASS_CODE.fullmatch(code) and code not in codes:
            codes.append(code)
    return codes


def hub_badge(username: str) -> str:
    """The roster badge of a hub user: the user name when it fits a badge, else a stable ``hub-`` digest of it."""
    if BADGE.fullmatch(username):
        return username
    return "hub-" + hashlib.sha256(username.encode()).hexdigest()[:24]


def hub_class(store: ResponseStore, code: str) -> TrainingClass:
    """The class with ``code``, opened in the store if no class has that code yet."""
    return store.class_by_code(code) or store.create_class(code=code)


def classes_of(store: ResponseStore, groups: Iterable[str], prefix: str) -> list[TrainingClass]:
    """The classes the groups with ``prefix`` name (each opened if new), newest first."""
    found = [hub_class(store, code) for code in class_codes(groups, prefix)]
    return sorted(found, key=lambda training_class: training_class.id, reverse=True)


def instructor_classes(store: ResponseStore, groups: Iterable[str]) -> list[TrainingClass]:
    """The classes an instructor with these hub groups sees (``instructors-<code>``), newest first."""
    return classes_of(store, groups, config.INSTRUCTOR_GROUP_PREFIX)


def hub_trainee(store: ResponseStore, username: str, groups: Iterable[str]) -> Trainee | None:
    """The trainee a hub user is: on the roster of the newest class of their ``trainees-<code>`` groups.

    None when the user is in no class's trainee group. The user is put on that class's
    roster on first arrival, with the hub user name as their name.
    """
    username = username.strip()
    classes = classes_of(store, groups, config.TRAINEE_GROUP_PREFIX)
    if not username or not classes:
        return None
    training_class, badge = classes[0], hub_badge(username)
    name = " ".join(username.split())[:120]
    for _ in range(3):
        found = store.trainee_by_badge(training_class.id, badge) or store.enroll(training_class, name, badge)
        if found is not None:
            return found
    raise RuntimeError("could not put the hub user on the class's roster")
