"""Safety first: the urgent response, from typed words or an answer, and the adviser alert.

The graph is drawn in `safety.mmd`.

- Every free-text message, in any flow and even before consent, is checked for
  the words of an urgent situation. When it reveals one, the helplines come at
  once and the youth stays where they were: showing numbers stores nothing.
- `show_urgent` is the response itself, shared with the diagnostic's step 0.
- "Prévenir mon conseiller" asks consent if not given yet, confirms, and leaves
  one urgent request a day in the advisers' inbox.
"""

from __future__ import annotations

from datetime import datetime

from core.booking.queries import SlotFilter, list_upcoming
from core.contact import (
    alert_sent_today,
    alert_topic,
    create_contact_request,
    parse_situations,
    situations_code,
)
from core.i18n import Text, t
from core.models import SlotKind, Youth
from core.safety.helplines import helpline_line, load_helplines
from core.safety.keywords import detect_situations
from core.safety.responses import (
    ACTION_LABELS,
    FOOD_PARCEL_SOMEDAY,
    UrgentAction,
    UrgentMessage,
    urgent_messages,
    urgent_response,
)
from core.safety.situations import Situation
from core.youths import load_youth
from flows import notices
from flows.booking import open_booking
from flows.contact import FOOD_PARCEL_TOPIC, site_hours, start_contact, youth_site
from flows.context import Context
from flows.events import EventKind
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Flow, Step

NAME = "safety"
CONFIRM = "confirm"
# Buttons under urgent messages: accepted from any old message, at any time.
SOS_PREFIX = "sos"
# The confirmation's answers, valid only while it is the question asked.
ALERT_PREFIX = "alert"
# The situations of the alert being confirmed, kept across the consent notice.
ALERT_KEY = "safety.alert"
MINOR_AGE_GROUP = "16-17"

ASK_PARCEL = t("🥕 Demander un colis à mon conseiller")
CONFIRM_SITE = t("Je préviens les conseillers de ton site\u202f?")
CONFIRM_ANY_SITE = t("Je préviens les conseillers de la Mission Locale\u202f?")
WHAT_THEY_SEE = t("Ils verront que c’est urgent, et pour quelle situation.")
YES_ALERT = t("✅ Oui, préviens-les")
NO_ALERT = t("Non, pas maintenant")
ALERT_SENT = t("✅ C’est fait. Les conseillers de ton site sont prévenus.")
ALERT_SENT_ANY_SITE = t(
    "✅ C’est fait. Tu n’as pas encore choisi de site\u202f: "
    "les conseillers de la Mission Locale verront quand même ta demande."
)
ALREADY_SENT = t("Tes conseillers sont déjà prévenus aujourd’hui. Pas besoin de recommencer.")
URGENT_FIRST = t(
    "Pendant les heures d’ouverture, ils voient les demandes urgentes en premier "
    "et te recontacteront."
)
NOT_SENT = t("D’accord, je ne préviens personne. Les numéros restent là si tu en as besoin.")
FOOD_AT_NIGHT = t(
    "🌙 La nuit et le week-end, la Mission Locale est fermée. "
    "Pour manger en attendant, pense aux restaurants solidaires et aux distributions alimentaires."
)


def safety_flow() -> Flow:
    return Flow(
        name=NAME,
        steps={CONFIRM: Step(show=_ask_confirmation)},
        buttons={
            SOS_PREFIX: ButtonRoute(_sos_tapped, standalone=True),
            ALERT_PREFIX: ButtonRoute(_confirmation_tapped),
        },
        interceptors=[_typed_words],
    )


async def _typed_words(ctx: Context) -> bool:
    # Only what the youth wrote: commands ("/start maraude") and buttons are not words.
    if ctx.event.kind is not EventKind.TEXT:
        return False
    situations = detect_situations(ctx.text)
    if not situations:
        return False
    await show_urgent(ctx, situations, from_keywords=True)
    _stay_where_they_were(ctx)
    return True


def _stay_where_they_were(ctx: Context) -> None:
    """Keep the current step's buttons live, so the youth carries on where they were.

    Without this, the urgent keyboard would replace the step's one and a tap on,
    say, "Français" just above would be turned down as stale.
    """
    ctx.keep_offered()


async def show_urgent(
    ctx: Context, situations: frozenset[Situation], *, from_keywords: bool = False
) -> None:
    """The helplines (numbers in the text), the food route, and the offer to alert an adviser.

    Asks nothing and stores nothing; the caller decides where the youth stands next.
    """
    youth = await load_youth(ctx.session, ctx.youth_id)
    response = urgent_response(situations, minor=_is_minor(youth))
    next_pickup = await _next_food_pickup(ctx) if response.food_route else None
    code = situations_code(response.situations)
    messages = urgent_messages(
        response, load_helplines(), next_food_pickup=next_pickup, from_keywords=from_keywords
    )
    for message in messages:
        ctx.reply(message.text, buttons=_buttons(message, code))


