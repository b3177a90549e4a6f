"""The assessment: the top three steps, the adviser's summary, the stored record."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.diagnostic import (
    DOMAINS,
    SAFETY,
    BookAction,
    Priority,
    assess,
    from_record,
    summary_for_adviser,
    to_record,
)
from core.diagnostic.orientations import step_for
from core.diagnostic.questions import domain_rank
from core.i18n import render_text
from core.models.enums import SlotKind
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")

# The diagnostic's youth with no urgent need: skips meals sometimes, a phone without data,
# wants to work fast; everything else is fine.
NO_URGENT_NEED = {
    "safety.today": "none",
    "housing.sleep": "parents",
    "housing.leave": "no",
    "housing.mail": "yes",
    "money.income": "regular",
    "money.meals": "sometimes",
    "money.bank": "yes",
    "rights.papers": "valid",
    "rights.health_cover": "both",
    "rights.age_25": "no",
    "health.mood": "good",
    "health.care": "no",
    "health.use": "no",
    "digital.phone": "no_plan",
    "digital.computer": "yes",
    "digital.online": "yes",
    "job.now": "nothing",
    "job.goal": "work_fast",
    "job.diploma": "cap_bep",
    "family.ase": "no",
    "family.child": "no",
    "family.minor": "no",
    "mobility.transport": "pass",
    "mobility.french": "yes",
}

# Someone with many needs at once, none of them urgent.
MANY_NEEDS = {
    "housing.sleep": "family_friends",
    "housing.mail": "no",
    "money.income": "none",
    "money.meals": "often",
    "money.bank": "no",
    "rights.papers": "missing",
    "digital.phone": "no_phone",
    "job.now": "nothing",
    "job.goal": "work_fast",
    "family.ase": "before",
    "mobility.transport": "neither",
    "mobility.french": "no",
    "mobility.interpreter": "yes",
}


def test_a_youth_with_no_urgent_need_gets_food_parcel_emmaus_connect_and_cv_workshop() -> None:
    assessment = assess(NO_URGENT_NEED)
    assert not assessment.urgent
    assert [o.action for o in assessment.top] == [
        BookAction(SlotKind.FOOD_PARCEL, None, "linkee"),
        BookAction(SlotKind.APPOINTMENT, "digital", "emmaus-connect"),
        BookAction(SlotKind.WORKSHOP, "cv", "mission-emploi-action"),
    ]
    assert [o.key for o in assessment.top] == ["linkee_parcel", "emmaus_connect", "cv_workshop"]
    assert assessment.minor is False
    assert not assessment.interpreter_wanted


def test_at_most_three_steps_on_top_the_rest_under_see_everything() -> None:
    assessment = assess(MANY_NEEDS)
    assert len(assessment.orientations) > 3
    assert assessment.top == assessment.orientations[:3]
    assert [o.priority for o in assessment.top] == [Priority.P1] * 3
    assert [o.key for o in assessment.top] == ["housing_workshop", "sij_paj", "linkee_parcel"]


def test_skipping_every_question_gives_nothing_to_do() -> None:
    assessment = assess({})
    assert assessment.signals == ()
    assert assessment.orientations == ()
    assert assessment.top == ()
    assert not assessment.urgent
    assert assessment.minor is None


def test_answers_outside_the_questionnaire_are_ignored() -> None:
    assert assess({"housing.sleep": "castle", "nope": "yes"}).signals == ()


# -- the adviser's summary --------------------------------------------------------


def _rendered(assessment_answers: dict[str, str], locale: str) -> list[str]:
    catalogs = compiled_catalogs()
    lines = summary_for_adviser(assess(assessment_answers))
    return [render_text(line, locale, catalogs, PARIS) for line in lines]


def test_the_summary_gives_each_step_with_what_led_to_it() -> None:
    lines = _rendered(NO_URGENT_NEED, "fr")
    assert len(lines) == len(assess(NO_URGENT_NEED).orientations)
    assert lines[0].splitlines() == [
        "🟠 Cette semaine — Un colis alimentaire gratuit",
        "↳ Saute parfois des repas faute d’argent",
    ]


def test_a_step_reached_for_several_reasons_lists_each_once() -> None:
    lines = _rendered(MANY_NEEDS, "en")
    (cej,) = [line for line in lines if "CEJ or PACEA" in line]
    assert cej.splitlines() == [
        "🔵 For the next meeting — Support: CEJ or PACEA",
        "↳ No income and no activity",
        "↳ Wants to find work fast",
    ]


def test_the_summary_starts_with_the_flags_an_adviser_must_not_miss() -> None:
    answers = {
        "safety.today": "no_shelter",
        "family.minor": "yes",
        "mobility.french": "no",
        "mobility.interpreter": "yes",
    }
    lines = _rendered(answers, "en")
    assert lines[:3] == [
        "⚠️ Urgent situation reported.",
        "👤 Under 18.",
        "🗣️ Would like an interpreter at appointments.",
    ]
    assert lines[3] == "🔴 Urgent — Call 115\n↳ Nowhere to sleep tonight"


def test_nothing_to_summarise_gives_no_line() -> None:
    assert summary_for_adviser(assess({})) == []


# -- the stored record --------------------------------------------------------------


def test_the_record_is_json_and_reads_back_as_the_same_assessment() -> None:
    assessment = assess(MANY_NEEDS | {"safety.today": "no_food"})
    record = json.loads(json.dumps(to_record(assessment)))
    assert set(record) == {"signals", "orientations"}
    assert record["signals"][0] == {
        "theme": "equipement-et-alimentation--alimentation",
        "priority": "P0",
        "reason": "no_food_today",
        "source_question": "safety.today",
    }
    assert from_record(MANY_NEEDS, record["signals"], record["orientations"]) == assessment


def test_an_old_record_shows_what_was_recommended_then() -> None:
    signals = [
        {
            "theme": "numerique--acceder-a-du-materiel",
            "priority": "P1",
            "reason": "no_phone",
            "source_question": "digital.phone",
        },
        {"theme": "a-theme-since-removed", "priority": "P1", "reason": "x", "source_question": "y"},
    ]
    orientations = [
        {
            "key": "emmaus_connect",
            "priority": "P1",
            "theme": "numerique--acceder-a-du-materiel",
            "domain": "digital",
            "action": {
                "type": "book",
                "kind": "appointment",
                "topic": "phone",
                "partner_code": "emmaus-connect",
            },
        },
        {
            "key": "a_step_since_removed",
            "priority": "P2",
            "theme": "sante--acces-aux-soins",
            "domain": "health",
            "action": {"type": "info", "topic": "x"},
        },
        {
            "key": "call_115",
            "priority": "P0",
            "theme": "logement-hebergement--mal-loges-sans-logis",
            "domain": "housing",
            "action": {"type": "teleport"},
        },
    ]
    assessment = from_record({}, signals, orientations)
    assert len(assessment.signals) == 1
    (only,) = assessment.orientations
    # The action stored then, even though today's step books topic "digital".
    assert only.action == BookAction(SlotKind.APPOINTMENT, "phone", "emmaus-connect")
    assert not assessment.urgent


# -- whatever the answers -----------------------------------------------------------

_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        q.key: st.sampled_from([a.key for a in q.answers])
        for item in (SAFETY, *DOMAINS)
        for q in item.questions
    },
)


@given(_ANSWERS)
def test_any_answers_give_an_ordered_unique_top_three(answers: dict[str, str]) -> None:
    assessment = assess(answers)
    assert all(step_for(signal) is not None for signal in assessment.signals)
    keys = [o.key for o in assessment.orientations]
    assert len(keys) == len(set(keys))
    order = [(o.priority.value, domain_rank(o.domain)) for o in assessment.orientations]
    assert order == sorted(order)
    assert assessment.top == assessment.orientations[:3]
    assert assessment.urgent == any(s.priority is Priority.P0 for s in assessment.signals)
    record = json.loads(json.dumps(to_record(assessment)))
    assert from_record(answers, record["signals"], record["orientations"]) == assessment
