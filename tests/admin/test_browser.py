"""The panel in real headless Chromium: log in on a phone-sized screen and reach the home page."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from tests.admin.conftest import World


async def test_log_in_and_see_the_home_page(admin_page: Page, world: World, tmp_path: Path):
    heading = admin_page.get_by_role("heading", level=1)
    assert await heading.inner_text() == f"Bonjour {world.staff['admin'].display_name}"
    assert await admin_page.get_by_role("link", name="Comptes").is_visible()
    # The stylesheet loaded under the CSP (no inline style): the skip link sits off screen.
    box = await admin_page.get_by_role("link", name="Aller au contenu").bounding_box()
    assert box is not None
    assert box["y"] < 0

    screenshot = tmp_path / "home.png"
    await admin_page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 1000

    await admin_page.get_by_role("button", name="Se déconnecter").click()
    await admin_page.wait_for_url("**/login")
