"""What a course page reads once as it opens: the trainee's latest answers and the class's prompt states.

A section page holds a dozen or more prompts, and each, as it opens, needs the
trainee's latest saved answer, their newest revision (a draft may be newer) and
whether the instructor has closed it: three queries a prompt. Instead the page
header, the first call of every course page, reads all of them for the page's
trainee in two queries (:func:`read_for_page`), and each prompt takes its own
part as it opens (:func:`take`), once: a second widget for the same prompt, a
widget for another trainee or store, or any widget on a page without a header
asks the store itself. What a prompt shows is what the store held when the page
opened, as before. Saving, keeping drafts and the open/closed check at each save
still ask the store at that moment.

The header also looked up the page's trainee from the browser's tokens; the page's
widgets take that trainee instead of looking the same tokens up again each
(:func:`trainee_for`), so a page's trainee is fixed as it opens, as behind the hub.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..data.records import SavedAnswer, Trainee

if TYPE_CHECKING:
    from ..data.store import ResponseStore


@dataclass(frozen=True)
class PromptOpening:
    """One prompt's state for one trainee when the page opened."""

    saved: SavedAnswer | None
    """The latest saved answer (drafts left out), or None."""
    newest: SavedAnswer | None
    """The newest revision, draft or saved, or None."""
    is_open: bool
    """Whether the class may save answers to the prompt."""


@dataclass
class PageOpening:
    """Everything the page's prompts read as they open, for one trainee of one store."""

    store: ResponseStore
    trainee: Trainee
    tokens: tuple[str, ...]
    """The browser tokens the trainee was found by (none when the page's trainee came from elsewhere)."""
    revisions: dict[str, tuple[SavedAnswer | None, SavedAnswer]]
    prompt_states: dict[str, bool]
    taken: set[str] = field(default_factory=set)

    def take(self, prompt_id: str) -> PromptOpening | None:
        """``prompt_id``'s part, the first time it is asked for; None after that."""
        if prompt_id in self.taken:
            return None
        self.taken.add(prompt_id)
        saved, newest = self.revisions.get(prompt_id, (None, None))
        return PromptOpening(saved, newest, self.prompt_states.get(prompt_id, True))


_page: PageOpening | None = None
_lock = threading.Lock()


def read_for_page(store: ResponseStore, trainee: Trainee, tokens: Sequence[str] = ()) -> None:
    """Read what the page's prompts need for ``trainee`` (two queries); replaces what an earlier page read.

    ``tokens`` are the browser tokens ``trainee`` was found by, if it was.
    """
    global _page
    opening = PageOpening(store, trainee, tuple(tokens), store.latest_revisions(trainee),
                          store.prompt_states_in(trainee.class_id))
    with _lock:
        _page = opening


def take(store: ResponseStore, trainee: Trainee, prompt_id: str) -> PromptOpening | None:
    """``prompt_id``'s state as the page opened, once, if this page read it for this trainee and store."""
    with _lock:
        page = _page
        if page is None or page.store is not store or page.trainee.id != trainee.id:
            return None
        return page.take(prompt_id)


def trainee_for(tokens: Sequence[str]) -> Trainee | None:
    """The trainee the page header found by exactly these browser ``tokens`` as the page opened, if it did."""
    with _lock:
        page = _page
    if page is None or not tokens or page.tokens != tuple(tokens):
        return None
    return page.trainee


def forget() -> None:
    """Drop what the page read (the trainee changed, or a test starts afresh)."""
    global _page
    with _lock:
        _page = None
