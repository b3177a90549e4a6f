"""The .ics file of a booking, read back with icalendar the way a calendar application would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from core.booking.calendar import (
    CALENDAR_MIME_TYPE,
    CalendarEvent,
    booking_calendar,
    calendar_filename,
)

PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)  # 14:00 in Paris

EVENT = CalendarEvent(
    uid="booking-42@passerelle",
    starts_at=STARTS,
    ends_at=STARTS + timedelta(hours=2),
    created_at=datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
    summary="Colis alimentaire, Linkee ; été",
    description="Apporte des sacs, ta carte.\nÀ jeudi ; n’oublie pas !",
    location="Linkee, 12 rue de l’Été, 75020 Paris",
    latitude=48.8721,
    longitude=2.3889,
    alarm_text="Rappel : colis à 14 h, Linkee",
)


def _parse(data: bytes) -> tuple[Calendar, Component, Component]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    [alarm] = event.walk("VALARM")
    return calendar, event, alarm


def _text(component: Component, name: str) -> str:
    return str(component[name])


def test_the_calendar_header() -> None:
    calendar, _, _ = _parse(booking_calendar(EVENT))

    assert _text(calendar, "VERSION") == "2.0"
    assert _text(calendar, "PRODID") == "-//Passerelle//Mission Locale//FR"
    assert _text(calendar, "METHOD") == "PUBLISH"
    assert len(calendar.walk("VEVENT")) == 1


def test_the_event_carries_every_field() -> None:
    _, event, _ = _parse(booking_calendar(EVENT))

    assert _text(event, "UID") == "booking-42@passerelle"
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == STARTS + timedelta(hours=2)
    assert _text(event, "SUMMARY") == "Colis alimentaire, Linkee ; été"
    assert _text(event, "DESCRIPTION") == "Apporte des sacs, ta carte.\nÀ jeudi ; n’oublie pas !"
    assert _text(event, "LOCATION") == "Linkee, 12 rue de l’Été, 75020 Paris"
    assert event.decoded("GEO") == (48.8721, 2.3889)


def test_times_are_written_in_utc_whatever_zone_they_come_in() -> None:
    in_paris = replace(
        EVENT,
        starts_at=STARTS.astimezone(PARIS),
        ends_at=(STARTS + timedelta(hours=2)).astimezone(PARIS),
        created_at=EVENT.created_at.astimezone(PARIS),
    )

    data = booking_calendar(in_paris)

    lines = data.decode("utf-8").split("\r\n")
    assert "DTSTART:20261203T130000Z" in lines
    assert "DTEND:20261203T150000Z" in lines
    assert "DTSTAMP:20261123T083000Z" in lines
    assert "TZID" not in data.decode("utf-8")


def test_the_alarm_displays_its_text_before_the_start() -> None:
    _, _, alarm = _parse(booking_calendar(EVENT))

    assert _text(alarm, "ACTION") == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(hours=2)
    assert _text(alarm, "DESCRIPTION") == "Rappel : colis à 14 h, Linkee"


def test_the_alarm_delay_can_be_chosen() -> None:
    _, _, alarm = _parse(booking_calendar(replace(EVENT, alarm_before=timedelta(minutes=30))))

    assert alarm.decoded("TRIGGER") == -timedelta(minutes=30)


def test_long_accented_text_survives_line_folding() -> None:
    # Lines are folded every 75 bytes; a fold must never split an accented character.
    description = "Émilie t’attend à l’accueil, près de l’entrée ; apporte ça, « merci » ! " * 8
    _, event, _ = _parse(booking_calendar(replace(EVENT, description=description)))

    assert _text(event, "DESCRIPTION") == description


def test_no_location_when_it_is_empty() -> None:
    data = booking_calendar(replace(EVENT, location=""))

    _, event, _ = _parse(data)
    assert "LOCATION" not in event
    assert b"LOCATION" not in data


@pytest.mark.parametrize(("latitude", "longitude"), [(None, None), (48.8721, None), (None, 2.3889)])
def test_no_geo_without_both_coordinates(latitude: float | None, longitude: float | None) -> None:
    data = booking_calendar(replace(EVENT, latitude=latitude, longitude=longitude))

    _, event, _ = _parse(data)
    assert "GEO" not in event
    assert b"GEO" not in data
    assert _text(event, "LOCATION") == "Linkee, 12 rue de l’Été, 75020 Paris"


def test_the_same_booking_gives_the_same_file() -> None:
    assert booking_calendar(EVENT) == booking_calendar(replace(EVENT))


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_at": datetime(2026, 12, 3, 14, 0)},
        {"ends_at": datetime(2026, 12, 3, 16, 0)},
        {"created_at": datetime(2026, 11, 23, 9, 30)},
    ],
)
def test_naive_times_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(EVENT, **overrides)


def test_an_event_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends_at"):
        replace(EVENT, ends_at=STARTS - timedelta(minutes=1))


def test_a_negative_alarm_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="alarm_before"):
        replace(EVENT, alarm_before=timedelta(minutes=-5))


def test_the_mime_type() -> None:
    assert CALENDAR_MIME_TYPE == "text/calendar"


@pytest.mark.parametrize(
    ("starts_at_local", "expected"),
    [
        (datetime(2026, 12, 3, 14, 0, tzinfo=PARIS), "rdv-2026-12-03-1400.ics"),
        (datetime(2027, 1, 7, 9, 5, tzinfo=PARIS), "rdv-2027-01-07-0905.ics"),
        (datetime(2026, 3, 29, 23, 59), "rdv-2026-03-29-2359.ics"),
    ],
)
def test_the_file_name_is_the_local_start(starts_at_local: datetime, expected: str) -> None:
    name = calendar_filename(starts_at_local)

    assert name == expected
    assert name.isascii()
