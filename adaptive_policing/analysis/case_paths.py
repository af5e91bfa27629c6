"""The class's paths through a case study, for the instructor console."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..content.scenarios import CaseStudy


@dataclass(frozen=True)
class CasePaths:
    """How a class played one case study (each trainee's latest play only)."""

    case_id: str
    started: int
    finished: int
    endings: dict[str, int]
    outcomes: dict[str, int]
    choice_counts: dict[str, tuple[int, ...]]
    average_final_perception: float | None


def _valid_play(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("path"), list)
        and isinstance(value.get("choices"), list)
        and isinstance(value.get("perception"), list)
    )


def class_paths(case: CaseStudy, saved_plays: Iterable[Any]) -> CasePaths:
    """Sum up a class's latest plays of ``case``: who started and finished, endings, choices, final perception.

    ``saved_plays`` are the saved values (one per trainee); anything that is not a play is left out.
    """
    plays = [value for value in saved_plays if _valid_play(value)]
    finished = [value for value in plays if value.get("ending")]
    counts: dict[str, list[int]] = {node.id: [0] * len(node.choices) for node in case.decisions}
    for value in plays:
        for node_id, index in zip(value["path"], value["choices"]):
            if node_id in counts and isinstance(index, int) and 0 <= index < len(counts[node_id]):
                counts[node_id][index] += 1
    finals = [value["perception"][-1] for value in finished if value["perception"]]
    return CasePaths(
        case_id=case.id,
        started=len(plays),
        finished=len(finished),
        endings=dict(Counter(str(value["ending"]) for value in finished)),
        outcomes=dict(Counter(str(value.get("outcome")) for value in finished)),
        choice_counts={node_id: tuple(row) for node_id, row in counts.items()},
        average_final_perception=round(sum(finals) / len(finals), 1) if finals else None,
    )
