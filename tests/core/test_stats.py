"""The coordinators' dashboard: exact counts per local ISO week, site and kind, and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.i18n import Text
from core.models import (
    Booking,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    Slot,
    SlotKind,
    SlotStatus,
)
from core.stats import Rate, dashboard, weeks_between
from core.stats_csv import activity_csv, failures_csv, origins_csv
from tests.conftest import PARIS
from tests.support.factories import make_booking, make_site, make_slot, make_youth

H = timedelta(hours=1)
SENT, FAILED, SKIPPED = OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SKIPPED
# The test clock's week: Monday 23 to Sunday 29 November 2026 (W48), then W49.
FIRST_DAY, LAST_DAY = date(2026, 11, 25), date(2026, 12, 1)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def french(text: Text) -> str:
    return text.msgid


class World:
    """Rows of one scenario, added in one transaction."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session, self.now = session, now

    async def slot(
        self, kind: SlotKind, starts: str, site_id: int | None, **values: object
    ) -> Slot:
        return await make_slot(
            self.session, self.now, kind, starts_at=utc(starts), site_id=site_id, **values
        )

    async def booking(
        self,
        slot: Slot,
        status: BookingStatus = BookingStatus.BOOKED,
        *reminders: tuple[OutboxStatus, str | None],
        **values: object,
    ) -> Booking:
        # Youths who came long before the range: the origin counts are set up apart.
        youth = await make_youth(self.session, self.now, created_at=self.now - 60 * 24 * H)
        booking = await make_booking(self.session, self.now, youth, slot, status, **values)
        for status_, error in reminders:
            self.session.add(
                Reminder(
                    kind=OutboxKind.REMINDER,
                    booking_id=booking.id,
                    due_at=self.now,
                    status=status_,
                    last_error=error,
                    created_at=self.now,
                )
            )
        return booking


async def scenario(database: Database, now: datetime) -> tuple[int, int]:
    async with database.transaction() as session:
        a = await make_site(session, name="Belleville")
        b = await make_site(session, name="Crimée")
        world = World(session, now)
        workshop = await world.slot(SlotKind.WORKSHOP, "2026-11-24T13:00:00", a.id, capacity=10)
        marked = {"attendance_marked_at": now}
        await world.booking(
            workshop,
            BookingStatus.ATTENDED,
            (SENT, None),
            confirmation=Confirmation.COMING,
            **marked,
        )
        no_show = await world.booking(workshop, BookingStatus.NO_SHOW, (SENT, None), **marked)
        await world.booking(workshop, BookingStatus.BOOKED, (FAILED, "Forbidden: bot was blocked"))
        await world.booking(
            workshop,
            BookingStatus.EXCUSED,
            (SENT, None),
            (SKIPPED, None),
            confirmation=Confirmation.DECLINED,
        )
        await world.booking(workshop, BookingStatus.WAITLISTED)
        await world.booking(workshop, BookingStatus.CANCELLED, (SKIPPED, None))
        # Only reminders proper are counted, not the follow-up of a no-show.
        session.add(
            Reminder(
                kind=OutboxKind.NO_SHOW_FOLLOW_UP,
                booking_id=no_show.id,
                due_at=now,
                status=SENT,
                created_at=now,
            )
        )
        await world.slot(
            SlotKind.WORKSHOP, "2026-11-26T13:00:00", a.id, status=SlotStatus.CANCELLED
        )
        # Sunday 23:30 in Paris: still week 48.
        parcels = await world.slot(SlotKind.FOOD_PARCEL, "2026-11-29T22:30:00", a.id, capacity=40)
        await world.booking(parcels)
        await world.booking(
            parcels, BookingStatus.BOOKED, (SENT, None), confirmation=Confirmation.COMING
        )
        # Monday 00:30 in Paris: week 49.
        meeting = await world.slot(SlotKind.APPOINTMENT, "2026-11-29T23:30:00", b.id, capacity=3)
        await world.booking(meeting, BookingStatus.BOOKED, (FAILED, "Forbidden: bot was blocked"))
        await world.booking(meeting, BookingStatus.BOOKED, (FAILED, "Forbidden: bot was blocked"))
        await world.booking(meeting, BookingStatus.BOOKED, (FAILED, None))
        # Out of range on both sides: the week before and the week after.
        for starts in ("2026-11-22T12:00:00", "2026-12-07T12:00:00"):
            outside = await world.slot(SlotKind.WORKSHOP, starts, a.id)
            await world.booking(outside, BookingStatus.ATTENDED, (FAILED, "x"), **marked)
        for score, answered in (
            (4, "2026-11-24T15:00:00"),
            (5, "2026-11-25T09:00:00"),
            (1, "2026-11-20T09:00:00"),
        ):
            session.add(
                SatisfactionAnswer(
                    site_id=a.id,
                    slot_kind=SlotKind.WORKSHOP,
                    score=score,
                    answered_at=utc(answered),
                )
            )
        for origin, site, created in (
            ("affiche-metro", a.id, "2026-11-23T10:00:00"),
            ("affiche-metro", a.id, "2026-11-28T10:00:00"),
            (None, a.id, "2026-12-01T10:00:00"),
            ("affiche-metro", b.id, "2026-12-02T10:00:00"),
            ("salon", b.id, "2026-11-01T10:00:00"),
        ):
            await make_youth(session, now, origin=origin, site_id=site, created_at=utc(created))
        assert a.id is not None
        assert b.id is not None
        return a.id, b.id


