"""PNG charts for the instructor: the score distribution and mastery per section.

Each chart comes as PNG bytes (the console shows them inline) and as a file
under ``grading/reports/`` (``make grade`` writes them), with a text alternative.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..analysis.role_plays import PairRating
from ..content.questions import SECTIONS

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn, not by every page that can show one
    from matplotlib.figure import Figure

MASTERY_GOAL = 70.0
"""Sections below this percent of points are drawn in the warning colour."""


def new_figure(**options: Any) -> Figure:
    """A new matplotlib figure (``Figure(**options)``); matplotlib's import waits for the first chart."""
    from matplotlib.figure import Figure

    return Figure(**options)


def figure_png(figure: Figure) -> bytes:
    """A matplotlib figure laid out and drawn as PNG bytes (every chart of the package goes through here)."""
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _write(png: bytes, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    return target


def score_distribution_png(percents: list[float], pass_percent: float | None) -> bytes:
    """A histogram of trainees' percent scores, with the passing mark unless it is switched off (``None``)."""
    figure = new_figure(figsize=(7, 4), dpi=100)
    ax = figure.subplots()
    bins = list(range(0, 101, 10))
    ax.hist([min(p, 99.999) for p in percents], bins=bins, color="#1f5f99", edgecolor="white")
    if pass_percent is not None:
        ax.axvline(pass_percent, color="#b02a30", linestyle="--", label=f"Passing mark {pass_percent:g}%")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (percent of all points)")
    ax.set_ylabel("Trainees")
    ax.set_title(f"Assessment scores ({len(percents)} graded)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if pass_percent is not None:
        ax.legend(loc="upper left")
    return figure_png(figure)


def score_distribution_alt(percents: list[float], pass_percent: float | None) -> str:
    """The score distribution in words."""
    if not percents:
        return "No assessment graded yet."
    if pass_percent is None:
        return f"{len(percents)} graded; scores from {min(percents):.0f}% to {max(percents):.0f}%."
    passed = sum(p >= pass_percent for p in percents)
    return (f"{len(percents)} graded; {passed} at or above the passing mark of {pass_percent:g}%; "
            f"scores from {min(percents):.0f}% to {max(percents):.0f}%.")


def section_mastery_png(mastery: dict[str, float]) -> bytes:
    """Horizontal bars: percent of points earned per section."""
    keys = [k for k in SECTIONS if k in mastery]
    figure = new_figure(figsize=(8, 0.45 * max(len(keys), 1) + 1.2), dpi=100)
    ax = figure.subplots()
    labels = [SECTIONS[k] for k in keys][::-1]
    values = [mastery[k] for k in keys][::-1]
    bars = ax.barh(labels, values, color=["#b02a30" if v < MASTERY_GOAL else "#1f5f99" for v in values])
    for bar, value in zip(bars, values):
        ax.text(min(value + 1, 92), bar.get_y() + bar.get_height() / 2, f"{value:.0f}%", va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percent of points earned")
    ax.set_title("Mastery per section")
    return figure_png(figure)


def section_mastery_alt(mastery: dict[str, float]) -> str:
    """Mastery per section in words."""
    if not mastery:
        return "No section graded yet."
    return "Percent of points earned: " + "; ".join(
        f"{title} {mastery[key]:.0f}%" for key, title in SECTIONS.items() if key in mastery)


def score_distribution(percents: list[float], pass_percent: float | None, target: Path) -> Path:
    """Write the score distribution to ``target``."""
    return _write(score_distribution_png(percents, pass_percent), target)


def section_mastery_chart(mastery: dict[str, float], target: Path) -> Path:
    """Write mastery per section to ``target``."""
    return _write(section_mastery_png(mastery), target)


def _chart_label(pair: PairRating, show_case: bool) -> str:
    lines = textwrap.wrap(textwrap.shorten(pair.label, width=60, placeholder="…"), width=30)
    if show_case:
        lines.append(f"({pair.case_id})")
    return "\n".join(lines)


def role_play_chart(pairs: Sequence[PairRating]) -> bytes:
    """A PNG dumbbell chart: each customer's rating before (open circle) and after (filled diamond)."""
    rows = max(len(pairs), 1)
    figure = new_figure(figsize=(8, 1.6 + 0.65 * rows), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle("How the customer sees the police, before and after the role play", fontsize=12)
    axes.set_xlim(-0.5, 10.5)
    axes.set_xticks(range(11))
    axes.set_xlabel("0 = not at all, 10 = completely trust them")
    axes.grid(axis="x", color="#dddddd")
    if not pairs:
        axes.set_yticks([])
        axes.text(5, 0.5, "No ratings yet", ha="center", va="center", fontsize=16, color="#333333")
        axes.set_ylim(0, 1)
    else:
        show_case = len({pair.case_id for pair in pairs}) > 1
        positions = list(range(len(pairs)))[::-1]
        for y, pair in zip(positions, pairs):
            axes.annotate("", xy=(pair.after, y), xytext=(pair.before, y),
                          arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.5})
            change = f"{pair.change:+d}" if pair.change else "no change"
            axes.text(pair.after, y + 0.25, change, ha="center", fontsize=9, color="#1a1a1a")
        axes.scatter([p.before for p in pairs], positions, s=90, facecolors="white",
                     edgecolors="#7a4b00", linewidths=2, marker="o", label="Before", zorder=3)
        axes.scatter([p.after for p in pairs], positions, s=90, color="#0b4f9c", marker="D",
                     label="After", zorder=3)
        axes.set_yticks(positions, [_chart_label(pair, show_case) for pair in pairs], fontsize=9)
        axes.set_ylim(-0.7, len(pairs) - 0.3)
        figure.legend(loc="outside lower center", ncols=2, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def role_play_chart_alt(pairs: Sequence[PairRating]) -> str:
    """The chart in words, for screen readers and the printed report."""
    if not pairs:
        return "No ratings yet."
    lines = []
    for pair in pairs:
        moved = "no change" if pair.change == 0 else f"{'up' if pair.change > 0 else 'down'} {abs(pair.change)}"
        lines.append(f"{pair.label}, {pair.case_id}: {pair.before} before, {pair.after} after ({moved}).")
    rises = sum(1 for pair in pairs if pair.change > 0)
    summary = (f"How the customer sees the police, 0 to 10, in {len(pairs)} role play(s); "
               f"the rating rose in {rises}.")
    return " ".join([summary, *lines])
