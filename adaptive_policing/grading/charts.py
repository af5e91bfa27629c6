"""PNG charts for the instructor: the score distribution and mastery per section.

Each chart comes as PNG bytes (the console shows them inline) and as a file
under ``grading/reports/`` (``make grade`` writes them), with a text alternative.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure

from ..assessment.questions import SECTIONS

MASTERY_GOAL = 70.0
"""Sections below this percent of points are drawn in the warning colour."""


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _write(png: bytes, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    return target


def score_distribution_png(percents: list[float], pass_percent: float) -> bytes:
    """A histogram of trainees' percent scores, with the passing mark."""
    figure = Figure(figsize=(7, 4), dpi=100)
    ax = figure.subplots()
    bins = list(range(0, 101, 10))
    ax.hist([min(p, 99.999) for p in percents], bins=bins, color="#1f5f99", edgecolor="white")
    ax.axvline(pass_percent, color="#b02a30", linestyle="--", label=f"Passing mark {pass_percent:g}%")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (percent of all points)")
    ax.set_ylabel("Trainees")
    ax.set_title(f"Assessment scores ({len(percents)} graded)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")
    return _png(figure)


def score_distribution_alt(percents: list[float], pass_percent: float) -> str:
    """The score distribution in words."""
    if not percents:
        return "No assessment graded yet."
    passed = sum(p >= pass_percent for p in percents)
    return (f"{len(percents)} graded; {passed} at or above the passing mark of {pass_percent:g}%; "
            f"scores from {min(percents):.0f}% to {max(percents):.0f}%.")


def section_mastery_png(mastery: dict[str, float]) -> bytes:
    """Horizontal bars: percent of points earned per section."""
    keys = [k for k in SECTIONS if k in mastery]
    figure = Figure(figsize=(8, 0.45 * max(len(keys), 1) + 1.2), dpi=100)
    ax = figure.subplots()
    labels = [SECTIONS[k] for k in keys][::-1]
    values = [mastery[k] for k in keys][::-1]
    bars = ax.barh(labels, values, color=["#b02a30" if v < MASTERY_GOAL else "#1f5f99" for v in values])
    for bar, value in zip(bars, values):
        ax.text(min(value + 1, 92), bar.get_y() + bar.get_height() / 2, f"{value:.0f}%", va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percent of points earned")
    ax.set_title("Mastery per section")
    return _png(figure)


def section_mastery_alt(mastery: dict[str, float]) -> str:
    """Mastery per section in words."""
    if not mastery:
        return "No section graded yet."
    return "Percent of points earned: " + "; ".join(
        f"{title} {mastery[key]:.0f}%" for key, title in SECTIONS.items() if key in mastery)


def score_distribution(percents: list[float], pass_percent: float, target: Path) -> Path:
    """Write the score distribution to ``target``."""
    return _write(score_distribution_png(percents, pass_percent), target)


def section_mastery_chart(mastery: dict[str, float], target: Path) -> Path:
    """Write mastery per section to ``target``."""
    return _write(section_mastery_png(mastery), target)
