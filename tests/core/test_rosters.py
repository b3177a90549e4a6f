"""The roster of a slot, its sign-in sheet and CSV exports, and the slots to complete."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from core.clock import ManualClock
from core.db import Database
from core.i18n import Text
from core.models import (
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SlotKind,
)
from core.roster_exports import (
    NotAFoodParcelSlot,
    linkee_export_csv,
    roster_csv,
    sign_in_sheet,
)
from core.rosters import ConfirmationState, RosterSection, roster, to_complete
from core.staff_scope import NotFound
from tests.conftest import PARIS
from tests.support.factories import make_booking, make_site, make_slot, make_youth

H = timedelta(hours=1)


def french(text: Text) -> str:
    return text.msgid


def reminder(booking_id: int | None, now: datetime, due: datetime, **values: object) -> Reminder:
    return Reminder(
        kind=OutboxKind.REMINDER, booking_id=booking_id, due_at=due, created_at=now, **values
    )


async def test_roster_lists_seats_then_waitlist_then_those_who_declined(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(session)
        slot = await make_slot(session, now, starts_in=30 * H, capacity=2, site_id=site.id)
        amina = await make_youth(session, now, display_name="Amina", username="amina75")
        bilal = await make_youth(session, now, display_name="Bilal")
        chloe = await make_youth(session, now, display_name="Chloé")
        dan = await make_youth(session, now, display_name="Dan")
        eve = await make_youth(session, now, display_name="Ève")
        declined = await make_booking(
            session, now, eve, slot, BookingStatus.EXCUSED, confirmation=Confirmation.DECLINED
        )
        first = await make_booking(
            session,
            now,
            amina,
            slot,
            confirmation=Confirmation.COMING,
            interpreter_language="ar",
            note="Vient avec sa sœur",
        )
        second = await make_booking(session, now + H, bilal, slot)
        waiting_1 = await make_booking(session, now, chloe, slot, BookingStatus.WAITLISTED)
        waiting_2 = await make_booking(session, now, dan, slot, BookingStatus.WAITLISTED)
        cancelled_youth = await make_youth(session, now, display_name="Parti")
        await make_booking(session, now, cancelled_youth, slot, BookingStatus.CANCELLED)
        # Amina: the 48 h reminder went out, the 2 h one is still ahead.
        session.add(reminder(first.id, now, now - H, status=OutboxStatus.SENT, sent_at=now - H))
        session.add(reminder(first.id, now, now + 28 * H))
        # Bilal: Telegram refused it.
        session.add(
            reminder(second.id, now, now - H, status=OutboxStatus.FAILED, last_error="Forbidden")
        )
        session.add(
            reminder(
                waiting_1.id,
                now,
                now + 28 * H,
                status=OutboxStatus.SKIPPED,
                skip_reason="booking_not_held",
            )
        )
        assert slot.id is not None
        assert site.id is not None

    async with database.reading() as session:
        result = await roster(session, slot.id, site_ids={site.id}, now=now)

    rows = result.rows.items
    assert [r.display_name for r in rows] == ["Amina", "Bilal", "Chloé", "Dan", "Ève"]
    assert [r.section for r in rows] == [
        RosterSection.SEATS,
        RosterSection.SEATS,
        RosterSection.WAITLIST,
        RosterSection.WAITLIST,
        RosterSection.WITHDRAWN,
    ]
    assert [r.waitlist_position for r in rows] == [None, None, 1, 2, None]
    assert [r.confirmation for r in rows] == [
        ConfirmationState.CONFIRMED,
        ConfirmationState.NO_ANSWER,
        ConfirmationState.NO_ANSWER,
        ConfirmationState.NO_ANSWER,
        ConfirmationState.DECLINED,
    ]
    amina_row, bilal_row, chloe_row, dan_row, _ = rows
    assert amina_row.username == "amina75"
    assert (amina_row.interpreter_language, amina_row.note) == ("ar", "Vient avec sa sœur")
    assert amina_row.reminder is not None
    assert amina_row.reminder.status == OutboxStatus.SENT
    assert bilal_row.reminder is not None
    assert (bilal_row.reminder.status, bilal_row.reminder.reason) == (
        OutboxStatus.FAILED,
        "Forbidden",
    )
    assert chloe_row.reminder is not None
    assert (chloe_row.reminder.status, chloe_row.reminder.reason) == (
        OutboxStatus.SKIPPED,
        "booking_not_held",
    )
    assert dan_row.reminder is None
    assert bilal_row.booked_at == now + H
    assert [r.booking_id for r in rows[2:4]] == [waiting_1.id, waiting_2.id]
    assert declined.id == rows[4].booking_id
    assert (result.seats_taken, result.waitlisted, result.attendance_open) == (2, 2, False)
    assert result.rows.total == 5


async def test_a_pending_reminder_shows_until_one_is_due(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, starts_in=72 * H)
        booking = await make_booking(session, now, await make_youth(session, now), slot)
        session.add(reminder(booking.id, now, now + 24 * H))
        session.add(reminder(booking.id, now, now + 70 * H))
        assert slot.id is not None

    async with database.reading() as session:
        before = await roster(session, slot.id, site_ids=None, now=now)
    [row] = before.rows.items
    assert row.reminder is not None
    assert (row.reminder.status, row.reminder.due_at) == (OutboxStatus.PENDING, now + 24 * H)


async def test_attendance_marks_show_and_a_started_slot_is_open_for_marking(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now - 3 * H, starts_in=2 * H)
        came = await make_youth(session, now, display_name="Présente")
        missed = await make_youth(session, now, display_name="Absente")
        later = await make_youth(session, now, display_name="Excusée")
        await make_booking(
            session, now, came, slot, BookingStatus.ATTENDED, attendance_marked_at=now
        )
        await make_booking(
            session, now, missed, slot, BookingStatus.NO_SHOW, attendance_marked_at=now
        )
        # Excused by the adviser after the start: still a seat, not a withdrawal.
        await make_booking(
            session, now, later, slot, BookingStatus.EXCUSED, attendance_marked_at=now
        )
        assert slot.id is not None

    async with database.reading() as session:
        result = await roster(session, slot.id, site_ids=None, now=now)
    assert [(r.display_name, r.section, r.attendance) for r in result.rows.items] == [
        ("Présente", RosterSection.SEATS, BookingStatus.ATTENDED),
        ("Absente", RosterSection.SEATS, BookingStatus.NO_SHOW),
        ("Excusée", RosterSection.SEATS, BookingStatus.EXCUSED),
    ]
    assert result.attendance_open is True


async def test_another_sites_roster_is_not_found(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        slot = await make_slot(session, now, site_id=theirs.id)
        shared = await make_slot(session, now, site_id=None)
        assert mine.id is not None
        assert slot.id is not None
        assert shared.id is not None

    async with database.reading() as session:
        with pytest.raises(NotFound):
            await roster(session, slot.id, site_ids={mine.id}, now=now)
        with pytest.raises(NotFound):
            await roster(session, 999_999, site_ids=None, now=now)
        # A slot with no site (a partner's place) is every site's.
        assert (await roster(session, shared.id, site_ids={mine.id}, now=now)).rows.total == 0


async def test_roster_paginates(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, capacity=5)
        for n in range(5):
            await make_booking(
                session, now, await make_youth(session, now, display_name=f"J{n}"), slot
            )
        assert slot.id is not None
    async with database.reading() as session:
        second = await roster(session, slot.id, site_ids=None, now=now, page=2, per_page=2)
    assert [r.display_name for r in second.rows.items] == ["J2", "J3"]
    assert (second.rows.total, second.rows.pages, second.seats_taken) == (5, 3, 5)


async def test_roster_csv_opens_in_french_excel(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now)
        youth = await make_youth(session, now, display_name='=HYPERLINK("x")', username="zoe")
        booking = await make_booking(session, now, youth, slot, confirmation=Confirmation.COMING)
        session.add(reminder(booking.id, now, now - H, status=OutboxStatus.SENT, sent_at=now))
        erased = await make_booking(session, now, await make_youth(session, now), slot)
        erased.youth_id = None
        assert slot.id is not None

    async with database.reading() as session:
        text = await roster_csv(session, slot.id, site_ids=None, now=now, tz=PARIS, render=french)

    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Liste", "Nom", "Nom d’utilisateur Telegram", "Réservé le"]
    # The formula is neutralised; times are local (Monday 9:00 in Paris).
    assert rows[1] == [
        "Place réservée",
        '\'=HYPERLINK("x")',
        "zoe",
        "23/11/2026 09:00",
        "",
        "Confirmé",
        "",
        "",
        "",
        "Envoyé",
        "",
    ]
    assert rows[2][:2] == ["Place réservée", "(données effacées)"]
    assert len(rows) == 3


async def test_linkee_export_lists_seat_holders_by_name_with_the_pickup_date(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        # Thursday 26 November 2026, 23:30 UTC is already Friday 27 in Paris.
        slot = await make_slot(
            session,
            now,
            SlotKind.FOOD_PARCEL,
            starts_at=datetime.fromisoformat("2026-11-26T23:30:00+00:00"),
            capacity=2,
        )
        for name, status in (
            ("zoé", BookingStatus.BOOKED),
            ("Adam", BookingStatus.BOOKED),
            ("Waiting", BookingStatus.WAITLISTED),
            ("Gone", BookingStatus.CANCELLED),
        ):
            await make_booking(
                session, now, await make_youth(session, now, display_name=name), slot, status
            )
        nameless = await make_youth(session, now, display_name="", username="nameless")
        await make_booking(session, now, nameless, slot)
        # An adviser trying the bot's preview: on the roster, not on Linkee's list.
        adviser = await make_youth(session, now, display_name="Conseillère", telegram_user_id=-7)
        await make_booking(session, now, adviser, slot)
        workshop = await make_slot(session, now)
        assert slot.id is not None
        assert workshop.id is not None

    async with database.reading() as session:
        text = await linkee_export_csv(
            session, slot.id, site_ids=None, now=now, tz=PARIS, render=french
        )
        with pytest.raises(NotAFoodParcelSlot):
            await linkee_export_csv(
                session, workshop.id, site_ids=None, now=now, tz=PARIS, render=french
            )
    assert text == (
        "\ufeffNom;Date de retrait\r\nAdam;27/11/2026\r\nnameless;27/11/2026\r\nzoé;27/11/2026\r\n"
    )


async def test_sign_in_sheet_lists_seats_alphabetically_and_the_waitlist_apart(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, capacity=2)
        for name, status in (
            ("Zineb", BookingStatus.BOOKED),
            ("adrien", BookingStatus.BOOKED),
            ("Moussa", BookingStatus.WAITLISTED),
        ):
            await make_booking(
                session,
                now,
                await make_youth(session, now, display_name=name),
                slot,
                status,
                interpreter_language="fa" if name == "Zineb" else None,
            )
        assert slot.id is not None
    async with database.reading() as session:
        sheet = await sign_in_sheet(session, slot.id, site_ids=None, now=now)
    assert [(line.display_name, line.interpreter_language) for line in sheet.seats] == [
        ("adrien", None),
        ("Zineb", "fa"),
    ]
    assert [line.display_name for line in sheet.waitlist] == ["Moussa"]
    assert sheet.printed_at == now


async def test_to_complete_groups_unmarked_seats_by_slot_within_scope(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        older = await make_slot(session, now - 72 * H, starts_in=H, site_id=mine.id)
        newer = await make_slot(session, now - 48 * H, starts_in=H, site_id=None)
        elsewhere = await make_slot(session, now - 72 * H, starts_in=H, site_id=theirs.id)
        too_recent = await make_slot(session, now - 5 * H, starts_in=H, site_id=mine.id)
        ids = []
        for slot in (older, older, newer, elsewhere, too_recent):
            booking = await make_booking(session, now, await make_youth(session, now), slot)
            ids.append(booking.id)
        await make_booking(
            session,
            now,
            await make_youth(session, now),
            older,
            BookingStatus.ATTENDED,
            attendance_marked_at=now,
        )
        assert mine.id is not None

    async with database.reading() as session:
        page = await to_complete(session, site_ids={mine.id}, now=now)
        everything = await to_complete(session, site_ids=None, now=now, per_page=1)
    assert [(item.slot.id, item.booking_ids) for item in page.items] == [
        (older.id, ids[:2]),
        (newer.id, [ids[2]]),
    ]
    assert page.total == 2
    assert (everything.total, [i.slot.id for i in everything.items]) == (3, [older.id])
