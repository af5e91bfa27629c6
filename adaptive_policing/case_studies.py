"""Branching case studies: load and check a scenario, play it, and sum up a class.

A case study is a YAML file ``course/case-studies/<id>.yaml`` (the format is
described by ``adaptive_policing/schemas/case-study.schema.json``). The trainee
reads a situation, picks one of the choices, and watches a 0–10 perception
measure ("How Ms. Alvarez sees the police") rise or fall until an ending. The
ending shows its outcome and debrief, then one line per choice made: the
principle it honoured (✓) or broke (✗) and why.

In a course notebook: ``case_study("window-stolen-bike")``.

What is saved, after every choice, under the prompt id ``case:<id>``::

    {"path": [node ids visited, the start first, the ending last once reached],
     "choices": [index of the choice made at each decision],
     "perception": [start value, value after each choice],
     "ending": ending node id or None, "outcome": "good" | "mixed" | "poor" | None}

Decisions made here: "Play again" does not save by itself (the finished play
stays the saved one until the first choice of the new play); a scenario edited
since a trainee's save, so that the saved path no longer fits it, starts again
from the beginning; cycles are allowed only if an ending can still be reached.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, Sequence

import ipywidgets as widgets
import jsonschema
import yaml

from .config import settings
from .store import ResponseStore, Trainee
from .widgets.common import CLOSED_MESSAGE, PREVIEW_MESSAGE, AnswerKeeper, Participant, StatusLine, esc, local_time

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


@dataclass(frozen=True)
class Node:
    """A decision point: a situation and the choices open to the trainee."""

    id: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Ending:
    """Where a play ends: how it turned out and what to learn from it."""

    id: str
    outcome: Outcome
    text: str
    debrief: str


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
    problems += _link_problems(data) + _debrief_problems(data)
    if not _link_problems(data):
        problems += _graph_problems(data)
    return problems


def _build(data: Mapping[str, Any], source: Path | None) -> CaseStudy:
    nodes: dict[str, Node | Ending] = {}
    for node_id, node in data["nodes"].items():
        if node.get("ending"):
            nodes[node_id] = Ending(node_id, node["outcome"], node["text"].strip(), node["debrief"].strip())
        else:
            choices = tuple(
                Choice(c["text"].strip(), c["next"], int(c["effect"]), c["principle"].strip(),
                       bool(c["honours"]), c["debrief"].strip())
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


# --- one play ---------------------------------------------------------------------------------


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


# --- the player widget ----------------------------------------------------------------------------


def perception_html(label: str, level: int, change: int | None = None) -> str:
    """The perception measure as words (for everyone) and a bar (decoration)."""
    moved = ""
    if change:
        moved = f" ({'up' if change > 0 else 'down'} {abs(change)})"
    elif change == 0:
        moved = " (no change)"
    share = round(100 * level / PERCEPTION_MAX)
    return (
        f'<div class="ap-case-meter"><p class="ap-case-meter-text">{esc(label)}: '
        f"<strong>{level} out of {PERCEPTION_MAX}</strong>{esc(moved)}</p>"
        f'<div class="ap-case-bar" aria-hidden="true"><span style="width:{share}%"></span></div></div>'
    )


def _paragraphs(text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return "".join(f"<p{klass}>{esc(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def debrief_html(play: CasePlay) -> str:
    """The ending, its debrief, and the principle each choice honoured or broke."""
    ending = play.node
    assert isinstance(ending, Ending)
    items = []
    for number, (_node, choice) in enumerate(play.made(), start=1):
        mark = "✓ Honours" if choice.honours else "✗ Breaks"
        kind = "honours" if choice.honours else "breaks"
        items.append(
            f'<li class="ap-case-step ap-case-{kind}">'
            f'<p><span class="ap-case-mark">{mark}:</span> <strong>{esc(choice.principle)}</strong></p>'
            f'<p class="ap-case-said">Choice {number}: {esc(choice.text)}</p>'
            f"<p>{esc(choice.debrief)}</p></li>"
        )
    return (
        f'<div class="ap-case-ending ap-case-outcome-{esc(ending.outcome)}">'
        f'<h4 class="ap-case-outcome">Ending: {esc(OUTCOME_WORDS[ending.outcome])}</h4>'
        f"{_paragraphs(ending.text)}"
        f'<h4>Debrief</h4>{_paragraphs(ending.debrief, "ap-case-ending-debrief")}'
        f"<h4>Your choices</h4>"
        f'<ol class="ap-case-debrief">{"".join(items)}</ol></div>'
    )


class CaseStudyPlayer(widgets.VBox):
    """A case study for the signed-in trainee: choose, watch the perception, read the debrief."""

    def __init__(
        self,
        case: CaseStudy | str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.case = case if isinstance(case, CaseStudy) else load_case_study(case, course_dir)
        self.participant = Participant(store, trainee)
        self.play = CasePlay(self.case)
        self.last_choice: Choice | None = None
        self.status = StatusLine()
        self.keeper = AnswerKeeper(self.case.prompt_id, self.participant, self.status)
        self.meter = widgets.HTML()
        self.consequence = widgets.HTML()
        self.situation = widgets.HTML()
        self.options = widgets.RadioButtons(options=[], value=None, layout=widgets.Layout(width="auto"))
        self.options.add_class("ap-case-options")
        self.choose_button = widgets.Button(
            description="Choose", button_style="primary", icon="arrow-right", tooltip="Go with the selected choice"
        )
        self.choose_button.on_click(lambda _button: self._choose_selected())
        self.again_button = widgets.Button(description="Play again", icon="refresh", tooltip="Start the case study again")
        self.again_button.on_click(lambda _button: self.restart())
        self.ending = widgets.HTML()
        header = widgets.HTML(
            f'<h3 class="ap-case-title">Case study: {esc(self.case.title)}</h3>'
            f'<div class="ap-case-summary">{_paragraphs(self.case.summary)}</div>'
        )
        super().__init__(children=[
            header, self.meter, self.consequence, self.situation, self.options,
            self.choose_button, self.ending, self.again_button, self.status,
        ])
        self.add_class("ap-case-study")
        self._restore()
        self._render()

    # state -------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The play as it would be saved."""
        return self.play.as_value()

    def _restore(self) -> None:
        saved = self.keeper.saved()
        if not self.participant.signed_in:
            return
        if not self.keeper.is_open():
            self.status.show(CLOSED_MESSAGE, "warning")
        if saved is None:
            return
        replayed = CasePlay.from_value(self.case, saved.value)
        if replayed is None:
            self.status.show("This case study has changed since you last played it, so it starts again.", "info")
            return
        self.play = replayed
        if self.keeper.is_open():
            self.status.show(f"Your place saved at {local_time(saved.created_at)} is shown.", "saved")

    def _save(self) -> bool:
        return self.keeper.save(self.value)

    # actions -------------------------------------------------------------------------

    def choose(self, index: int) -> bool:
        """Make choice ``index`` (0-based) at the current decision; returns whether it was saved."""
        change_from = self.play.level
        self.last_choice = self.play.choose(index)
        self._render(change=self.play.level - change_from)
        return self._save()

    def _choose_selected(self) -> None:
        if self.options.value is None:
            self.status.show("Please pick one of the choices first.", "error")
            return
        self.choose(int(self.options.value))

    def restart(self) -> None:
        """Start the case study again (saved with the first new choice)."""
        self.play = CasePlay(self.case)
        self.last_choice = None
        self._render()
        self.status.show("Started again. Your new play is saved after your first choice."
                         if self.participant.signed_in else PREVIEW_MESSAGE,
                         "info" if self.participant.signed_in else "warning")

    # display --------------------------------------------------------------------------

    def _render(self, change: int | None = None) -> None:
        self.meter.value = perception_html(self.case.perception_label, self.play.level, change)
        self.consequence.value = self._consequence_html(change)
        node = self.play.node
        finished = isinstance(node, Ending)
        self.situation.value = "" if finished else (
            f'<div class="ap-case-situation" aria-live="polite">'
            f"<h4>Decision {len(self.play.choices) + 1}</h4>{_paragraphs(node.text)}"
            f'<p class="ap-case-ask">What do you do?</p></div>'
        )
        self.options.options = [] if finished else [
            (f"{chr(65 + index)}. {choice.text}", index) for index, choice in enumerate(node.choices)
        ]
        self.options.value = None
        self.ending.value = debrief_html(self.play) if finished else ""
        self._show(self.options, not finished)
        self._show(self.choose_button, not finished)
        self._show(self.again_button, finished)

    def _consequence_html(self, change: int | None) -> str:
        if self.last_choice is None:
            return ""
        if change:
            effect = f"{self.case.perception_label} went {'up' if change > 0 else 'down'} by {abs(change)}."
        else:
            effect = f"{self.case.perception_label} did not change."
        return (
            f'<div class="ap-case-consequence" role="status"><p><strong>You chose:</strong> '
            f"{esc(self.last_choice.text)}</p><p>{esc(effect)}</p></div>"
        )

    @staticmethod
    def _show(widget: widgets.Widget, visible: bool) -> None:
        widget.layout.display = None if visible else "none"


def case_study(case_id: str) -> CaseStudyPlayer:
    """A case study for a course page (one line in a notebook), e.g. ``case_study("window-stolen-bike")``."""
    return CaseStudyPlayer(case_id)


# --- the instructor's summary ----------------------------------------------------------------


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


def class_paths(
    store: ResponseStore, class_id: int, case_id: str, *, course_dir: Path | str | None = None
) -> CasePaths:
    """Sum up a class's latest plays: who started and finished, endings, choices, final perception."""
    case = load_case_study(case_id, course_dir)
    plays = [answer.value for _trainee, answer in store.class_answers(class_id, case.prompt_id)]
    plays = [value for value in plays if _valid_play(value)]
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


__all__: Sequence[str] = [
    "CasePaths", "CasePlay", "CaseStudy", "CaseStudyError", "CaseStudyPlayer", "Choice", "Ending", "Node",
    "case_study", "case_study_ids", "check_case_study", "class_paths", "clamp_perception",
    "load_case_study", "load_case_study_file", "routes_to_endings",
]
