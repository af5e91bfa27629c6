"""Every point of both source documents is taught on a page trainees see.

Each row names a point of the Sacramento outline (by its number) or of the
Philadelphia article, the trainee page that teaches it, and words that page must
contain. Removing or renaming that teaching makes the test fail.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

COVERAGE = [
    ("I.A names, experience, assignments", "01-introductions", "assignment"),
    ("I.B.1 no previous customer-service training", "01-introductions", "customer-service training"),
    ("I.B.2 no clearly defined expectations", "01-introductions", "no clearly defined expectations"),
    ("I.B.3 no industry standards", "01-introductions", "industry standards"),
    ("I.C.1 participate", "01-introductions", "participate"),
    ("I.C.2 give feedback", "01-introductions", "feedback"),
    ("II.A negative publicity", "02-what-is-the-problem", "negative publicity"),
    ("II.A.2 unable to communicate effectively", "02-what-is-the-problem", "communicate effectively"),
    ("II.B.1 disenfranchised neighborhoods", "02-what-is-the-problem", "disenfranchised"),
    ("II.B.2 why we do what we do", "02-what-is-the-problem", "why we do what we do"),
    ("III.A.1 identifying the needs", "03-what-is-customer-service", "identifying the needs"),
    ("III.A.2.a Start with Why, the golden circle", "03-what-is-customer-service", "golden circle"),
    ("III.B.2 customer experience = service + emotional outcome", "03-what-is-customer-service", "emotional outcome"),
    ("III.C.1.a obtain new customers", "03-what-is-customer-service", "obtain new customers"),
    ("III.C.1.c keep customers loyal", "03-what-is-customer-service", "loyal"),
    ("III.D.1.a monopoly on service", "03-what-is-customer-service", "monopoly"),
    ("III.D.1.b no competition", "03-what-is-customer-service", "competition"),
    ("III.D.1.c the customers need us", "03-what-is-customer-service", "need us"),
    ("III.E.1 direct customers", "03-what-is-customer-service", "direct customers"),
    ("III.E.1 indirect customers", "03-what-is-customer-service", "indirect customers"),
    ("III.E.2.c private-sector principles", "03-what-is-customer-service", "private-sector principles"),
    ("Activity 1: customers without selling a product", "activity-1-who-are-our-customers", "sell a product"),
    ("IV.A what the community expects", "04-customer-service-and-policing", "community expect"),
    ("IV.B what the organization expects", "04-customer-service-and-policing", "organization expect"),
    ("IV.B.2 serve our peers", "04-customer-service-and-policing", "peers"),
    ("V.A.1 Start with Why", "05-techniques-and-strategies", "start with why"),
    ("V.A.2 one customer", "05-techniques-and-strategies", "one customer"),
    ("V.A.3 alternative yeses", "05-techniques-and-strategies", "alternative yes"),
    ("V.A.4 anticipate needs, emotional bond", "05-techniques-and-strategies", "emotional bond"),
    ("V.A.5 predictably positive experience", "05-techniques-and-strategies", "predictably positive"),
    ("V.A.6 level with them: maturity and integrity", "05-techniques-and-strategies", "maturity and integrity"),
    ("V.A.7 compare across industries", "05-techniques-and-strategies", "across industries"),
    ("V.A.8 a customer experience", "05-techniques-and-strategies", "customer experience"),
    ("V.A.9 a brand is a promise delivered", "05-techniques-and-strategies", "brand is a promise delivered"),
    ("V.A.10 not everyone wants hyper-personal interactions", "05-techniques-and-strategies", "hyper"),
    ("V.A.11 far above and beyond: moderate gains", "05-techniques-and-strategies", "far above and beyond"),
    ("V.B.2 emotional outcomes", "05-techniques-and-strategies", "emotional outcomes"),
    ("V.C the public sector", "05-techniques-and-strategies", "public sector"),
    ("V.D.1 surpass expectations", "05-techniques-and-strategies", "surpass"),
    ("V.D.2 when they are wrong", "05-techniques-and-strategies", "when they are wrong"),
    ("Activity 2: private and public service, best practices", "activity-2-private-and-public-service", "best practice"),
    ("VI.B.1 listen", "06-complaint-resolution", "listen"),
    ("VI.B.2 ask questions", "06-complaint-resolution", "ask questions"),
    ("VI.B.3 empathize", "06-complaint-resolution", "empathize"),
    ("VI.B.4 address the issue", "06-complaint-resolution", "address the issue"),
    ("VI.C.1 test questions", "06-complaint-resolution", "test questions"),
    ("VI.C.2 offer additional help", "06-complaint-resolution", "offer additional help"),
    ("VI.D.1 appreciation", "06-complaint-resolution", "appreciation"),
    ("VI.D.2 follow-through", "06-complaint-resolution", "follow-through"),
    ("VII.A.1 opportunities to serve", "07-implementing-customer-service", "opportunities to serve"),
    ("VII.A.2 organizational values", "07-implementing-customer-service", "organizational values"),
    ("VII.B.1.a name and agency", "07-implementing-customer-service", "by name and agency"),
    ("VII.B.1.b Police, we're here to help", "07-implementing-customer-service", "police, we're here to help"),
    ("VII.B.2.a active listening / procedural justice", "07-implementing-customer-service", "procedural justice"),
    ("VII.B.2.b the customer isn't always right", "07-implementing-customer-service", "isn't always right"),
    ("VII.B.2.c emotions remembered longer", "07-implementing-customer-service", "remember emotions"),
    ("VII.B.2.c a positive emotion outweighs", "07-implementing-customer-service", "positive emotion outweighs a negative outcome"),
    ("VII.B.2.d genuine and authentic", "07-implementing-customer-service", "authentic"),
    ("VII.B.3.a any questions before I go", "07-implementing-customer-service", "do you have any questions that i can answer"),
    ("VII.B.3.b anything else before we leave", "07-implementing-customer-service", "anything else that we can do for you"),
    ("VII.B.3.c thank you for calling us", "07-implementing-customer-service", "thank you for calling us"),
    ("VII.B.3.d just a phone call away", "07-implementing-customer-service", "just a phone call away"),
    ("VII.B.3.e follow-up builds an emotional bond", "07-implementing-customer-service", "follow-up"),
    ("VIII.A.1 trust", "08-what-we-gain", "trust"),
    ("VIII.A.2 partnerships", "08-what-we-gain", "partnerships"),
    ("VIII.A.3 decrease in complaints", "08-what-we-gain", "decrease in complaints"),
    ("VIII.A.4 loyalty from the community", "08-what-we-gain", "loyalty from the community"),
    ("VIII.B increased morale", "08-what-we-gain", "morale"),
    ("VIII.C positive image", "08-what-we-gain", "positive image"),
    ("Activity 3: change the customer's perception", "activity-3-changing-perception", "perception"),
    ("IX assessment of learning", "09-assessment-of-learning", "assessment"),
    ("Window: acknowledge the customer immediately", "10-district-window", "immediately"),
    ("Window: respect", "10-district-window", "respect"),
    ("Window: right to an informed decision", "10-district-window", "informed decision"),
    ("Window: personal accountability", "10-district-window", "personal accountability"),
    ("Window: not defensive about complaints", "10-district-window", "defensive"),
    ("Window: the captain's photo and contact details", "10-district-window", "captain"),
    ("Window: Steps of Service", "10-district-window", "steps of service"),
    ("Telephone: L.A.S.T.", "11-telephone", "listen, acknowledge, solve, thank"),
    ("Telephone: the 3 R's", "11-telephone", "reliability"),
    ("Telephone: reassurance", "11-telephone", "reassurance"),
    ("Telephone: role play", "11-telephone", "role play"),
]


@lru_cache(maxsize=None)
def trainee_text(page_id: str) -> str:
    """The markdown and calls of a trainee page, lower-cased."""
    candidates = [REPO / "course" / f"{page_id}.ipynb", REPO / "exercises" / "activities" / f"{page_id}.ipynb"]
    path = next(p for p in candidates if p.exists())
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return " ".join("".join(cell["source"]) for cell in cells).lower()


@pytest.mark.parametrize(("point", "page_id", "words"), COVERAGE, ids=[row[0] for row in COVERAGE])
def test_each_source_point_is_taught_on_its_page(point: str, page_id: str, words: str) -> None:
    assert words in trainee_text(page_id), f"{point}: {page_id} does not mention {words!r}"


def test_every_section_of_the_outline_is_covered() -> None:
    sections = {row[0].split(".")[0].split(" ")[0] for row in COVERAGE}
    assert {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"} <= sections


@pytest.mark.parametrize("typo", ["it to bring", "officer additional help", "MMB "])
def test_the_source_typos_are_not_copied(typo: str) -> None:
    pages = [p.stem for p in (REPO / "course").glob("*.ipynb")] + [
        p.stem for p in (REPO / "exercises" / "activities").glob("*.ipynb")]
    assert not [page for page in pages if typo.lower() in trainee_text(page)]