async def test_dashboard_counts_each_week_site_and_kind(
    database: Database, clock: ManualClock
) -> None:
    a, b = await scenario(database, clock.now())
    board = await dashboard(
        database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS
    )

    assert [w.label for w in board.weeks] == ["2026-W48", "2026-W49"]
    summary = [
        (
            r.week.label,
            r.site_id,
            r.kind,
            r.slots_published,
            r.slots_cancelled,
            r.fill,
            r.confirmation,
            r.attendance,
            r.no_show,
            r.reminders,
            r.satisfaction_count,
            r.satisfaction_average,
        )
        for r in board.activity
    ]
    assert summary == [
        (
            "2026-W48",
            a,
            SlotKind.FOOD_PARCEL,
            1,
            0,
            Rate(2, 40),
            Rate(1, 1),
            Rate(0, 0),
            Rate(0, 0),
            {SENT: 1},
            0,
            None,
        ),
        (
            "2026-W48",
            a,
            SlotKind.WORKSHOP,
            1,
            1,
            Rate(3, 10),
            Rate(1, 3),
            Rate(1, 2),
            Rate(1, 2),
            {SENT: 3, FAILED: 1, SKIPPED: 2},
            2,
            4.5,
        ),
        (
            "2026-W49",
            b,
            SlotKind.APPOINTMENT,
            1,
            0,
            Rate(3, 3),
            Rate(0, 0),
            Rate(0, 0),
            Rate(0, 0),
            {FAILED: 3},
            0,
            None,
        ),
    ]
    assert [(f.site_id, f.kind, f.reason, f.count) for f in board.failures] == [
        (b, SlotKind.APPOINTMENT, "Forbidden: bot was blocked", 2),
        # Then by reason: a failure with no reason kept sorts first.
        (b, SlotKind.APPOINTMENT, "", 1),
        (a, SlotKind.WORKSHOP, "Forbidden: bot was blocked", 1),
    ]
    assert board.failures[0].last_due_at == clock.now()
    assert [(o.week.label, o.site_id, o.origin, o.new_youths) for o in board.origins] == [
        ("2026-W48", a, "affiche-metro", 2),
        ("2026-W49", a, None, 1),
        ("2026-W49", b, "affiche-metro", 1),
    ]
    assert board.site_names == {a: "Belleville", b: "Crimée"}
    assert Rate(1, 3).fraction == pytest.approx(1 / 3)
    assert Rate(0, 0).fraction is None


