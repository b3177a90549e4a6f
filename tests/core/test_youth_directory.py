"""Finding youths within one's sites, a youth's page, and the food-parcel referral."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from core.clock import ManualClock
from core.db import Database
from core.models import (
    AuditEntry,
    BookingStatus,
    ContactRequest,
    ContactStatus,
    DiagnosticResult,
    StaffRole,
    StaffUser,
    Youth,
)
from core.staff_scope import NotFound
from core.youth_directory import (
    ACTION_FOOD_PARCEL,
    YouthErased,
    search_youths,
    set_food_parcel_eligible,
    youth_page,
)
from tests.support.factories import make_booking, make_site, make_slot, make_youth

H = timedelta(hours=1)
FOOD = "gestion-financiere--obtenir-une-aide-alimentaire"


async def make_staff(session: AsyncSession, now: datetime) -> StaffUser:
    staff = StaffUser(email="lea@ml.fr", password_hash="x", role=StaffRole.ADVISER, created_at=now)
    session.add(staff)
    await session.flush()
    return staff


async def _names(database: Database, query: str, site_ids: set[int] | None) -> list[str]:
    async with database.reading() as session:
        page = await search_youths(session, query, site_ids=site_ids)
    return [y.display_name for y in page.items]


async def test_search_ignores_case_even_of_accented_letters_and_puts_prefixes_first(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        for name, username in (
            ("Marie-Élodie", None),
            ("Élodie Martin", "elo_m"),
            ("ÉLODIE", None),
            ("Karim", "karim_elodie"),
            ("Paul", "paulo"),
            ("100% Paul", None),
        ):
            await make_youth(session, now, display_name=name, username=username)

    # Names starting with the query first, then the rest, alphabetically.
    assert await _names(database, "élodie", None) == ["ÉLODIE", "Élodie Martin", "Marie-Élodie"]
    # Accents count: "e" is not "é".
    assert await _names(database, "elodie", None) == ["Karim"]
    assert await _names(database, "@ELO_", None) == ["Élodie Martin"]
    assert await _names(database, "pau", None) == ["Paul", "100% Paul"]
    # Wildcards are taken literally on both databases.
    assert await _names(database, "%", None) == ["100% Paul"]
    # Then by code point: accented capitals sort after plain letters.
    assert await _names(database, "_", None) == ["Karim", "Élodie Martin"]
    assert await _names(database, "*", None) == []
    assert len(await _names(database, "  ", None)) == 6


async def test_search_stays_within_sites_and_paginates(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        await make_youth(session, now, display_name="Ali du site", site_id=mine.id)
        await make_youth(session, now, display_name="Ali sans site", site_id=None)
        await make_youth(session, now, display_name="Ali d'ailleurs", site_id=theirs.id)
        visitor = await make_youth(session, now, display_name="Ali en visite", site_id=theirs.id)
        slot = await make_slot(session, now, site_id=mine.id)
        await make_booking(session, now, visitor, slot, BookingStatus.CANCELLED)
        assert mine.id is not None

    assert await _names(database, "ali", {mine.id}) == [
        "Ali du site",
        "Ali en visite",
        "Ali sans site",
    ]
    async with database.reading() as session:
        second = await search_youths(session, "ALI", site_ids=None, page=2, per_page=3)
    assert [y.display_name for y in second.items] == ["Ali sans site"]
    assert (second.total, second.pages, second.page) == (4, 2, 2)


async def test_youth_page_shows_bookings_requests_and_a_shared_diagnostic(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        youth = await make_youth(session, now, site_id=mine.id, share_diagnostic=True)
        past = await make_slot(session, now - 72 * H, site_id=mine.id)
        future = await make_slot(session, now, site_id=mine.id)
        elsewhere = await make_slot(session, now, site_id=theirs.id)
        attended = await make_booking(
            session, now, youth, past, BookingStatus.ATTENDED, attendance_marked_at=now
        )
        upcoming = await make_booking(session, now, youth, future)
        await make_booking(session, now, youth, elsewhere)
        for n, site in enumerate((mine.id, None, theirs.id)):
            session.add(
                ContactRequest(
                    youth_id=youth.id,
                    site_id=site,
                    topic=f"topic-{n}",
                    created_at=now + n * H,
                    updated_at=now,
                )
            )
        session.add_all(
            [
                DiagnosticResult(
                    youth_id=youth.id,
                    started_at=now - 48 * H,
                    completed_at=now - 47 * H,
                    signals=[{"theme": FOOD, "priority": "P1"}],
                    orientations=[{"key": "linkee"}],
                ),
                # Started later but never finished: says nothing yet.
                DiagnosticResult(youth_id=youth.id, started_at=now - H, signals=[]),
            ]
        )
        assert youth.id is not None
        assert mine.id is not None

    async with database.reading() as session:
        page = await youth_page(session, youth.id, site_ids={mine.id}, now=now)

    assert [(b.id, s.id) for b, s in page.bookings.items] == [
        (upcoming.id, future.id),
        (attended.id, past.id),
    ]
    assert page.bookings.items[1][0].status == BookingStatus.ATTENDED
    assert [r.topic for r in page.contact_requests] == ["topic-1", "topic-0"]
    assert page.contact_requests_total == 2
    assert page.diagnostic_shared is True
    assert page.diagnostic is not None
    assert page.diagnostic.signals == [{"theme": FOOD, "priority": "P1"}]
    assert page.diagnostic.orientations == [{"key": "linkee"}]
    assert (
        page.food_parcel.eligible,
        page.food_parcel.referred_by_adviser,
        page.food_parcel.from_diagnostic,
    ) == (True, False, True)
    assert page.site is not None
    assert page.site.id == mine.id


async def test_an_unshared_diagnostic_is_not_shown(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now, share_diagnostic=False, food_parcel_eligible=True)
        session.add(
            DiagnosticResult(
                youth_id=youth.id,
                started_at=now,
                completed_at=now,
                signals=[{"theme": "sante--bien-etre-psychologique", "priority": "P0"}],
            )
        )
        assert youth.id is not None
    async with database.reading() as session:
        page = await youth_page(session, youth.id, site_ids=None, now=now)
    assert (page.diagnostic_shared, page.diagnostic) == (False, None)
    assert (
        page.food_parcel.eligible,
        page.food_parcel.referred_by_adviser,
        page.food_parcel.from_diagnostic,
    ) == (True, True, None)


async def test_another_sites_youth_page_is_not_found(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        youth = await make_youth(session, now, site_id=theirs.id)
        assert youth.id is not None
        assert mine.id is not None
    async with database.reading() as session:
        with pytest.raises(NotFound):
            await youth_page(session, youth.id, site_ids={mine.id}, now=now)
        with pytest.raises(YouthErased):
            await youth_page(session, 424_242, site_ids=None, now=now)


async def test_food_parcel_referral_is_audited_when_it_changes(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(session)
        youth = await make_youth(session, now, site_id=site.id)
        staff = await make_staff(session, now)
        assert youth.id is not None
        assert site.id is not None
        youth_id, scope = youth.id, {site.id}
    for value in (True, True, False):
        async with database.transaction() as session:
            staff_row = await session.get(StaffUser, staff.id)
            assert staff_row is not None
            await set_food_parcel_eligible(
                session, youth_id, value, by=staff_row, site_ids=scope, now=now
            )
    async with database.reading() as session:
        stored = await session.get(Youth, youth_id)
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert stored is not None
    assert stored.food_parcel_eligible is False
    # The second "on" changed nothing and wrote nothing.
    assert [(e.action, e.entity_id, e.before, e.after) for e in entries] == [
        (
            ACTION_FOOD_PARCEL,
            str(youth_id),
            {"food_parcel_eligible": False},
            {"food_parcel_eligible": True},
        ),
        (
            ACTION_FOOD_PARCEL,
            str(youth_id),
            {"food_parcel_eligible": True},
            {"food_parcel_eligible": False},
        ),
    ]
    assert {e.actor for e in entries} == {"lea@ml.fr"}


async def test_contact_request_statuses_do_not_hide_them_from_the_page(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        session.add(
            ContactRequest(
                youth_id=youth.id,
                topic="logement",
                status=ContactStatus.CLOSED,
                created_at=now,
                updated_at=now,
            )
        )
        assert youth.id is not None
    async with database.reading() as session:
        page = await youth_page(session, youth.id, site_ids=None, now=now)
    assert [(r.topic, r.status) for r in page.contact_requests] == [
        ("logement", ContactStatus.CLOSED)
    ]
