"""A Mission Locale's worth of rows for `bench.admin_pages`, bulk-inserted with Core.

At scale 1: 8 sites, 12 partners, 50,000 youths, 5,000 slots over 20 weeks around
now (14 past, 6 ahead), 200,000 bookings (40 a slot on average, more on the big
food pickups), 400,000 reminders (the 48 h and 2 h one of every booking),
satisfaction answers after attended workshops, and contact requests. Rows follow
the models' rules: one active booking per youth and slot, seats up to capacity and
the rest waitlisted (or cancelled where a slot has no waitlist), attendance marked
on most past seats, reminders pending until due. Ids are given here, so rows refer
to each other without reading anything back; PostgreSQL's sequences follow at the end.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from core.config import load_settings
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    Confirmation,
    ContactRequest,
    ContactStatus,
    Modality,
    OutboxKind,
    OutboxStatus,
    Partner,
    Reminder,
    SatisfactionAnswer,
    Site,
    Slot,
    SlotKind,
    SlotStatus,
    Youth,
)
from core.stats_tally import bring_up_to_date

SITES = 8
PARTNERS = 12
YOUTHS, SLOTS, BOOKINGS_PER_SLOT = 50_000, 5_000, 40
WEEKS_PAST, WEEKS_AHEAD = 14, 6
REMINDER_OFFSETS = (2880, 120)
CHUNK = 5_000

FIRST_NAMES = [
    *("Élodie", "Inès", "Lucas", "Yanis", "Mamadou", "Fatou", "Léa", "Nathan", "Aïcha"),
    *("Hugo", "Sarah", "Mohamed", "Chloé", "Kevin", "Jade", "Adam", "Manon", "Rayan"),
    *("Camille", "Moussa", "Emma", "Théo", "Lina", "Ibrahim", "Zoé", "Enzo", "Maëlys"),
    *("Bilal", "Océane", "Karim", "Anaïs", "Noah", "Awa", "Louis", "Salomé", "Mehdi"),
]
LAST_NAMES = [
    *("Martin", "Bernard", "Diallo", "Traoré", "Nguyen", "Petit", "Durand", "Leroy"),
    *("Moreau", "Haddad", "Garcia", "Benali", "Fontaine", "Camara", "Rousseau", "Mercier"),
    *("Lefèvre", "Koné", "Bonnet", "Dupont", "Girard", "Mendy", "Laurent", "Simon"),
]
# Tables loaded with ids given here, whose PostgreSQL sequence must then catch up.
WITH_IDS = ("site", "partner", "youth", "slot", "booking", "reminder", "satisfaction_answer",
            "contact_request")  # fmt: skip
ORIGINS = ("salon-emploi", "affiche-metro", "lycee-pro", "instagram")
FAILURES = (
    "Forbidden: bot was blocked by the user",
    "Bad Request: chat not found",
    "Forbidden: user is deactivated",
)
TOPICS = ("housing", "job", "training", "health", "other", "urgent:no_shelter")
# (kind, share of slots, capacities)
KINDS = (
    (SlotKind.WORKSHOP, 0.55, (12, 15, 20, 25, 30)),
    (SlotKind.FOOD_PARCEL, 0.35, (30, 40, 50, 60, 80)),
    (SlotKind.APPOINTMENT, 0.10, (1, 2, 3)),
)


@dataclass
class Loaded:
    """What the benchmark needs to know about the rows it loaded."""

    site_ids: list[int]
    # Slots per site with their bookings that are not cancelled, for picking rosters.
    roster_sizes: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def _insert(database: Database, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    async with database.engine.begin() as connection:
        for chunk in _chunks(rows):
            await connection.execute(sa.insert(table), list(chunk))


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


async def load(database: Database, now: datetime, scale: float, seed: int = 7) -> Loaded:
    rng = random.Random(seed)
    n_youths, n_slots = max(int(YOUTHS * scale), 200), max(int(SLOTS * scale), 20)
    loaded = Loaded(site_ids=list(range(1, SITES + 1)))
    sites = [
        {"id": i, "code": f"site-{i}", "name": f"Mission Locale Paris {i}", "address": "",
         "arrondissement": i, "latitude": None, "longitude": None, "opening_hours": ""}
        for i in loaded.site_ids
    ]  # fmt: skip
    partners = [
        {"id": i, "code": f"partner-{i}", "name": f"Partenaire {i}", "category": "insertion",
         "description": "", "website": ""}
        for i in range(1, PARTNERS + 1)
    ]  # fmt: skip
    youths = [_youth(rng, i, now) for i in range(1, n_youths + 1)]
    slots = [_slot(rng, i, now) for i in range(1, n_slots + 1)]
    bookings: list[dict[str, Any]] = []
    per_seat = BOOKINGS_PER_SLOT * len(slots) / sum(slot["capacity"] for slot in slots)
    for slot in slots:
        bookings += _bookings(rng, slot, per_seat, n_youths, len(bookings) + 1, now, loaded)
    by_slot = {slot["id"]: slot for slot in slots}
    reminders, answers = _reminders_and_answers(rng, bookings, by_slot, now)
    requests = _contact_requests(rng, youths, now)
    for model, rows in (
        (Site, sites), (Partner, partners), (Youth, youths), (Slot, slots),
        (Booking, bookings), (Reminder, reminders), (SatisfactionAnswer, answers),
        (ContactRequest, requests),
    ):  # fmt: skip
        await _insert(database, _table(model), rows)
        loaded.rows[_table(model).name] = len(rows)
    await _after_load(database)
    return loaded


async def _after_load(database: Database) -> None:
    """Sequences past the given ids; the dashboard's tallies counted once, as a year of
    use would have left them; fresh planner statistics, as autovacuum would give."""
    async with database.engine.begin() as connection:
        if database.is_postgresql:
            for name in WITH_IDS:  # names of this module, not input
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
    # The bulk load queued every slot and change at once; a dashboard in use would have
    # consumed them as they came, and autovacuum the rows it deleted.
    await bring_up_to_date(database, load_settings(None).tz)
    async with database.engine.connect() as connection:
        if database.is_postgresql:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("VACUUM ANALYZE")


def _youth(rng: random.Random, i: int, now: datetime) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
    seen = created + (now - created) * rng.random()
    has_username = rng.random() < 0.6
    return {
        "id": i, "telegram_user_id": 7_000_000_000 + i, "display_name": f"{first} {last}",
        "username": f"{first.lower()}_{last.lower()}{i}" if has_username else None,
        "locale": "fr" if rng.random() < 0.85 else rng.choice(("en", "ar", "uk")),
        "site_id": rng.randint(1, SITES) if rng.random() < 0.95 else None,
        "consent_version": 1, "consented_at": created, "share_diagnostic": rng.random() < 0.5,
        "age_group": "18-25" if rng.random() < 0.8 else "16-17",
        "origin": rng.choice(ORIGINS) if rng.random() < 0.15 else None,
        "food_parcel_eligible": rng.random() < 0.3, "reachable": rng.random() < 0.97,
        "unreachable_since": None, "created_at": created, "last_seen_at": seen,
    }  # fmt: skip


def _slot(rng: random.Random, i: int, now: datetime) -> dict[str, Any]:
    kind, _, capacities = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day += timedelta(days=rng.randrange(-7 * WEEKS_PAST, 7 * WEEKS_AHEAD))
    starts = day + timedelta(hours=rng.choice((8, 9, 10, 12, 13, 14, 15)))
    cancelled = rng.random() < 0.04
    created = min(starts - timedelta(days=rng.randint(7, 30)), now)
    return {
        "id": i, "kind": kind,
        "status": SlotStatus.CANCELLED if cancelled else SlotStatus.SCHEDULED,
        "title": f"{kind.value.replace('_', ' ').capitalize()} {i}", "title_translations": {},
        "topic": None, "description": "", "what_to_bring": "",
        "site_id": rng.randint(1, SITES) if rng.random() < 0.97 else None,
        "partner_id": rng.randint(1, PARTNERS) if rng.random() < 0.5 else None,
        "series_id": None, "place_name": "", "address": "", "latitude": None, "longitude": None,
        "modality": Modality.ON_SITE, "starts_at": starts, "ends_at": starts + timedelta(hours=2),
        "capacity": rng.choice(capacities), "booking_opens_at": None, "booking_closes_at": None,
        "cancellation_cutoff_minutes": 240, "waitlist_enabled": kind != SlotKind.APPOINTMENT,
        "cancelled_at": created if cancelled else None,
        "cancel_reason": "Intervenant absent" if cancelled else None,
        "created_at": created, "updated_at": created,
    }  # fmt: skip


def _bookings(
    rng: random.Random, slot: dict[str, Any], per_seat: float, n_youths: int, first_id: int,
    now: datetime, loaded: Loaded,
) -> list[dict[str, Any]]:  # fmt: skip
    """`per_seat` times the capacity (40 a slot on average), a tenth cancelled, the rest
    seated then waitlisted."""
    capacity, starts = slot["capacity"], slot["starts_at"]
    count = min(max(round(per_seat * capacity * rng.uniform(0.8, 1.2)), 1), 200)
    past = starts + timedelta(hours=2) <= now
    rows, seated, waiting = [], 0, 0
    for n, youth_id in enumerate(rng.sample(range(1, n_youths + 1), min(count, n_youths))):
        created = min(starts - timedelta(minutes=rng.randrange(60, 20 * 24 * 60)), now)
        row: dict[str, Any] = {
            "id": first_id + n, "youth_id": youth_id, "slot_id": slot["id"], "created_at": created,
            "updated_at": created, "promoted_at": None, "confirmation": None,
            "confirmed_at": None, "interpreter_language": None, "note": None,
            "cancelled_at": None, "cancelled_by": None, "cancel_reason": None,
            "attendance_marked_at": None, "attendance_marked_by": None,
        }  # fmt: skip
        if slot["status"] == SlotStatus.CANCELLED or rng.random() < 0.1:
            by = CancelledBy.SYSTEM if slot["status"] == SlotStatus.CANCELLED else CancelledBy.YOUTH
            row |= {"status": BookingStatus.CANCELLED, "cancelled_at": created, "cancelled_by": by}
        elif seated < capacity:
            seated += 1
            row["status"] = BookingStatus.BOOKED
            answer = rng.random()
            if answer < 0.55:
                row |= {"confirmation": Confirmation.COMING, "confirmed_at": created}
            elif answer < 0.6:
                row |= {"confirmation": Confirmation.DECLINED, "confirmed_at": created}
            if past and rng.random() < 0.8:
                mark = rng.choices(
                    (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.EXCUSED),
                    weights=(80, 15, 5),
                )[0]
                row |= {"status": mark, "attendance_marked_at": starts + timedelta(hours=2)}
        elif slot["waitlist_enabled"]:
            waiting += 1
            row["status"] = BookingStatus.WAITLISTED
        else:
            row |= {"status": BookingStatus.CANCELLED, "cancelled_at": created,
                    "cancelled_by": CancelledBy.SYSTEM}  # fmt: skip
        rows.append(row)
    if slot["site_id"] is not None:
        sizes = loaded.roster_sizes.setdefault(slot["site_id"], [])
        sizes.append((slot["id"], seated, waiting))
    return rows


def _reminders_and_answers(
    rng: random.Random, bookings: list[dict[str, Any]], slots: dict[int, dict[str, Any]],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    reminders: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for booking in bookings:
        slot = slots[booking["slot_id"]]
        for offset in REMINDER_OFFSETS:
            due = slot["starts_at"] - timedelta(minutes=offset)
            row: dict[str, Any] = {
                "id": len(reminders) + 1, "kind": OutboxKind.REMINDER,
                "booking_id": booking["id"], "youth_id": booking["youth_id"],
                "offset_minutes": offset, "due_at": due, "status": OutboxStatus.PENDING,
                "payload": {}, "attempts": 0, "last_error": None, "skip_reason": None,
                "claimed_by": None, "lease_until": None, "sent_at": None,
                "telegram_message_id": None, "history": [], "created_at": booking["created_at"],
            }  # fmt: skip
            if booking["status"] in (BookingStatus.CANCELLED, BookingStatus.WAITLISTED):
                row |= {"status": OutboxStatus.SKIPPED, "skip_reason": "no_seat"}
            elif due <= now:
                draw = rng.random()
                if draw < 0.92:
                    sent = due + timedelta(seconds=rng.randrange(1, 120))
                    row |= {"status": OutboxStatus.SENT, "attempts": 1, "sent_at": sent,
                            "telegram_message_id": rng.randrange(1, 10**6),
                            "history": [{"at": sent.isoformat(), "event": "sent"}]}  # fmt: skip
                elif draw < 0.97:
                    row |= {"status": OutboxStatus.FAILED, "attempts": 3,
                            "last_error": rng.choice(FAILURES)}  # fmt: skip
                else:
                    row |= {"status": OutboxStatus.SKIPPED, "skip_reason": "unreachable"}
            reminders.append(row)
        if (
            booking["status"] == BookingStatus.ATTENDED
            and slot["kind"] == SlotKind.WORKSHOP
            and rng.random() < 0.4
        ):
            answers.append({
                "id": len(answers) + 1, "booking_id": booking["id"], "slot_id": slot["id"],
                "site_id": slot["site_id"], "slot_kind": slot["kind"],
                "score": rng.choices((1, 2, 3, 4, 5), weights=(3, 5, 15, 40, 37))[0],
                "comment": None,
                "answered_at": min(slot["ends_at"] + timedelta(hours=rng.randint(1, 30)), now),
            })  # fmt: skip
    return reminders, answers


def _contact_requests(
    rng: random.Random, youths: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    rows = []
    for youth in rng.sample(youths, len(youths) // 50):
        created = youth["created_at"] + (now - youth["created_at"]) * rng.random()
        status = rng.choices(list(ContactStatus), weights=(15, 10, 75))[0]
        rows.append({
            "id": len(rows) + 1, "youth_id": youth["id"], "site_id": youth["site_id"],
            "topic": rng.choice(TOPICS), "message": "Bonjour, pouvez-vous me rappeler ?",
            "urgent": rng.random() < 0.1, "status": status, "taken_by": None, "answer": None,
            "created_at": created, "updated_at": created,
            "closed_at": created if status == ContactStatus.CLOSED else None,
        })  # fmt: skip
    return rows
