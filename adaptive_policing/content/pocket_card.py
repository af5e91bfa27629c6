"""The pocket card's lists as data: anatomy of a contact, L.A.S.T., the 3 R's, "alternative yes" phrases.

Authored once in ``course/pocket-card.yaml``; the complaint steps come from
:mod:`.complaint_process`. ``adaptive-policing handouts`` prints the card
(:mod:`adaptive_policing.views.handouts`). Each list names the course page that
teaches it, and a test checks that every item's name is still on that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import settings
from .complaint_process import ComplaintProcess, complaint_process, one_line

FILE_NAME = "pocket-card.yaml"
LISTS = ("anatomy", "last", "three_rs", "alternative_yes")
"""The card's lists, in the order they are printed (the complaint steps follow the anatomy)."""


@dataclass(frozen=True)
class CardItem:
    name: str
    text: str
    example: bool = False
    """Not taught on a course page: printed as an example."""
    source: str = ""
    """The page id that teaches this item, when it is not the list's page."""


@dataclass(frozen=True)
class CardList:
    key: str
    title: str
    source: str
    """The page id that teaches the list (each item's ``source`` says where it is taught)."""
    items: tuple[CardItem, ...]


@dataclass(frozen=True)
class PocketCard:
    title: str
    lists: tuple[CardList, ...]
    complaint: ComplaintProcess
    legal_note: str

    def list(self, key: str) -> CardList:
        return next(card_list for card_list in self.lists if card_list.key == key)



def pocket_card(course_dir: Path | str | None = None) -> PocketCard:
    """The pocket card of the course in ``course_dir`` (default: the configured course)."""
    folder = Path(course_dir or settings().course_dir)
    data = yaml.safe_load((folder / FILE_NAME).read_text(encoding="utf-8"))
    lists = tuple(
        CardList(key, one_line(data[key]["title"]), str(data[key]["source"]),
                 tuple(CardItem(one_line(item["name"]), one_line(item["text"]), bool(item.get("example")),
                                str(item.get("source") or data[key]["source"]))
                       for item in data[key]["items"]))
        for key in LISTS
    )
    return PocketCard(one_line(data["title"]), lists, complaint_process(folder), one_line(data["legal_note"]))
