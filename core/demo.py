"""Seed the demonstration data: sites, partners, places and the next weeks of slots.

Idempotent: sites and partners are matched by code, places by name, slots by
(title, site, start), so running it again adds only what is missing — e.g. the
weeks that came into range since the last run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.demo_data import (
    PARTNERS,
    PLACES,
    SITES,
    WEEKLY_OFFERS,
    DemoPartner,
    DemoSite,
    WeeklyOffer,
)
from core.models import Partner, Place, Site, Slot, SlotKind, SlotSeries

DEMO_WEEKS = 4


class _HasCode(Protocol):
    @property
    def code(self) -> str: ...


_Coded = TypeVar("_Coded", Site, Partner)
_Demo = TypeVar("_Demo", bound=_HasCode)


@dataclass
class SeedReport:
    sites: int = 0
    partners: int = 0
    places: int = 0
    series: int = 0
    slots: int = 0
    skipped: bool = False


async def seed_demo(
    database: Database, clock: Clock, settings: Settings, *, if_empty: bool = False
) -> SeedReport:
    """Create whatever demo data is missing, in one transaction."""
    async with database.transaction() as session:
        if if_empty and await session.scalar(select(func.count()).select_from(Site)):
            return SeedReport(skipped=True)
        report = SeedReport()
        sites = await _upsert_sites(session, report)
        partners = await _upsert_partners(session, report)
        await _add_places(session, sites, report)
        now = clock.now()
        for offer in WEEKLY_OFFERS:
            await _seed_offer(session, offer, sites, partners, now, settings, report)
        return report


async def _upsert_sites(session: AsyncSession, report: SeedReport) -> dict[str, Site]:
    sites, report.sites = await _upsert_by_code(session, Site, SITES, _site)
    return sites


async def _upsert_partners(session: AsyncSession, report: SeedReport) -> dict[str, Partner]:
    partners, report.partners = await _upsert_by_code(session, Partner, PARTNERS, _partner)
    return partners


async def _upsert_by_code(
    session: AsyncSession,
    model: type[_Coded],
    demos: Iterable[_Demo],
    build: Callable[[_Demo], _Coded],
) -> tuple[dict[str, _Coded], int]:
    """Rows by code, adding the demo ones that are missing; also says how many were added."""
    existing = {row.code: row for row in await session.scalars(select(model))}
    missing = [build(demo) for demo in demos if demo.code not in existing]
    session.add_all(missing)
    await session.flush()
    existing.update((row.code, row) for row in missing)
    return existing, len(missing)


async def _add_places(session: AsyncSession, sites: dict[str, Site], report: SeedReport) -> None:
    known = set(await session.scalars(select(Place.name)))
    for demo in PLACES:
        if demo.name in known:
            continue
        site_id = sites[demo.site].id if demo.site is not None else None
        session.add(
            Place(
                name=demo.name,
                address=demo.address,
                latitude=demo.latitude,
                longitude=demo.longitude,
                site_id=site_id,
            )
        )
        report.places += 1
    await session.flush()


def _site(demo: DemoSite) -> Site:
    return Site(
        code=demo.code,
        name=demo.name,
        address=demo.address,
        arrondissement=demo.arrondissement,
        latitude=demo.latitude,
        longitude=demo.longitude,
        opening_hours=demo.opening_hours,
    )


def _partner(demo: DemoPartner) -> Partner:
    return Partner(
        code=demo.code, name=demo.name, category=demo.category, description=demo.description
    )


async def _seed_offer(
    session: AsyncSession,
    offer: WeeklyOffer,
    sites: dict[str, Site],
    partners: dict[str, Partner],
    now: datetime,
    settings: Settings,
    report: SeedReport,
) -> None:
    site, partner = sites[offer.site], partners[offer.partner]
    tz = settings.tz
    first_day = _next_weekday(now.astimezone(tz).date(), offer.weekday)
    series = None
    if offer.kind is not SlotKind.APPOINTMENT:
        series = await _series_for(session, offer, site, partner, first_day, now, report)
    taken = set(
        await session.scalars(
            select(Slot.starts_at).where(
                col(Slot.title) == offer.title, col(Slot.site_id) == site.id
            )
        )
    )
    for day in _offer_days(offer, first_day):
        for starts_at, ends_at in _sessions(offer, day, tz):
            if starts_at <= now or starts_at in taken:
                continue
            session.add(_slot(offer, site, partner, series, starts_at, ends_at, now, settings))
            report.slots += 1
    await session.flush()


async def _series_for(
    session: AsyncSession,
    offer: WeeklyOffer,
    site: Site,
    partner: Partner,
    first_day: date,
    now: datetime,
    report: SeedReport,
) -> SlotSeries:
    found = await session.scalar(
        select(SlotSeries).where(
            col(SlotSeries.title) == offer.title, col(SlotSeries.site_id) == site.id
        )
    )
    if found is not None:
        return found
    series = SlotSeries(
        kind=offer.kind,
        title=offer.title,
        weekday=offer.weekday,
        local_start=offer.start,
        local_end=offer.end,
        first_date=first_day,
        occurrences=DEMO_WEEKS // 2 if offer.every_other_week else DEMO_WEEKS,
        capacity=offer.capacity,
        site_id=site.id,
        partner_id=partner.id,
        created_at=now,
    )
    session.add(series)
    await session.flush()
    report.series += 1
    return series


def _slot(
    offer: WeeklyOffer,
    site: Site,
    partner: Partner,
    series: SlotSeries | None,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    settings: Settings,
) -> Slot:
    place = offer.place
    closes_at = None
    if offer.kind is SlotKind.FOOD_PARCEL:
        # Linkee wants the list the day before: registrations close at 18:00 on the eve.
        eve = starts_at.astimezone(settings.tz).date() - timedelta(days=1)
        closes_at = _local(eve, 18, 0, settings.tz)
    return Slot(
        kind=offer.kind,
        title=offer.title,
        title_translations={"en": offer.title_en},
        topic=offer.topic,
        description=offer.description,
        what_to_bring=offer.what_to_bring,
        site_id=site.id,
        partner_id=partner.id,
        series_id=series.id if series else None,
        place_name=place.name if place else site.name,
        address=place.address if place else site.address,
        latitude=place.latitude if place else site.latitude,
        longitude=place.longitude if place else site.longitude,
        modality=offer.modality,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=offer.capacity,
        booking_closes_at=closes_at,
        cancellation_cutoff_minutes=settings.cutoff_minutes_for(offer.kind),
        waitlist_enabled=offer.kind is not SlotKind.APPOINTMENT,
        created_at=now,
        updated_at=now,
    )


def _offer_days(offer: WeeklyOffer, first_day: date) -> Iterator[date]:
    step = 2 if offer.every_other_week else 1
    for week in range(0, DEMO_WEEKS, step):
        yield first_day + timedelta(weeks=week)


def _sessions(offer: WeeklyOffer, day: date, tz: ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
    start = _local(day, offer.start.hour, offer.start.minute, tz)
    end = _local(day, offer.end.hour, offer.end.minute, tz)
    if offer.appointment_minutes is None:
        yield start, end
        return
    length = timedelta(minutes=offer.appointment_minutes)
    while start + length <= end:
        yield start, start + length
        start += length


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _local(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)
