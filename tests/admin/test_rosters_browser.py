"""The roster in real Chromium: a youth books through the booking service, the slot begins,
the admin finds them on the roster and marks them absent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.async_api import Page, expect

from core.booking.operations import book
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import BookingStatus, Youth
from tests.admin.conftest import World
from tests.support.factories import make_slot
from tests.support.youths import add_consented_youth


async def test_the_admin_marks_a_youth_who_booked_as_a_no_show(
    admin_page: Page,
    panel_url: str,
    world: World,
    database: Database,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> None:
    youth = await add_consented_youth(database, clock, user_id=770_001, site_code="roster-test")
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.display_name = "Inès Martin"
        slot = await make_slot(
            session, clock.now(), starts_in=timedelta(minutes=10), site_id=world.site_a.id,
            title="Atelier CV et lettre",
        )  # fmt: skip
        assert youth.id is not None
        assert slot.id is not None
        outcome = await book(
            session, now=clock.now(), tz=settings.tz, youth_id=youth.id, slot_id=slot.id,
            reminder_offsets=settings.reminder_offsets_for(slot.kind),
        )  # fmt: skip
    assert outcome.booking.status == BookingStatus.BOOKED
    # The workshop begins (within the session's idle time, so the admin stays signed in).
    clock.advance(timedelta(minutes=15))

    await admin_page.goto(f"{panel_url}/slots/{slot.id}/roster")
    await expect(admin_page.get_by_role("heading", level=1)).to_have_text(
        "Inscrits : Atelier CV et lettre"
    )
    youth_link = admin_page.get_by_role("link", name="Inès Martin")
    await expect(youth_link).to_have_attribute("href", f"/youths/{youth.id}")

    await admin_page.get_by_role("button", name="Absent·e : Inès Martin").click()

    await expect(admin_page.get_by_role("status")).to_have_text("Présence enregistrée.")
    row = admin_page.locator(f"#booking-{outcome.booking.id}")
    await expect(row.locator(".mark")).to_have_text("Absent·e")
    await expect(row.get_by_role("button", name="Absent·e : Inès Martin")).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot = tmp_path / "roster.png"
    await admin_page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 1000
