"""PNG charts for the instructor: the score distribution and mastery per section."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..assessment.questions import SECTIONS  # noqa: E402


def score_distribution(percents: list[float], pass_percent: float, target: Path) -> Path:
    """A histogram of trainees' percent scores, with the passing mark."""
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    bins = list(range(0, 101, 10))
    ax.hist([min(p, 99.999) for p in percents], bins=bins, color="#1f5f99", edgecolor="white")
    ax.axvline(pass_percent, color="#b02a30", linestyle="--", label=f"Passing mark {pass_percent:g}%")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (percent of all points)")
    ax.set_ylabel("Trainees")
    ax.set_title(f"Assessment scores ({len(percents)} graded)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target)
    plt.close(fig)
    return target


def section_mastery_chart(mastery: dict[str, float], target: Path) -> Path:
    """Horizontal bars: percent of points earned per section."""
    keys = [k for k in SECTIONS if k in mastery]
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(keys), 1) + 1.2), dpi=100)
    labels = [SECTIONS[k] for k in keys][::-1]
    values = [mastery[k] for k in keys][::-1]
    bars = ax.barh(labels, values, color=["#b02a30" if v < 70 else "#1f5f99" for v in values])
    for bar, value in zip(bars, values):
        ax.text(min(value + 1, 92), bar.get_y() + bar.get_height() / 2, f"{value:.0f}%", va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Percent of points earned")
    ax.set_title("Mastery per section")
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target)
    plt.close(fig)
    return target
