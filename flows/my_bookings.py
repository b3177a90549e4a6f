"""My bookings (/mesrdv): what is coming, my place in line, cancelling, and what is past.

The graph is drawn in `my_bookings.mmd`. Cancelling asks a reason with buttons;
past the cut-off it is too late to cancel, but "I can't come" still frees the
seat and marks the booking excused. Either way the first youth in line gets the
seat, and their notice waits in the outbox.

The cancel buttons ("mb:…") are standalone: a booking tapped in an older list is
read again and must be this youth's. The reason buttons ("mr:…") belong to the
question on screen.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.booking import operations, rules
from core.booking.errors import (
    BookingError,
    CancellationCutoffPassed,
    NotCancellable,
    SlotAlreadyStarted,
)
from core.booking.queries import BookingEntry, my_bookings
from core.i18n import Text, When, t
from core.models import Booking, BookingStatus, CancelledBy, Confirmation, Site, Slot
from flows.booking_view import length, place_line, slot_place, slot_title
from flows.context import Context
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Step

NAME = "mybookings"
LIST = "list"
REASON = "reason"
LATE = "late"
PREFIX = "mb"
REASON_PREFIX = "mr"
BOOKING_KEY = "mybookings.booking"
ACTION_KEY = "mybookings.action"
# Set when the youth said "Je ne peux plus venir" on a reminder: the answer is recorded on
# the booking, and the end offers another slot rather than the list.
DECLINED_KEY = "mybookings.declined"
CANCEL, EXCUSE = "cancel", "excuse"
SHOWN_PAST = 5

REASONS: Mapping[str, Text] = {
    "sick": t("🤒 Je suis malade"),
    "busy": t("📅 Je ne suis pas disponible"),
    "transport": t("🚇 Un problème de transport"),
    "job": t("💼 J’ai trouvé un travail ou une formation"),
    "not_needed": t("👍 Je n’en ai plus besoin"),
    "private": t("🤐 Je préfère ne pas dire"),
}
STATUS_LABELS: Mapping[BookingStatus, Text] = {
    BookingStatus.ATTENDED: t("✅ tu étais là"),
    BookingStatus.NO_SHOW: t("❌ absent·e"),
    BookingStatus.EXCUSED: t("🙏 excusé·e"),
    BookingStatus.CANCELLED: t("🚫 annulé"),
    BookingStatus.BOOKED: t("⏳ présence pas encore notée"),
    BookingStatus.WAITLISTED: t("pas eu de place"),
}

NOTHING_COMING = t("🗓️ Tu n’as aucun rendez-vous à venir.")
COMING = t("🗓️ <b>Tes rendez-vous à venir</b>")
HISTORY = t("<b>Historique</b>")
BOOK_SOMETHING = t("📅 Réserver")
WHY_CANCEL = t("Pourquoi annules-tu\u202f? Ça aide les conseillers à mieux organiser.")
KEEP = t("↩️ Finalement, je garde ma place")
I_WILL_COME = t("👍 Finalement, je viendrai")
CANNOT_COME = t("🙏 Je ne peux pas venir")
NOT_FOUND = t("😕 Je ne trouve pas ce rendez-vous dans les tiens.")
NOT_ACTIVE = t("Ce rendez-vous n’est plus actif\u202f: il n’y a rien à annuler.")
STARTED = t("Ce rendez-vous a déjà commencé\u202f: il n’est plus possible de l’annuler.")
CANCELLED = t("✅ C’est annulé. Merci de l’avoir dit\u202f: ta place va à quelqu’un d’autre.")
LEFT_WAITLIST = t("✅ C’est fait, tu n’es plus sur la liste d’attente.")
EXCUSED = t("🙏 Merci de l’avoir dit. Ta place va à quelqu’un d’autre.")
KEPT = t("👍 D’accord, tu gardes ta place.")
ANOTHER_SLOT = t("Tu veux réserver un autre créneau\u202f?")
BOOK_ANOTHER = t("📅 Réserver un autre créneau")
CUTOFF_JUST_PASSED = t("⏰ L’heure limite pour annuler vient de passer.")


def my_bookings_flow() -> Flow:
    description = t("voir et annuler mes rendez-vous")
    return Flow(
        name=NAME,
        steps={
            LIST: Step(show=_show_list),
            REASON: Step(show=_ask_reason),
            LATE: Step(show=_show_late),
        },
        commands={
            "mesrdv": Command(_open, description, ("fr",)),
            "mybookings": Command(_open, description, ("en",)),
        },
        buttons={
            PREFIX: ButtonRoute(_booking_tapped, standalone=True),
            REASON_PREFIX: ButtonRoute(_reason_tapped),
        },
        menu=(MenuEntry("mybookings", t("🗓️ Mes rendez-vous"), 30, _open),),
    )


async def _open(ctx: Context) -> None:
    _forget(ctx)
    if await require_consent(ctx, resume=(NAME, LIST)) is not None:
        await ctx.go(NAME, LIST)


async def _show_list(ctx: Context) -> None:
    if ctx.youth_id is None:
        await ctx.show_menu()
        return
    mine = await my_bookings(ctx.session, now=ctx.now, youth_id=ctx.youth_id)
    sites = await _sites(ctx, [entry.slot for entry in [*mine.upcoming, *mine.past]])
    paragraphs: list[Text] = []
    buttons: list[Button] = []
    if mine.upcoming:
        lines = tuple(
            _upcoming_line(i, entry, sites, ctx.locale) for i, entry in enumerate(mine.upcoming, 1)
        )
        paragraphs += [COMING, *lines]
        buttons = [
            Button(f"{PREFIX}:c:{entry.booking.id}", t("❌ Annuler le n°\u202f{index}", index=i))
            for i, entry in enumerate(mine.upcoming, 1)
        ]
    else:
        paragraphs.append(NOTHING_COMING)
    if mine.past:
        past = tuple(_past_line(entry, ctx.locale) for entry in mine.past[:SHOWN_PAST])
        paragraphs.append(t("{heading}\n{bookings}", heading=HISTORY, bookings=past))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    ctx.reply(*paragraphs, buttons=[*rows, Button("menu:book", BOOK_SOMETHING)])


def _upcoming_line(index: int, entry: BookingEntry, sites: dict[int, Site], locale: str) -> Text:
    slot = entry.slot
    site = sites.get(slot.site_id) if slot.site_id is not None else None
    if entry.booking.status == BookingStatus.WAITLISTED:
        status = t("📝 liste d’attente, position {position}", position=entry.waitlist_position or 1)
    else:
        status = t("✅ ta place est réservée")
    return t(
        "<b>{index}. {title}</b>\n{when}\n{place}\n{status}",
        index=index,
        title=slot_title(slot, locale),
        when=When(slot.starts_at, "datetime"),
        place=place_line(slot_place(slot, site)) or "—",
        status=status,
    )


def _past_line(entry: BookingEntry, locale: str) -> Text:
    return t(
        "• {title}, {day}\u202f: {status}",
        title=slot_title(entry.slot, locale),
        day=When(entry.slot.starts_at, "short_date"),
        status=STATUS_LABELS[entry.booking.status],
    )


async def _sites(ctx: Context, slots: list[Slot]) -> dict[int, Site]:
    found = {}
    for site_id in {slot.site_id for slot in slots if slot.site_id is not None}:
        site = await ctx.session.get(Site, site_id)
        if site is not None:
            found[site_id] = site
    return found


# -- cancelling ---------------------------------------------------------------------------


async def _booking_tapped(ctx: Context) -> None:
    """ "mb:<c|x>:<booking id>": cancel, or say "I can't come" past the cut-off."""
    match ctx.button_args:
        case (("c" | "x") as action, raw) if raw.isdigit() and len(raw) <= 12:
            if await require_consent(ctx, resume=(NAME, LIST)) is None:
                return
            await ask_to_withdraw(ctx, int(raw), EXCUSE if action == "x" else CANCEL)
        case _:
            await ctx.reject_button()


async def ask_to_withdraw(
    ctx: Context, booking_id: int, action: str, *, declined: bool = False
) -> None:
    """Ask why, then cancel (or excuse, past the cut-off) the youth's booking.

    `declined`: from a reminder's "Je ne peux plus venir": the youth already said they
    cannot come, so past the cut-off they are not told it is too late, only asked why.
    """
    _forget(ctx)
    found = await _own_booking(ctx, booking_id)
    if found is None:
        await _back_to_list(ctx, NOT_FOUND)
        return
    booking, slot = found
    late = False
    try:
        rules.check_cancellable(booking, slot, ctx.now)
    except NotCancellable:
        await _back_to_list(ctx, NOT_ACTIVE)
        return
    except SlotAlreadyStarted:
        await _back_to_list(ctx, STARTED)
        return
    except CancellationCutoffPassed:
        late = True
    ctx.data[BOOKING_KEY] = booking_id
    if declined:
        ctx.data[DECLINED_KEY] = True
        action = EXCUSE if late else CANCEL
    elif action == CANCEL and late:
        await ctx.go(NAME, LATE)
        return
    ctx.data[ACTION_KEY] = action
    await ctx.go(NAME, REASON)


async def _own_booking(ctx: Context, booking_id: int) -> tuple[Booking, Slot] | None:
    booking = await ctx.session.get(Booking, booking_id, populate_existing=True)
    if booking is None or ctx.youth_id is None or booking.youth_id != ctx.youth_id:
        return None
    slot = await ctx.session.get(Slot, booking.slot_id)
    return (booking, slot) if slot is not None else None


async def _ask_reason(ctx: Context) -> None:
    found = await _pending(ctx)
    if found is None:
        return
    _, slot = found
    buttons = [Button(f"{REASON_PREFIX}:{key}", label) for key, label in REASONS.items()]
    ctx.reply(
        t("<b>{title}</b>, {when}", title=slot_title(slot, ctx.locale), when=slot.starts_at),
        WHY_CANCEL,
        buttons=[*buttons, Button(f"{REASON_PREFIX}:keep", KEEP)],
    )


async def _show_late(ctx: Context) -> None:
    found = await _pending(ctx)
    if found is None:
        return
    booking, slot = found
    ctx.reply(
        t(
            "⏰ Il est trop tard pour annuler\u202f: on peut annuler jusqu’à {cutoff} avant.",
            cutoff=length(slot.cancellation_cutoff_minutes),
        ),
        t("Si tu ne peux vraiment pas venir, dis-le\u202f: ta place ira à quelqu’un d’autre."),
        buttons=[
            Button(f"{PREFIX}:x:{booking.id}", CANNOT_COME),
            Button(f"{REASON_PREFIX}:keep", I_WILL_COME),
        ],
    )


async def _pending(ctx: Context) -> tuple[Booking, Slot] | None:
    """The booking being cancelled, still this youth's; otherwise back to the list."""
    booking_id = ctx.data.get(BOOKING_KEY)
    found = await _own_booking(ctx, booking_id) if isinstance(booking_id, int) else None
    if found is None:
        await _back_to_list(ctx, NOT_FOUND)
    return found


