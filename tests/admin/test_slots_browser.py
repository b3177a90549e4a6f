"""The slot pages in real headless Chromium, on a phone-sized screen: a weekly series for the
Linkee pickups shows in the week, and an import with a bad row says which line is wrong."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from tests.admin.conftest import World

HEADER = "kind,title,partner,site,starts_at,ends_at,capacity,modality,description\n"


async def test_a_series_then_a_bad_import(
    admin_page: Page, panel_url: str, world: World, tmp_path: Path
):
    page = admin_page
    await page.goto(f"{panel_url}/slots")
    await page.get_by_role("link", name="Nouvelle série hebdomadaire").click()
    await page.wait_for_url("**/slots/series/new")
    await page.get_by_label("Type de créneau").select_option("food_parcel")
    await page.get_by_label("Titre", exact=True).fill("Colis Linkee")
    await page.get_by_label("Site").select_option(str(world.site_a.id))
    await page.get_by_label("Partenaire").select_option(str(world.partner.id))
    await page.get_by_label("Début").fill("2026-11-26T14:00")
    await page.get_by_label("Fin", exact=True).fill("2026-11-26T16:00")
    await page.get_by_label("Nombre de places").fill("40")
    await page.get_by_label("Nombre de semaines").fill("8")
    await page.get_by_role("button", name="Créer la série").click()
    await page.wait_for_url(lambda url: url.endswith("/slots?week=2026-W48&done=series"))
    assert await page.get_by_role("status").inner_text() == (
        "Série publiée : chaque date est un créneau que les jeunes peuvent réserver."
    )
    row = page.get_by_role("row").filter(has_text="Colis Linkee")
    assert await row.count() == 1
    assert "0 / 40" in await row.inner_text()
    await page.screenshot(path=str(tmp_path / "week.png"), full_page=True)
    await page.get_by_role("link", name="Semaine suivante →").click()
    await page.wait_for_url(lambda url: "week=2026-W49" in url)
    assert await page.get_by_role("row").filter(has_text="Colis Linkee").count() == 1

    await page.goto(f"{panel_url}/slots/import")
    bad = tmp_path / "creneaux.csv"
    site = world.site_a.code
    bad.write_text(
        HEADER
        + f"workshop,Atelier budget,,{site},2026-12-01 10:00,2026-12-01 12:00,8,on_site,\n"
        + f"workshop,Atelier CV,,{site},2026-12-01 10:00,2026-12-01 09:00,8,on_site,\n",
        encoding="utf-8",
    )
    await page.get_by_label("Fichier CSV").set_input_files(str(bad))
    await page.get_by_role("button", name="Importer", exact=True).click()
    alert = page.get_by_role("alert")
    await alert.wait_for()
    text = await alert.inner_text()
    assert "Rien n’a été importé" in text
    assert "3" in text
    assert "La fin doit être après le début." in text
    await page.screenshot(path=str(tmp_path / "import-error.png"), full_page=True)
    for name in ("week.png", "import-error.png"):
        assert (tmp_path / name).stat().st_size > 1000
