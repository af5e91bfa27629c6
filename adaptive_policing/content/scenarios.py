"""A case-study scenario: its data, its JSON Schema, and the checks on its graph of choices."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

import yaml

from ..config import settings

Outcome = Literal["good", "mixed", "poor"]

PERCEPTION_MIN = 0
PERCEPTION_MAX = 10
MIN_DECISIONS = 3
MIN_ENDINGS = 3
PROMPT_PREFIX = "case:"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "case-study.schema.json"

OUTCOME_WORDS: dict[str, str] = {
    "good": "Good outcome",
    "mixed": "Mixed outcome",
    "poor": "Poor outcome",
}


class CaseStudyError(ValueError):
    """A case-study file cannot be used; the message names the file and the node."""


# --- the scenario ---------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One thing the trainee can say or do at a decision point."""

    text: str
    next: str
    effect: int
    principle: str
    honours: bool
    debrief: str
    defensible: bool = False
    """Also defensible: not the keyed choice, but a reasonable one with a different trade-off."""

    @property
    def sound(self) -> bool:
        """Whether the choice is a defensible way to act (keyed or also defensible)."""
        return self.honours or self.defensible


@dataclass(frozen=True)
class Node:
    """A decision point: a situation and the choices open to the trainee."""

    id: str
    text: str
    choices: tuple[Choice, ...]

    @property
    def keyed(self) -> list[int]:
        """The indices of the keyed (best) choices: those that honour the principle."""
        return [index for index, choice in enumerate(self.choices) if choice.honours]

    @property
    def sound(self) -> list[int]:
        """The indices of every defensible choice, keyed or with a different trade-off."""
        return [index for index, choice in enumerate(self.choices) if choice.sound]


@dataclass(frozen=True)
class Ending:
    """Where a play ends: how it turned out and what to learn from it."""

    id: str
    outcome: Outcome
    text: str
    debrief: str
    setback: str = ""
    """What good service could not change here (the bike is not found, the person stays angry); empty if none."""


@dataclass(frozen=True)
class CaseStudy:
    """A checked, loaded case study."""

    id: str
    title: str
    setting: str
    summary: str
    perception_start: int
    perception_label: str
    roles: Mapping[str, str]
    start: str
    nodes: Mapping[str, Node | Ending]
    source: Path | None = None

    @property
    def prompt_id(self) -> str:
        """The prompt id plays of this case study are saved under."""
        return PROMPT_PREFIX + self.id

    @property
    def endings(self) -> list[Ending]:
        return [node for node in self.nodes.values() if isinstance(node, Ending)]

    @property
    def decisions(self) -> list[Node]:
        return [node for node in self.nodes.values() if isinstance(node, Node)]


def clamp_perception(value: int) -> int:
    """Keep a perception value on the 0–10 scale."""
    return max(PERCEPTION_MIN, min(PERCEPTION_MAX, int(value)))


# --- loading and checking ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def case_studies_dir(course_dir: Path | str | None = None) -> Path:
    """The folder holding the case-study YAML files."""
    return Path(course_dir or settings().course_dir) / "case-studies"


def case_study_ids(course_dir: Path | str | None = None) -> list[str]:
    """The ids of every case study in the course, sorted."""
    return sorted(path.stem for path in case_studies_dir(course_dir).glob("*.yaml"))


def _where(path: Iterable[Any]) -> str:
    parts = [f"choice {item + 1}" if isinstance(item, int) else f"'{item}'" for item in path]
    return " › ".join(parts) or "the top level"


def schema_problems(data: Any) -> list[str]:
    """Plain-language problems with the file's layout (missing or misspelled fields, wrong types)."""
    import jsonschema  # about a second to import: only checking a scenario file needs it

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(map(str, error.absolute_path)))
    return [f"at {_where(error.absolute_path)}: {error.message}" for error in errors]


def _successors(data: Mapping[str, Any], node_id: str) -> list[str]:
    node = data["nodes"].get(node_id) or {}
    return [choice["next"] for choice in node.get("choices") or []]


def _reachable(data: Mapping[str, Any]) -> set[str]:
    seen, todo = {data["start"]}, deque([data["start"]])
    while todo:
        for nxt in _successors(data, todo.popleft()):
            if nxt in data["nodes"] and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _can_finish(data: Mapping[str, Any]) -> set[str]:
    """Nodes from which some path leads to an ending."""
    nodes = data["nodes"]
    done = {node_id for node_id, node in nodes.items() if node.get("ending")}
    changed = True
    while changed:
        changed = False
        for node_id in nodes:
            if node_id not in done and any(nxt in done for nxt in _successors(data, node_id)):
                done.add(node_id)
                changed = True
    return done


def _most_decisions(data: Mapping[str, Any], node_id: str, visiting: frozenset[str] = frozenset()) -> int:
    """The most decision points on any loop-free path from ``node_id`` to an ending."""
    node = data["nodes"].get(node_id)
    if node is None or node.get("ending"):
        return 0
    best = -1
    for nxt in _successors(data, node_id):
        if nxt not in visiting and nxt in data["nodes"]:
            rest = _most_decisions(data, nxt, visiting | {node_id})
            if rest >= 0:
                best = max(best, rest + 1)
    return best


def _link_problems(data: Mapping[str, Any]) -> list[str]:
    problems = []
    if data["start"] not in data["nodes"]:
        problems.append(f"the start node '{data['start']}' is not one of the nodes.")
    for node_id, node in data["nodes"].items():
        for number, choice in enumerate(node.get("choices") or [], start=1):
            if choice["next"] not in data["nodes"]:
                problems.append(
                    f"node '{node_id}', choice {number} leads to '{choice['next']}', which is not a node in this file."
                )
    return problems


