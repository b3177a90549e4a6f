"""Keeping diagnostics: runs started, answered, completed, and shared, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.db import Database
from core.diagnostic import assess, store, to_record
from core.models import ContactRequest, ContactStatus, DiagnosticResult, Youth
from tests.core.diagnostic.test_results import NO_URGENT_NEED
from tests.support.factories import make_site, make_youth


async def _youth(database: Database, clock: ManualClock, **overrides: object) -> Youth:
    async with database.transaction() as session:
        return await make_youth(session, clock.now(), **overrides)


async def _run(database: Database, run_id: int | None) -> DiagnosticResult:
    assert run_id is not None
    async with database.reading() as session:
        run = await session.get(DiagnosticResult, run_id)
    assert run is not None
    return run


async def test_a_new_run_is_the_one_in_progress(database: Database, clock: ManualClock) -> None:
    youth = await _youth(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        assert await store.unfinished_result(session, youth.id) is None
        run = await store.start_result(session, youth.id, clock.now())
        assert run.id is not None
        assert await store.unfinished_result(session, youth.id) is run

    saved = await _run(database, run.id)
    assert (saved.started_at, saved.completed_at) == (clock.now(), None)
    assert (saved.answers, saved.signals, saved.orientations) == ({}, [], [])


async def test_each_answer_is_kept_and_a_new_one_replaces_it(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        run = await store.start_result(session, youth.id, clock.now())
    async with database.transaction() as session:
        loaded = await store.load_result(session, youth.id, run.id or 0)
        assert loaded is not None
        store.record_answer(loaded, "safety.today", "none")
        store.record_answer(loaded, "housing.sleep", "parents")
    async with database.transaction() as session:
        loaded = await store.load_result(session, youth.id, run.id or 0)
        assert loaded is not None
        store.record_answer(loaded, "housing.sleep", "foyer")

    saved = await _run(database, run.id)
    assert saved.answers == {"safety.today": "none", "housing.sleep": "foyer"}


@pytest.mark.parametrize(
    ("question", "answer"),
    [("housing.sleep", "castle"), ("housing.castle", "yes"), ("safety.today", "")],
)
async def test_an_answer_outside_the_questionnaire_is_refused(
    database: Database, clock: ManualClock, question: str, answer: str
) -> None:
    youth = await _youth(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        run = await store.start_result(session, youth.id, clock.now())
        with pytest.raises(ValueError, match="is not an answer"):
            store.record_answer(run, question, answer)
        assert run.answers == {}


async def test_completing_stores_the_assessment_and_closes_the_run(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        run = await store.start_result(session, youth.id, clock.now())
        for question, answer in NO_URGENT_NEED.items():
            store.record_answer(run, question, answer)
    clock.advance(timedelta(minutes=3))
    async with database.transaction() as session:
        loaded = await store.load_result(session, youth.id, run.id or 0)
        assert loaded is not None
        assessment = store.complete(loaded, clock.now())
        assert await store.unfinished_result(session, youth.id) is None

    saved = await _run(database, run.id)
    assert saved.completed_at == clock.now()
    assert {"signals": saved.signals, "orientations": saved.orientations} == to_record(
        assess(NO_URGENT_NEED)
    )
    assert store.assessment_of(saved) == assessment
    with pytest.raises(ValueError, match="not changed"):
        store.record_answer(saved, "housing.sleep", "foyer")
    with pytest.raises(ValueError, match="already completed"):
        store.complete(saved, clock.now())


async def test_only_the_latest_run_can_be_in_progress(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        left = await store.start_result(session, youth.id, clock.now())
        clock.advance(timedelta(days=1))
        fresh = await store.start_result(session, youth.id, clock.now())
        assert await store.unfinished_result(session, youth.id) is fresh
        store.complete(fresh, clock.now())
        assert await store.unfinished_result(session, youth.id) is None, (
            "a run left for a fresh start is never offered again"
        )
        assert left.completed_at is None


async def test_a_run_is_found_only_for_its_own_youth(
    database: Database, clock: ManualClock
) -> None:
    youth = await _youth(database, clock)
    other = await _youth(database, clock)
    assert youth.id is not None
    assert other.id is not None
    async with database.transaction() as session:
        run = await store.start_result(session, youth.id, clock.now())
        assert run.id is not None
        assert await store.load_result(session, youth.id, run.id) is run
        assert await store.load_result(session, other.id, run.id) is None
        assert await store.load_result(session, youth.id, run.id + 1000) is None
        assert await store.unfinished_result(session, other.id) is None


async def test_sharing_opens_one_request_for_the_site_and_sets_the_consent(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        site = await make_site(session)
        youth = await make_youth(session, clock.now(), site_id=site.id)
    async with database.transaction() as session:
        loaded = await session.get(Youth, youth.id)
        assert loaded is not None
        first = await store.share_with_advisers(session, loaded, clock.now())
        assert first is not None
        again = await store.share_with_advisers(session, loaded, clock.now())
        assert again is None, "one open request is enough"

    async with database.transaction() as session:
        [request] = (await session.scalars(select(ContactRequest))).all()
        assert (request.topic, request.site_id, request.youth_id) == (
            store.SUMMARY_TOPIC,
            site.id,
            youth.id,
        )
        assert not request.urgent
        assert request.status == ContactStatus.OPEN
        assert request.created_at == clock.now()
        shared = await session.get(Youth, youth.id)
        assert shared is not None
        assert shared.share_diagnostic
        # Once an adviser closed it, sending again is a new request.
        request.status = ContactStatus.CLOSED
        assert await store.share_with_advisers(session, shared, clock.now()) is not None
