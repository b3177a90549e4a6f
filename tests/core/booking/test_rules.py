"""The pure booking rules, at their edges: no database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.booking import errors, rules
from core.models import Booking, BookingStatus, CancelledBy, Slot, SlotKind
from core.models.enums import SlotStatus

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris
SECOND = timedelta(seconds=1)
MICROSECOND = timedelta(microseconds=1)


def slot(
    *,
    kind: SlotKind = SlotKind.WORKSHOP,
    starts_at: datetime = NOW + timedelta(days=2),
    **overrides: object,
) -> Slot:
    values: dict[str, object] = {
        "id": 1,
        "kind": kind,
        "title": "Atelier",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": 10,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Slot(**(values | overrides))


def booking(status: BookingStatus = BookingStatus.BOOKED) -> Booking:
    return Booking(id=7, youth_id=3, slot_id=1, status=status, created_at=NOW, updated_at=NOW)


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


class TestBookable:
    def test_a_scheduled_slot_with_no_window_is_bookable_until_it_starts(self) -> None:
        open_slot = slot()
        rules.check_bookable(open_slot, NOW)
        rules.check_bookable(open_slot, open_slot.starts_at - MICROSECOND)
        with pytest.raises(errors.SlotAlreadyStarted):
            rules.check_bookable(open_slot, open_slot.starts_at)

    def test_a_cancelled_slot_is_not_bookable(self) -> None:
        with pytest.raises(errors.SlotCancelled):
            rules.check_bookable(slot(status=SlotStatus.CANCELLED), NOW)

    def test_the_window_opens_at_the_exact_instant(self) -> None:
        later = slot(booking_opens_at=NOW + SECOND)
        with pytest.raises(errors.BookingWindowNotOpen):
            rules.check_bookable(later, NOW)
        rules.check_bookable(later, NOW + SECOND)

    def test_the_window_closes_at_the_exact_instant(self) -> None:
        closing = slot(booking_closes_at=NOW + SECOND)
        rules.check_bookable(closing, NOW + SECOND - MICROSECOND)
        with pytest.raises(errors.BookingWindowClosed):
            rules.check_bookable(closing, NOW + SECOND)

    def test_a_window_closed_one_second_ago(self) -> None:
        with pytest.raises(errors.BookingWindowClosed):
            rules.check_bookable(slot(booking_closes_at=NOW - SECOND), NOW)

    def test_is_bookable_answers_without_raising(self) -> None:
        assert rules.is_bookable(slot(), NOW)
        assert not rules.is_bookable(slot(booking_closes_at=NOW), NOW)


class TestAlreadyBooked:
    def test_no_active_booking_passes(self) -> None:
        rules.check_not_already_booked(None)

    def test_an_active_booking_is_named_in_the_error(self) -> None:
        with pytest.raises(errors.AlreadyBooked) as raised:
            rules.check_not_already_booked(booking())
        assert raised.value.booking_id == 7


class TestFoodParcelWeek:
    def test_the_week_turns_at_monday_midnight_in_paris_not_in_utc(self) -> None:
        sunday_night = paris(2026, 11, 29, 23, 30)
        monday_early = paris(2026, 11, 30, 0, 30)
        # Both instants fall on the same UTC day (Sunday), yet on two Paris weeks.
        assert sunday_night.astimezone(UTC).date() == monday_early.astimezone(UTC).date()
        assert rules.food_parcel_week(sunday_night, PARIS) == (2026, 48)
        assert rules.food_parcel_week(monday_early, PARIS) == (2026, 49)

    @pytest.mark.parametrize(
        ("monday_midnight", "week_before"),
        [
            # Summer time ends on Sunday 2026-10-25: Monday midnight is then 23:00 UTC.
            pytest.param(datetime(2026, 10, 25, 23, 0, tzinfo=UTC), 43, id="clocks-go-back"),
            # Summer time starts on Sunday 2027-03-28: Monday midnight is then 22:00 UTC.
            pytest.param(datetime(2027, 3, 28, 22, 0, tzinfo=UTC), 12, id="clocks-go-forward"),
        ],
    )
    def test_the_week_turns_at_local_midnight_after_a_clock_change(
        self, monday_midnight: datetime, week_before: int
    ) -> None:
        year = monday_midnight.year
        last_minute = monday_midnight - timedelta(minutes=1)
        assert rules.food_parcel_week(last_minute, PARIS) == (year, week_before)
        assert rules.food_parcel_week(monday_midnight, PARIS) == (year, week_before + 1)

    def test_a_week_spanning_the_autumn_change_lasts_an_hour_longer(self) -> None:
        start, end = rules.food_parcel_week_bounds(paris(2026, 10, 22, 14, 0), PARIS)
        assert start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
        assert end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
        assert end - start == timedelta(days=7, hours=1)

    @given(
        st.datetimes(
            min_value=datetime(2020, 1, 1),
            max_value=datetime(2040, 1, 1),
            timezones=st.just(UTC),
        )
    )
    def test_the_bounds_enclose_exactly_the_instants_of_that_week(self, instant: datetime) -> None:
        start, end = rules.food_parcel_week_bounds(instant, PARIS)
        week = rules.food_parcel_week(instant, PARIS)
        assert start <= instant < end
        assert rules.food_parcel_week(start, PARIS) == week
        assert rules.food_parcel_week(end - MICROSECOND, PARIS) == week
        assert rules.food_parcel_week(end, PARIS) != week
        assert rules.food_parcel_week(start - MICROSECOND, PARIS) != week


class TestWeeklyFoodParcelLimit:
    thursday = paris(2026, 11, 26, 14, 0)
    pickup = slot(kind=SlotKind.FOOD_PARCEL, starts_at=thursday)

    @pytest.mark.parametrize(
        "status",
        [
            BookingStatus.BOOKED,
            BookingStatus.WAITLISTED,
            BookingStatus.ATTENDED,
            BookingStatus.NO_SHOW,
        ],
    )
    def test_a_held_or_spent_parcel_that_week_refuses_another(self, status: BookingStatus) -> None:
        monday = paris(2026, 11, 23, 10, 0)
        with pytest.raises(errors.WeeklyFoodParcelLimit) as raised:
            rules.check_weekly_food_parcel_limit(self.pickup, [(status, monday)], PARIS)
        assert (raised.value.iso_year, raised.value.iso_week) == (2026, 48)

    @pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.EXCUSED])
    def test_a_released_parcel_does_not_count(self, status: BookingStatus) -> None:
        rules.check_weekly_food_parcel_limit(self.pickup, [(status, self.thursday)], PARIS)

    def test_the_previous_and_next_weeks_do_not_count(self) -> None:
        held = [
            (BookingStatus.ATTENDED, self.thursday - timedelta(days=7)),
            (BookingStatus.BOOKED, self.thursday + timedelta(days=7)),
            # Sunday 23:30 before, and Monday 00:00 after: just outside the week.
            (BookingStatus.BOOKED, paris(2026, 11, 22, 23, 30)),
            (BookingStatus.BOOKED, paris(2026, 11, 30, 0, 0)),
        ]
        rules.check_weekly_food_parcel_limit(self.pickup, held, PARIS)

    def test_the_first_minute_of_the_week_counts(self) -> None:
        with pytest.raises(errors.WeeklyFoodParcelLimit):
            rules.check_weekly_food_parcel_limit(
                self.pickup, [(BookingStatus.BOOKED, paris(2026, 11, 23, 0, 0))], PARIS
            )

    def test_other_kinds_of_slot_have_no_weekly_limit(self) -> None:
        workshop = slot(kind=SlotKind.WORKSHOP, starts_at=self.thursday)
        rules.check_weekly_food_parcel_limit(
            workshop, [(BookingStatus.BOOKED, self.thursday)], PARIS
        )


class TestSeatDecision:
    def test_a_free_seat_is_booked(self) -> None:
        assert rules.seat_decision(20, 19, waitlist_enabled=False) == BookingStatus.BOOKED

    def test_a_full_slot_with_a_waitlist_puts_the_youth_in_line(self) -> None:
        assert rules.seat_decision(20, 20, waitlist_enabled=True) == BookingStatus.WAITLISTED

    def test_a_full_slot_without_a_waitlist_is_refused(self) -> None:
        with pytest.raises(errors.SlotFull) as raised:
            rules.seat_decision(1, 1, waitlist_enabled=False, slot_id=5)
        assert raised.value.slot_id == 5

    @given(
        capacity=st.integers(min_value=1, max_value=50),
        requests=st.integers(min_value=0, max_value=200),
        waitlist_enabled=st.booleans(),
    )
    def test_successive_decisions_never_exceed_the_capacity(
        self, capacity: int, requests: int, waitlist_enabled: bool
    ) -> None:
        booked = waitlisted = refused = 0
        for _ in range(requests):
            try:
                status = rules.seat_decision(capacity, booked, waitlist_enabled)
            except errors.SlotFull:
                refused += 1
                continue
            if status == BookingStatus.BOOKED:
                booked += 1
            else:
                waitlisted += 1
        assert booked == min(capacity, requests)
        assert booked + waitlisted + refused == requests
        assert (refused if waitlist_enabled else waitlisted) == 0


class TestCancellable:
    upcoming = slot(cancellation_cutoff_minutes=240)
    deadline = upcoming.starts_at - timedelta(hours=4)

    def test_a_youth_cancels_a_seat_until_just_before_the_cut_off(self) -> None:
        assert rules.cancellation_deadline(self.upcoming) == self.deadline
        rules.check_cancellable(booking(), self.upcoming, self.deadline - MICROSECOND)
        with pytest.raises(errors.CancellationCutoffPassed) as raised:
            rules.check_cancellable(booking(), self.upcoming, self.deadline)
        assert raised.value.booking_id == 7

    @pytest.mark.parametrize("by", [CancelledBy.STAFF, CancelledBy.SYSTEM])
    def test_staff_and_the_system_are_not_bound_by_the_cut_off(self, by: CancelledBy) -> None:
        rules.check_cancellable(booking(), self.upcoming, self.upcoming.starts_at - SECOND, by)

    def test_a_place_in_line_can_be_dropped_after_the_cut_off(self) -> None:
        rules.check_cancellable(
            booking(BookingStatus.WAITLISTED), self.upcoming, self.upcoming.starts_at - SECOND
        )

    @pytest.mark.parametrize("by", list(CancelledBy))
    @pytest.mark.parametrize("status", [BookingStatus.BOOKED, BookingStatus.WAITLISTED])
    def test_nobody_cancels_once_the_slot_started(
        self, status: BookingStatus, by: CancelledBy
    ) -> None:
        with pytest.raises(errors.SlotAlreadyStarted):
            rules.check_cancellable(booking(status), self.upcoming, self.upcoming.starts_at, by)

    @pytest.mark.parametrize(
        "status",
        [
            BookingStatus.CANCELLED,
            BookingStatus.EXCUSED,
            BookingStatus.ATTENDED,
            BookingStatus.NO_SHOW,
        ],
    )
    def test_a_booking_no_longer_active_cannot_be_cancelled(self, status: BookingStatus) -> None:
        with pytest.raises(errors.NotCancellable) as raised:
            rules.check_cancellable(booking(status), self.upcoming, NOW)
        assert raised.value.status == status

    def test_a_zero_cut_off_allows_cancelling_until_the_start(self) -> None:
        no_cutoff = slot(cancellation_cutoff_minutes=0)
        rules.check_cancellable(booking(), no_cutoff, no_cutoff.starts_at - MICROSECOND)


class TestExcusable:
    upcoming = slot(cancellation_cutoff_minutes=240)

    def test_a_youth_can_excuse_themselves_after_the_cut_off(self) -> None:
        rules.check_excusable(booking(), self.upcoming, self.upcoming.starts_at - SECOND)

    def test_not_once_the_slot_started(self) -> None:
        with pytest.raises(errors.SlotAlreadyStarted):
            rules.check_excusable(booking(), self.upcoming, self.upcoming.starts_at)

    def test_not_for_a_booking_already_withdrawn(self) -> None:
        with pytest.raises(errors.NotCancellable):
            rules.check_excusable(booking(BookingStatus.CANCELLED), self.upcoming, NOW)


class TestConfirmable:
    upcoming = slot()

    def test_a_youth_confirms_a_seat_until_the_slot_starts(self) -> None:
        rules.check_confirmable(booking(), self.upcoming, self.upcoming.starts_at - SECOND)

    def test_not_once_the_slot_started(self) -> None:
        with pytest.raises(errors.SlotAlreadyStarted):
            rules.check_confirmable(booking(), self.upcoming, self.upcoming.starts_at)

    @pytest.mark.parametrize(
        "status", [BookingStatus.WAITLISTED, BookingStatus.CANCELLED, BookingStatus.EXCUSED]
    )
    def test_not_without_a_seat(self, status: BookingStatus) -> None:
        with pytest.raises(errors.NothingToConfirm):
            rules.check_confirmable(booking(status), self.upcoming, NOW)


def test_every_error_has_its_own_stable_code() -> None:
    classes = [errors.BookingError, *errors.BookingError.__subclasses__()]
    codes = [error.code for error in classes]
    assert len(classes) >= 14
    assert len(set(codes)) == len(codes)
    assert all(code.isidentifier() and code.islower() for code in codes)
