"""The slot pages: the week list, creating and editing, moving and cancelling with a message,
weekly series and the CSV import, on both databases."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.models import (
    AuditEntry,
    OutboxKind,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
)
from core.slot_form import SLOT_TOPICS
from flows.booking_view import TOPIC_LABELS
from tests.admin.conftest import BASE_URL, World
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.staff import csrf_token, log_in

# The test clock starts on Monday 23 November 2026 (week 48); slot_a is on the Wednesday.
WEEK = "2026-W48"


@asynccontextmanager
async def _client(app: FastAPI, world: World, role: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        assert (await log_in(client, world.email(role))).status_code == 303
        yield client


async def _post(client: httpx.AsyncClient, url: str, data: dict[str, Any], **kw: Any) -> Any:
    token = await csrf_token(client, "/")
    return await client.post(url, data={**data, "csrf_token": token}, **kw)


def _slot_form(world: World, **overrides: str) -> dict[str, str]:
    return {
        "kind": "workshop",
        "title": "Atelier lettre de motivation",
        "site_id": str(world.site_a.id),
        "partner_id": "",
        "place_id": "",
        "address": "",
        "starts_at": "2026-11-26T14:00",
        "ends_at": "2026-11-26T16:00",
        "capacity": "12",
        "cancellation_cutoff_minutes": "240",
        "modality": "on_site",
        "description": "Écrire sa lettre.",
        "waitlist_enabled": "on",
        **overrides,
    }


async def _slot(database: Database, slot_id: int | None) -> Slot:
    async with database.reading() as session:
        slot = await session.get(Slot, slot_id)
    assert slot is not None
    return slot


async def _slots(database: Database, **where: Any) -> list[Slot]:
    async with database.reading() as session:
        statement = select(Slot).order_by(col(Slot.starts_at))
        for name, value in where.items():
            statement = statement.where(getattr(Slot, name) == value)
        return list((await session.scalars(statement)).all())


async def _notices(database: Database, kind: OutboxKind) -> list[Reminder]:
    async with database.reading() as session:
        statement = select(Reminder).where(col(Reminder.kind) == kind)
        return list((await session.scalars(statement)).all())


# -- the week list ----------------------------------------------------------------------------


async def test_the_week_lists_the_slot_with_its_seats_and_links(app: FastAPI, world: World):
    async with _client(app, world, "adviser_a") as client:
        page = await client.get("/slots")
    assert page.status_code == 200
    assert "Atelier CV" in page.text
    assert "1 / 10" in page.text
    assert "Site A" in page.text
    assert f'href="/slots/{world.slot_a.id}/roster"' in page.text
    assert f'href="/slots/{world.slot_a.id}/edit"' in page.text
    assert 'href="/slots/new?kind=food_parcel"' in page.text
    assert "/static/slots.css" in page.text


async def test_other_weeks_and_filters_are_kept_in_the_links(
    app: FastAPI, world: World, database: Database, clock: ManualClock
):
    async with database.transaction() as session:
        for n in range(30):  # more than one page, in week 49
            await make_slot(
                session, clock.now(), SlotKind.FOOD_PARCEL,
                starts_in=timedelta(days=8, hours=n % 5),
                site_id=world.site_a.id, title=f"Colis {n:02d}",
            )  # fmt: skip
    async with _client(app, world, "admin") as client:
        this_week = await client.get("/slots?kind=food_parcel")
        assert "Atelier CV" not in this_week.text  # a workshop, filtered out
        assert "/slots?week=2026-W49&amp;kind=food_parcel" in this_week.text
        next_week = await client.get("/slots?week=2026-W49&kind=food_parcel")
        assert len(re.findall(r"<td data-label=\"Titre\">Colis \d\d</td>", next_week.text)) == 25
        assert "/slots?week=2026-W49&amp;kind=food_parcel&amp;page=2" in next_week.text
        assert "/slots?week=2026-W48&amp;kind=food_parcel" in next_week.text  # this week
        second = await client.get("/slots?week=2026-W49&kind=food_parcel&page=2")
        assert len(re.findall(r"<td data-label=\"Titre\">Colis \d\d</td>", second.text)) == 5
        workshops = await client.get("/slots?week=2026-W49&kind=workshop")
        assert "Colis 00" not in workshops.text
        english = await client.get(f"/slots?week={WEEK}&lang=en")
        assert "Atelier CV" in english.text
        assert 'lang="en"' in english.text


async def test_an_adviser_sees_only_their_sites_and_a_coordinator_only_reads(
    app: FastAPI, world: World
):
    async with _client(app, world, "adviser_b") as client:
        page = await client.get("/slots")
        assert "Atelier CV" not in page.text
        assert (await client.get(f"/slots/{world.slot_a.id}/edit")).status_code == 403
        moved = await _post(client, f"/slots/{world.slot_a.id}", _slot_form(world, title="Pris"))
        assert moved.status_code == 403
        cancelled = await _post(client, f"/slots/{world.slot_a.id}/cancel", {"confirmed": "1"})
        assert cancelled.status_code == 403
        elsewhere = await _post(client, "/slots", _slot_form(world))
        assert elsewhere.status_code == 400  # site A is not among the choices
        assert "Choisis un site parmi les tiens." in elsewhere.text
    async with _client(app, world, "coordinator") as client:
        page = await client.get("/slots")
        assert "Atelier CV" in page.text
        assert "/edit" not in page.text
        assert "/slots/new" not in page.text
        created = await _post(client, "/slots", _slot_form(world))
        assert created.status_code == 403
        edited = await _post(client, f"/slots/{world.slot_a.id}", _slot_form(world, title="Pris"))
        assert edited.status_code == 403
    slot_titles = [slot.title for slot in await _slots(app.state.panel.database)]
    assert slot_titles == ["Atelier CV"]


async def test_titles_are_escaped(app: FastAPI, world: World, database: Database):
    async with _client(app, world, "admin") as client:
        created = await _post(
            client, "/slots", _slot_form(world, title="<script>alert(1)</script>")
        )
        assert created.status_code == 303
        page = await client.get(created.headers["location"])
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


# -- creating and editing ---------------------------------------------------------------------


async def test_a_form_with_errors_keeps_the_values_then_creates(
    app: FastAPI, world: World, database: Database
):
    async with _client(app, world, "adviser_a") as client:
        form = await client.get("/slots/new?kind=appointment")
        assert 'value="1"' in form.text  # an appointment has one seat
        bad = _slot_form(
            world, title="Atelier à corriger", capacity="beaucoup", ends_at="2026-11-26T13:00"
        )
        refused = await _post(client, "/slots", bad)
        assert refused.status_code == 400
        assert "Le nombre de places doit être un nombre entier positif." in refused.text
        assert "La fin doit être après le début." in refused.text
        assert 'value="Atelier à corriger"' in refused.text
        assert 'value="beaucoup"' in refused.text
        assert await _slots(database, title="Atelier à corriger") == []
        created = await _post(client, "/slots", _slot_form(world, title="Atelier à corriger"))
        assert created.status_code == 303
        assert created.headers["location"] == f"/slots?week={WEEK}&done=created"
        listed = await client.get(created.headers["location"])
        assert "Créneau publié : les jeunes peuvent le réserver dans le bot." in listed.text
    (slot,) = await _slots(database, title="Atelier à corriger")
    assert (slot.capacity, slot.site_id, slot.address) == (
        12,
        world.site_a.id,
        world.site_a.address,
    )
    async with database.reading() as session:
        audit = await session.scalars(
            select(AuditEntry).where(col(AuditEntry.action) == "slot.create")
        )
        assert len(audit.all()) == 1


async def test_an_edit_that_keeps_the_time_needs_no_confirmation(
    app: FastAPI, world: World, database: Database
):
    async with _client(app, world, "adviser_a") as client:
        page = await client.get(f"/slots/{world.slot_a.id}/edit")
        assert 'value="Atelier CV"' in page.text
        form = _form_of(page.text, f"/slots/{world.slot_a.id}")
        form.update(title="Atelier CV et lettre", capacity="15")
        saved = await _post(client, f"/slots/{world.slot_a.id}", form)
        assert saved.status_code == 303
    slot = await _slot(database, world.slot_a.id)
    assert (slot.title, slot.capacity) == ("Atelier CV et lettre", 15)
    assert await _notices(database, OutboxKind.SLOT_MOVED) == []


async def test_moving_a_booked_slot_asks_a_message_then_tells_the_youth(
    app: FastAPI, world: World, database: Database
):
    async with _client(app, world, "adviser_a") as client:
        form = _form_of(
            (await client.get(f"/slots/{world.slot_a.id}/edit")).text, f"/slots/{world.slot_a.id}"
        )
        form.update(starts_at="2026-11-27T10:00", ends_at="2026-11-27T12:00")
        asked = await _post(client, f"/slots/{world.slot_a.id}", form)
        assert asked.status_code == 200
        assert "1 jeune sera prévenu·e" in asked.text
        assert (await _slot(database, world.slot_a.id)).starts_at == world.slot_a.starts_at
        confirm = _form_of(asked.text, f"/slots/{world.slot_a.id}")
        assert confirm["confirmed"] == "1"
        assert confirm["starts_at"] == "2026-11-27T10:00"
        without_message = await _post(client, f"/slots/{world.slot_a.id}", confirm)
        assert without_message.status_code == 400
        assert "Écris le message qui sera envoyé aux jeunes." in without_message.text
        confirm["message"] = "La salle est prise jeudi, on se voit vendredi."
        done = await _post(client, f"/slots/{world.slot_a.id}", confirm)
        assert done.status_code == 303
    slot = await _slot(database, world.slot_a.id)
    assert slot.starts_at.isoformat() == "2026-11-27T09:00:00+00:00"
    (notice,) = await _notices(database, OutboxKind.SLOT_MOVED)
    assert notice.youth_id == world.youth_a.id
    assert "vendredi" in str(notice.payload)


async def test_cancelling_asks_confirmation_and_the_message(
    app: FastAPI, world: World, database: Database
):
    async with _client(app, world, "admin") as client:
        asked = await _post(client, f"/slots/{world.slot_a.id}/cancel", {})
        assert asked.status_code == 200
        assert "1 jeune sera prévenu·e" in asked.text
        refused = await _post(client, f"/slots/{world.slot_a.id}/cancel", {"confirmed": "1"})
        assert refused.status_code == 400
        assert (await _slot(database, world.slot_a.id)).status == SlotStatus.SCHEDULED
        message = {"confirmed": "1", "message": "La conseillère est malade, désolée."}
        done = await _post(client, f"/slots/{world.slot_a.id}/cancel", message)
        assert done.status_code == 303
        page = await client.get(done.headers["location"])
    assert "Annulé" in page.text
    assert "Les jeunes inscrits ou en liste d’attente sont prévenus sur Telegram." in page.text
    assert (await _slot(database, world.slot_a.id)).status == SlotStatus.CANCELLED
    (notice,) = await _notices(database, OutboxKind.SLOT_CANCELLED)
    assert notice.youth_id == world.youth_a.id


# -- series -----------------------------------------------------------------------------------


def _series_form(world: World) -> dict[str, str]:
    return _slot_form(
        world,
        kind="food_parcel",
        title="Colis Linkee",
        partner_id=str(world.partner.id),
        starts_at="2026-11-26T14:00",
        ends_at="2026-11-26T16:00",
        capacity="40",
        weeks="8",
    )


async def test_a_series_of_eight_weeks_creates_eight_slots(
    app: FastAPI, world: World, database: Database
):
    async with _client(app, world, "adviser_a") as client:
        assert (await client.get("/slots/series/new")).status_code == 200
        bad = await _post(client, "/slots/series", {**_series_form(world), "weeks": "60"})
        assert bad.status_code == 400
        assert "Le nombre de semaines est un nombre entier entre 1 et 52." in bad.text
        created = await _post(client, "/slots/series", _series_form(world))
        assert created.status_code == 303
        page = await client.get("/slots?week=2027-W02")
    slots = await _slots(database, title="Colis Linkee")
    assert len(slots) == 8
    assert len({slot.series_id for slot in slots}) == 1
    assert slots[-1].starts_at.date().isoformat() == "2027-01-14"
    assert "Colis Linkee" in page.text
    assert "0 / 40" in page.text


async def test_editing_this_one_and_the_following(app: FastAPI, world: World, database: Database):
    async with _client(app, world, "admin") as client:
        await _post(client, "/slots/series", _series_form(world))
        slots = await _slots(database, title="Colis Linkee")
        third = slots[2]
        page = await client.get(f"/slots/{third.id}/edit")
        assert "Modifier celui-ci et les suivants" in page.text
        form = _form_of(page.text, f"/slots/{third.id}")
        form.update(scope="following", title="Colis Linkee (nouvel horaire)")
        form.update(starts_at="2026-12-10T15:00", ends_at="2026-12-10T17:00")
        saved = await _post(client, f"/slots/{third.id}", form)
        assert saved.status_code == 303  # nobody booked: nobody to tell, no confirmation
    after = await _slots(database, series_id=third.series_id)
    assert [slot.title for slot in after[:2]] == ["Colis Linkee"] * 2
    assert {slot.title for slot in after[2:]} == {"Colis Linkee (nouvel horaire)"}
    assert {slot.starts_at.hour for slot in after[2:]} == {14}  # 15:00 in Paris, winter
    assert {slot.starts_at.hour for slot in after[:2]} == {13}


async def test_cancelling_the_following_occurrences(
    app: FastAPI, world: World, database: Database, clock: ManualClock
):
    async with _client(app, world, "admin") as client:
        await _post(client, "/slots/series", _series_form(world))
        slots = await _slots(database, title="Colis Linkee")
        async with database.transaction() as session:
            youth = await make_youth(session, clock.now(), site_id=world.site_a.id)
            for slot in slots[5:]:
                await make_booking(session, clock.now(), youth, slot)
        asked = await _post(client, f"/slots/{slots[4].id}/cancel", {"scope": "following"})
        assert "3 jeunes seront prévenu·es" in asked.text  # one youth, three bookings
        confirm = _form_of(asked.text, f"/slots/{slots[4].id}/cancel") | {
            "message": "Linkee arrête en janvier."
        }
        assert (await _post(client, f"/slots/{slots[4].id}/cancel", confirm)).status_code == 303
    statuses = [slot.status for slot in await _slots(database, title="Colis Linkee")]
    assert statuses == [SlotStatus.SCHEDULED] * 4 + [SlotStatus.CANCELLED] * 4
    pending = [
        n for n in await _notices(database, OutboxKind.SLOT_CANCELLED) if n.status == "pending"
    ]
    assert len(pending) == 1  # told once, about the first


# -- import -----------------------------------------------------------------------------------

HEADER = "kind,title,partner,site,starts_at,ends_at,capacity,modality,description\n"


async def test_importing_a_good_file(app: FastAPI, world: World, database: Database):
    site = world.site_a.code
    text = (
        HEADER
        + f"workshop,Atelier budget,,{site},2026-12-01 10:00,2026-12-01 12:00,8,on_site,Budget\n"
        + f'food_parcel,Colis,,{site},2026-12-02 14:00,2026-12-02 16:00,40,,"Deux sacs, merci"\n'
    )
    async with _client(app, world, "adviser_a") as client:
        page = await client.get("/slots/import")
        assert "starts_at" in page.text
        example = await client.get("/slots/import/example.csv")
        assert example.status_code == 200
        assert example.text.startswith("kind,title,partner,site")
        assert "attachment" in example.headers["content-disposition"]
        done = await _post(client, "/slots/import", {}, files={"file": ("s.csv", text.encode())})
    assert done.status_code == 200
    assert "2 créneaux créés." in done.text
    assert len(await _slots(database)) == 3


async def test_importing_a_bad_file_shows_each_line_and_imports_nothing(
    app: FastAPI, world: World, database: Database
):
    site = world.site_a.code
    text = (
        HEADER
        + f"workshop,Atelier budget,,{site},2026-12-01 10:00,2026-12-01 12:00,8,on_site,\n"
        + f"concert,Fête,,{site},2026-12-01 10:00,2026-12-01 12:00,8,on_site,\n"
        + f"workshop,Atelier,,{world.site_b.code},2026-12-01 10:00,2026-12-01 12:00,8,on_site,\n"
        + f"workshop,<script>x</script>,,{site},demain,2026-12-01 12:00,8,on_site,\n"
    )
    async with _client(app, world, "adviser_a") as client:
        done = await _post(client, "/slots/import", {}, files={"file": ("s.csv", text.encode())})
        nothing = await _post(client, "/slots/import", {})
    assert done.status_code == 400
    assert "Rien n’a été importé" in done.text
    assert "<td>3</td>" in done.text
    assert "Type inconnu « concert »" in done.text
    assert "<td>4</td>" in done.text
    assert "n’est pas un des tiens" in done.text
    assert "<td>5</td>" in done.text
    assert "<td>2</td>" not in done.text  # the good row is not listed
    assert "<script>x</script>" not in done.text
    assert nothing.status_code == 400
    assert "Choisis un fichier CSV." in nothing.text
    assert [slot.title for slot in await _slots(database)] == ["Atelier CV"]


# -- helpers ----------------------------------------------------------------------------------


def _form_of(page: str, action: str) -> dict[str, str]:
    """The values of the page's form posting to `action` but the CSRF token, as a browser
    would post them."""
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name[1] == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind[1] in ("checkbox", "radio") and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name[1]] = html.unescape(value[1]) if value else "on"
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = html.unescape(body)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = html.unescape(chosen[1]) if chosen else ""
    return values


async def test_a_slot_is_tagged_with_one_of_the_topics_the_bot_offers(
    app: FastAPI, world: World, database: Database
):
    assert set(TOPIC_LABELS) == set(SLOT_TOPICS)
    async with _client(app, world, "adviser_a") as client:
        form = await client.get("/slots/new?kind=workshop")
        assert '<option value="cv">📄 CV et entretien</option>' in form.text
        refused = await _post(client, "/slots", _slot_form(world, title="Thème libre", topic="CV"))
        assert refused.status_code == 400
        assert "Choisis un thème dans la liste, ou aucun." in refused.text
        created = await _post(client, "/slots", _slot_form(world, title="Thème cv", topic="cv"))
        assert created.status_code == 303
    assert await _slots(database, title="Thème libre") == []
    (slot,) = await _slots(database, title="Thème cv")
    assert slot.topic == "cv"
