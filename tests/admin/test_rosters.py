"""The roster pages: who booked a slot, marking attendance, the sign-in sheet, the exports,
and the slots whose attendance is still to complete."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    Youth,
)
from tests.admin.conftest import World
from tests.conftest import PARIS
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.staff import csrf_of, log_in

H = timedelta(hours=1)


async def _started_slot(
    database: Database, clock: ManualClock, world: World, names: tuple[str, ...], **values: object
) -> tuple[Slot, list[Booking]]:
    """A slot of site A that began an hour ago, with one seat per name."""
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, starts_at=now - H, site_id=world.site_a.id, **values)
        bookings = []
        for name in names:
            youth = await make_youth(session, now, display_name=name, site_id=world.site_a.id)
            bookings.append(await make_booking(session, now - 24 * H, youth, slot))
    return slot, bookings


async def _status(database: Database, booking: Booking) -> BookingStatus:
    async with database.reading() as session:
        row = await session.get(Booking, booking.id)
        assert row is not None
        return row.status


async def _post(client: httpx.AsyncClient, slot: Slot, path: str, **data: object) -> httpx.Response:
    page = await client.get(f"/slots/{slot.id}/roster")
    return await client.post(
        f"/slots/{slot.id}/{path}", data={"csrf_token": csrf_of(page.text), **data}
    )


async def test_the_roster_shows_each_youths_booking_confirmation_and_reminder(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(
            session, now, starts_in=30 * H, capacity=2, site_id=world.site_a.id,
            title="Atelier entretien", place_name="Salle 2",
        )  # fmt: skip
        amina = await make_youth(session, now, display_name="Amina", username="amina75")
        bilal = await make_youth(session, now, display_name="Bilal")
        chloe = await make_youth(session, now, display_name="Chloé")
        eve = await make_youth(session, now, display_name="Ève")
        coming = await make_booking(
            session, now, amina, slot, confirmation=Confirmation.COMING,
            interpreter_language="ar", note="Vient avec sa sœur",
        )  # fmt: skip
        silent = await make_booking(session, now, bilal, slot)
        await make_booking(session, now, chloe, slot, BookingStatus.WAITLISTED)
        await make_booking(
            session, now, eve, slot, BookingStatus.EXCUSED, confirmation=Confirmation.DECLINED
        )
        session.add_all(
            [
                Reminder(
                    kind=OutboxKind.REMINDER, booking_id=coming.id, due_at=now - H,
                    created_at=now, status=OutboxStatus.SENT, sent_at=now - H,
                ),
                Reminder(
                    kind=OutboxKind.REMINDER, booking_id=silent.id, due_at=now - H,
                    created_at=now, status=OutboxStatus.FAILED, last_error="bot was blocked",
                ),
            ]
        )  # fmt: skip
    await log_in(client, world.email("adviser_a"))

    page = await client.get(f"/slots/{slot.id}/roster")

    assert page.status_code == 200
    html = page.text
    assert "Atelier entretien" in html
    assert "Salle 2" in html
    assert "Places : 2 sur 2" in html
    assert f'<a href="/youths/{amina.id}">Amina</a>' in html
    assert "@amina75" in html
    assert "Confirmé" in html
    assert "Décliné" in html
    assert "Sans réponse" in html
    assert "Interprète : ar" in html
    assert "Vient avec sa sœur" in html
    assert "Envoyé" in html
    assert "Échec" in html
    assert "bot was blocked" in html
    assert "Liste d’attente, rang 1" in html
    assert "Ne vient pas" in html
    # Seats, then the waitlist, then those who said they would not come.
    assert html.index("Amina") < html.index("Bilal") < html.index("Chloé") < html.index("Ève")
    # Before the slot starts: no attendance buttons, a word saying when they come.
    assert "Tous présents" not in html
    assert 'name="status"' not in html
    assert "à partir du début du créneau" in html
    assert "Exporter pour Linkee" not in html
    english = await client.get(f"/slots/{slot.id}/roster?lang=en")
    assert "Declined" in english.text


async def test_an_adviser_marks_each_status_and_a_no_show_queues_its_follow_up(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, (came, excused, absent) = await _started_slot(
        database, clock, world, ("Amina", "Bilal", "Chloé")
    )
    await log_in(client, world.email("adviser_a"))
    page = await client.get(f"/slots/{slot.id}/roster")
    assert "Tous présents" in page.text
    assert page.text.count('name="status" value="no_show"') == 3

    for booking, status in ((came, "attended"), (excused, "excused"), (absent, "no_show")):
        response = await _post(client, slot, "attendance", booking_id=booking.id, status=status)
        assert response.status_code == 303
        assert response.headers["location"].endswith(f"done=marked#booking-{booking.id}")

    assert await _status(database, came) == BookingStatus.ATTENDED
    assert await _status(database, excused) == BookingStatus.EXCUSED
    assert await _status(database, absent) == BookingStatus.NO_SHOW
    async with database.reading() as session:
        follow_ups = (
            await session.scalars(
                select(Reminder).where(col(Reminder.kind) == OutboxKind.NO_SHOW_FOLLOW_UP)
            )
        ).all()
        audited = (
            await session.scalars(select(AuditEntry).where(col(AuditEntry.entity) == "booking"))
        ).all()
    assert [reminder.booking_id for reminder in follow_ups] == [absent.id]
    assert sorted(int(entry.entity_id or 0) for entry in audited) == [
        came.id,
        excused.id,
        absent.id,
    ]
    shown = (await client.get(f"/slots/{slot.id}/roster?done=marked")).text
    assert "Présence enregistrée." in shown
    assert shown.count('aria-pressed="true"') == 3
    for label in ("Présent·e", "Excusé·e", "Absent·e"):
        assert f'<span class="mark">{label}</span>' in shown


async def test_all_present_keeps_marks_already_made(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, (absent, came) = await _started_slot(database, clock, world, ("Amina", "Bilal"))
    await log_in(client, world.email("adviser_a"))
    await _post(client, slot, "attendance", booking_id=absent.id, status="no_show")

    response = await _post(client, slot, "all-present")

    assert response.status_code == 303
    assert await _status(database, absent) == BookingStatus.NO_SHOW
    assert await _status(database, came) == BookingStatus.ATTENDED
    page = await client.get(response.headers["location"])
    assert "1 jeune noté·e présent·e." in page.text


async def test_an_adviser_corrects_a_no_show_and_its_follow_up_is_withdrawn(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, (booking,) = await _started_slot(database, clock, world, ("Amina",))
    await log_in(client, world.email("adviser_a"))
    await _post(client, slot, "attendance", booking_id=booking.id, status="no_show")

    await _post(client, slot, "attendance", booking_id=booking.id, status="attended")

    assert await _status(database, booking) == BookingStatus.ATTENDED
    async with database.reading() as session:
        follow_up = await session.scalar(
            select(Reminder).where(col(Reminder.kind) == OutboxKind.NO_SHOW_FOLLOW_UP)
        )
    assert follow_up is not None
    assert follow_up.status == OutboxStatus.SKIPPED


async def test_marking_before_the_start_is_refused_kindly(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    await log_in(client, world.email("adviser_a"))
    slot = world.slot_a  # starts in two days

    marked = await _post(
        client, slot, "attendance", booking_id=world.booking_a.id, status="attended"
    )
    all_present = await _post(client, slot, "all-present")

    for response in (marked, all_present):
        assert response.status_code == 303
        assert response.headers["location"] == f"/slots/{slot.id}/roster?error=not_started"
    assert await _status(database, world.booking_a) == BookingStatus.BOOKED
    page = await client.get(marked.headers["location"])
    assert "Le créneau n’a pas encore commencé" in page.text


async def test_a_booking_of_another_slot_or_a_coordinator_cannot_be_marked(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, _ = await _started_slot(database, clock, world, ("Amina",))
    other, (elsewhere,) = await _started_slot(database, clock, world, ("Bilal",))
    await log_in(client, world.email("adviser_a"))
    response = await _post(client, slot, "attendance", booking_id=elsewhere.id, status="no_show")
    assert response.headers["location"] == f"/slots/{slot.id}/roster?error=not_markable"
    assert await _status(database, elsewhere) == BookingStatus.BOOKED

    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as coord:
        await log_in(coord, world.email("coordinator"))
        page = await coord.get(f"/slots/{other.id}/roster")
        assert page.status_code == 200
        assert "Bilal" in page.text
        assert 'name="status"' not in page.text
        assert "Tous présents" not in page.text
        refused = await _post(coord, other, "attendance", booking_id=elsewhere.id, status="no_show")
        assert refused.status_code == 403
    assert await _status(database, elsewhere) == BookingStatus.BOOKED


async def test_the_roster_csv(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, (booking,) = await _started_slot(database, clock, world, ("Amina",))
    await log_in(client, world.email("adviser_a"))
    await _post(client, slot, "attendance", booking_id=booking.id, status="no_show")

    response = await client.get(f"/slots/{slot.id}/roster.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    day = slot.starts_at.astimezone(PARIS).strftime("%Y-%m-%d")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="inscrits-creneau-{slot.id}-{day}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Liste", "Nom", "Nom d’utilisateur Telegram"]
    assert rows[1][0] == "Place réservée"
    assert rows[1][1] == "Amina"
    assert rows[1][8] == "Absent·e"
    assert len(rows) == 2


async def test_the_linkee_export_is_for_food_parcel_pickups_only(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    pickup, _ = await _started_slot(
        database, clock, world, ("Zoé", "Amina"), kind=SlotKind.FOOD_PARCEL
    )
    await log_in(client, world.email("adviser_a"))
    assert "Exporter pour Linkee" in (await client.get(f"/slots/{pickup.id}/roster")).text

    response = await client.get(f"/slots/{pickup.id}/linkee.csv")

    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="linkee-')
    assert disposition.endswith(f'-creneau-{pickup.id}.csv"')
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows] == ["Nom", "Amina", "Zoé"]
    assert rows[1][1].count("/") == 2  # the pickup date, dd/mm/yyyy

    workshop = await client.get(f"/slots/{world.slot_a.id}/linkee.csv")
    assert workshop.status_code == 303
    page = await client.get(workshop.headers["location"])
    assert "ne concerne que les retraits de colis alimentaires" in page.text


async def test_to_complete_lists_past_unmarked_slots_until_they_are_marked(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, _ = await _started_slot(database, clock, world, ("Amina", "Bilal"), title="Atelier passé")
    clock.advance(48 * H)
    await log_in(client, world.email("adviser_a"))

    listed = await client.get("/to-complete")

    assert f'<a href="/slots/{slot.id}/roster">Atelier passé</a>' in listed.text
    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as other:
        await log_in(other, world.email("adviser_b"))
        assert "Atelier passé" not in (await other.get("/to-complete")).text
    await _post(client, slot, "all-present")
    after = await client.get("/to-complete")
    assert "Atelier passé" not in after.text
    assert "Toutes les présences sont notées." in after.text


async def test_a_youths_name_is_escaped_on_the_roster_and_the_sign_in_sheet(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, _ = await _started_slot(database, clock, world, ("<script>alert(1)</script>", "Amina"))
    await log_in(client, world.email("adviser_a"))

    for path in ("roster", "sign-in"):
        page = await client.get(f"/slots/{slot.id}/{path}")
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_sign_in_sheet_lists_the_seats_alphabetically_with_a_column_to_sign(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    slot, _ = await _started_slot(database, clock, world, ("Zoé", "Amina"))
    async with database.transaction() as session:
        youth = await make_youth(session, clock.now(), display_name="Waiting Wanda")
        await make_booking(session, clock.now(), youth, slot.id or 0, BookingStatus.WAITLISTED)
    await log_in(client, world.email("coordinator"))

    page = await client.get(f"/slots/{slot.id}/sign-in")

    html = page.text
    assert "Feuille d’émargement" in html
    assert "Signature" in html
    assert html.index("Amina") < html.index("Zoé") < html.index("Waiting Wanda")
    assert slot.starts_at.astimezone(PARIS).strftime("Date : %d/%m/%Y") in html
    assert '<link rel="stylesheet" href="/static/rosters.css">' in html


async def test_youth_rows_are_not_found_for_other_sites(
    client: httpx.AsyncClient, database: Database, world: World
) -> None:
    await log_in(client, world.email("adviser_b"))
    assert (await client.get(f"/slots/{world.slot_a.id}/roster")).status_code == 403
    assert (await client.get("/slots/999999/roster")).status_code == 404
    async with database.reading() as session:
        assert await session.get(Youth, world.youth_a.id) is not None


async def test_to_complete_paginates_oldest_first(
    client: httpx.AsyncClient, database: Database, clock: ManualClock, world: World
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now, display_name="Amina")
        for days in range(30, 2, -1):  # 28 past slots, the oldest 30 days ago
            slot = await make_slot(
                session, now, starts_at=now - days * 24 * H, site_id=world.site_a.id,
                title=f"Atelier J-{days}",
            )  # fmt: skip
            await make_booking(session, now, youth, slot)
    await log_in(client, world.email("adviser_a"))

    first = (await client.get("/to-complete")).text
    second = (await client.get("/to-complete?page=2")).text

    assert first.index("Atelier J-30<") < first.index("Atelier J-29<")
    assert "Page 1 sur 2" in first
    assert "Atelier J-4<" in second
    assert "Atelier J-30<" not in second
