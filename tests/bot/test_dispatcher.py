"""The reminder dispatcher in one process: real aiogram over HTTP to the fake Bot API server,
a real database on both backends, and the injected clock for every due time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from core.booking import operations
from core.config import Settings
from core.i18n import When, render_text, t
from core.models import (
    BookingStatus,
    CancelledBy,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
)
from core.slots import cancel_slot, move_slot
from tests.support.chat import compiled_catalogs
from tests.support.dispatching import Dispatching, H, book, booked, buttons_of, remind
from tests.support.factories import make_booking, make_youth


async def test_a_due_reminder_goes_out_with_the_pin_and_the_answers_and_is_recorded(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await booked(d.database, d.clock)
    reminder = await remind(d.database, booking, slot.starts_at - 2 * H, offset_minutes=120)

    assert await d.pass_() == 0
    d.clock.advance(H)
    assert await d.pass_() == 1

    venue, message = d.fake.messages_to(youth.telegram_user_id)
    assert (venue["method"], venue["title"], venue["address"]) == (
        "sendVenue",
        "Site Centre",
        "1 rue de Paris",
    )
    assert "Rappel" in message["text"]
    assert "Atelier CV" in message["text"]
    assert "ton CV" in message["text"]
    assert buttons_of(message) == [f"rm:y:{booking.id}", f"rm:n:{booking.id}"]
    [row] = await d.rows()
    assert row.id == reminder.id
    assert (row.status, row.sent_at, row.telegram_message_id) == (
        OutboxStatus.SENT,
        d.clock.now(),
        message["message_id"],
    )
    assert [e["event"] for e in row.history] == ["planned", "claimed", "sent"]
    assert row.attempts == 2  # the pin and the text
    assert await d.pass_() == 0
    assert len(d.fake.messages_to(youth.telegram_user_id)) == 2


async def test_a_cancelled_booking_never_gets_a_reminder(dispatching: Dispatching) -> None:
    d = dispatching
    _, slot, _ = await booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        other = await make_youth(session, d.clock.now())
    booking_id = await book(d, other, slot)
    async with d.database.transaction() as session:
        await operations.cancel(
            session, now=d.clock.now(), booking_id=booking_id, by=CancelledBy.YOUTH,
            reason="other", youth_id=other.id,
        )  # fmt: skip

    d.clock.advance(71 * H)
    await d.pass_()

    assert d.fake.messages_to(other.telegram_user_id) == []
    rows = await d.rows()
    assert {r.status for r in rows} == {OutboxStatus.SKIPPED}
    assert len(rows) == 2  # 48 h and 2 h before


async def test_a_reminder_is_skipped_once_the_slot_started(dispatching: Dispatching) -> None:
    d = dispatching
    youth, slot, booking = await booked(d.database, d.clock, starts_in=2 * H)
    await remind(d.database, booking, slot.starts_at - 2 * H)

    d.clock.advance(2 * H)
    await d.pass_()

    assert d.fake.messages_to(youth.telegram_user_id) == []
    [row] = await d.rows()
    assert (row.status, row.skip_reason) == (OutboxStatus.SKIPPED, "slot_started")


async def test_after_a_pause_only_the_reminder_closest_to_the_slot_goes_out(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await booked(d.database, d.clock, starts_in=72 * H)
    await remind(d.database, booking, slot.starts_at - 48 * H, offset_minutes=48 * 60)
    await remind(d.database, booking, slot.starts_at - 2 * H, offset_minutes=120)

    # The dispatcher was down from before the first due time until after the second.
    d.clock.advance(71 * H)
    await d.pass_()

    texts = d.texts(youth.telegram_user_id)
    assert len(texts) == 1
    assert "aujourd’hui" in texts[0]
    first, second = await d.rows()
    assert (first.status, first.skip_reason) == (OutboxStatus.SKIPPED, "superseded")
    assert second.status == OutboxStatus.SENT


async def test_a_youth_gets_the_reminder_in_their_language(dispatching: Dispatching) -> None:
    d = dispatching
    youth, _, booking = await booked(d.database, d.clock, locale="en")
    await remind(d.database, booking, d.clock.now())

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Reminder" in text
    assert "Rappel" not in text


async def test_a_seat_given_from_the_waitlist_is_announced_with_the_answers(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    holder, slot, held = await booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        slot_row = await session.get(Slot, slot.id)
        assert slot_row is not None
        slot_row.capacity = 1
        waiting = await make_youth(session, d.clock.now())
        await make_booking(session, d.clock.now(), waiting, slot, BookingStatus.WAITLISTED)
        await operations.cancel(
            session, now=d.clock.now(), booking_id=held.id, by=CancelledBy.YOUTH,
            reason="other", youth_id=holder.id,
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(waiting.telegram_user_id)
    assert "une place s’est libérée" in text
    assert "Atelier CV" in text
    message = d.fake.messages_to(waiting.telegram_user_id)[-1]
    assert [b.split(":")[1] for b in buttons_of(message)] == ["y", "n"]
    kinds = {r.kind: r.status for r in await d.rows()}
    assert kinds[OutboxKind.WAITLIST_PROMOTION] == OutboxStatus.SENT


async def test_a_slot_cancelled_by_the_staff_is_told_with_their_message(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, _ = await booked(d.database, d.clock)
    async with d.database.transaction() as session:
        await cancel_slot(session, slot.id, d.clock.now(), "La formatrice est malade.", None)

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "est annulé" in text
    assert "La formatrice est malade." in text
    assert buttons_of(d.fake.messages_to(youth.telegram_user_id)[-1]) == ["menu:book"]


async def test_a_slot_moved_is_told_with_the_old_and_new_time(dispatching: Dispatching) -> None:
    d = dispatching
    youth, slot, booking = await booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        await move_slot(
            session, slot.id, slot.starts_at + 24 * H, slot.ends_at + 24 * H, d.clock.now(),
            "Salle indisponible.", d.settings.reminder_offsets_for,
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Changement d’horaire" in text
    assert "Salle indisponible." in text
    assert buttons_of(d.fake.messages_to(youth.telegram_user_id)[-1]) == [
        f"rm:y:{booking.id}",
        f"rm:n:{booking.id}",
    ]


async def test_a_staff_message_reaches_the_youth(dispatching: Dispatching) -> None:
    d = dispatching
    now = d.clock.now()
    async with d.database.transaction() as session:
        youth = await make_youth(session, now)
        session.add(
            Reminder(
                kind=OutboxKind.STAFF_MESSAGE, youth_id=youth.id, due_at=now,
                payload={"text": "Bonjour <Sam>, rappelle-moi."}, created_at=now,
            )
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Bonjour &lt;Sam&gt;, rappelle-moi." in text


async def test_one_notice_lists_the_later_dates_of_a_series_cancelled_at_once(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, _ = await booked(d.database, d.clock)
    later = [slot.starts_at + timedelta(days=14), slot.starts_at + timedelta(days=7)]
    async with d.database.transaction() as session:
        await cancel_slot(session, slot.id, d.clock.now(), "Fin du partenariat.", None)
        notice = await session.scalar(
            select(Reminder).where(Reminder.kind == OutboxKind.SLOT_CANCELLED)
        )
        assert notice is not None
        notice.payload = {**notice.payload, "also_cancelled": [s.isoformat() for s in later]}

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Les dates suivantes sont annulées aussi" in text
    one_week, two_weeks = (_shown(start, d.settings) for start in sorted(later))
    assert text.index(f"• {one_week}") < text.index(f"• {two_weeks}")


def _shown(moment: datetime, settings: Settings) -> str:
    """A date and time as messages show it in French."""
    return render_text(t("{w}", w=When(moment, "datetime")), "fr", compiled_catalogs(), settings.tz)
