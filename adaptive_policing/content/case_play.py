"""One trainee's play of a case study: the nodes visited, the choices made, the perception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .scenarios import CaseStudy, Choice, Ending, Node, clamp_perception


@dataclass
class CasePlay:
    """Where one trainee is in one case study: the nodes visited, the choices, the perception."""

    case: CaseStudy
    path: list[str] = field(default_factory=list)
    choices: list[int] = field(default_factory=list)
    perception: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.path:
            self.path = [self.case.start]
            self.perception = [clamp_perception(self.case.perception_start)]

    @property
    def node(self) -> Node | Ending:
        """The node the trainee is at now."""
        return self.case.nodes[self.path[-1]]

    @property
    def finished(self) -> bool:
        return isinstance(self.node, Ending)

    @property
    def level(self) -> int:
        """The perception now, 0–10."""
        return self.perception[-1]

    def choose(self, index: int) -> Choice:
        """Make choice ``index`` at the current decision and move on."""
        node = self.node
        if not isinstance(node, Node):
            raise ValueError("The case study has ended; press Play again to start over.")
        if not 0 <= index < len(node.choices):
            raise ValueError(f"There is no choice {index + 1} here.")
        choice = node.choices[index]
        self.choices.append(index)
        self.path.append(choice.next)
        self.perception.append(clamp_perception(self.level + choice.effect))
        return choice

    def made(self) -> list[tuple[Node, Choice]]:
        """Each decision so far with the choice made there."""
        steps = []
        for node_id, index in zip(self.path, self.choices):
            node = self.case.nodes[node_id]
            assert isinstance(node, Node)
            steps.append((node, node.choices[index]))
        return steps

    def as_value(self) -> dict[str, Any]:
        """The value saved in the response store."""
        ending = self.node if isinstance(self.node, Ending) else None
        return {
            "path": list(self.path),
            "choices": list(self.choices),
            "perception": list(self.perception),
            "ending": ending.id if ending else None,
            "outcome": ending.outcome if ending else None,
        }

    @classmethod
    def from_value(cls, case: CaseStudy, value: Any) -> CasePlay | None:
        """Replay a saved value; None when it no longer fits the scenario."""
        if not isinstance(value, Mapping) or not isinstance(value.get("choices"), list):
            return None
        play = cls(case)
        try:
            for index in value["choices"]:
                play.choose(int(index))
        except (ValueError, TypeError):
            return None
        return play if play.path == value.get("path") else None
