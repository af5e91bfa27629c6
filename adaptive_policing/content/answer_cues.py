"""Whether a multiple-choice item gives its answer away by length."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_LONGEST_KEYED_SHARE = 0.35
"""At most this share of keyed items may have the keyed option as the (joint) longest."""


def keyed_is_longest(options: Sequence[str], keyed: Iterable[int]) -> bool:
    """True when a keyed option is at least as long as every other option."""
    longest = max(len(option) for option in options)
    return any(len(options[index]) == longest for index in keyed)


def longest_keyed_share(items: Iterable[tuple[Sequence[str], Iterable[int]]]) -> float:
    """The share of items whose keyed option is the longest; 0.0 for no items."""
    flags = [keyed_is_longest(options, keyed) for options, keyed in items]
    return sum(flags) / len(flags) if flags else 0.0
