"""After a slot: the kind word to a youth who did not come, and the survey after a workshop.

The graph is drawn in `follow_ups.mmd`. The dispatcher sends the messages built
by `no_show_replies` and `survey_replies` outside any conversation, once an
adviser marked attendance (`core.attendance`); their buttons come back here.
They are standalone, since the message is read whenever the youth opens
Telegram: each tap reads the booking again and checks it is the youth's.

- "📅 Reprendre un rendez-vous" ("ns:book:<booking>") opens the list of the same
  kind of slot, narrowed as the missed one was (workshop topic, partner).
- "💬 Parler à mon conseiller" ("ns:talk") asks for a message to the advisers.
- A score ("sv:<1-5>:<booking>") is recorded, or replaces the youth's score
  within the week, and an optional comment is asked ("sc:skip" to pass).
"""

from __future__ import annotations

from core.booking.errors import BookingNotFound, NotYourBooking
from core.i18n import When, t
from core.models import Booking, Partner, Slot, SlotKind
from core.satisfaction import (
    MAX_COMMENT_LENGTH,
    SCORES,
    AnswerClosed,
    CommentTooLong,
    NotAnsweredYet,
    NothingToRate,
    add_satisfaction_comment,
    record_satisfaction,
)
from flows import notices
from flows.booking import open_booking
from flows.booking_state import number
from flows.booking_view import TOPIC_LABELS, slot_title
from flows.contact import MISSED_SLOT_TOPIC, start_contact
from flows.context import Context
from flows.gate import require_consent
from flows.replies import Button, Reply
from flows.routing import ButtonRoute, Flow, Step

NAME = "follow_ups"
COMMENT = "comment"
NO_SHOW_PREFIX = "ns"
SURVEY_PREFIX = "sv"
# "Passer" belongs to the comment question on screen: step-bound, unlike the scores.
COMMENT_PREFIX = "sc"
BOOKING_KEY = "follow_ups.booking"

# A face and a digit: nothing to translate, and short enough for five on one row.
FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
_SCORE_IDS = {str(score) for score in SCORES}

NOT_OK = t("Tout va bien\u202f? Ce n’est pas grave, tu peux reprendre un rendez-vous. 🙂")
REBOOK = t("📅 Reprendre un rendez-vous")
TALK = t("💬 Parler à mon conseiller")
SCALE = t("Touche une note, de 1 😞 (pas bien) à 5 😄 (très bien).")
THANKS = t("🙏 Merci pour ta note\u202f!")
SKIP = t("Passer ⏭️")
SKIPPED = t("👍 D’accord. Merci pour ta réponse\u202f!")
COMMENT_THANKS = t("🙏 Merci pour ton commentaire\u202f! Il aide la Mission Locale à s’améliorer.")
NOTHING_TO_RATE = t("Ce rendez-vous n’est pas noté comme suivi\u202f: il n’y a rien à évaluer.")
ANSWER_CLOSED = t("Tu as déjà donné ton avis sur ce rendez-vous. Merci\u202f!")


def follow_ups_flow() -> Flow:
    return Flow(
        name=NAME,
        steps={COMMENT: Step(show=_ask_comment, on_text=_comment_typed)},
        buttons={
            NO_SHOW_PREFIX: ButtonRoute(_no_show_tapped, standalone=True),
            SURVEY_PREFIX: ButtonRoute(_score_tapped, standalone=True),
            COMMENT_PREFIX: ButtonRoute(_comment_button),
        },
    )


def no_show_replies(booking: Booking, slot: Slot, locale: str) -> list[Reply]:
    """The kind word after a missed slot, with another slot or an adviser one tap away."""
    missed = t(
        "👋 On ne t’a pas vu·e à <b>{title}</b>, le {when}.",
        title=slot_title(slot, locale),
        when=When(slot.starts_at, "datetime"),
    )
    buttons = (
        (Button(f"{NO_SHOW_PREFIX}:book:{booking.id}", REBOOK),),
        (Button(f"{NO_SHOW_PREFIX}:talk", TALK),),
    )
    return [Reply((missed, NOT_OK), buttons=buttons)]


def survey_replies(booking: Booking, slot: Slot, locale: str) -> list[Reply]:
    """The one question after a workshop: a score from 1 to 5, one tap."""
    title = slot_title(slot, locale)
    question = (
        t("⭐ Comment s’est passé l’atelier «\u202f{title}\u202f»\u202f?", title=title)
        if slot.kind == SlotKind.WORKSHOP
        else t("⭐ Comment s’est passé «\u202f{title}\u202f»\u202f?", title=title)
    )
    row = tuple(
        Button(f"{SURVEY_PREFIX}:{score}:{booking.id}", f"{FACES[score]} {score}")
        for score in SCORES
    )
    return [Reply((question, SCALE), buttons=(row,))]


