"""A panel over a fresh database: two sites, and one account of each kind the matrix tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Page

from admin.app import create_app
from core.clock import ManualClock
from core.config import Settings, load_settings
from core.db import Database
from core.models import (
    Booking,
    ContactRequest,
    Partner,
    Site,
    Slot,
    StaffRole,
    StaffUser,
    Youth,
)
from tests.support.admin_panel import logged_in_page, running_panel
from tests.support.chat import compiled_catalogs
from tests.support.factories import (
    make_booking,
    make_partner,
    make_site,
    make_slot,
    make_youth,
)
from tests.support.staff import PASSWORD, make_staff, use_cheap_hashing

BASE_URL = "http://panel.test"


@dataclass
class World:
    site_a: Site
    site_b: Site
    partner: Partner
    # One account per role of the access matrix, and one that admins act upon.
    staff: dict[str, StaffUser]
    target: StaffUser
    # Site A's things the pages name in their URLs: a workshop with one youth booked on
    # it, and a contact request from that youth.
    slot_a: Slot
    youth_a: Youth
    booking_a: Booking
    request_a: ContactRequest

    def email(self, who: str) -> str:
        return self.staff[who].email


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashing(monkeypatch)


@pytest.fixture
def panel_settings(tmp_path: Path) -> Settings:
    return load_settings(
        None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        admin_secret_key="tests-only-secret-key",
    )


@pytest.fixture
async def world(database: Database, clock: ManualClock) -> World:
    now = clock.now()
    async with database.transaction() as session:
        site_a = await make_site(session, name="Site A")
        site_b = await make_site(session, name="Site B")
        assert site_a.id is not None
        assert site_b.id is not None
        staff = {
            "adviser_a": await make_staff(session, now, site_ids=[site_a.id]),
            "adviser_b": await make_staff(session, now, site_ids=[site_b.id]),
            "coordinator": await make_staff(session, now, role=StaffRole.COORDINATOR),
            "admin": await make_staff(session, now, role=StaffRole.ADMIN),
        }
        target = await make_staff(session, now, site_ids=[site_a.id])
        partner = await make_partner(session)
        slot_a = await make_slot(session, now, site_id=site_a.id, title="Atelier CV")
        youth_a = await make_youth(session, now, site_id=site_a.id, display_name="Sam")
        booking_a = await make_booking(session, now, youth_a, slot_a)
        request_a = ContactRequest(
            youth_id=youth_a.id or 0, site_id=site_a.id, topic="other", message="Bonjour",
            created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(request_a)
        await session.flush()
    return World(site_a, site_b, partner, staff, target, slot_a, youth_a, booking_a, request_a)


@pytest.fixture
def app(database: Database, clock: ManualClock, panel_settings: Settings) -> FastAPI:
    return create_app(panel_settings, database=database, clock=clock, catalogs=compiled_catalogs())


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def panel_url(app: FastAPI) -> AsyncIterator[str]:
    """The panel served on a free loopback port, over the test's database and clock."""
    async with running_panel(app) as url:
        yield url


@pytest.fixture
async def admin_page(panel_url: str, world: World) -> AsyncIterator[Page]:
    """Chromium, logged in to the running panel as the world's admin."""
    async with logged_in_page(panel_url, world.email("admin"), PASSWORD) as page:
        yield page
