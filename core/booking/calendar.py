"""The calendar file (.ics) sent with a booking, so the youth can add it to their phone.

Everything arrives already rendered: the caller translates the texts in the youth's
language and picks the stable uid, so this stays a pure function of its input. The
times are written in UTC (`...Z`) rather than with a time zone definition, which
every calendar application reads the same way and shows in the phone's own zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

CALENDAR_MIME_TYPE = "text/calendar"
PRODUCT_ID = "-//Passerelle//Mission Locale//FR"
DEFAULT_ALARM_BEFORE = timedelta(hours=2)


@dataclass(frozen=True, kw_only=True)
class CalendarEvent:
    """One booking as a calendar entry, with every text already in the youth's language."""

    # Stable per booking, e.g. "booking-42@passerelle": sending the file again after a
    # change updates the entry in the youth's calendar instead of adding a second one.
    uid: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    summary: str
    description: str
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    alarm_text: str
    alarm_before: timedelta = DEFAULT_ALARM_BEFORE

    def __post_init__(self) -> None:
        # A naive datetime would be written as "floating" local time, which each phone
        # reads in its own zone: the appointment would silently move for some youths.
        for name in ("starts_at", "ends_at", "created_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at")
        if self.alarm_before < timedelta(0):
            raise ValueError("alarm_before must not be negative")


def booking_calendar(event: CalendarEvent) -> bytes:
    """The iCalendar file (RFC 5545) of one booking: one event with one reminder alarm."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")

    entry = Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", event.created_at.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.summary)
    entry.add("description", event.description)
    if event.location:
        entry.add("location", event.location)
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -event.alarm_before)
    alarm.add("description", event.alarm_text)
    entry.add_component(alarm)

    calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical


def calendar_filename(starts_at_local: datetime) -> str:
    """`rdv-2026-12-03-1400.ics`: digits and dashes only, so every Telegram client keeps it."""
    return f"rdv-{starts_at_local:%Y-%m-%d-%H%M}.ics"
