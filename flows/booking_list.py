"""The list of slots a youth can book: 5 a page, their own site first, then by date.

Part of the booking flow (`booking.py`, drawn in `booking.mmd`). The list is read
afresh each time it is shown, so past, cancelled, closed and full-without-waitlist
slots never appear, and "refreshing" after a failed booking is showing it again.
"""

from __future__ import annotations

from core.booking.queries import count_upcoming, list_upcoming
from core.i18n import Text, t
from core.models import Site, Slot, SlotKind
from core.youths import load_youth
from flows.booking_state import (
    KINDS,
    NAME,
    PER_PAGE,
    PREFIX,
    SLOT_PREFIX,
    Browsing,
    browsing,
    set_browsing,
)
from flows.booking_view import KIND_NAMES, TOPIC_LABELS, list_line, slot_title
from flows.contact import (
    FOOD_PARCEL_TOPIC,
    PARTNER_APPOINTMENT_TOPIC,
    WORKSHOP_TOPIC,
    start_contact,
)
from flows.context import Context
from flows.replies import Button

PREVIOUS = t("⬅️ Précédents")
NEXT = t("Suivants ➡️")
SEE_ALL = t("🔎 Voir tout")
OTHER_KIND = t("⬅️ Autre chose à réserver")
ASK_ADVISER = t("💬 Demander à mon conseiller")
TAP_A_SLOT = t("Touche un créneau pour voir le détail et réserver.")
NOTHING_NARROWED = t(
    "Je n’ai pas de créneau libre sur ce sujet dans les 14 prochains jours. "
    "Regarde tout ce qui est proposé, ou demande à ton conseiller."
)
NOTHING_AT_ALL = t(
    "Je n’ai pas de créneau libre dans les 14 prochains jours. "
    "De nouveaux créneaux arrivent chaque semaine\u202f: reviens bientôt, "
    "ou demande à ton conseiller."
)


async def show_list(ctx: Context) -> None:
    current = browsing(ctx)
    if current is None:
        await ctx.go(NAME, KINDS)
        return
    filters = current.slot_filter()
    total = await count_upcoming(ctx.session, now=ctx.now, filters=filters)
    if total == 0:
        _nothing(ctx, current)
        return
    pages = (total + PER_PAGE - 1) // PER_PAGE
    page = min(current.page, pages - 1)
    if page != current.page:
        # Slots filled or closed since: the page asked for no longer exists.
        current = current.on_page(page)
        set_browsing(ctx, current)
    youth = await load_youth(ctx.session, ctx.youth_id)
    shown = await list_upcoming(
        ctx.session,
        now=ctx.now,
        filters=filters,
        limit=PER_PAGE,
        offset=page * PER_PAGE,
        prefer_site_id=youth.site_id if youth is not None else None,
    )
    sites = {site.id: site for site in await _sites(ctx, [a.slot for a in shown])}
    first = page * PER_PAGE + 1
    lines = tuple(
        list_line(first + i, a, sites.get(a.slot.site_id), ctx.locale) for i, a in enumerate(shown)
    )
    slot_buttons = [
        Button(f"{SLOT_PREFIX}:open:{a.slot.id}", _button_label(first + i, a.slot, ctx.locale))
        for i, a in enumerate(shown)
    ]
    ctx.reply(
        _heading(current, page, pages),
        *lines,
        TAP_A_SLOT,
        buttons=[*slot_buttons, _pager(page, pages), _back(current)],
    )


def _heading(current: Browsing, page: int, pages: int) -> Text:
    name: Text = KIND_NAMES[current.kind]
    if current.topic is not None and current.topic in TOPIC_LABELS:
        name = TOPIC_LABELS[current.topic]
    if pages == 1:
        return t("<b>{name}</b>", name=name)
    return t("<b>{name}</b> (page {page} sur {pages})", name=name, page=page + 1, pages=pages)


def _button_label(index: int, slot: Slot, locale: str) -> str:
    # Labels are plain text shown as typed: the number ties the button to its line above.
    title = slot_title(slot, locale)
    return f"{index}. {title}" if len(title) <= 40 else f"{index}. {title[:39]}…"


def _pager(page: int, pages: int) -> list[Button]:
    row = []
    if page > 0:
        row.append(Button(f"{PREFIX}:pg:{page - 1}", PREVIOUS))
    if page + 1 < pages:
        row.append(Button(f"{PREFIX}:pg:{page + 1}", NEXT))
    return row


def _back(current: Browsing) -> Button:
    if current.kind == SlotKind.WORKSHOP and current.topic is not None:
        return Button(f"{PREFIX}:t:all", SEE_ALL)
    if current.kind == SlotKind.APPOINTMENT and current.partner_id is not None:
        return Button(f"{PREFIX}:p:all", SEE_ALL)
    return Button(f"{PREFIX}:kinds", OTHER_KIND)


def _nothing(ctx: Context, current: Browsing) -> None:
    narrowed = current.topic is not None or current.partner_id is not None
    ctx.reply(
        t("<b>{name}</b>", name=KIND_NAMES[current.kind]),
        NOTHING_NARROWED if narrowed else NOTHING_AT_ALL,
        buttons=[
            *([_back(current)] if narrowed else []),
            Button(f"{PREFIX}:advise", ASK_ADVISER),
            Button(f"{PREFIX}:kinds", OTHER_KIND),
        ],
    )


async def ask_adviser_about(ctx: Context) -> None:
    """From an empty list: a request on the kind being browsed, so the adviser knows."""
    current = browsing(ctx)
    topic = {
        SlotKind.WORKSHOP: WORKSHOP_TOPIC,
        SlotKind.FOOD_PARCEL: FOOD_PARCEL_TOPIC,
        SlotKind.APPOINTMENT: PARTNER_APPOINTMENT_TOPIC,
    }[current.kind if current is not None else SlotKind.WORKSHOP]
    await start_contact(ctx, topic)


async def _sites(ctx: Context, slots: list[Slot]) -> list[Site]:
    ids = {slot.site_id for slot in slots if slot.site_id is not None}
    found = [await ctx.session.get(Site, site_id) for site_id in ids]
    return [site for site in found if site is not None]
