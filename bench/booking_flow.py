"""Booking through the conversation: many youths tap their way to one food-parcel slot at once.

    python -m bench.booking_flow [--youths 500] [--capacity 40] [--backend sqlite|postgresql|both]

Where `booking_contention` calls the booking service directly, this drives the
product's conversation engine the way Telegram would: each youth taps "Réserver",
"Un colis alimentaire", the slot, then "Réserver" on the slot's screen, and joins the
waitlist when offered. Every youth runs at once, their taps one after another.

Runs on a SQLite file and on a throwaway PostgreSQL server, each freshly migrated,
and prints per database the events handled per second, the p50 / p95 latency of
one event, and the booked / waitlisted / overbooked / failed counts; then the
PostgreSQL/SQLite ratios of this run. Exits 1 when a seat was overbooked, an event
failed or a youth is unaccounted for, 2 when PostgreSQL cannot start. The server
and files it creates are removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select

from bench.backends import add_backend_option, ratio_line, run_and_report
from core import migrate
from core.clock import SystemClock
from core.config import load_settings
from core.db import Database, make_database
from core.models import Booking, BookingStatus, ConversationState, SlotKind, Youth
from core.youths import CONSENT_VERSION
from flows.app import build_engine
from flows.engine import ConversationEngine
from flows.events import Event
from flows.notices import SOMETHING_WENT_WRONG
from flows.replies import Outcome
from tests.support.chat import compiled_catalogs
from tests.support.factories import make_site, make_slot, youth_row

# Every youth's first event is queued on the connection pool at once; the slowest
# backend must not time out waiting for a connection while the others go first.
POOL_TIMEOUT_SECONDS = 300
# How many stuck journeys or errors to show per backend: the first few tell the story.
SHOWN_PROBLEMS = 3

OPEN_BOOKING = "menu:book"
CHOOSE_FOOD_PARCEL = f"bk:k:{SlotKind.FOOD_PARCEL}"


def open_slot(slot_id: int) -> str:
    return f"bs:open:{slot_id}"


def book_seat(slot_id: int) -> str:
    return f"bs:ok:{slot_id}"


def join_waitlist(slot_id: int) -> str:
    return f"bs:wl:{slot_id}"


# -- one youth's conversation -------------------------------------------------------------


UPDATE_IDS = itertools.count(1)


@dataclass
class YouthChat:
    """One youth tapping through the engine: what each tap cost and what came back."""

    engine: ConversationEngine
    user_id: int
    latencies: list[float] = field(default_factory=list)
    # Button ids of the last answer: what the youth can see and tap next.
    offered: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    failure: str | None = None
    stuck: str | None = None

    async def tap(self, button_id: str) -> bool:
        """Tap a button; False when the engine failed, which ends the journey."""
        started = time.perf_counter()
        try:
            # Each tap carries a Telegram update id, so the redelivery bookkeeping is paid too.
            event = Event.button(self.user_id, button_id, update_id=next(UPDATE_IDS))
            outcome = await self.engine.handle(event)
        except Exception as error:  # handle() promises never to raise: count it, go on
            self.latencies.append(time.perf_counter() - started)
            self.failure = f"{button_id}: raised {error!r}"
            return False
        self.latencies.append(time.perf_counter() - started)
        if went_wrong(outcome):
            self.failure = f"{button_id}: answered {SOMETHING_WENT_WRONG.msgid!r}"
            return False
        self.offered = [button for reply in outcome.replies for button in reply.button_ids]
        self.answer = [text.msgid for reply in outcome.replies for text in reply.paragraphs]
        return True

    def sees(self, button_id: str, after: str) -> bool:
        """Whether the last answer offers `button_id`; if not, note where the youth got stuck."""
        if button_id in self.offered:
            return True
        self.stuck = (
            f"after {after} no {button_id}: offered {self.offered}, said {_short(self.answer)}"
        )
        return False


def went_wrong(outcome: Outcome) -> bool:
    return any(SOMETHING_WENT_WRONG in reply.paragraphs for reply in outcome.replies)


def _short(msgids: list[str]) -> list[str]:
    return [msgid if len(msgid) <= 50 else f"{msgid[:49]}…" for msgid in msgids]


async def book_through_chat(chat: YouthChat, slot_id: int) -> YouthChat:
    """The real sequence, since "bk:" buttons are accepted only from the last keyboard."""
    slot = open_slot(slot_id)
    for button, leads_to in ((OPEN_BOOKING, CHOOSE_FOOD_PARCEL), (CHOOSE_FOOD_PARCEL, slot)):
        if not (await chat.tap(button) and chat.sees(leads_to, after=button)):
            return chat
    if not await chat.tap(slot):
        return chat
    # A slot already full offers "join the waitlist" instead of "book" on its screen.
    waitlist = join_waitlist(slot_id)
    main = waitlist if waitlist in chat.offered else book_seat(slot_id)
    if not (chat.sees(main, after=slot) and await chat.tap(main)):
        return chat
    # The last seat went between the screen and the tap: the waitlist is offered instead.
    if main != waitlist and waitlist in chat.offered:
        await chat.tap(waitlist)
    return chat


# -- one backend --------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    backend: str
    youths: int
    capacity: int
    seconds: float
    latencies: list[float]
    booked: int
    waitlisted: int
    failed: int

    @property
    def events(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies, 95) * 1000

    @property
    def overbooked(self) -> int:
        return max(self.booked - self.capacity, 0)

    @property
    def sound(self) -> bool:
        accounted = self.booked + self.waitlisted == self.youths
        seats_all_given = self.booked == min(self.capacity, self.youths)
        return self.overbooked == 0 and self.failed == 0 and accounted and seats_all_given


def percentile(values: Sequence[float], rank: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[rank - 1]


async def set_up(
    database: Database, now: datetime, youths: int, capacity: int
) -> tuple[int, list[int]]:
    """One site, its food-parcel slot, and consented, eligible youths at the main menu.

    Returns the slot id and the youths' Telegram user ids.
    """
    async with database.transaction() as session:
        site = await make_site(session)
        slot = await make_slot(
            session, now, kind=SlotKind.FOOD_PARCEL, capacity=capacity, site_id=site.id
        )
        rows: list[Youth] = [
            youth_row(
                now,
                site_id=site.id,
                consent_version=CONSENT_VERSION,
                age_group="18-25",
                food_parcel_eligible=True,
            )
            for _ in range(youths)
        ]
        session.add_all(rows)
        await session.flush()
        # As tests/support/youths.py does: no flow under way, the conversation at the menu.
        session.add_all(
            ConversationState(
                user_id=youth.telegram_user_id, youth_id=youth.id, locale="fr", updated_at=now
            )
            for youth in rows
        )
    assert slot.id is not None
    return slot.id, [youth.telegram_user_id for youth in rows]


async def count_bookings(database: Database, slot_id: int) -> Counter[BookingStatus]:
    async with database.reading() as session:
        statuses = await session.scalars(
            select(col(Booking.status)).where(col(Booking.slot_id) == slot_id)
        )
        return Counter(statuses)


def show_problems(backend: str, chats: Sequence[YouthChat]) -> None:
    failures = [chat.failure for chat in chats if chat.failure is not None]
    stuck = [chat.stuck for chat in chats if chat.stuck is not None]
    for problem in failures[:SHOWN_PROBLEMS]:
        print(f"  {backend}: event failed: {problem}", file=sys.stderr)
    for problem in stuck[:SHOWN_PROBLEMS]:
        print(f"  {backend}: youth stuck: {problem}", file=sys.stderr)
    if len(stuck) > SHOWN_PROBLEMS:
        print(f"  {backend}: {len(stuck)} youths stuck in all", file=sys.stderr)


async def run_flow(backend: str, url: str, youths: int, capacity: int) -> Result:
    database = make_database(url, pool_timeout=POOL_TIMEOUT_SECONDS)
    try:
        await migrate.upgrade(database)
        clock = SystemClock()
        slot_id, user_ids = await set_up(database, clock.now(), youths, capacity)
        settings = load_settings(None, database_url=url)
        engine = build_engine(database, clock, settings, compiled_catalogs())

        started = time.perf_counter()
        chats = await asyncio.gather(
            *(book_through_chat(YouthChat(engine, user_id), slot_id) for user_id in user_ids)
        )
        seconds = time.perf_counter() - started

        show_problems(backend, chats)
        statuses = await count_bookings(database, slot_id)
        return Result(
            backend=backend,
            youths=youths,
            capacity=capacity,
            seconds=seconds,
            latencies=[latency for chat in chats for latency in chat.latencies],
            booked=statuses[BookingStatus.BOOKED],
            waitlisted=statuses[BookingStatus.WAITLISTED],
            # A journey ends at its first failed event: failed youths are failed events.
            failed=sum(chat.failure is not None for chat in chats),
        )
    finally:
        await database.dispose()


# -- the command --------------------------------------------------------------------------


def report(results: Sequence[Result]) -> None:
    header = (
        f"{'backend':<12}{'youths':>7}{'events':>8}{'seconds':>9}{'events/s':>10}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'booked':>8}{'waitlisted':>12}{'overbooked':>12}"
        f"{'failed':>8}"
    )
    print(header)
    for r in results:
        print(
            f"{r.backend:<12}{r.youths:>7}{r.events:>8}{r.seconds:>9.2f}{r.per_second:>10.1f}"
            f"{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.booked:>8}{r.waitlisted:>12}{r.overbooked:>12}"
            f"{r.failed:>8}"
        )
    for line in (
        ratio_line(results, "events per second", lambda r: r.per_second),
        ratio_line(results, "p95 latency", lambda r: r.p95_ms),
    ):
        if line is not None:
            print(line)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.booking_flow",
        description="Youths booking one food-parcel slot through the conversation, at once.",
    )
    parser.add_argument("--youths", type=int, default=500, help="distinct youths (500)")
    parser.add_argument("--capacity", type=int, default=40, help="seats on the slot (40)")
    add_backend_option(parser)
    arguments = parser.parse_args(argv)
    if arguments.youths < 1 or arguments.capacity < 1:
        parser.error("--youths and --capacity must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)

    async def measure(backend: str, url: str) -> Result:
        return await run_flow(backend, url, arguments.youths, arguments.capacity)

    return run_and_report(
        arguments.backend,
        measure,
        report,
        "overbooked, failed, free seats or unaccounted youths",
    )


if __name__ == "__main__":
    sys.exit(main())