# -- after a no-show ------------------------------------------------------------------------


async def _no_show_tapped(ctx: Context) -> None:
    match ctx.button_args:
        case ("book", raw) if (booking_id := number(raw)) is not None:
            if await require_consent(ctx) is not None:
                await _book_again(ctx, booking_id)
        case ("talk",):
            await start_contact(ctx, MISSED_SLOT_TOPIC)
        case _:
            await ctx.reject_button()


async def _book_again(ctx: Context, booking_id: int) -> None:
    booking = await ctx.session.get(Booking, booking_id)
    slot = await ctx.session.get(Slot, booking.slot_id) if booking is not None else None
    if booking is None or slot is None or booking.youth_id != ctx.youth_id:
        await ctx.reject_button()
        return
    # Narrowed as the booking list narrows each kind: workshops by topic, appointments
    # by partner; both screens then offer "see all".
    topic = slot.topic if slot.kind == SlotKind.WORKSHOP and slot.topic in TOPIC_LABELS else None
    partner = None
    if slot.kind == SlotKind.APPOINTMENT and slot.partner_id is not None:
        partner = await ctx.session.get(Partner, slot.partner_id)
    await open_booking(
        ctx, slot.kind, topic=topic, partner_code=partner.code if partner is not None else None
    )


# -- the survey -----------------------------------------------------------------------------


async def _score_tapped(ctx: Context) -> None:
    match ctx.button_args:
        case (score, raw) if score in _SCORE_IDS and (booking_id := number(raw)) is not None:
            youth = await require_consent(ctx)
            if youth is not None and youth.id is not None:
                await _record(ctx, youth.id, booking_id, int(score))
        case _:
            await ctx.reject_button()


async def _record(ctx: Context, youth_id: int, booking_id: int, score: int) -> None:
    _forget(ctx)
    try:
        recorded = await record_satisfaction(ctx.session, booking_id, youth_id, score, ctx.now)
    except (BookingNotFound, NotYourBooking):
        await ctx.reject_button()
        return
    except NothingToRate:
        await ctx.show_menu(NOTHING_TO_RATE)
        return
    except AnswerClosed:
        await ctx.show_menu(ANSWER_CLOSED)
        return
    ctx.data[BOOKING_KEY] = booking_id
    if recorded.first:
        ctx.preface(THANKS)
    else:
        ctx.preface(t("✅ C’est changé\u202f: ta note est maintenant {score} sur 5.", score=score))
    await ctx.go(NAME, COMMENT)


async def _ask_comment(ctx: Context) -> None:
    if _booking(ctx) is None:
        await ctx.show_menu()
        return
    ctx.reply(
        t(
            "✍️ Tu veux ajouter un commentaire\u202f? Écris-le en quelques mots "
            "({max} caractères au maximum), ou appuie sur «\u202fPasser\u202f».",
            max=MAX_COMMENT_LENGTH,
        ),
        buttons=[Button(f"{COMMENT_PREFIX}:skip", SKIP)],
    )


async def _comment_typed(ctx: Context) -> None:
    booking_id = _booking(ctx)
    if booking_id is None or ctx.youth_id is None:
        await ctx.show_menu()
        return
    if not ctx.text.strip():
        await ctx.reshow(notices.NOT_UNDERSTOOD)
        return
    try:
        await add_satisfaction_comment(ctx.session, booking_id, ctx.youth_id, ctx.text, ctx.now)
    except CommentTooLong as error:
        # The step stays: the youth shortens the comment and sends it again.
        await ctx.reshow(
            t(
                "Ton commentaire est trop long\u202f: {length} caractères. "
                "Le maximum est {max}. Raccourcis-le et renvoie-le.",
                length=error.length,
                max=MAX_COMMENT_LENGTH,
            )
        )
        return
    except AnswerClosed:
        _forget(ctx)
        await ctx.show_menu(ANSWER_CLOSED)
        return
    except (BookingNotFound, NotYourBooking, NotAnsweredYet):
        # The booking or its answer went meanwhile (the youth erased their data).
        _forget(ctx)
        await ctx.show_menu()
        return
    _forget(ctx)
    await ctx.show_menu(COMMENT_THANKS)


async def _comment_button(ctx: Context) -> None:
    if ctx.button_args == ("skip",):
        _forget(ctx)
        await ctx.show_menu(SKIPPED)
    else:
        await ctx.reject_button()


def _booking(ctx: Context) -> int | None:
    value = ctx.data.get(BOOKING_KEY)
    return value if isinstance(value, int) else None


def _forget(ctx: Context) -> None:
    ctx.data.pop(BOOKING_KEY, None)
