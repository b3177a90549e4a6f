"""What the booking flow's modules share: its name, steps, button prefix and state keys.

The list a youth is browsing (kind, topic or partner, page) and the slot they
opened live in the conversation state, so a sticker or a day's pause finds them
where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.booking.queries import SlotFilter
from core.models import SlotKind
from flows.context import Context

NAME = "booking"
PREFIX = "bk"
# Slot buttons work from any old list or screen: see `booking.py`.
SLOT_PREFIX = "bs"

KINDS = "kinds"
TOPICS = "topics"
PARTNERS = "partners"
NOT_ELIGIBLE = "not_eligible"
LIST = "list"
DETAIL = "detail"
INTERPRETER = "interpreter"
NOTE = "note"
WAITLIST_OFFER = "waitlist_offer"

BROWSING_KEY = "booking.browsing"
SLOT_KEY = "booking.slot"
# The start time the youth saw on the detail screen, to notice a slot moved meanwhile.
SEEN_START_KEY = "booking.seen_start"
INTERPRETER_KEY = "booking.interpreter"
NOTE_KEY = "booking.note"

PER_PAGE = 5
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True, slots=True)
class Browsing:
    """The list on screen: a kind, narrowed to a topic or a partner, and a page."""

    kind: SlotKind
    topic: str | None = None
    partner_id: int | None = None
    page: int = 0

    def slot_filter(self) -> SlotFilter:
        return SlotFilter(
            kind=self.kind,
            topic=self.topic,
            partner_id=self.partner_id,
            days=LOOK_AHEAD_DAYS,
            hide_unavailable=True,
        )

    def on_page(self, page: int) -> Browsing:
        return Browsing(self.kind, self.topic, self.partner_id, max(page, 0))

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "topic": self.topic,
            "partner": self.partner_id,
            "page": self.page,
        }


def browsing(ctx: Context) -> Browsing | None:
    """The list the youth is browsing, if the state holds a valid one."""
    raw = ctx.data.get(BROWSING_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        kind = SlotKind(str(raw.get("kind")))
    except ValueError:
        return None
    topic, partner, page = raw.get("topic"), raw.get("partner"), raw.get("page")
    return Browsing(
        kind,
        topic if isinstance(topic, str) else None,
        partner if isinstance(partner, int) else None,
        page if isinstance(page, int) and page >= 0 else 0,
    )


def set_browsing(ctx: Context, value: Browsing) -> None:
    ctx.data[BROWSING_KEY] = value.to_data()


def opened_slot(ctx: Context) -> int | None:
    value = ctx.data.get(SLOT_KEY)
    return value if isinstance(value, int) else None


def open_slot(ctx: Context, slot_id: int) -> None:
    """A new slot on the detail screen: the options chosen for another one do not carry over."""
    if ctx.data.get(SLOT_KEY) != slot_id:
        for key in (INTERPRETER_KEY, NOTE_KEY, SEEN_START_KEY):
            ctx.data.pop(key, None)
    ctx.data[SLOT_KEY] = slot_id


def forget_booking(ctx: Context) -> None:
    for key in (BROWSING_KEY, SLOT_KEY, SEEN_START_KEY, INTERPRETER_KEY, NOTE_KEY):
        ctx.data.pop(key, None)


def number(raw: str) -> int | None:
    """A positive id from a button; None for anything a tampered button could hold."""
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None
