"""Branching case studies: load and check a scenario, play it, and sum up a class.

* :mod:`.scenario` — the scenario file: its data, schema and graph checks;
* :mod:`.play` — where one trainee is in one play, and how it is saved;
* :mod:`.player` — the widget, ``case_study("<id>")``;
* :mod:`.summary` — the class's paths for the instructor.

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

from .play import CasePlay
from .player import CaseStudyPlayer, case_study
from .scenario import (
    PROMPT_PREFIX,
    CaseStudy,
    CaseStudyError,
    Choice,
    Ending,
    Node,
    case_study_ids,
    check_case_study,
    clamp_perception,
    load_case_study,
    load_case_study_file,
    routes_to_endings,
)
from .summary import CasePaths, class_paths

__all__ = [
    "PROMPT_PREFIX", "CasePaths", "CasePlay", "CaseStudy", "CaseStudyError", "CaseStudyPlayer", "Choice", "Ending",
    "Node", "case_study", "case_study_ids", "check_case_study", "class_paths", "clamp_perception",
    "load_case_study", "load_case_study_file", "routes_to_endings",
]
