"""Booking a workshop, a Linkee food parcel or a partner appointment.

The graph is drawn in `booking.mmd`. A youth comes from the menu or /reserver
and picks a kind, then a topic (workshops) or a partner (appointments); or comes
from a diagnostic result or the "nothing to eat" route, straight to the list
that fits. This module declares the flow and routes its buttons; the list is in
`booking_list.py`, the slot screen and its options in `booking_slot.py`, booking
itself in `booking_confirm.py`.

Navigation buttons ("bk:…") are step-bound. Slot buttons ("bs:…") are
standalone: a slot tapped in an older list is looked up again, and a slot that
no longer exists or is no longer open gets a clear answer and the fresh list.
"""

from __future__ import annotations

from core.booking.catalog import bookable_partners, bookable_topics, partner_by_code
from core.booking.eligibility import food_parcel_eligible
from core.i18n import t
from core.models import SlotKind
from core.youths import load_youth
from flows.booking_confirm import book_tapped, offer_waitlist
from flows.booking_list import ask_adviser_about, show_list
from flows.booking_slot import (
    INTERPRETER_LANGUAGES,
    ask_interpreter,
    ask_note,
    note_typed,
    show_detail,
    slot_tapped,
)
from flows.booking_state import (
    DETAIL,
    INTERPRETER,
    INTERPRETER_KEY,
    KINDS,
    LIST,
    NAME,
    NOT_ELIGIBLE,
    NOTE,
    NOTE_KEY,
    PARTNERS,
    PREFIX,
    SLOT_PREFIX,
    TOPICS,
    WAITLIST_OFFER,
    Browsing,
    browsing,
    forget_booking,
    number,
    set_browsing,
)
from flows.booking_view import KIND_LABELS, TOPIC_LABELS
from flows.contact import FOOD_PARCEL_TOPIC, start_contact
from flows.context import Context
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Step

KIND_QUESTION = t("📅 Que veux-tu réserver\u202f?")
TOPIC_QUESTION = t("🧑‍🏫 Quel genre d’atelier\u202f?")
ALL_WORKSHOPS = t("Tous les ateliers")
PARTNER_QUESTION = t("🤝 Avec quel partenaire\u202f?")
ALL_PARTNERS = t("Tous les partenaires")
NOT_ELIGIBLE_WHY = t(
    "🥕 Les colis Linkee sont réservés aux jeunes qui en ont besoin en ce moment. "
    "Pour y avoir droit, fais le point sur ta situation, ou demande à ton conseiller."
)
ASK_ADVISER = t("💬 Demander à mon conseiller")
TAKE_DIAGNOSTIC = t("📝 Faire le point")
BACK_TO_KINDS = t("⬅️ Autre chose à réserver")


def booking_flow() -> Flow:
    description = t("réserver un atelier, un colis ou un rendez-vous")
    return Flow(
        name=NAME,
        steps={
            KINDS: Step(show=_ask_kind),
            TOPICS: Step(show=_ask_topic),
            PARTNERS: Step(show=_ask_partner),
            NOT_ELIGIBLE: Step(show=_show_not_eligible),
            LIST: Step(show=show_list),
            DETAIL: Step(show=show_detail),
            INTERPRETER: Step(show=ask_interpreter),
            NOTE: Step(show=ask_note, on_text=note_typed),
            WAITLIST_OFFER: Step(show=offer_waitlist),
        },
        commands={
            "reserver": Command(_open, description, ("fr",)),
            "book": Command(_open, description, ("en",)),
        },
        buttons={
            PREFIX: ButtonRoute(_tapped),
            SLOT_PREFIX: ButtonRoute(_slot_button, standalone=True),
        },
        menu=(MenuEntry("book", t("📅 Réserver"), 20, _open),),
    )


async def open_booking(
    ctx: Context,
    kind: SlotKind,
    *,
    topic: str | None = None,
    partner_code: str | None = None,
) -> None:
    """The list of `kind`, narrowed to a topic and/or partner: where a recommendation leads."""
    forget_booking(ctx)
    partner = await partner_by_code(ctx.session, partner_code) if partner_code else None
    set_browsing(ctx, Browsing(kind, topic, partner.id if partner is not None else None))
    if await require_consent(ctx, resume=(NAME, LIST)) is not None:
        await _to_list_if_allowed(ctx, kind)


async def _open(ctx: Context) -> None:
    forget_booking(ctx)
    if await require_consent(ctx, resume=(NAME, KINDS)) is not None:
        await ctx.go(NAME, KINDS)


async def _ask_kind(ctx: Context) -> None:
    buttons = [Button(f"{PREFIX}:k:{kind}", label) for kind, label in KIND_LABELS.items()]
    ctx.reply(KIND_QUESTION, buttons=buttons)


