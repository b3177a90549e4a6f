"""Booking itself: the seat or the waitlist, the confirmation with its map pin and calendar file.

Part of the booking flow (`booking.py`, drawn in `booking.mmd`). The booking is
made inside the event's transaction with the same operation the admin panel
and the reminders use; every refusal becomes a plain sentence and the fresh
list, never an error.
"""

from __future__ import annotations

from datetime import datetime

from core.booking import operations
from core.booking.calendar import (
    CALENDAR_MIME_TYPE,
    CalendarEvent,
    booking_calendar,
    calendar_filename,
)
from core.booking.catalog import SlotDetails, slot_details
from core.booking.eligibility import food_parcel_eligible
from core.booking.errors import (
    BookingError,
    SlotFull,
    WeeklyFoodParcelLimit,
)
from core.booking.queries import count_with_status
from core.i18n import Text, When, t
from core.models import Booking, BookingStatus, Modality, SlotKind
from core.youths import load_youth
from flows.booking_slot import SLOT_GONE, back_to_list, refusal_text
from flows.booking_state import (
    DETAIL,
    INTERPRETER_KEY,
    NAME,
    NOT_ELIGIBLE,
    NOTE_KEY,
    PREFIX,
    SEEN_START_KEY,
    SLOT_PREFIX,
    WAITLIST_OFFER,
    forget_booking,
    open_slot,
    opened_slot,
)
from flows.booking_view import place_line, slot_place, slot_title, when_line, where_line
from flows.context import Context
from flows.replies import Button, Document, Venue

BOOKED = t("✅ C’est réservé\u202f!")
ALREADY_BOOKED = t("✅ Tu as déjà ta place ici\u202f: rien à refaire.")
REMINDER_PROMISE = t("🔔 Je t’enverrai un rappel avant, pour que tu n’oublies pas.")
BRING_BAGS = t("🛍️ Apporte des sacs solides pour porter ton colis.")
CALENDAR_CAPTION = t("📎 Ajoute-le à ton agenda\u202f: touche le fichier.")
MOVED = t("⚠️ L’horaire de ce créneau vient de changer. Vérifie avant de réserver\u202f:")
LAST_SEAT_TAKEN = t("😕 Quelqu’un vient de prendre la dernière place.")
JUST_TAKEN = t("😕 Quelqu’un vient de prendre ce créneau.")
ONE_PARCEL_A_WEEK = t(
    "🥕 Tu as déjà un colis alimentaire cette semaine. "
    "C’est un par semaine, pour qu’il y en ait pour tout le monde. "
    "Tu peux en réserver un pour une autre semaine."
)
JOIN_WAITLIST = t("📝 Oui, m’inscrire")
NO_THANKS = t("⬅️ Non, voir les autres créneaux")


async def book_tapped(ctx: Context, slot_id: int, *, accept_waitlist: bool) -> None:
    """ "Réserver" or "M'inscrire sur la liste d'attente" on a slot's screen."""
    if opened_slot(ctx) != slot_id:
        # A button of an older screen: the options chosen since were for another slot.
        open_slot(ctx, slot_id)
    details = await slot_details(ctx.session, slot_id)
    if details is None:
        await back_to_list(ctx, None, SLOT_GONE)
        return
    if _moved_since_seen(ctx, details):
        ctx.preface(MOVED)
        await ctx.go(NAME, DETAIL)
        return
    youth = await load_youth(ctx.session, ctx.youth_id)
    if youth is None or youth.id is None:
        await ctx.show_menu()
        return
    if details.slot.kind == SlotKind.FOOD_PARCEL and not await food_parcel_eligible(
        ctx.session, youth
    ):
        await ctx.go(NAME, NOT_ELIGIBLE)
        return
    appointment = details.slot.kind == SlotKind.APPOINTMENT
    language, note = ctx.data.get(INTERPRETER_KEY), ctx.data.get(NOTE_KEY)
    try:
        outcome = await operations.book(
            ctx.session,
            now=ctx.now,
            tz=ctx.tz,
            youth_id=youth.id,
            slot_id=slot_id,
            interpreter_language=language if appointment and isinstance(language, str) else None,
            note=note if appointment and isinstance(note, str) else None,
            accept_waitlist=accept_waitlist,
            reminder_offsets=ctx.settings.reminder_offsets_for,
        )
    except BookingError as refusal:
        await _refused(ctx, details, refusal)
        return
    if not outcome.created:
        already = (
            ALREADY_BOOKED
            if outcome.booking.status == BookingStatus.BOOKED
            else t(
                "📝 Tu es déjà sur la liste d’attente, en position {position}.",
                position=outcome.waitlist_position or 1,
            )
        )
        forget_booking(ctx)
        await ctx.show_menu(already)
        return
    forget_booking(ctx)
    if outcome.booking.status == BookingStatus.WAITLISTED:
        waitlisted = t(
            "📝 Tu es sur la liste d’attente, en position {position}. "
            "Si une place se libère, elle est pour toi et je te préviens tout de suite.",
            position=outcome.waitlist_position or 1,
        )
        await ctx.show_menu(waitlisted)
        return
    _confirm(ctx, details, outcome.booking)
    await ctx.show_menu()


