"""The inbox: contact requests of one's sites, urgent first; taking, answering and closing them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from playwright.async_api import Page, expect
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.models import (
    AuditEntry,
    ContactRequest,
    ContactStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
)
from tests.admin.conftest import World
from tests.support.factories import make_youth
from tests.support.staff import csrf_of, log_in


async def _as(client: httpx.AsyncClient, world: World, who: str) -> None:
    client.cookies.clear()  # a fresh session: whoever was signed in is forgotten
    assert (await log_in(client, world.email(who))).status_code == 303


async def _post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    page = await client.get("/inbox")
    return await client.post(path, data={"csrf_token": csrf_of(page.text), **data})


async def _request(
    database: Database,
    clock: ManualClock,
    site_id: int | None,
    *,
    name: str = "Jeune",
    topic: str = "job",
    urgent: bool = False,
    message: str = "",
    minutes_ago: int = 0,
) -> ContactRequest:
    at = clock.now() - timedelta(minutes=minutes_ago)
    async with database.transaction() as session:
        youth = await make_youth(session, clock.now(), site_id=site_id, display_name=name)
        request = ContactRequest(
            youth_id=youth.id or 0, site_id=site_id, topic=topic, urgent=urgent,
            message=message, created_at=at, updated_at=at,
        )  # fmt: skip
        session.add(request)
        await session.flush()
        return request


async def test_inbox_lists_urgent_first_then_the_oldest_within_ones_sites(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    await _request(database, clock, world.site_a.id, name="Ancienne", minutes_ago=90)
    await _request(
        database, clock, world.site_a.id, name="Urgente", urgent=True,
        topic="urgent:no_shelter", minutes_ago=5,
    )  # fmt: skip
    await _request(database, clock, world.site_b.id, name="Ailleurs")
    await _as(client, world, "adviser_a")
    text = (await client.get("/inbox")).text
    assert "Ailleurs" not in text  # site B's
    order = [text.index(name) for name in ("Urgente", "Ancienne", "Sam")]
    assert order == sorted(order)
    assert "Alerte : sans solution pour dormir ce soir" in text
    assert "💼 Emploi, formation" in text  # the topic as the youth picked it

    await _as(client, world, "adviser_b")
    text = (await client.get("/inbox")).text
    assert "Ailleurs" in text
    assert "Urgente" not in text
    assert (await client.get(f"/inbox/{world.request_a.id}")).status_code == 403


async def test_inbox_filters_and_pages_keep_the_filter(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        request = await session.get(ContactRequest, world.request_a.id)
        assert request is not None
        request.status = ContactStatus.CLOSED
    for n in range(26):
        await _request(database, clock, world.site_a.id, name=f"Noé {n}")
    await _as(client, world, "adviser_a")
    todo = await client.get("/inbox")
    assert "26 demandes" in todo.text
    assert ">Sam<" not in todo.text
    closed = await client.get("/inbox", params={"status": "closed"})
    assert "Sam" in closed.text
    assert "Noé" not in closed.text
    opened = await client.get("/inbox", params={"status": "open"})
    assert 'href="/inbox?status=open&amp;page=2"' in opened.text
    second = await client.get("/inbox", params={"status": "open", "page": "2"})
    assert second.text.count('href="/inbox/') == 1


async def test_take_answer_close(
    client: httpx.AsyncClient, world: World, database: Database
) -> None:
    await _as(client, world, "adviser_a")
    path = f"/inbox/{world.request_a.id}"
    page = await client.get(path)
    assert "Bonjour" in page.text  # the youth's message
    taken = await _post(client, f"{path}/take")
    assert taken.status_code == 303
    shown = await client.get(taken.headers["location"])
    assert "Vous avez pris cette demande en charge" in shown.text
    assert f"par {world.staff['adviser_a'].display_name}" in shown.text

    answered = await _post(client, f"{path}/answer", text="Je vous appelle demain à 10 h.")
    assert answered.status_code == 303
    shown = await client.get(answered.headers["location"])
    assert "Réponse envoyée" in shown.text
    assert "Je vous appelle demain à 10 h." in shown.text
    async with database.reading() as session:
        outbox = (await session.scalars(select(Reminder))).all()
    assert [(r.kind, r.youth_id, r.status, r.payload) for r in outbox] == [
        (
            OutboxKind.STAFF_MESSAGE,
            world.youth_a.id,
            OutboxStatus.PENDING,
            {"text": "Je vous appelle demain à 10 h."},
        )
    ]

    closed = await _post(client, f"{path}/close")
    assert closed.status_code == 303
    shown = await client.get(closed.headers["location"])
    assert "Demande close." in shown.text
    assert f'action="{path}/answer"' not in shown.text
    refused = await _post(client, f"{path}/answer", text="Encore un mot")
    assert refused.status_code == 400
    assert "Cette demande est close" in refused.text
    async with database.reading() as session:
        request = await session.get(ContactRequest, world.request_a.id)
        actions = (
            await session.scalars(
                select(AuditEntry.action)
                .where(col(AuditEntry.entity) == "contact_request")
                .order_by(col(AuditEntry.id))
            )
        ).all()
        assert len((await session.scalars(select(Reminder))).all()) == 1
    assert request is not None
    assert request.status == ContactStatus.CLOSED
    assert request.answer == "Je vous appelle demain à 10 h."
    assert actions == ["contact.take", "contact.answer", "contact.close"]


async def test_blank_answer_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await _as(client, world, "adviser_a")
    refused = await _post(client, f"/inbox/{world.request_a.id}/answer", text="  ")
    assert refused.status_code == 400
    assert "Écrivez un message" in refused.text


async def test_coordinators_read_without_forms(client: httpx.AsyncClient, world: World) -> None:
    await _as(client, world, "coordinator")
    page = await client.get(f"/inbox/{world.request_a.id}")
    assert page.status_code == 200
    assert "/answer" not in page.text
    assert "/take" not in page.text
    refused = await _post(client, f"/inbox/{world.request_a.id}/take")
    assert refused.status_code == 403


async def test_names_and_messages_are_escaped(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    request = await _request(
        database, clock, world.site_a.id, name="<script>alert(1)</script>",
        topic="<b>x</b>", message="<img src=x onerror=alert(2)>",
    )  # fmt: skip
    await _as(client, world, "adviser_a")
    for path in ("/inbox", f"/inbox/{request.id}"):
        text = (await client.get(path)).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<b>x</b>" not in text
    assert "<img src=x" not in (await client.get(f"/inbox/{request.id}")).text


async def test_answer_a_request_in_chromium(
    admin_page: Page, panel_url: str, world: World, database: Database, tmp_path: Path
) -> None:
    page = admin_page
    await page.goto(f"{panel_url}/inbox")
    await page.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)
    await page.locator(f'a[href="/inbox/{world.request_a.id}"]').click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Demande de Sam")
    await page.get_by_label("Réponse (reçue sur Telegram)").fill("Je vous rappelle demain.")
    await page.get_by_role("button", name="Envoyer la réponse").click()
    await expect(page.get_by_role("status")).to_contain_text("Réponse envoyée")
    await page.screenshot(path=str(tmp_path / "answered.png"), full_page=True)
    async with database.reading() as session:
        row = await session.scalar(select(Reminder))
        request = await session.get(ContactRequest, world.request_a.id)
    assert row is not None
    assert row.payload == {"text": "Je vous rappelle demain."}
    assert request is not None
    assert request.status == ContactStatus.TAKEN
    print(tmp_path)