async def _reason_tapped(ctx: Context) -> None:
    reason = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    booking_id = ctx.data.get(BOOKING_KEY)
    if reason == "keep":
        _forget(ctx)
        await _back_to_list(ctx, KEPT)
        return
    if reason not in REASONS or not isinstance(booking_id, int) or ctx.youth_id is None:
        await ctx.reject_button()
        return
    excuse = ctx.data.get(ACTION_KEY) == EXCUSE
    declined = ctx.data.get(DECLINED_KEY) is True
    found = await _own_booking(ctx, booking_id)
    was_waiting = found is not None and found[0].status == BookingStatus.WAITLISTED
    try:
        if excuse:
            outcome = await operations.excuse(
                ctx.session, now=ctx.now, booking_id=booking_id, youth_id=ctx.youth_id,
                reason=reason, reminder_offsets=ctx.settings.reminder_offsets_for,
            )  # fmt: skip
        else:
            outcome = await operations.cancel(
                ctx.session, now=ctx.now, booking_id=booking_id, by=CancelledBy.YOUTH,
                reason=reason, youth_id=ctx.youth_id,
                reminder_offsets=ctx.settings.reminder_offsets_for,
            )  # fmt: skip
    except CancellationCutoffPassed:
        # The list was read before the cut-off and the tap came after it.
        ctx.preface(CUTOFF_JUST_PASSED)
        await ctx.go(NAME, LATE)
        return
    except BookingError:
        _forget(ctx)
        await _back_to_list(ctx, NOT_ACTIVE)
        return
    _forget(ctx)
    done = EXCUSED if excuse else LEFT_WAITLIST if was_waiting else CANCELLED
    if declined:
        outcome.booking.confirmation = Confirmation.DECLINED
        outcome.booking.confirmed_at = ctx.now
        ctx.leave()
        ctx.reply(done, ANOTHER_SLOT, buttons=[Button("menu:book", BOOK_ANOTHER)])
        return
    await _back_to_list(ctx, done)


async def _back_to_list(ctx: Context, *intro: Text) -> None:
    ctx.preface(*intro)
    await ctx.go(NAME, LIST)


def _forget(ctx: Context) -> None:
    for key in (BOOKING_KEY, ACTION_KEY, DECLINED_KEY):
        ctx.data.pop(key, None)