def _debrief_problems(data: Mapping[str, Any]) -> list[str]:
    problems = []
    for node_id, node in data["nodes"].items():
        if node.get("ending"):
            if not str(node.get("debrief") or "").strip():
                problems.append(f"ending '{node_id}' has no debrief.")
            continue
        for number, choice in enumerate(node.get("choices") or [], start=1):
            if not str(choice.get("debrief") or "").strip():
                problems.append(f"node '{node_id}', choice {number} has no debrief.")
    return problems


def _defensible_problems(data: Mapping[str, Any]) -> list[str]:
    return [
        f"node '{node_id}', choice {number} is marked both as honouring the principle and as 'defensible'; "
        "'defensible' is for a reasonable choice that is not the keyed one."
        for node_id, node in data["nodes"].items()
        for number, choice in enumerate(node.get("choices") or [], start=1)
        if choice.get("honours") and choice.get("defensible")
    ]


def _graph_problems(data: Mapping[str, Any]) -> list[str]:
    reachable = _reachable(data)
    finishing = _can_finish(data)
    problems = [
        f"node '{node_id}' cannot be reached from the start node '{data['start']}'."
        for node_id in data["nodes"] if node_id not in reachable
    ]
    problems += [
        f"from node '{node_id}' no choice leads to an ending (the choices go round in a loop)."
        for node_id in data["nodes"] if node_id in reachable and node_id not in finishing
    ]
    endings = [n for n in reachable if data["nodes"][n].get("ending")]
    decisions = [n for n in reachable if not data["nodes"][n].get("ending")]
    if len(endings) < MIN_ENDINGS:
        problems.append(f"it has {len(endings)} ending(s) that can be reached; it needs at least {MIN_ENDINGS}.")
    longest = _most_decisions(data, data["start"])
    if len(decisions) < MIN_DECISIONS or longest < MIN_DECISIONS:
        problems.append(
            f"its longest path has {max(longest, 0)} decision point(s) ({len(decisions)} in all); "
            f"it needs at least {MIN_DECISIONS} decision points on one path."
        )
    return problems


def check_case_study(data: Any, file_name: str | None = None) -> list[str]:
    """Every problem with a parsed case-study file, in plain language (empty when it is usable).

    ``file_name`` (``<id>.yaml``) is checked against the ``id`` inside the file.
    """
    problems = schema_problems(data)
    if problems:
        return problems  # the graph checks need a well-formed file
    if file_name is not None and Path(file_name).stem != data["id"]:
        problems.append(f"its id '{data['id']}' does not match the file name '{Path(file_name).name}'.")
    problems += _link_problems(data) + _debrief_problems(data) + _defensible_problems(data)
    if not _link_problems(data):
        problems += _graph_problems(data)
    return problems


def _build(data: Mapping[str, Any], source: Path | None) -> CaseStudy:
    nodes: dict[str, Node | Ending] = {}
    for node_id, node in data["nodes"].items():
        if node.get("ending"):
            nodes[node_id] = Ending(node_id, node["outcome"], node["text"].strip(), node["debrief"].strip(),
                                    str(node.get("setback") or "").strip())
        else:
            choices = tuple(
                Choice(c["text"].strip(), c["next"], int(c["effect"]), c["principle"].strip(),
                       bool(c["honours"]), c["debrief"].strip(), bool(c.get("defensible", False)))
                for c in node["choices"]
            )
            nodes[node_id] = Node(node_id, node["text"].strip(), choices)
    return CaseStudy(
        id=data["id"],
        title=data["title"].strip(),
        setting=data["setting"],
        summary=data["summary"].strip(),
        perception_start=int(data["perception"]["start"]),
        perception_label=data["perception"]["label"].strip(),
        roles={role: text.strip() for role, text in data["roles"].items()},
        start=data["start"],
        nodes=nodes,
        source=source,
    )


def load_case_study_file(path: Path | str) -> CaseStudy:
    """Load and check one case-study file; raise :class:`CaseStudyError` naming every problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaseStudyError(f"There is no case study file {path}.") from None
    except yaml.YAMLError as problem:
        raise CaseStudyError(f"Case study {path.name} is not valid YAML: {problem}") from None
    problems = check_case_study(data, path.name)
    if problems:
        listed = "\n".join(f"- {problem}" for problem in problems)
        raise CaseStudyError(f"Case study {path.name} cannot be used:\n{listed}")
    return _build(data, path)


def load_case_study(case_id: str, course_dir: Path | str | None = None) -> CaseStudy:
    """Load ``course/case-studies/<case_id>.yaml`` and check it."""
    if not case_id or "/" in case_id or "\\" in case_id or case_id.startswith("."):
        raise CaseStudyError(f"{case_id!r} is not a case study id.")
    return load_case_study_file(case_studies_dir(course_dir) / f"{case_id}.yaml")


def routes_to_endings(case: CaseStudy) -> dict[str, list[int]]:
    """For each ending, the choice indices of a shortest play that reaches it (breadth first)."""
    routes: dict[str, list[int]] = {case.start: []}
    todo = deque([case.start])
    while todo:
        node = case.nodes[todo.popleft()]
        if isinstance(node, Node):
            for index, choice in enumerate(node.choices):
                if choice.next not in routes:
                    routes[choice.next] = [*routes[node.id], index]
                    todo.append(choice.next)
    return {ending.id: routes[ending.id] for ending in case.endings if ending.id in routes}