def _buttons(message: UrgentMessage, code: str) -> list[Button]:
    if message.action is UrgentAction.ALERT_ADVISER:
        return [Button(f"{SOS_PREFIX}:alert:{code}", ACTION_LABELS[UrgentAction.ALERT_ADVISER])]
    if message.action is UrgentAction.BOOK_FOOD_PARCEL:
        return [
            Button(f"{SOS_PREFIX}:book", ACTION_LABELS[UrgentAction.BOOK_FOOD_PARCEL]),
            Button(f"{SOS_PREFIX}:parcel", ASK_PARCEL),
        ]
    # No pickup open to book: an adviser signs the youth up for the next one.
    if message.text == FOOD_PARCEL_SOMEDAY:
        return [Button(f"{SOS_PREFIX}:parcel", ASK_PARCEL)]
    return []


def _is_minor(youth: Youth | None) -> bool | None:
    if youth is None or youth.age_group is None:
        return None
    return youth.age_group == MINOR_AGE_GROUP


async def _next_food_pickup(ctx: Context) -> datetime | None:
    filters = SlotFilter(kind=SlotKind.FOOD_PARCEL)
    upcoming = await list_upcoming(ctx.session, now=ctx.now, filters=filters, limit=1)
    return upcoming[0].slot.starts_at if upcoming else None


# -- the adviser alert -------------------------------------------------------------


async def _sos_tapped(ctx: Context) -> None:
    match ctx.button_args:
        case ("alert", code) if parse_situations(code) is not None:
            await _alert_asked(ctx, code)
        case ("parcel",):
            await start_contact(ctx, FOOD_PARCEL_TOPIC)
        case ("book",):
            await open_booking(ctx, SlotKind.FOOD_PARCEL)
        case _:
            await ctx.reject_button()


async def _alert_asked(ctx: Context, code: str) -> None:
    ctx.data[ALERT_KEY] = code
    youth = await require_consent(ctx, resume=(NAME, CONFIRM))
    if youth is None:
        return
    if await _already_alerted(ctx, youth):
        ctx.data.pop(ALERT_KEY, None)
        ctx.reply(*_after_alert(ALREADY_SENT, youth, _situations(code)))
        _stay_where_they_were(ctx)
        return
    await ctx.go(NAME, CONFIRM)


async def _ask_confirmation(ctx: Context) -> None:
    if _pending_situations(ctx) is None:
        await ctx.show_menu(notices.STALE_BUTTON)
        return
    youth = await load_youth(ctx.session, ctx.youth_id)
    question = CONFIRM_SITE if youth is not None and youth.site_id is not None else CONFIRM_ANY_SITE
    ctx.reply(
        question,
        WHAT_THEY_SEE,
        buttons=[
            Button(f"{ALERT_PREFIX}:send", YES_ALERT),
            Button(f"{ALERT_PREFIX}:cancel", NO_ALERT),
        ],
    )


async def _confirmation_tapped(ctx: Context) -> None:
    situations = _pending_situations(ctx)
    if situations is None or ctx.step != CONFIRM:
        await ctx.reject_button()
        return
    match ctx.button_args:
        case ("send",):
            await _send_alert(ctx, situations)
        case ("cancel",):
            ctx.data.pop(ALERT_KEY, None)
            await ctx.show_menu(NOT_SENT)
        case _:
            await ctx.reject_button()


async def _send_alert(ctx: Context, situations: frozenset[Situation]) -> None:
    # Checked again: the youth may have erased their data since the question.
    youth = await require_consent(ctx, resume=(NAME, CONFIRM))
    if youth is None:
        return
    ctx.data.pop(ALERT_KEY, None)
    if await _already_alerted(ctx, youth):
        await ctx.show_menu(*_after_alert(ALREADY_SENT, youth, situations))
        return
    await create_contact_request(
        ctx.session,
        youth=youth,
        topic=alert_topic(situations),
        message="",
        urgent=True,
        now=ctx.now,
    )
    site = await youth_site(ctx, youth)
    sent = ALERT_SENT if site is not None else ALERT_SENT_ANY_SITE
    await ctx.show_menu(*_after_alert(sent, youth, situations), *site_hours(site))


async def _already_alerted(ctx: Context, youth: Youth) -> bool:
    assert youth.id is not None
    return (
        await alert_sent_today(ctx.session, youth_id=youth.id, now=ctx.now, tz=ctx.tz) is not None
    )


def _after_alert(first: Text, youth: Youth, situations: frozenset[Situation]) -> tuple[Text, ...]:
    """What follows an alert: when advisers answer, and the route at night and at weekends."""
    response = urgent_response(situations, minor=_is_minor(youth))
    if not response.helplines:
        return (first, URGENT_FIRST, FOOD_AT_NIGHT)
    helplines = load_helplines()
    lines = tuple(helpline_line(helplines[helpline]) for helpline in response.helplines)
    night = t(
        "🌙 La nuit et le week-end, la Mission Locale est fermée. "
        "À ces moments-là, appelle\u202f:\n{lines}",
        lines=lines,
    )
    return (first, URGENT_FIRST, night)


def _pending_situations(ctx: Context) -> frozenset[Situation] | None:
    code = ctx.data.get(ALERT_KEY)
    return parse_situations(code) if isinstance(code, str) else None


def _situations(code: str) -> frozenset[Situation]:
    situations = parse_situations(code)
    assert situations is not None, "checked when the button was tapped"
    return situations