async def test_an_adviser_sees_their_sites_and_a_kind_filter_narrows(
    database: Database, clock: ManualClock
) -> None:
    a, b = await scenario(database, clock.now())
    mine = await dashboard(database, site_ids={a}, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS)
    parcels = await dashboard(
        database,
        site_ids=None,
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
        tz=PARIS,
        kinds=[SlotKind.FOOD_PARCEL],
    )
    assert {r.site_id for r in mine.activity} == {a}
    assert [f.site_id for f in mine.failures] == [a]
    assert {o.site_id for o in mine.origins} == {a}
    assert b not in mine.site_names
    assert [(r.kind, r.fill) for r in parcels.activity] == [(SlotKind.FOOD_PARCEL, Rate(2, 40))]
    assert parcels.failures == []


async def test_the_tables_as_csv(database: Database, clock: ManualClock) -> None:
    await scenario(database, clock.now())
    board = await dashboard(
        database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS
    )

    def table(text: str) -> list[list[str]]:
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))

    activity = table(activity_csv(board, french))
    assert activity[0][:4] == ["Semaine", "Lundi", "Site", "Type"]
    assert activity[2] == [
        "2026-W48",
        "23/11/2026",
        "Belleville",
        "Atelier",
        "1",
        "1",
        "10",
        "3",
        "10",
        "0,300",
        "1",
        "3",
        "0,333",
        "1",
        "2",
        "0,500",
        "1",
        "0,500",
        "3",
        "1",
        "2",
        "2",
        "4,500",
    ]
    assert activity[3][8] == "3"
    assert table(failures_csv(board, french, PARIS))[1] == [
        "Crimée",
        "Rendez-vous partenaire",
        "Forbidden: bot was blocked",
        "2",
        "23/11/2026 09:00",
    ]
    assert table(failures_csv(board, french, PARIS))[2][2] == "Motif inconnu"
    assert table(origins_csv(board, french))[2] == [
        "2026-W49",
        "30/11/2026",
        "Belleville",
        "Sans campagne",
        "1",
    ]


def test_weeks_are_local_and_follow_daylight_saving() -> None:
    # Summer time starts on Sunday 29 March 2026: that week is an hour short in UTC.
    weeks = weeks_between(date(2026, 3, 25), date(2026, 4, 1), PARIS)
    assert [(w.label, w.starts_at, w.ends_at) for w in weeks] == [
        ("2026-W13", utc("2026-03-22T23:00:00"), utc("2026-03-29T22:00:00")),
        ("2026-W14", utc("2026-03-29T22:00:00"), utc("2026-04-05T22:00:00")),
    ]
    with pytest.raises(ValueError, match="ends before"):
        weeks_between(date(2026, 4, 1), date(2026, 3, 1), PARIS)
    with pytest.raises(ValueError, match="at most"):
        weeks_between(date(2026, 1, 1), date(2028, 6, 1), PARIS)


async def test_staff_trying_the_bot_preview_are_left_out_of_the_figures(
    database: Database, clock: ManualClock
) -> None:
    a, _ = await scenario(database, clock.now())
    before = await dashboard(
        database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS
    )
    async with database.transaction() as session:
        world = World(session, clock.now())
        parcels = (
            await session.scalars(select(Slot).where(col(Slot.kind) == SlotKind.FOOD_PARCEL))
        ).one()
        preview = await make_youth(
            session, clock.now(), telegram_user_id=-1_000_007, site_id=a,
            created_at=utc("2026-11-25T10:00:00"),
        )  # fmt: skip
        booking = await make_booking(session, clock.now(), preview, parcels, BookingStatus.BOOKED)
        session.add(
            Reminder(
                kind=OutboxKind.REMINDER, booking_id=booking.id, youth_id=preview.id,
                due_at=clock.now(), status=FAILED, last_error="preview_youth",
                created_at=clock.now(),
            )
        )  # fmt: skip
        # A young person's booking at the same moment counts, as a check that this one could.
        await world.booking(parcels)
    after = await dashboard(
        database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS
    )

    def fills(board: object) -> dict[object, Rate]:
        return {(r.week, r.site_id, r.kind): r.fill for r in board.activity}  # type: ignore[attr-defined]

    key = next(k for k in fills(before) if k[2] == SlotKind.FOOD_PARCEL)
    assert fills(after)[key] == Rate(fills(before)[key].numerator + 1, 40)
    assert after.failures == before.failures
    assert after.origins == before.origins
