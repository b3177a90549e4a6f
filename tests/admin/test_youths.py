"""The youth pages: search within one's sites, a youth's page, the food-parcel toggle, messages."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page, expect
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.diagnostic.domains import money
from core.diagnostic.orientations import orient
from core.diagnostic.results import orientation_to_record, signal_to_record
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.themes import Theme
from core.models import AuditEntry, DiagnosticResult, OutboxKind, OutboxStatus, Reminder, Youth
from core.staff_messages import MAX_MESSAGE_LENGTH
from tests.admin.conftest import World
from tests.support.factories import make_youth
from tests.support.staff import csrf_of, log_in


async def _as(client: httpx.AsyncClient, world: World, who: str) -> None:
    client.cookies.clear()  # a fresh session: whoever was signed in is forgotten
    assert (await log_in(client, world.email(who))).status_code == 303


async def _post(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    page = await client.get(path.rsplit("/", 1)[0])
    return await client.post(path, data={"csrf_token": csrf_of(page.text), **data})


async def _add_youth(database: Database, clock: ManualClock, **values: object) -> Youth:
    async with database.transaction() as session:
        return await make_youth(session, clock.now(), **values)


async def test_search_finds_by_name_or_username_within_ones_sites(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    await _add_youth(database, clock, site_id=world.site_b.id, display_name="Samia", username="sb")
    await _add_youth(database, clock, site_id=world.site_a.id, display_name="Léa", username="samy")
    await _as(client, world, "adviser_b")
    response = await client.get("/youths", params={"q": "sam"})
    assert response.status_code == 200
    assert "Samia" in response.text
    assert f"/youths/{world.youth_a.id}" not in response.text  # site A's Sam
    assert "Léa" not in response.text

    await _as(client, world, "adviser_a")
    by_name = await client.get("/youths", params={"q": "SAM"})
    assert f'href="/youths/{world.youth_a.id}"' in by_name.text
    assert "Samia" not in by_name.text
    by_username = await client.get("/youths", params={"q": "@samy"})
    assert "Léa" in by_username.text
    assert 'value="@samy"' in by_username.text  # the query stays in the box
    nobody = await client.get("/youths", params={"q": "zzz"})
    assert "Aucun jeune de vos sites ne correspond" in nobody.text


async def test_search_pages_keep_the_query(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        for n in range(30):
            await make_youth(session, clock.now(), site_id=world.site_a.id, display_name=f"Noa {n}")
    await _as(client, world, "adviser_a")
    first = await client.get("/youths", params={"q": "noa"})
    assert "30 jeunes trouvés" in first.text
    assert 'href="/youths?q=noa&amp;page=2"' in first.text
    second = await client.get("/youths", params={"q": "noa", "page": "2"})
    assert second.text.count('href="/youths/') == 5


async def test_youth_page_without_shared_diagnostic(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        session.add(_diagnostic(world.youth_a.id or 0, clock))
    await _as(client, world, "adviser_a")
    response = await client.get(f"/youths/{world.youth_a.id}")
    assert response.status_code == 200
    assert "Atelier CV" in response.text  # booking_a
    assert "Inscrit" in response.text
    assert f'href="/inbox/{world.request_a.id}"' in response.text
    assert "n’a pas choisi de partager son diagnostic" in response.text
    assert "Un colis alimentaire gratuit" not in response.text


async def test_youth_page_with_shared_diagnostic(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        youth = await session.get(Youth, world.youth_a.id)
        assert youth is not None
        youth.share_diagnostic = True
        session.add(_diagnostic(world.youth_a.id or 0, clock))
    await _as(client, world, "coordinator")
    response = await client.get(f"/youths/{world.youth_a.id}")
    assert response.status_code == 200
    # The signal, as advisers read it, and its orientation.
    assert "Saute souvent des repas faute d’argent" in response.text
    assert "Un colis alimentaire gratuit" in response.text
    assert "Besoin alimentaire repéré par le diagnostic : oui" in response.text
    # Coordinators read, and change nothing: no forms.
    assert "/message" not in response.text
    assert "/food-parcel" not in response.text
    english = await client.get(f"/youths/{world.youth_a.id}?lang=en")
    assert "Latest diagnostic completed" in english.text


async def test_adviser_of_another_site_cannot_open_the_page(
    client: httpx.AsyncClient, world: World
) -> None:
    await _as(client, world, "adviser_b")
    assert (await client.get(f"/youths/{world.youth_a.id}")).status_code == 403
    assert (await client.get("/youths/999999")).status_code == 404


async def test_food_parcel_toggle_is_audited(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    await _as(client, world, "adviser_a")
    path = f"/youths/{world.youth_a.id}/food-parcel"
    response = await _post(client, path, {})
    # No "eligible": leaves the youth as they were (off), nothing audited.
    assert response.status_code == 303
    page = await client.get(f"/youths/{world.youth_a.id}")
    on = await client.post(path, data={"csrf_token": csrf_of(page.text), "eligible": "1"})
    assert on.status_code == 303
    shown = await client.get(on.headers["location"])
    assert "Orienté par un conseiller : oui" in shown.text
    assert "Retirer l’éligibilité aux colis" in shown.text
    async with database.reading() as session:
        youth = await session.get(Youth, world.youth_a.id)
        entries = (
            await session.scalars(
                select(AuditEntry).where(col(AuditEntry.action) == "youth.food_parcel_eligible")
            )
        ).all()
    assert youth is not None
    assert youth.food_parcel_eligible
    assert [(e.staff_id, e.after) for e in entries] == [
        (world.staff["adviser_a"].id, {"food_parcel_eligible": True})
    ]


async def test_message_is_queued_in_the_outbox_and_audited(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    await _as(client, world, "adviser_a")
    page = await client.get(f"/youths/{world.youth_a.id}")
    assert f'maxlength="{MAX_MESSAGE_LENGTH}"' in page.text
    response = await client.post(
        f"/youths/{world.youth_a.id}/message",
        data={"csrf_token": csrf_of(page.text), "text": "  Rendez-vous jeudi à 14 h ?  "},
    )
    assert response.status_code == 303
    assert "Message envoyé" in (await client.get(response.headers["location"])).text
    async with database.reading() as session:
        rows = (await session.scalars(select(Reminder))).all()
        audit = await session.scalar(
            select(AuditEntry).where(col(AuditEntry.action) == "youth.message")
        )
    assert [(r.kind, r.youth_id, r.status, r.payload) for r in rows] == [
        (
            OutboxKind.STAFF_MESSAGE,
            world.youth_a.id,
            OutboxStatus.PENDING,
            {"text": "Rendez-vous jeudi à 14 h ?"},
        )
    ]
    assert audit is not None
    assert audit.staff_id == world.staff["adviser_a"].id


async def test_too_long_message_is_refused_with_the_text_kept(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    await _as(client, world, "adviser_a")
    text = "x" * (MAX_MESSAGE_LENGTH + 1)
    response = await _post(client, f"/youths/{world.youth_a.id}/message", {"text": text})
    assert response.status_code == 400
    assert "Ce message est trop long" in response.text
    assert f">{text}</textarea>" in response.text
    blank = await _post(client, f"/youths/{world.youth_a.id}/message", {"text": "   "})
    assert blank.status_code == 400
    assert "Écrivez un message" in blank.text
    async with database.reading() as session:
        assert (await session.scalars(select(Reminder))).all() == []


async def test_unreachable_or_erased_youth_is_refused_kindly(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    gone = await _add_youth(database, clock, site_id=world.site_a.id, reachable=False)
    await _as(client, world, "adviser_a")
    page = await client.get(f"/youths/{gone.id}")
    assert "un message ne lui parviendrait pas" in page.text
    token = csrf_of(page.text)
    refused = await client.post(
        f"/youths/{gone.id}/message", data={"csrf_token": token, "text": "Bonjour"}
    )
    assert refused.status_code == 400
    assert "a bloqué Passerelle" in refused.text
    async with database.transaction() as session:
        row = await session.get(Youth, gone.id)
        await session.delete(row)
    erased = await client.post(
        f"/youths/{gone.id}/message", data={"csrf_token": token, "text": "Bonjour"}
    )
    assert erased.status_code == 404
    assert "a effacé ses données" in erased.text
    async with database.reading() as session:
        assert (await session.scalars(select(Reminder))).all() == []


async def test_names_are_escaped(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    evil = await _add_youth(
        database, clock, site_id=world.site_a.id, display_name="<script>alert(1)</script>"
    )
    await _as(client, world, "adviser_a")
    for path in ("/youths?q=script", f"/youths/{evil.id}"):
        response = await client.get(path)
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    searched = await client.get("/youths", params={"q": '"><script>x</script>'})
    assert "<script>x</script>" not in searched.text


async def test_search_send_a_message_in_chromium(
    admin_page: Page, panel_url: str, world: World, database: Database, tmp_path: Path
) -> None:
    page = admin_page
    await page.goto(f"{panel_url}/youths")
    await page.get_by_label("Nom ou identifiant Telegram").fill("sam")
    await page.get_by_role("button", name="Rechercher").click()
    await page.get_by_role("link", name="Sam").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sam")
    box = page.get_by_label("Message (reçu sur Telegram)")
    await box.fill("Bonjour Sam")
    await expect(page.locator("#text-count")).to_contain_text("11")  # the live counter
    await page.screenshot(path=str(tmp_path / "youth.png"), full_page=True)
    await page.get_by_role("button", name="Envoyer", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Message envoyé")
    await page.screenshot(path=str(tmp_path / "youth-sent.png"), full_page=True)
    async with database.reading() as session:
        row = await session.scalar(select(Reminder))
    assert row is not None
    assert row.payload == {"text": "Bonjour Sam"}
    print(tmp_path)


def _diagnostic(youth_id: int, clock: ManualClock) -> DiagnosticResult:
    signals = (Signal(Theme.FOOD_AID, Priority.P1, "skips_meals_often", money.MEALS),)
    return DiagnosticResult(
        youth_id=youth_id,
        started_at=clock.now(),
        completed_at=clock.now(),
        signals=[signal_to_record(s) for s in signals],
        orientations=[orientation_to_record(o) for o in orient(signals)],
    )
