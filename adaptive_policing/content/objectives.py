"""The course's learning objectives as measurable statements, and which question measures each.

Each :class:`Objective` is written as a condition (what the trainee is given),
a behaviour (what they do) and a standard (how well). Every assessment
question names one objective code in its ``metadata.assessment.objective``
(see :mod:`.questions`); :func:`coverage_problems` lists every question with
no known objective, every question asked in the wrong assignment, and every
assessed objective that no question measures. The facilitator guide ends with
the map as :func:`guide_section` writes it, and a test keeps the two equal.

Objectives marked ``assessed=False`` are met in class (participation, the
Required Learning Activities, the feedback form) rather than by a test item;
their ``note`` says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .questions import ASSIGNMENT, ASSIGNMENT_SECTIONS, SECTIONS, WINDOW_ASSIGNMENT, Question


@dataclass(frozen=True)
class Objective:
    """One measurable learning objective."""

    code: str
    """``<section>.<n>``, e.g. ``VI.2``; the section is a key of :data:`.questions.SECTIONS`."""
    condition: str
    behaviour: str
    standard: str
    assessed: bool = True
    """Whether an assessment item must measure it (a core objective)."""
    note: str = ""
    """For an objective not assessed by an item: how it is met instead."""

    @property
    def section(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def assignment(self) -> str:
        """The assignment whose items measure this objective."""
        return next(a for a, sections in ASSIGNMENT_SECTIONS.items() if self.section in sections)

    @property
    def statement(self) -> str:
        return f"{self.condition}, the trainee {self.behaviour}, {self.standard}."


OBJECTIVES: tuple[Objective, ...] = (
    Objective("I.1", "Asked by a colleague why officers get customer-service training",
              "names the three reasons the course gives (no law-enforcement-specific training, no defined "
              "expectations for service delivery, no industry standards)", "choosing all three and no other reason"),
    Objective("I.2", "During the class", "participates in discussions and gives feedback on the course",
              "in every section", assessed=False,
              note="Observed by the instructor and collected by the course feedback form, not by a test item."),
    Objective("II.1", "Given a contact with a resident who distrusts the police",
              "chooses a reply that explains why the officer is doing what they do",
              "picking the explanation over commands, vague or accusing replies"),
    Objective("III.1", "Given a description of police or front-desk work",
              "places service, the why, at the center of the Golden Circle, with tasks as the what and procedures "
              "as the how", "choosing the purpose over tasks, procedures or results"),
    Objective("III.2", "Given the people around a police contact",
              "sorts them into direct and indirect customers", "matching at least three of four correctly"),
    Objective("III.3", "Given two contacts with the same outcome",
              "explains the difference with customer experience = customer service + the emotional outcome",
              "choosing the emotional outcome over speed, promises or the size of the loss"),
    Objective("III.4", "Given a resident's comparison with a business",
              "names how public-sector service differs from the private sector (a monopoly, no competition, the "
              "customer needs us)", "choosing all three and no private-sector trait"),
    Objective("IV.1", "Asked by the community what the police are there for",
              "answers why we serve, what we provide and how", "choosing the answer that gives all three"),
    Objective("IV.2", "Given a colleague who needs the desk's help",
              "applies customer service to the organization and peers", "choosing prompt service for the colleague"),
    Objective("V.1", "Serving one person when the phone rings",
              "keeps the person being served first while screening the caller for an emergency",
              "choosing the reply that does both"),
    Objective("V.2", "Given a request the officer must refuse",
              "says no honestly and offers an alternative yes the officer can deliver",
              "earning at least 2 of 3 rubric points in writing, or choosing the alternative yes"),
    Objective("V.3", "Given a service moment at the window or on the phone",
              "identifies which private-sector principle applies (level with people, a predictably positive "
              "experience, comparison across industries, only moderate gains from going far beyond expectations)",
              "choosing the principle the moment shows"),
    Objective("VI.1", "Given a resident's service complaint",
              "handles it with the customer complaint resolution process: intro, body (listen, ask questions, "
              "empathize, address the issue, in whatever order the person needs), conclusion and closing",
              "putting the stages in order (partial credit per pair) and earning at least 2 of 3 rubric points in "
              "writing"),
    Objective("VI.2", "Given a person who wants to complain about an officer",
              "accepts and documents the complaint under agency policy and Penal Code 832.5, gives the written "
              "procedure and a copy of the statement, and routes it", "without discouraging, warning or delaying"),
    Objective("VI.3", "Given a complaint about a colleague, or a question about its outcome",
              "neither prejudges the colleague nor discloses discipline (personnel records are confidential, "
              "PC 832.7), and says the complainant will get written notice of the outcome",
              "choosing the reply that does neither and spotting the reply that prejudges"),
    Objective("VII.1", "Given a call for service",
              "orders the anatomy of a call: introduction by name and agency, listening for expectations, "
              "questions before leaving, thanks, follow-up", "with partial credit per pair in the right order"),
    Objective("VII.2", "Given an officer's lines during a contact",
              "names the procedural-justice element each honors (voice, neutrality, respect, trustworthy motives)",
              "matching at least three of four correctly"),
    Objective("VII.3", "Given a contact and what follows it",
              "applies the body and conclusion of a call: the customer is not always right (find an alternative "
              "to no), emotions outlast facts, follow-up builds a bond", "choosing the course's response each time"),
    Objective("VIII.1", "Asked why good customer service is worth the time",
              "names the gains the course gives (trust, partnerships, morale, a positive image)",
              "choosing all four and no other"),
    Objective("W.1", "Busy on the phone when a resident comes to the district window",
              "acknowledges the resident immediately", "choosing acknowledgement over finishing first, pointing or "
              "dropping the caller"),
    Objective("W.2", "Given an upset caller",
              "applies L.A.S.T. (Listen, Acknowledge, Solve, Thank) in order",
              "naming all four steps and choosing the step that comes next"),
    Objective("W.3", "Given what a call-taker says or does",
              "matches it to the 3 R's (Respect, Reliability, Reassurance)", "matching all three"),
    Objective("W.4", "Given a resident's complaint about the police at the window",
              "takes personal accountability without getting defensive", "choosing the reply that owns the problem"),
    Objective("W.5", "Given a resident asking about her case",
              "gives her an informed decision and action: the status, the next step and when she will hear",
              "choosing that over silence, promises or passing her on"),
    Objective("W.6", "Asked about the captain's photo and contact details in the window",
              "says it was recommended to encourage open communication with residents", "choosing that reason"),
    Objective("W.7", "Given a caller with limited English",
              "brings in a qualified interpreter (the agency's language line) rather than a child or a raised voice",
              "choosing the interpreter"),
)
"""Every objective, in course order."""


def objectives_by_code() -> dict[str, Objective]:
    return {o.code: o for o in OBJECTIVES}


def coverage_problems(questions: Mapping[str, Sequence[Question]]) -> list[str]:
    """Plain sentences for every mapping fault in ``questions`` (assignment -> its questions); empty when none."""
    known = objectives_by_code()
    problems: list[str] = []
    measured: set[str] = set()
    for assignment, bank in questions.items():
        for q in bank:
            found = known.get(q.objective)
            if found is None:
                problems.append(f"{assignment}: question {q.id} maps to no known objective ({q.objective!r})")
                continue
            if found.assignment != assignment:
                problems.append(f"{assignment}: question {q.id} measures {q.objective}, which belongs to {found.assignment}")
            if not found.assessed:
                problems.append(f"{assignment}: question {q.id} measures {q.objective}, which is not assessed by items")
            measured.add(q.objective)
    for o in OBJECTIVES:
        if o.assessed and o.assignment in questions and o.code not in measured:
            problems.append(f"objective {o.code} is measured by no question")
    return problems


GUIDE_HEADING = "## Objectives map: what each assessment item measures"

_ASSIGNMENT_TITLES = {
    ASSIGNMENT: f"Core course (sections I-VIII): assessment `{ASSIGNMENT}`",
    WINDOW_ASSIGNMENT: f"District window and telephone module: assessment `{WINDOW_ASSIGNMENT}`",
}


def guide_section(questions: Mapping[str, Sequence[Question]]) -> str:
    """The facilitator guide's closing section: every objective with the items that measure it (Markdown)."""
    items: dict[str, list[Question]] = {}
    for bank in questions.values():
        for q in bank:
            items.setdefault(q.objective, []).append(q)
    lines = [
        GUIDE_HEADING, "",
        "Generated from `adaptive_policing/content/objectives.py` and the question banks in `solutions/assessment/`; "
        "a test fails when this section, the objectives or the items disagree. Each objective reads: condition, "
        "behaviour, standard. Items marked *scenario* are a short moment at the window, on the phone or on the "
        "street.", "",
    ]
    for assignment in questions:
        lines += [f"### {_ASSIGNMENT_TITLES.get(assignment, assignment)}", ""]
        for o in OBJECTIVES:
            if o.assignment != assignment:
                continue
            lines.append(f"- **{o.code}** ({SECTIONS[o.section]}). {o.statement}")
            if not o.assessed:
                lines.append(f"  - Not a test item: {o.note}")
            for q in items.get(o.code, []):
                form = f"scenario, {q.setting}" if q.setting else q.kind
                unit = "point" if q.points == 1 else "points"
                lines.append(f"  - Question {q.number}, `{q.id}` ({form}, {q.points:g} {unit})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
