"""Food-parcel eligibility: the latest completed diagnostic or the adviser's referral.

The database tests run on SQLite and PostgreSQL; runs are written the way the
diagnostic flow writes them (`store.start_result`, `record_answer`, `complete`),
except where a test needs a state the flow never produces.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from core.booking.eligibility import food_parcel_eligible, has_food_signal
from core.clock import ManualClock
from core.db import Database
from core.diagnostic import Priority, Signal, Theme, assess, store, to_record
from core.diagnostic.results import signal_to_record
from core.models import DiagnosticResult, Youth
from tests.core.diagnostic.test_results import NO_URGENT_NEED
from tests.support.factories import make_youth

MINUTE = timedelta(minutes=1)

# NO_URGENT_NEED skips meals "sometimes": a food need, though not an urgent one.
SKIPS_MEALS = NO_URGENT_NEED
EATS_ENOUGH = {**NO_URGENT_NEED, "money.meals": "never"}
NOTHING_TO_EAT_TODAY = {"safety.today": "no_food"}


def _signal(theme: Theme, priority: Priority = Priority.P1) -> dict[str, Any]:
    return signal_to_record(Signal(theme, priority, "test_reason", "test.question"))


# -- has_food_signal ---------------------------------------------------------------


@pytest.mark.parametrize("theme", [Theme.FOOD_AID, Theme.FOOD])
@pytest.mark.parametrize("priority", list(Priority))
def test_either_food_theme_at_any_priority_is_a_food_signal(
    theme: Theme, priority: Priority
) -> None:
    signals = [_signal(Theme.BANK_ACCOUNT), _signal(theme, priority)]

    assert has_food_signal(signals)


def test_other_needs_are_no_food_signal() -> None:
    others = [_signal(theme) for theme in Theme if theme not in (Theme.FOOD_AID, Theme.FOOD)]

    assert others
    assert not has_food_signal(others)
    assert not has_food_signal([])


@pytest.mark.parametrize(
    "signal",
    [
        {},
        {"priority": "P1", "reason": "skips_meals_often"},
        {"theme": None},
        {"theme": 42},
        {"theme": [Theme.FOOD_AID.value]},
        {"theme": "alimentation"},
    ],
)
def test_a_malformed_stored_signal_is_no_food_signal(signal: dict[str, Any]) -> None:
    assert not has_food_signal([signal])
    assert has_food_signal([signal, _signal(Theme.FOOD_AID)])


@pytest.mark.parametrize(
    ("answers", "expected"),
    [(SKIPS_MEALS, True), (NOTHING_TO_EAT_TODAY, True), (EATS_ENOUGH, False)],
)
def test_reads_the_signals_the_diagnostic_stores(answers: dict[str, str], expected: bool) -> None:
    stored = to_record(assess(answers))["signals"]

    assert has_food_signal(stored) is expected


# -- food_parcel_eligible ------------------------------------------------------------


async def _youth(database: Database, clock: ManualClock, **overrides: object) -> Youth:
    async with database.transaction() as session:
        return await make_youth(session, clock.now(), **overrides)


async def _completed_run(
    database: Database, clock: ManualClock, youth: Youth, answers: dict[str, str]
) -> DiagnosticResult:
    """A run answered and completed a minute later, as the diagnostic flow does it."""
    assert youth.id is not None
    async with database.transaction() as session:
        run = await store.start_result(session, youth.id, clock.now())
        for question, answer in answers.items():
            store.record_answer(run, question, answer)
        clock.advance(MINUTE)
        store.complete(run, clock.now())
    return run


async def _stored_run(
    database: Database,
    youth: Youth,
    *,
    started_at: datetime,
    completed_at: datetime | None,
    signals: list[dict[str, Any]],
) -> DiagnosticResult:
    assert youth.id is not None
    run = DiagnosticResult(
        youth_id=youth.id, started_at=started_at, completed_at=completed_at, signals=signals
    )
    async with database.transaction() as session:
        session.add(run)
    return run


async def _eligible(database: Database, youth: Youth) -> bool:
    async with database.reading() as session:
        return await food_parcel_eligible(session, youth)


async def test_no_diagnostic_and_no_referral_is_not_eligible(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)

    assert not await _eligible(database, youth)


async def test_an_advisers_referral_alone_makes_the_youth_eligible(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock, food_parcel_eligible=True)

    assert await _eligible(database, youth)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [(SKIPS_MEALS, True), (NOTHING_TO_EAT_TODAY, True), (EATS_ENOUGH, False)],
)
async def test_a_completed_diagnostic_decides(
    database: Database, clock: ManualClock, answers: dict[str, str], expected: bool
) -> None:
    youth = await _youth(database, clock)
    await _completed_run(database, clock, youth, answers)

    assert await _eligible(database, youth) is expected


async def test_the_latest_completed_run_decides_when_things_got_better(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    await _completed_run(database, clock, youth, SKIPS_MEALS)
    assert await _eligible(database, youth)
    clock.advance(timedelta(days=20))

    await _completed_run(database, clock, youth, EATS_ENOUGH)

    assert not await _eligible(database, youth)


async def test_the_latest_completed_run_decides_when_things_got_worse(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    await _completed_run(database, clock, youth, EATS_ENOUGH)
    clock.advance(timedelta(days=20))

    await _completed_run(database, clock, youth, SKIPS_MEALS)

    assert await _eligible(database, youth)


async def test_the_referral_holds_whatever_the_latest_diagnostic_says(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock, food_parcel_eligible=True)
    await _completed_run(database, clock, youth, SKIPS_MEALS)
    clock.advance(timedelta(days=20))
    await _completed_run(database, clock, youth, EATS_ENOUGH)

    assert await _eligible(database, youth)


async def test_a_run_in_progress_leaves_the_completed_one_in_force(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    await _completed_run(database, clock, youth, SKIPS_MEALS)
    clock.advance(timedelta(days=20))
    assert youth.id is not None
    async with database.transaction() as session:
        fresh = await store.start_result(session, youth.id, clock.now())
        store.record_answer(fresh, "money.meals", "never")

    assert await _eligible(database, youth)


@pytest.mark.parametrize("after_a_completed_run", [True, False])
async def test_an_unfinished_run_never_counts_even_with_signals(
    database: Database, clock: ManualClock, after_a_completed_run: bool
) -> None:
    # The flow stores signals only when it completes a run; a row that has some
    # without a completion time must still not make anyone eligible.
    youth = await _youth(database, clock)
    if after_a_completed_run:
        await _completed_run(database, clock, youth, EATS_ENOUGH)
    await _stored_run(
        database,
        youth,
        started_at=clock.now() + MINUTE,
        completed_at=None,
        signals=[_signal(Theme.FOOD_AID)],
    )

    assert not await _eligible(database, youth)


async def test_latest_means_last_completed_not_last_started(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    now = clock.now()
    # Started first, completed last: this one is in force.
    await _stored_run(
        database,
        youth,
        started_at=now,
        completed_at=now + 3 * MINUTE,
        signals=[_signal(Theme.FOOD)],
    )
    await _stored_run(
        database,
        youth,
        started_at=now + MINUTE,
        completed_at=now + 2 * MINUTE,
        signals=[_signal(Theme.BANK_ACCOUNT)],
    )

    assert await _eligible(database, youth)


@pytest.mark.parametrize(("first_food", "expected"), [(True, False), (False, True)])
async def test_runs_completed_at_the_same_instant_the_later_saved_decides(
    database: Database, clock: ManualClock, first_food: bool, expected: bool
) -> None:
    youth = await _youth(database, clock)
    now = clock.now()
    food, other = [_signal(Theme.FOOD_AID)], [_signal(Theme.BUDGET)]
    for signals in (food, other) if first_food else (other, food):
        await _stored_run(database, youth, started_at=now, completed_at=now, signals=signals)

    assert await _eligible(database, youth) is expected


async def test_another_youths_diagnostic_does_not_count(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    hungry = await _youth(database, clock)
    await _completed_run(database, clock, hungry, SKIPS_MEALS)

    assert await _eligible(database, hungry)
    assert not await _eligible(database, youth)


async def test_reads_inside_the_callers_transaction_without_ending_it(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    await _completed_run(database, clock, youth, SKIPS_MEALS)

    async with database.transaction() as session:
        assert await food_parcel_eligible(session, youth)
        assert session.in_transaction()
