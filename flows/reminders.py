"""A reminder before a booked slot, and the youth's answer to it from the message itself.

The dispatcher sends the messages built by `reminder_replies` outside any
conversation; the buttons come back here as events. They are standalone (a
reminder is read hours after it was sent, whatever the youth did since), so
each tap reads the booking again and checks it is the youth's and still held.

- "Je viens ✅" ("rm:y:<booking>") records the confirmation on the booking.
- "Je ne peux plus venir ❌" ("rm:n:<booking>") asks why with the same buttons as
  "my bookings", frees the seat for the waitlist, records the decline, and offers
  another slot (`flows.my_bookings.ask_to_withdraw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.booking import operations
from core.booking.errors import (
    BookingNotFound,
    NothingToConfirm,
    NotYourBooking,
    SlotAlreadyStarted,
)
from core.i18n import Text, When, t
from core.models import Booking, Modality, Site, Slot, SlotKind
from flows.booking_view import slot_place, slot_title, when_line, where_line
from flows.context import Context
from flows.gate import require_consent
from flows.my_bookings import CANCEL, ask_to_withdraw
from flows.replies import Button, Reply, Venue
from flows.routing import ButtonRoute, Flow

NAME = "reminders"
PREFIX = "rm"

COMING = t("Je viens ✅")
NOT_COMING = t("Je ne peux plus venir ❌")
CONFIRMED = t("✅ Super, c’est noté\u202f! On t’attend.")
NOT_HELD = t("Ce rendez-vous n’est plus actif\u202f: il n’y a rien à confirmer.")
ALREADY_STARTED = t("Ce rendez-vous a déjà commencé.")
BRING_BAGS = t("🛍️ Pense à prendre des sacs solides pour porter ton colis.")


def reminders_flow() -> Flow:
    return Flow(name=NAME, buttons={PREFIX: ButtonRoute(_answered, standalone=True)})


def reminder_replies(
    booking: Booking, slot: Slot, site: Site | None, *, offset_minutes: int | None, locale: str
) -> list[Reply]:
    """The reminder: what, when, where (with the map pin), what to bring, and the two answers."""
    notes: list[Text] = []
    if slot.kind == SlotKind.FOOD_PARCEL and (offset_minutes or 0) >= 24 * 60:
        notes.append(BRING_BAGS)
    return slot_notice(
        t("🔔 Rappel\u202f: c’est {when}.", when=_how_soon(slot.starts_at, offset_minutes)),
        booking,
        slot,
        site,
        locale=locale,
        notes=notes,
    )


def slot_notice(
    intro: Text,
    booking: Booking,
    slot: Slot,
    site: Site | None,
    *,
    locale: str,
    notes: Sequence[Text] = (),
    answers: bool = True,
) -> list[Reply]:
    """A message about a booked slot sent outside any conversation: `intro`, the slot's
    title, when and where, `notes`, what to bring, and the map pin before it.

    With `answers`, it carries "Je viens" / "Je ne peux plus venir", which work
    whenever they are tapped.
    """
    place = slot_place(slot, site)
    lines: list[Text] = [t("📅 {when}", when=when_line(slot))]
    where = where_line(slot, place)
    if where is not None:
        lines.append(where)
    paragraphs: list[Text] = [
        intro,
        t("<b>{title}</b>\n{details}", title=slot_title(slot, locale), details=tuple(lines)),
        *notes,
    ]
    if slot.what_to_bring:
        paragraphs.append(t("🎒 À apporter\u202f: {things}", things=slot.what_to_bring))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if answers:
        buttons = (
            (
                Button(f"{PREFIX}:y:{booking.id}", COMING),
                Button(f"{PREFIX}:n:{booking.id}", NOT_COMING),
            ),
        )
    replies = [Reply(tuple(paragraphs), buttons=buttons)]
    if (
        slot.modality != Modality.PHONE
        and place.latitude is not None
        and place.longitude is not None
    ):
        title = place.name or slot_title(slot, locale)
        replies.insert(0, Reply(venue=Venue(title, place.address, place.latitude, place.longitude)))
    return replies


def _how_soon(starts_at: datetime, offset_minutes: int | None) -> Text:
    if offset_minutes is not None and offset_minutes < 24 * 60:
        return t("aujourd’hui à {time}", time=When(starts_at, "time"))
    return t("le {day}", day=When(starts_at, "datetime"))


async def load_reminded(
    session: AsyncSession, booking_id: int
) -> tuple[Booking, Slot, Site | None] | None:
    """What a reminder of this booking needs; None when the booking is gone."""
    booking = await session.get(Booking, booking_id)
    slot = await session.get(Slot, booking.slot_id) if booking is not None else None
    if booking is None or slot is None:
        return None
    site = await session.get(Site, slot.site_id) if slot.site_id is not None else None
    return booking, slot, site


async def _answered(ctx: Context) -> None:
    match ctx.button_args:
        case (("y" | "n") as answer, raw) if raw.isdigit() and len(raw) <= 12:
            if await require_consent(ctx) is None:
                return
            if answer == "y":
                await _confirm(ctx, int(raw))
            else:
                await ask_to_withdraw(ctx, int(raw), CANCEL, declined=True)
        case _:
            await ctx.reject_button()


async def _confirm(ctx: Context, booking_id: int) -> None:
    if ctx.youth_id is None:
        await ctx.reject_button()
        return
    try:
        _, slot = await operations.confirm_coming(
            ctx.session, now=ctx.now, booking_id=booking_id, youth_id=ctx.youth_id
        )
    except (BookingNotFound, NotYourBooking):
        await ctx.reject_button()
        return
    except NothingToConfirm:
        await ctx.show_menu(NOT_HELD)
        return
    except SlotAlreadyStarted:
        await ctx.show_menu(ALREADY_STARTED)
        return
    ctx.say(CONFIRMED, t("📅 {when}", when=when_line(slot)))
