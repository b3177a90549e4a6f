"""What each outbox message says, composed just before it is sent.

The dispatcher claims due rows and hands them here. For each, this module reads
what is true now (the youth, their booking, its slot), asks
`core.outbox_rules` whether it should still go out, and builds the replies in
the youth's language: a reminder, a seat given from the waitlist, a slot
cancelled or moved by the staff, a follow-up after the slot, a staff message.
Whole batches are read in a handful of queries: the dispatcher may send
thousands of reminders on a Thursday morning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.i18n import Text, When, t
from core.models import (
    Booking,
    BookingStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Site,
    Slot,
    Youth,
)
from core.outbox_rules import reason_not_to_send
from flows.booking_view import slot_title
from flows.follow_ups import no_show_replies, survey_replies
from flows.reminders import reminder_replies, slot_notice
from flows.replies import Button, Reply

PROMOTED = t("🎉 Bonne nouvelle\u202f: une place s’est libérée. Elle est pour toi\u202f!")
OTHER_SLOT = t("📅 Choisir un autre créneau")
MY_BOOKINGS = t("🗓️ Mes rendez-vous")
ANSWER_ADVISER = t("💬 Répondre")

_M = TypeVar("_M", Youth, Booking, Slot, Site)


@dataclass(frozen=True, slots=True)
class Composed:
    """A message ready to render: to whom, in which language, what."""

    chat_id: int
    locale: str
    replies: list[Reply]


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str


@dataclass(frozen=True, slots=True)
class _Context:
    youth: Youth | None
    booking: Booking | None
    slot: Slot | None
    site: Site | None


async def compose_all(
    session: AsyncSession, messages: Sequence[Reminder], now: datetime
) -> dict[int, Composed | Skipped]:
    """What to send for each message, by its id, or why it is skipped."""
    youths = await _by_id(session, Youth, {m.youth_id for m in messages})
    bookings = await _by_id(session, Booking, {m.booking_id for m in messages})
    slots = await _by_id(session, Slot, {b.slot_id for b in bookings.values()})
    sites = await _by_id(session, Site, {s.site_id for s in slots.values()})
    superseded = await _with_a_later_reminder_due(session, messages, now)
    composed: dict[int, Composed | Skipped] = {}
    for message in messages:
        assert message.id is not None
        booking = bookings.get(message.booking_id) if message.booking_id else None
        slot = slots.get(booking.slot_id) if booking is not None else None
        site = sites.get(slot.site_id) if slot is not None and slot.site_id else None
        found = _Context(
            youths.get(message.youth_id) if message.youth_id else None, booking, slot, site
        )
        reason = reason_not_to_send(
            message,
            youth=found.youth,
            booking=found.booking,
            slot=found.slot,
            now=now,
            later_reminder_due=message.id in superseded,
        )
        if reason is not None or found.youth is None:
            composed[message.id] = Skipped(reason or "youth_erased")
            continue
        locale = found.youth.locale
        replies = _replies(message, found, locale)
        if replies is None:
            composed[message.id] = Skipped("nothing_to_say")
        else:
            composed[message.id] = Composed(found.youth.telegram_user_id, locale, replies)
    return composed


def _replies(message: Reminder, found: _Context, locale: str) -> list[Reply] | None:
    booking, slot, site = found.booking, found.slot, found.site
    payload = message.payload
    if message.kind == OutboxKind.STAFF_MESSAGE:
        return _staff_message(str(payload.get("text", "")))
    if booking is None or slot is None:
        return None
    match message.kind:
        case OutboxKind.REMINDER:
            return reminder_replies(
                booking, slot, site, offset_minutes=message.offset_minutes, locale=locale
            )
        case OutboxKind.WAITLIST_PROMOTION:
            return slot_notice(PROMOTED, booking, slot, site, locale=locale)
        case OutboxKind.SLOT_MOVED:
            return _moved(booking, slot, site, payload, locale)
        case OutboxKind.SLOT_CANCELLED:
            message_text = str(payload.get("message", ""))
            return _cancelled(slot, message_text, payload.get("also_cancelled"), locale)
        case OutboxKind.NO_SHOW_FOLLOW_UP:
            return no_show_replies(booking, slot, locale)
        case OutboxKind.SATISFACTION_SURVEY:
            return survey_replies(booking, slot, locale)


def _moved(
    booking: Booking, slot: Slot, site: Site | None, payload: dict[str, object], locale: str
) -> list[Reply]:
    raw_old = payload.get("old_starts_at")
    old = datetime.fromisoformat(raw_old) if isinstance(raw_old, str) else None
    intro = (
        t("🕒 Changement d’horaire\u202f: ce n’est plus {old}.", old=When(old, "datetime"))
        if old is not None
        else t("🕒 Changement d’horaire.")
    )
    notes = _staff_note(str(payload.get("message", "")))
    held = booking.status == BookingStatus.BOOKED
    replies = slot_notice(intro, booking, slot, site, locale=locale, notes=notes, answers=held)
    if not held:
        # On the waitlist: nothing to confirm, but their place in line is on this list.
        last = replies[-1]
        replies[-1] = Reply(last.text, buttons=((Button("menu:mybookings", MY_BOOKINGS),),))
    return replies


def _cancelled(slot: Slot, message: str, also: object, locale: str) -> list[Reply]:
    paragraphs: list[Text] = [
        t(
            "😔 Désolé\u202f: <b>{title}</b> du {when} est annulé.",
            title=slot_title(slot, locale),
            when=When(slot.starts_at, "datetime"),
        ),
        *_staff_note(message),
        *_also_cancelled(also),
        t("Tu n’as rien à faire. Tu peux choisir un autre créneau si tu veux."),
    ]
    return [Reply(tuple(paragraphs), buttons=((Button("menu:book", OTHER_SLOT),),))]


def _also_cancelled(also: object) -> list[Text]:
    """The later dates of a series cancelled at once: one notice tells them all."""
    if not isinstance(also, list):
        return []
    starts = [datetime.fromisoformat(item) for item in also if isinstance(item, str)]
    if not starts:
        return []
    dates = tuple(t("• {when}", when=When(start, "datetime")) for start in sorted(starts))
    return [t("Les dates suivantes sont annulées aussi\u202f:\n{dates}", dates=dates)]


def _staff_message(text: str) -> list[Reply] | None:
    if not text.strip():
        return None
    return [
        Reply(
            t("💬 Message de ta Mission Locale\u202f:\n{text}", text=text),
            buttons=((Button("menu:contact", ANSWER_ADVISER),),),
        )
    ]


def _staff_note(message: str) -> list[Text]:
    if not message.strip():
        return []
    return [t("💬 Message de l’équipe\u202f: {message}", message=message.strip())]


async def _by_id(session: AsyncSession, model: type[_M], ids: set[int | None]) -> dict[int, _M]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = (await session.scalars(select(model).where(col(model.id).in_(wanted)))).all()
    return {row.id: row for row in rows if row.id is not None}


async def _with_a_later_reminder_due(
    session: AsyncSession, messages: Sequence[Reminder], now: datetime
) -> set[int]:
    """The reminders of the batch with a reminder closer to the slot due as well."""
    reminders = [m for m in messages if m.kind == OutboxKind.REMINDER and m.booking_id]
    if not reminders:
        return set()
    due = (
        await session.execute(
            select(col(Reminder.booking_id), col(Reminder.offset_minutes)).where(
                col(Reminder.booking_id).in_({m.booking_id for m in reminders}),
                col(Reminder.kind) == OutboxKind.REMINDER,
                col(Reminder.status) == OutboxStatus.PENDING,
                col(Reminder.due_at) <= now,
            )
        )
    ).all()
    closest: dict[int, int] = {}
    for booking_id, offset in due:
        if booking_id is not None and offset is not None:
            closest[booking_id] = min(offset, closest.get(booking_id, offset))
    return {
        m.id
        for m in reminders
        if m.id is not None
        and m.booking_id is not None
        and m.offset_minutes is not None
        and closest.get(m.booking_id, m.offset_minutes) < m.offset_minutes
    }