def _moved_since_seen(ctx: Context, details: SlotDetails) -> bool:
    seen = ctx.data.get(SEEN_START_KEY)
    return isinstance(seen, str) and seen != details.slot.starts_at.isoformat()


async def _refused(ctx: Context, details: SlotDetails, refusal: BookingError) -> None:
    slot = details.slot
    if isinstance(refusal, SlotFull):
        if slot.waitlist_enabled:
            await ctx.go(NAME, WAITLIST_OFFER)
        else:
            await back_to_list(ctx, slot, JUST_TAKEN)
    elif isinstance(refusal, WeeklyFoodParcelLimit):
        forget_booking(ctx)
        await ctx.show_menu(ONE_PARCEL_A_WEEK)
    else:
        await back_to_list(ctx, slot, refusal_text(refusal, slot))


async def offer_waitlist(ctx: Context) -> None:
    """The last seat went to someone else between the screen and the tap."""
    slot_id = opened_slot(ctx)
    details = await slot_details(ctx.session, slot_id) if slot_id is not None else None
    if details is None:
        await back_to_list(ctx, None, SLOT_GONE)
        return
    waiting = await count_with_status(ctx.session, slot_id or 0, BookingStatus.WAITLISTED)
    ctx.reply(
        LAST_SEAT_TAKEN,
        t(
            "Veux-tu t’inscrire sur la liste d’attente\u202f? Tu serais en position {position}.",
            position=waiting + 1,
        ),
        buttons=[
            Button(f"{SLOT_PREFIX}:wl:{slot_id}", JOIN_WAITLIST),
            Button(f"{PREFIX}:list", NO_THANKS),
        ],
    )


def _confirm(ctx: Context, details: SlotDetails, booking: Booking) -> None:
    """The confirmation message, then the map pin and the calendar file."""
    slot = details.slot
    place = slot_place(slot, details.site)
    title = slot_title(slot, ctx.locale)
    lines: list[Text] = [t("📅 {when}", when=when_line(slot))]
    where = where_line(slot, place)
    if where is not None:
        lines.append(where)
    paragraphs: list[Text] = [
        BOOKED,
        t("<b>{title}</b>\n{details}", title=title, details=tuple(lines)),
    ]
    if slot.kind == SlotKind.FOOD_PARCEL:
        paragraphs += [BRING_BAGS, _pickup_hours(slot.starts_at, slot.ends_at)]
    elif slot.what_to_bring:
        paragraphs.append(t("🎒 À apporter\u202f: {things}", things=slot.what_to_bring))
    if booking.interpreter_language:
        paragraphs.append(t("🗣️ Le partenaire sait que tu veux un·e interprète."))
    paragraphs.append(REMINDER_PROMISE)
    ctx.reply(*paragraphs)
    if (
        slot.modality != Modality.PHONE
        and place.latitude is not None
        and place.longitude is not None
    ):
        ctx.reply(venue=Venue(place.name or title, place.address, place.latitude, place.longitude))
    calendar = booking_calendar(
        CalendarEvent(
            uid=f"booking-{booking.id}@passerelle",
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            created_at=ctx.now,
            summary=title,
            description=slot.description,
            location=place_line(place),
            latitude=place.latitude,
            longitude=place.longitude,
            alarm_text=title,
        )
    )
    filename = calendar_filename(slot.starts_at.astimezone(ctx.tz))
    ctx.reply(document=Document(filename, calendar, CALENDAR_MIME_TYPE, CALENDAR_CAPTION))


def _pickup_hours(starts_at: datetime, ends_at: datetime) -> Text:
    return t(
        "🕑 La distribution a lieu de {start} à {end}\u202f: viens pendant ces horaires.",
        start=When(starts_at, "time"),
        end=When(ends_at, "time"),
    )
