"""Importing slots from CSV: the example, Excel's habits, every bad row, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, func, select

from core.clock import ManualClock
from core.config import PROJECT_ROOT, Settings
from core.db import Database
from core.demo import seed_demo
from core.models import (
    AuditEntry,
    Modality,
    Partner,
    Site,
    Slot,
    SlotKind,
    StaffRole,
    StaffSite,
    StaffUser,
)
from core.slot_import import MAX_ROWS, ImportReport, import_slots

EXAMPLE = PROJECT_ROOT / "docs" / "slot-import-example.csv"
HEADER = "kind,title,partner,site,starts_at,ends_at,capacity,modality,description"
GOOD = "workshop,Atelier CV,,paris-nord,2026-12-07 14:00,2026-12-07 16:00,10,on_site,"


async def _import(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    text: str,
    by_staff_id: int | None = None,
) -> ImportReport:
    async with database.transaction() as session:
        return await import_slots(
            session, text, now=clock.now(), settings=settings, by_staff_id=by_staff_id
        )


async def _count(database: Database) -> int:
    async with database.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Slot)) or 0)


async def test_the_documented_example_imports(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    before = await _count(database)

    report = await _import(database, clock, settings, EXAMPLE.read_text(encoding="utf-8"))

    assert (report.created, report.errors) == (3, [])
    assert await _count(database) == before + 3
    async with database.reading() as session:
        linkee = await session.scalar(select(Partner).where(col(Partner.code) == "linkee"))
        est = await session.scalar(select(Site).where(col(Site.code) == "paris-est"))
        assert linkee is not None
        assert est is not None
        pickup = await session.scalar(
            select(Slot).where(
                col(Slot.partner_id) == linkee.id,
                col(Slot.starts_at) == datetime(2027, 1, 7, 13, 0, tzinfo=UTC),
            )
        )
        appointment = await session.scalar(
            select(Slot).where(
                col(Slot.title) == "Rendez-vous Emmaüs Connect",
                col(Slot.starts_at) == datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
            )
        )
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert pickup is not None
    assert (pickup.kind, pickup.capacity, pickup.site_id) == (SlotKind.FOOD_PARCEL, 40, est.id)
    assert pickup.address == est.address
    assert pickup.latitude == est.latitude
    assert pickup.waitlist_enabled
    assert pickup.cancellation_cutoff_minutes == settings.cutoff_minutes_for(SlotKind.FOOD_PARCEL)
    assert appointment is not None
    assert (appointment.modality, appointment.waitlist_enabled) == (Modality.PHONE, False)
    assert actions.count("slot.import") == 1


async def test_a_french_excel_file_with_a_bom_and_semicolons_imports(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    text = (
        "\ufeffKind;Title;Partner;Site;Starts_at;Ends_at;Capacity;Modality;Description\r\n"
        "atelier;Atelier numérique, démarches;mission locale de paris;"
        "MISSION LOCALE — SITE NORD;2026-12-07 10:00;2026-12-07 12:00;8;sur place;"
        '"Sur deux\r\nlignes"\r\n'
        "\r\n"
    )

    report = await _import(database, clock, settings, text)

    assert (report.created, report.errors) == (1, [])


def _reasons(report: ImportReport) -> list[tuple[int, str]]:
    return [(error.line, error.reason.plural or error.reason.msgid) for error in report.errors]


async def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    await _import(database, clock, settings, f"{HEADER}\n{GOOD}\n")
    before = await _count(database)
    rows = [
        GOOD.replace("Atelier CV", "Atelier CV bis"),  # 2: fine
        GOOD.replace("workshop", "party"),  # 3
        GOOD.replace("paris-nord", "paris-lune"),  # 4
        GOOD.replace(",,", ",Banque de France,"),  # 5
        GOOD.replace("2026-12-07 14:00", "07/12/2026 14h"),  # 6
        GOOD.replace("2026-12-07 16:00", "2026-12-07 13:00"),  # 7
        GOOD.replace(",10,", ",0,"),  # 8
        GOOD.replace(",10,", ",dix,"),  # 9
        GOOD.replace("on_site", "visio"),  # 10
        GOOD.replace("Atelier CV", ""),  # 11
        GOOD.replace("Atelier CV", "x" * 201),  # 12
        GOOD,  # 13: already published
        GOOD.replace("Atelier CV", "Atelier CV bis"),  # 14: repeats line 2
        GOOD.replace("2026-12-07 14:00", "2026-11-20 14:00"),  # 15: in the past
        "workshop,Atelier,,paris-nord",  # 16: too few columns
        GOOD.replace("workshop", "appointment"),  # 17: an appointment has one seat
        GOOD.replace("2026-12-07 14:00", "2027-03-28 02:30"),  # 18: skipped by summer time
        GOOD.replace(",on_site,", f",on_site,{'x' * 4001}"),  # 19
    ]

    report = await _import(database, clock, settings, "\n".join([HEADER, *rows]))

    assert report.created == 0
    assert await _count(database) == before
    reasons = _reasons(report)
    assert [line for line, _ in reasons] == list(range(3, 20))
    expected = {
        3: "Type inconnu",
        4: "Site inconnu",
        5: "Partenaire inconnu",
        6: "Début : {reason}",
        7: "La fin doit être après le début.",
        8: "Places : {reason}",
        9: "Places : {reason}",
        10: "Modalité inconnue",
        11: "Titre : {reason}",
        12: "Titre : {reason}",
        13: "existe déjà",
        14: "répète la ligne",
        15: "Le début est déjà passé.",
        16: "colonnes au lieu de",
        17: "Places : {reason}",
        18: "Début : {reason}",
        19: "Description : {reason}",
    }
    for line, reason in reasons:
        assert expected[line] in reason, (line, reason)
    by_line = {error.line: error.reason for error in report.errors}
    assert by_line[14].args["line"] == 2
    assert "heure d’été" in str(by_line[18].args["reason"])


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "aucun créneau"),
        (f"{HEADER}\n", 2, "aucun créneau"),
        ("kind,title,site\n" + GOOD, 1, "L’en-tête doit être"),
        (f"{HEADER},room\n{GOOD},12", 1, "L’en-tête doit être"),
        (f'{HEADER}\n{GOOD}\nworkshop,"Atelier', 3, "guillemets"),
    ],
)
async def test_a_file_of_the_wrong_shape_is_refused(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    text: str,
    line: int,
    reason: str,
) -> None:
    await seed_demo(database, clock, settings)
    before = await _count(database)

    report = await _import(database, clock, settings, text)

    assert report.created == 0
    assert [error.line for error in report.errors] == [line]
    assert reason in report.errors[0].reason.msgid
    assert await _count(database) == before


async def test_more_rows_than_the_cap_are_refused(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    rows = [
        GOOD.replace("Atelier CV", f"Atelier {n}").replace(",paris-nord,", ",paris-sud,")
        for n in range(MAX_ROWS + 1)
    ]

    report = await _import(database, clock, settings, "\n".join([HEADER, *rows]))

    assert report.created == 0
    assert [error.line for error in report.errors] == [MAX_ROWS + 2]
    assert report.errors[0].reason.n == MAX_ROWS


async def test_an_adviser_imports_only_for_their_sites(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    async with database.transaction() as session:
        sud = await session.scalar(select(Site).where(col(Site.code) == "paris-sud"))
        assert sud is not None
        staff = StaffUser(
            email="sud@ml.fr", password_hash="x", role=StaffRole.ADVISER, created_at=clock.now()
        )
        session.add(staff)
        await session.flush()
        assert staff.id is not None
        assert sud.id is not None
        session.add(StaffSite(staff_id=staff.id, site_id=sud.id))
    mine = GOOD.replace("paris-nord", "paris-sud")

    refused = await _import(database, clock, settings, f"{HEADER}\n{mine}\n{GOOD}", staff.id)
    accepted = await _import(database, clock, settings, f"{HEADER}\n{mine}", staff.id)

    assert _reasons(refused) == [(3, "Le site « {value} » n’est pas un des tiens.")]
    assert (accepted.created, accepted.errors) == (1, [])
    async with database.reading() as session:
        entry = await session.scalar(
            select(AuditEntry).where(col(AuditEntry.action) == "slot.import")
        )
    assert entry is not None
    assert (entry.staff_id, entry.actor) == (staff.id, "sud@ml.fr")
