"""One slot's screen, and the two options of an appointment: an interpreter and a note.

Part of the booking flow (`booking.py`, drawn in `booking.mmd`). The options wait
in the conversation state until the youth books, and only for the slot they
were chosen on.
"""

from __future__ import annotations

from babel import Locale

from core.booking import rules
from core.booking.catalog import SlotDetails, slot_details
from core.booking.errors import BookingError, BookingWindowNotOpen, SlotCancelled
from core.booking.queries import active_booking, waitlist_position
from core.i18n import Text, t
from core.models import BookingStatus, Slot, SlotKind
from flows.booking_state import (
    DETAIL,
    INTERPRETER_KEY,
    LIST,
    NAME,
    NOTE_KEY,
    PREFIX,
    SEEN_START_KEY,
    SLOT_PREFIX,
    Browsing,
    browsing,
    open_slot,
    opened_slot,
    set_browsing,
)
from flows.booking_view import slot_summary
from flows.context import Context
from flows.replies import Button

MAX_NOTE_LENGTH = 500
# The languages most asked for at the Paris Mission Locale's desks, and English.
INTERPRETER_LANGUAGES = (
    "ar", "uk", "ru", "fa", "ps", "ti", "so", "bn", "ur", "tr", "ro", "pt", "es", "en",
)  # fmt: skip

BOOK = t("✅ Réserver")
JOIN_WAITLIST = t("📝 M’inscrire sur la liste d’attente")
WANT_INTERPRETER = t("🗣️ Je voudrais un·e interprète")
CHANGE_INTERPRETER = t("🗣️ Changer d’interprète")
ADD_NOTE = t("✍️ Ajouter un mot pour le partenaire")
CHANGE_NOTE = t("✍️ Changer mon mot")
BACK_TO_LIST = t("⬅️ Retour à la liste")
BACK_TO_SLOT = t("⬅️ Retour au créneau")
MY_BOOKINGS = t("🗓️ Mes rendez-vous")
NO_INTERPRETER = t("Pas besoin d’interprète")
NO_NOTE = t("Sans mot")
INTERPRETER_QUESTION = t("🗣️ Dans quelle langue veux-tu l’interprète\u202f?")
NOTE_QUESTION = t(
    "✍️ Écris en quelques mots ce que le partenaire doit savoir ({max} caractères au maximum).",
    max=MAX_NOTE_LENGTH,
)
SLOT_GONE = t("😕 Ce créneau n’existe plus.")
NO_IDENTIFIERS = t("N’écris pas de numéro de sécurité sociale ni de numéro de papiers.")
NOTE_SAVED = t("✍️ C’est noté, le partenaire lira ton mot.")
FULL_WITH_WAITLIST = t(
    "Ce créneau est complet. Inscris-toi sur la liste d’attente\u202f: "
    "si une place se libère, elle est pour toi et je te préviens."
)


async def slot_tapped(ctx: Context, slot_id: int, *, then: str = DETAIL) -> None:
    """Open a slot from a list (or its options), wherever the youth was."""
    open_slot(ctx, slot_id)
    await ctx.go(NAME, then)


async def current_details(ctx: Context) -> SlotDetails | None:
    """The opened slot if it can still be booked; otherwise the youth is told and sent to
    the fresh list, and None is returned."""
    slot_id = opened_slot(ctx)
    details = await slot_details(ctx.session, slot_id) if slot_id is not None else None
    if details is None:
        await back_to_list(ctx, None, SLOT_GONE)
        return None
    slot = details.slot
    try:
        rules.check_bookable(slot, ctx.now)
    except BookingError as refusal:
        await back_to_list(ctx, slot, refusal_text(refusal, slot))
        return None
    return details


def refusal_text(refusal: BookingError, slot: Slot) -> Text:
    """Why a slot cannot be booked, said to the youth; the rules are `core.booking.rules`."""
    if isinstance(refusal, SlotCancelled):
        return t("😕 Ce créneau a été annulé.")
    if isinstance(refusal, BookingWindowNotOpen) and slot.booking_opens_at is not None:
        return t(
            "⏳ Les réservations pour ce créneau ouvrent le {when}.",
            when=slot.booking_opens_at,
        )
    return t("⌛ Les réservations pour ce créneau sont fermées.")


async def back_to_list(ctx: Context, slot: Slot | None, why: Text) -> None:
    """Say why, then show the list again, read afresh (of the slot's kind if none is open)."""
    if browsing(ctx) is None:
        set_browsing(ctx, Browsing(slot.kind if slot is not None else SlotKind.WORKSHOP))
    ctx.preface(why, t("Voici les créneaux disponibles maintenant\u202f:"))
    await ctx.go(NAME, LIST)


