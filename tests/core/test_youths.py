"""Consent, site, activity, the export of a youth's data and its erasure, on both backends."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

import core.youths
from core.clock import ManualClock
from core.db import Database
from core.erasure import SKIP_REASON_YOUTH_ERASED, erase_youth
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    ContactRequest,
    ConversationState,
    DiagnosticResult,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    SlotKind,
    Youth,
)
from core.youths import (
    SKIP_REASON_YOUTH_UNREACHABLE,
    AgeGroup,
    export_youth_data,
    find_youth,
    has_current_consent,
    load_youth,
    mark_unreachable,
    register_or_reconsent,
    set_site,
    touch,
)
from tests.support.factories import make_booking, make_site, make_slot, make_youth

USER_ID = 990_001


async def _register(database: Database, clock: ManualClock, **overrides: Any) -> Youth:
    values: dict[str, Any] = {
        "user_id": USER_ID,
        "display_name": "Sam",
        "username": "sam75",
        "locale": "fr",
        "age_group": AgeGroup.ADULT,
        "origin": "maraude-2026-12",
        "share_diagnostic": False,
        "now": clock.now(),
    }
    async with database.transaction() as session:
        return await register_or_reconsent(session, **(values | overrides))


async def _youth(database: Database, youth_id: int | None) -> Youth | None:
    async with database.reading() as session:
        return await load_youth(session, youth_id)


async def _youth_by_telegram_id(database: Database, telegram_user_id: int) -> Youth | None:
    async with database.reading() as session:
        return await find_youth(session, telegram_user_id)


async def _rows(database: Database, model: Any, *where: Any) -> list[Any]:
    async with database.reading() as session:
        statement = select(model).where(*where).order_by(col(model.id))
        return list(await session.scalars(statement))


# -- consent -------------------------------------------------------------------


async def test_consent_creates_the_youth(database: Database, clock: ManualClock) -> None:
    youth = await _register(database, clock)
    stored = await _youth(database, youth.id)
    assert stored is not None
    assert stored.telegram_user_id == USER_ID
    assert (stored.display_name, stored.username, stored.locale) == ("Sam", "sam75", "fr")
    assert stored.age_group == "18-25"
    assert stored.origin == "maraude-2026-12"
    assert stored.consent_version == core.youths.CONSENT_VERSION
    assert stored.consented_at == stored.created_at == stored.last_seen_at == clock.now()
    assert stored.share_diagnostic is False
    assert stored.site_id is None
    assert has_current_consent(stored)


async def test_a_notice_change_asks_again_and_reconsent_updates_the_same_row(
    database: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _register(database, clock)
    async with database.transaction() as session:
        site = await make_site(session)
        stored = await load_youth(session, first.id)
        assert stored is not None
        await set_site(session, stored, site.id or 0)

    monkeypatch.setattr(core.youths, "CONSENT_VERSION", core.youths.CONSENT_VERSION + 1)
    assert not has_current_consent(await _youth(database, first.id))

    clock.advance(timedelta(days=30))
    again = await _register(
        database,
        clock,
        display_name="Sam B.",
        username=None,
        locale="en",
        age_group=AgeGroup.ADULT,
        origin="site-paris-centre",
        share_diagnostic=True,
    )
    assert again.id == first.id
    stored = await _youth(database, first.id)
    assert stored is not None
    assert has_current_consent(stored)
    assert stored.consent_version == core.youths.CONSENT_VERSION
    assert stored.consented_at == clock.now()
    assert stored.created_at == clock.now() - timedelta(days=30)
    assert (stored.display_name, stored.username, stored.locale) == ("Sam B.", None, "en")
    assert stored.origin == "maraude-2026-12", "the first origin is kept"
    assert stored.site_id == site.id, "the site is kept"
    assert stored.share_diagnostic is True


async def test_a_youth_with_no_origin_gets_the_later_one(
    database: Database, clock: ManualClock
) -> None:
    await _register(database, clock, origin=None)
    youth = await _register(database, clock, origin="site-paris-nord")
    assert youth.origin == "site-paris-nord"


async def test_long_telegram_names_are_cut_to_the_columns(
    database: Database, clock: ManualClock
) -> None:
    youth = await _register(database, clock, display_name="é" * 300, username="u" * 100)
    stored = await _youth(database, youth.id)
    assert stored is not None
    assert stored.display_name == "é" * 200
    assert stored.username == "u" * 64


async def test_no_youth_means_no_consent(database: Database) -> None:
    assert not has_current_consent(None)
    assert await _youth(database, None) is None
    async with database.reading() as session:
        assert await find_youth(session, USER_ID) is None


async def test_set_site_refuses_a_site_that_does_not_exist(
    database: Database, clock: ManualClock
) -> None:
    youth = await _register(database, clock)
    async with database.transaction() as session:
        stored = await load_youth(session, youth.id)
        assert stored is not None
        assert await set_site(session, stored, 999_999) is None
    stored = await _youth(database, youth.id)
    assert stored is not None
    assert stored.site_id is None


async def test_touch_writes_last_seen_at_most_hourly(
    database: Database, clock: ManualClock
) -> None:
    youth = await _register(database, clock)
    assert youth.id is not None
    registered = clock.now()

    clock.advance(timedelta(minutes=30))
    async with database.transaction() as session:
        await touch(session, youth.id, clock.now())
    stored = await _youth(database, youth.id)
    assert stored is not None
    assert stored.last_seen_at == registered

    clock.advance(timedelta(minutes=31))
    async with database.transaction() as session:
        await touch(session, youth.id, clock.now())
    stored = await _youth(database, youth.id)
    assert stored is not None
    assert stored.last_seen_at == clock.now()


# -- reachability --------------------------------------------------------------


def _reminder(now: datetime, youth_id: int | None, **overrides: Any) -> Reminder:
    values: dict[str, Any] = {
        "kind": OutboxKind.REMINDER,
        "youth_id": youth_id,
        "due_at": now + timedelta(days=1),
        "created_at": now,
    }
    return Reminder(**(values | overrides))


async def test_a_youth_who_blocked_the_bot_gets_no_more_messages(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    youth = await _register(database, clock)
    async with database.transaction() as session:
        other = await make_youth(session, now)
        slot = await make_slot(session, now)
        booking = await make_booking(session, now, youth.id or 0, slot)
        pending = _reminder(now, youth.id, booking_id=booking.id)
        staff = _reminder(now, youth.id, kind=OutboxKind.STAFF_MESSAGE)
        sent = _reminder(now, youth.id, status=OutboxStatus.SENT, due_at=now)
        someone_else = _reminder(now, other.id)
        session.add_all([pending, staff, sent, someone_else])

    clock.advance(timedelta(minutes=5))
    async with database.transaction() as session:
        marked = await mark_unreachable(session, USER_ID, clock.now())
    assert marked is not None
    assert marked.id == youth.id

    stored = await _youth(database, youth.id)
    assert stored is not None
    assert (stored.reachable, stored.unreachable_since) == (False, clock.now())
    by_id = {reminder.id: reminder for reminder in await _rows(database, Reminder)}
    for skipped in (pending.id, staff.id):
        assert by_id[skipped].status == OutboxStatus.SKIPPED
        assert by_id[skipped].skip_reason == SKIP_REASON_YOUTH_UNREACHABLE
        assert by_id[skipped].history == [
            {
                "at": clock.now().isoformat(),
                "event": "skipped",
                "detail": SKIP_REASON_YOUTH_UNREACHABLE,
            }
        ]
    assert by_id[sent.id].status == OutboxStatus.SENT, "what was sent stays sent"
    assert by_id[someone_else.id].status == OutboxStatus.PENDING
    [kept] = await _rows(database, Booking)
    assert kept.status == BookingStatus.BOOKED, "the seat is theirs until an adviser decides"


async def test_blocked_again_keeps_the_first_date(database: Database, clock: ManualClock) -> None:
    youth = await _register(database, clock)
    first_time = clock.now()
    async with database.transaction() as session:
        await mark_unreachable(session, USER_ID, first_time)
    clock.advance(timedelta(days=3))
    async with database.transaction() as session:
        session.add(_reminder(clock.now(), youth.id))
    async with database.transaction() as session:
        again = await mark_unreachable(session, USER_ID, clock.now())
    assert again is not None
    assert again.unreachable_since == first_time
    [reminder] = await _rows(database, Reminder)
    assert reminder.status == OutboxStatus.SKIPPED, "messages queued since are stopped too"


async def test_marking_an_unknown_telegram_user_does_nothing(
    database: Database, clock: ManualClock
) -> None:
    await _register(database, clock)
    async with database.transaction() as session:
        assert await mark_unreachable(session, USER_ID + 1, clock.now()) is None
    stored = await _youth_by_telegram_id(database, USER_ID)
    assert stored is not None
    assert stored.reachable


async def test_a_youth_who_writes_again_is_reachable_again(
    database: Database, clock: ManualClock
) -> None:
    youth = await _register(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        session.add(_reminder(clock.now(), youth.id))
    clock.advance(timedelta(minutes=10))
    async with database.transaction() as session:
        await mark_unreachable(session, USER_ID, clock.now())

    # Within the hour `touch` would not write for a reachable youth: it does here.
    clock.advance(timedelta(minutes=10))
    async with database.transaction() as session:
        await touch(session, youth.id, clock.now())

    stored = await _youth(database, youth.id)
    assert stored is not None
    assert (stored.reachable, stored.unreachable_since) == (True, None)
    assert stored.last_seen_at == clock.now()
    [reminder] = await _rows(database, Reminder)
    assert reminder.status == OutboxStatus.SKIPPED, "skipped messages stay skipped"


# -- export --------------------------------------------------------------------


async def test_the_export_holds_everything_stored(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    youth = await _register(database, clock, share_diagnostic=True)
    async with database.transaction() as session:
        site = await make_site(session, code="paris-est", name="Site Est")
        stored = await load_youth(session, youth.id)
        assert stored is not None
        await set_site(session, stored, site.id or 0)
        slot = await make_slot(session, now, title="Atelier CV", place_name="Site Est")
        booking = await make_booking(session, now, stored, slot, note="avec interprète")
        session.add(
            SatisfactionAnswer(
                booking_id=booking.id, slot_id=slot.id, slot_kind=slot.kind, score=4,
                comment="Bien", answered_at=now,
            )
        )  # fmt: skip
        session.add(
            Reminder(
                kind=OutboxKind.REMINDER, booking_id=booking.id, youth_id=youth.id,
                due_at=now + timedelta(days=1), created_at=now,
            )
        )  # fmt: skip
        session.add(
            ContactRequest(
                youth_id=youth.id or 0, site_id=site.id, topic="housing", message="<b>aide</b>",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.add(
            DiagnosticResult(
                youth_id=youth.id or 0, started_at=now, completed_at=now,
                answers={"housing.sleep": "parents"},
                signals=[{"theme": "logement-hebergement--mal-loges-sans-logis", "priority": "P1"}],
            )
        )  # fmt: skip

    async with database.reading() as session:
        document = await export_youth_data(session, youth.id or 0)

    assert json.loads(json.dumps(document)) == document, "JSON-serialisable as it is"
    profile = document["youth"]
    assert profile["telegram_user_id"] == USER_ID
    assert profile["site"] == {"code": "paris-est", "name": "Site Est"}
    assert profile["age_group"] == "18-25"
    assert profile["origin"] == "maraude-2026-12"
    assert profile["share_diagnostic"] is True
    assert profile["consent_version"] == core.youths.CONSENT_VERSION
    assert profile["consented_at"] == now.isoformat()
    [exported_booking] = document["bookings"]
    assert exported_booking["title"] == "Atelier CV"
    assert exported_booking["status"] == "booked"
    assert exported_booking["note"] == "avec interprète"
    assert exported_booking["starts_at"] == slot.starts_at.isoformat()
    assert exported_booking["satisfaction"] == {
        "score": 4,
        "comment": "Bien",
        "answered_at": now.isoformat(),
    }
    assert [message["kind"] for message in document["messages"]] == ["reminder"]
    [request] = document["contact_requests"]
    assert (request["topic"], request["message"], request["status"]) == (
        "housing",
        "<b>aide</b>",
        "open",
    )
    [diagnostic] = document["diagnostics"]
    assert diagnostic["answers"] == {"housing.sleep": "parents"}
    assert diagnostic["signals"][0]["priority"] == "P1"


async def test_exporting_a_youth_that_does_not_exist_fails(database: Database) -> None:
    async with database.reading() as session:
        with pytest.raises(LookupError):
            await export_youth_data(session, 424_242)


# -- erasure -------------------------------------------------------------------


async def test_erasure_frees_seats_keeps_anonymous_counts_and_forgets_the_youth(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    youth = await _register(database, clock)
    assert youth.id is not None
    async with database.transaction() as session:
        other = await make_youth(session, now)
        full = await make_slot(session, now, capacity=1)
        past = await make_slot(session, now - timedelta(days=7), starts_in=timedelta(days=1))
        waiting = await make_slot(session, now, SlotKind.FOOD_PARCEL, capacity=1)
        held = await make_booking(session, now, youth.id, full, note="je viens avec ma fille")
        queued = await make_booking(session, now, other, full, BookingStatus.WAITLISTED)
        attended = await make_booking(session, now, youth.id, past, BookingStatus.ATTENDED)
        await make_booking(session, now, other, waiting)
        in_line = await make_booking(session, now, youth.id, waiting, BookingStatus.WAITLISTED)
        pending = Reminder(
            kind=OutboxKind.REMINDER, booking_id=held.id, youth_id=youth.id,
            due_at=now + timedelta(days=1), created_at=now, payload={"text": "Coucou Sam"},
        )  # fmt: skip
        sent = Reminder(
            kind=OutboxKind.STAFF_MESSAGE, youth_id=youth.id, due_at=now - timedelta(days=1),
            status=OutboxStatus.SENT, created_at=now, payload={"text": "Bonjour Sam"},
        )  # fmt: skip
        session.add_all([pending, sent])
        session.add(ContactRequest(youth_id=youth.id, topic="job", created_at=now, updated_at=now))
        session.add(DiagnosticResult(youth_id=youth.id, started_at=now))
        session.add(ConversationState(user_id=USER_ID, youth_id=youth.id, locale="fr",
                                      flow="diagnostic", step="q", data={"diagnostic.q": 3},
                                      offered=["dr:a"], updated_at=now, version=7))  # fmt: skip

    async with database.transaction() as session:
        erasure = await erase_youth(session, youth.id, now)

    assert erasure is not None
    assert erasure.cancelled_bookings == 2
    assert [booking.id for booking in erasure.promoted] == [queued.id]
    assert erasure.skipped_reminders == 1
    assert await _youth(database, youth.id) is None
    assert await _rows(database, ContactRequest) == []
    assert await _rows(database, DiagnosticResult) == []

    bookings = {b.id: b for b in await _rows(database, Booking)}
    for kept in (held.id, attended.id, in_line.id):
        assert bookings[kept].youth_id is None, "an anonymous count"
    assert bookings[held.id].status == BookingStatus.CANCELLED
    assert bookings[held.id].cancelled_by == CancelledBy.YOUTH
    assert bookings[held.id].cancel_reason == "erased"
    assert bookings[held.id].note is None
    assert bookings[in_line.id].status == BookingStatus.CANCELLED
    assert bookings[attended.id].status == BookingStatus.ATTENDED, "the past stays as it was"
    assert bookings[queued.id].status == BookingStatus.BOOKED, "the waitlist moved up"
    assert bookings[queued.id].youth_id == other.id

    reminders = await _rows(database, Reminder)
    by_id = {reminder.id: reminder for reminder in reminders}
    assert by_id[pending.id].status == OutboxStatus.SKIPPED
    assert by_id[pending.id].skip_reason == SKIP_REASON_YOUTH_ERASED
    assert by_id[pending.id].history[-1]["detail"] == SKIP_REASON_YOUTH_ERASED
    assert by_id[sent.id].status == OutboxStatus.SENT
    assert all(by_id[r].youth_id is None and by_id[r].payload == {} for r in (pending.id, sent.id))
    [promotion] = [r for r in reminders if r.kind == OutboxKind.WAITLIST_PROMOTION]
    assert (promotion.youth_id, promotion.status) == (other.id, OutboxStatus.PENDING)

    async with database.reading() as session:
        state = await session.get(ConversationState, USER_ID)
    assert state is not None, "the state row stays"
    assert state.version == 7, "the engine saves it next, against the version it read"
    assert (state.youth_id, state.flow, state.step, state.locale) == (None, "", "", None)
    assert (state.data, state.offered) == ({}, [])


async def test_a_seat_past_the_cancellation_cutoff_is_excused_and_still_freed(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    youth = await _register(database, clock)
    async with database.transaction() as session:
        other = await make_youth(session, now)
        soon = await make_slot(session, now, starts_in=timedelta(hours=1), capacity=1)
        held = await make_booking(session, now, youth.id or 0, soon)
        queued = await make_booking(session, now, other, soon, BookingStatus.WAITLISTED)

    async with database.transaction() as session:
        erasure = await erase_youth(session, youth.id or 0, now)

    assert erasure is not None
    assert erasure.cancelled_bookings == 1
    bookings = {b.id: b for b in await _rows(database, Booking)}
    assert bookings[held.id].status == BookingStatus.EXCUSED
    assert bookings[held.id].cancel_reason == "erased"
    assert bookings[queued.id].status == BookingStatus.BOOKED


async def test_erasing_a_youth_that_does_not_exist_does_nothing(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        assert await erase_youth(session, 424_242, clock.now()) is None


async def test_an_erased_youth_can_consent_again_as_new(
    database: Database, clock: ManualClock
) -> None:
    youth = await _register(database, clock)
    async with database.transaction() as session:
        await erase_youth(session, youth.id or 0, clock.now())
    clock.advance(timedelta(days=2))
    again = await _register(database, clock, origin=None)
    assert again.created_at == clock.now(), "a new row, not the old one revived"
    assert again.origin is None