async def _kind_chosen(ctx: Context, raw: str) -> None:
    try:
        kind = SlotKind(raw)
    except ValueError:
        await ctx.reject_button()
        return
    set_browsing(ctx, Browsing(kind))
    if kind == SlotKind.WORKSHOP and len(await _topics(ctx)) > 1:
        await ctx.go(NAME, TOPICS)
    elif kind == SlotKind.APPOINTMENT and len(await _partners(ctx)) > 1:
        await ctx.go(NAME, PARTNERS)
    else:
        await _to_list_if_allowed(ctx, kind)


async def _to_list_if_allowed(ctx: Context, kind: SlotKind) -> None:
    """The list, unless it is food parcels and this youth has no reason for one yet."""
    if kind == SlotKind.FOOD_PARCEL:
        youth = await load_youth(ctx.session, ctx.youth_id)
        if youth is None or not await food_parcel_eligible(ctx.session, youth):
            await ctx.go(NAME, NOT_ELIGIBLE)
            return
    await ctx.go(NAME, LIST)


async def _topics(ctx: Context) -> list[str]:
    found = await bookable_topics(ctx.session, now=ctx.now, kind=SlotKind.WORKSHOP)
    return [topic for topic in found if topic in TOPIC_LABELS]


async def _partners(ctx: Context) -> list[tuple[int, str]]:
    found = await bookable_partners(ctx.session, now=ctx.now, kind=SlotKind.APPOINTMENT)
    return [(partner.id, partner.name) for partner in found if partner.id is not None]


async def _ask_topic(ctx: Context) -> None:
    buttons = [Button(f"{PREFIX}:t:{topic}", TOPIC_LABELS[topic]) for topic in await _topics(ctx)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    ctx.reply(
        TOPIC_QUESTION,
        buttons=[*rows, Button(f"{PREFIX}:t:all", ALL_WORKSHOPS), _back_to_kinds()],
    )


async def _ask_partner(ctx: Context) -> None:
    buttons = [Button(f"{PREFIX}:p:{pid}", name) for pid, name in await _partners(ctx)]
    ctx.reply(
        PARTNER_QUESTION,
        buttons=[*buttons, Button(f"{PREFIX}:p:all", ALL_PARTNERS), _back_to_kinds()],
    )


async def _show_not_eligible(ctx: Context) -> None:
    ctx.reply(
        NOT_ELIGIBLE_WHY,
        buttons=[
            Button(f"{PREFIX}:ask", ASK_ADVISER),
            Button("menu:diagnostic", TAKE_DIAGNOSTIC),
            _back_to_kinds(),
        ],
    )


def _back_to_kinds() -> Button:
    return Button(f"{PREFIX}:kinds", BACK_TO_KINDS)


# -- buttons ----------------------------------------------------------------------------


async def _tapped(ctx: Context) -> None:
    """ "bk:…": the navigation of the step on screen."""
    current = browsing(ctx)
    match ctx.button_args:
        case ("k", kind):
            await _kind_chosen(ctx, kind)
        case ("t", topic) if current is not None and (topic == "all" or topic in TOPIC_LABELS):
            set_browsing(ctx, Browsing(current.kind, None if topic == "all" else topic))
            await ctx.go(NAME, LIST)
        case ("p", raw) if current is not None and (raw == "all" or number(raw) is not None):
            set_browsing(ctx, Browsing(current.kind, partner_id=number(raw)))
            await ctx.go(NAME, LIST)
        case ("pg", raw) if current is not None and (page := number(raw)) is not None:
            set_browsing(ctx, current.on_page(page))
            await ctx.go(NAME, LIST)
        case ("list",) if current is not None:
            await ctx.go(NAME, LIST)
        case ("kinds",):
            await ctx.go(NAME, KINDS)
        case ("slot",):
            await ctx.go(NAME, DETAIL)
        case ("il", code) if code in INTERPRETER_LANGUAGES or code == "none":
            ctx.data[INTERPRETER_KEY] = None if code == "none" else code
            await ctx.go(NAME, DETAIL)
        case ("nonote",):
            ctx.data.pop(NOTE_KEY, None)
            await ctx.go(NAME, DETAIL)
        case ("ask",):
            await start_contact(ctx, FOOD_PARCEL_TOPIC)
        case ("advise",):
            await ask_adviser_about(ctx)
        case _:
            await ctx.reject_button()


async def _slot_button(ctx: Context) -> None:
    """ "bs:<open|ok|wl|int|note>:<slot id>", from any list or slot screen, old or new."""
    match ctx.button_args:
        case (action, raw) if (slot_id := number(raw)) is not None:
            if await require_consent(ctx, resume=(NAME, KINDS)) is None:
                return
            if action == "open":
                await slot_tapped(ctx, slot_id)
            elif action in ("ok", "wl"):
                await book_tapped(ctx, slot_id, accept_waitlist=action == "wl")
            elif action == "int":
                await slot_tapped(ctx, slot_id, then=INTERPRETER)
            elif action == "note":
                await slot_tapped(ctx, slot_id, then=NOTE)
            else:
                await ctx.reject_button()
        case _:
            await ctx.reject_button()