async def show_detail(ctx: Context) -> None:
    details = await current_details(ctx)
    if details is None:
        return
    slot = details.slot
    assert slot.id is not None  # a slot read from the database
    ctx.data[SEEN_START_KEY] = slot.starts_at.isoformat()
    if browsing(ctx) is None:
        set_browsing(ctx, Browsing(slot.kind))
    back = Button(f"{PREFIX}:list", BACK_TO_LIST)
    held = await _held(ctx, slot.id)
    if held is not None:
        ctx.reply(slot_summary(details, ctx.locale), held, buttons=[_my_bookings(), back])
        return
    paragraphs = [slot_summary(details, ctx.locale), *_chosen_options(ctx, slot)]
    if details.availability.is_full:
        paragraphs.append(FULL_WITH_WAITLIST)
        main = Button(f"{SLOT_PREFIX}:wl:{slot.id}", JOIN_WAITLIST)
    else:
        main = Button(f"{SLOT_PREFIX}:ok:{slot.id}", BOOK)
    ctx.reply(*paragraphs, buttons=[main, *_option_buttons(ctx, slot), back])


async def _held(ctx: Context, slot_id: int) -> Text | None:
    """What the youth already holds on this slot, said plainly; None if nothing."""
    if ctx.youth_id is None:
        return None
    booking = await active_booking(ctx.session, youth_id=ctx.youth_id, slot_id=slot_id)
    if booking is None:
        return None
    if booking.status == BookingStatus.BOOKED:
        return t("✅ Tu as déjà ta place ici.")
    position = await waitlist_position(ctx.session, booking) or 1
    return t("📝 Tu es sur la liste d’attente, en position {position}.", position=position)


def _chosen_options(ctx: Context, slot: Slot) -> list[Text]:
    if slot.kind != SlotKind.APPOINTMENT:
        return []
    chosen: list[Text] = []
    language = ctx.data.get(INTERPRETER_KEY)
    if isinstance(language, str):
        chosen.append(t("🗣️ Interprète\u202f: {language}", language=_language(language, ctx)))
    note = ctx.data.get(NOTE_KEY)
    if isinstance(note, str):
        chosen.append(t("✍️ Ton mot\u202f: «\u202f{note}\u202f»", note=note))
    return chosen


def _option_buttons(ctx: Context, slot: Slot) -> list[Button]:
    if slot.kind != SlotKind.APPOINTMENT:
        return []
    has_language = isinstance(ctx.data.get(INTERPRETER_KEY), str)
    has_note = isinstance(ctx.data.get(NOTE_KEY), str)
    return [
        Button(
            f"{SLOT_PREFIX}:int:{slot.id}", CHANGE_INTERPRETER if has_language else WANT_INTERPRETER
        ),
        Button(f"{SLOT_PREFIX}:note:{slot.id}", CHANGE_NOTE if has_note else ADD_NOTE),
    ]


def _my_bookings() -> Button:
    return Button("menu:mybookings", MY_BOOKINGS)


def _language(code: str, ctx: Context) -> str:
    """ "العربية · arabe": its own name for the interpreter, the youth's for the adviser."""
    own = Locale.parse(code).get_display_name(code) or code
    theirs = Locale.parse(code).get_display_name(ctx.locale) or code
    return own if own == theirs else f"{own} · {theirs}"


async def _appointment(ctx: Context) -> SlotDetails | None:
    """The opened slot, if still bookable and an appointment: only those have options."""
    details = await current_details(ctx)
    if details is not None and details.slot.kind != SlotKind.APPOINTMENT:
        await ctx.go(NAME, DETAIL)
        return None
    return details


async def ask_interpreter(ctx: Context) -> None:
    if await _appointment(ctx) is None:
        return
    buttons = [
        Button(f"{PREFIX}:il:{code}", _language(code, ctx)) for code in INTERPRETER_LANGUAGES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    ctx.reply(
        INTERPRETER_QUESTION,
        buttons=[
            *rows,
            Button(f"{PREFIX}:il:none", NO_INTERPRETER),
            Button(f"{PREFIX}:slot", BACK_TO_SLOT),
        ],
    )


async def ask_note(ctx: Context) -> None:
    if await _appointment(ctx) is None:
        return
    ctx.reply(
        NOTE_QUESTION,
        NO_IDENTIFIERS,
        buttons=[Button(f"{PREFIX}:nonote", NO_NOTE), Button(f"{PREFIX}:slot", BACK_TO_SLOT)],
    )


async def note_typed(ctx: Context) -> None:
    note = ctx.text.strip()
    if not note:
        await ctx.reshow()
        return
    if len(note) > MAX_NOTE_LENGTH:
        ctx.preface(
            t(
                "Ton mot fait {length} caractères, c’est trop long. "
                "Raccourcis-le à {max} caractères au maximum, puis renvoie-le.",
                length=len(note),
                max=MAX_NOTE_LENGTH,
            )
        )
        await ctx.reshow()
        return
    ctx.data[NOTE_KEY] = note
    ctx.preface(NOTE_SAVED)
    await ctx.go(NAME, DETAIL)
