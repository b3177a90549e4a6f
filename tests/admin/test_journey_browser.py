"""An adviser's week in real Chromium, end to end: a Linkee series is published in the panel, a
youth is made eligible there, books the first pickup through the bot's engine, turns up on the
roster, is marked absent once the pickup began, and the dashboard counts the no-show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.async_api import Page, expect
from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import Slot, Youth
from tests.admin.conftest import World
from tests.support.youths import make_consented_chat

BOOKED = "✅ C'est réservé !"


async def _activity_row(page: Page, panel_url: str) -> list[str]:
    """The dashboard's row for this week, site A and the food parcels, cell by cell."""
    await page.goto(f"{panel_url}/dashboard")
    row = (
        page.locator("table.activity tbody tr")
        .filter(has_text="Site A")
        .filter(has_text="Colis alimentaire")
    )
    await expect(row).to_have_count(1)
    return [cell.strip() for cell in await row.locator("td").all_inner_texts()]


async def test_a_linkee_series_booked_in_the_bot_then_a_no_show_on_the_dashboard(
    admin_page: Page,
    panel_url: str,
    world: World,
    database: Database,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> None:
    page = admin_page
    # Monday 9:00; the first pickup at 9:20, then every Monday for 8 weeks.
    await page.goto(f"{panel_url}/slots/series/new")
    await page.get_by_label("Type de créneau").select_option("food_parcel")
    await page.get_by_label("Titre", exact=True).fill("Colis Linkee du lundi")
    await page.get_by_label("Site").select_option(str(world.site_a.id))
    await page.get_by_label("Début").fill("2026-11-23T09:20")
    await page.get_by_label("Fin", exact=True).fill("2026-11-23T11:00")
    await page.get_by_label("Nombre de places").fill("40")
    await page.get_by_label("Nombre de semaines").fill("8")
    await page.get_by_role("button", name="Créer la série").click()
    await expect(page.get_by_role("status")).to_contain_text("Série publiée")
    async with database.reading() as session:
        slots = (
            await session.scalars(
                select(Slot)
                .where(col(Slot.title) == "Colis Linkee du lundi")
                .order_by(col(Slot.starts_at))
            )
        ).all()
    assert len(slots) == 8
    first = slots[0]

    chat, youth = await make_consented_chat(database, clock, settings, user_id=880_001)
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.display_name = "Yanis Benali"
    # Not eligible yet: the adviser says so on the youth's page.
    await page.goto(f"{panel_url}/youths/{youth.id}")
    await page.get_by_role("button", name="Rendre éligible aux colis alimentaires").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Éligibilité aux colis alimentaires enregistrée."
    )

    await chat.send("/reserver")
    await chat.tap("bk:k:food_parcel")
    await chat.tap(f"bs:open:{first.id}")
    await chat.tap(f"bs:ok:{first.id}")
    assert chat.text.startswith(BOOKED), chat.transcript

    before = await _activity_row(page, panel_url)
    assert before[4] == "1/40 (2\xa0%)", before  # fill
    assert before[7] == "0/0 (—)", before  # no-show: nothing marked yet

    clock.advance(timedelta(minutes=25))  # the pickup began; the session is still alive
    await page.goto(f"{panel_url}/slots/{first.id}/roster")
    await page.get_by_role("button", name="Absent·e : Yanis Benali").click()
    await expect(page.get_by_role("status")).to_have_text("Présence enregistrée.")
    await page.screenshot(path=str(tmp_path / "roster.png"), full_page=True)

    after = await _activity_row(page, panel_url)
    assert after[6] == "0/1 (0\xa0%)", after  # attendance
    assert after[7] == "1/1 (100\xa0%)", after  # no-show
    await page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    print(f"screenshots in {tmp_path}")
