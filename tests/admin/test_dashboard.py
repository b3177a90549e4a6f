"""The coordinators' dashboard page: exact figures on a small world, filters, CSV, charts."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page

from core.attendance import mark_attendance
from core.clock import ManualClock
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    SlotKind,
)
from tests.admin.conftest import World
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.staff import log_in

BLOCKED = "Forbidden: bot was blocked by the user"
NBSP = "\xa0"


@dataclass
class Activity:
    unmarked: Booking


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
async def activity(database: Database, clock: ManualClock, world: World) -> Activity:
    """Last week (from Monday 16 November 2026): a workshop at site A with three seats taken
    (one present, one no-show, one not marked), a food parcel at site B; reminders sent,
    failed and skipped; one satisfaction answer; two youths from two campaigns."""
    now = clock.now()
    long_ago = now - timedelta(days=400)
    async with database.transaction() as session:

        async def booking(
            slot_id: int,
            status: BookingStatus,
            *reminders: tuple[OutboxStatus, str | None],
            **values: object,
        ) -> Booking:
            youth = await make_youth(session, now, created_at=long_ago)
            made = await make_booking(session, now, youth, slot_id, status, **values)
            for reminder_status, error in reminders:
                session.add(
                    Reminder(
                        kind=OutboxKind.REMINDER, booking_id=made.id, status=reminder_status,
                        due_at=utc("2026-11-16T14:00"), last_error=error, created_at=now,
                    )
                )  # fmt: skip
            return made

        workshop = await make_slot(
            session, now, site_id=world.site_a.id, starts_at=utc("2026-11-17T14:00"), capacity=4
        )
        parcels = await make_slot(
            session, now, SlotKind.FOOD_PARCEL, site_id=world.site_b.id,
            starts_at=utc("2026-11-19T10:00"), capacity=20,
        )  # fmt: skip
        assert workshop.id is not None
        assert parcels.id is not None
        marked = {"attendance_marked_at": now}
        await booking(
            workshop.id, BookingStatus.ATTENDED, (OutboxStatus.SENT, None),
            confirmation=Confirmation.COMING, **marked,
        )  # fmt: skip
        await booking(workshop.id, BookingStatus.NO_SHOW, (OutboxStatus.SENT, None), **marked)
        unmarked = await booking(workshop.id, BookingStatus.BOOKED, (OutboxStatus.FAILED, BLOCKED))
        await booking(parcels.id, BookingStatus.BOOKED, (OutboxStatus.SKIPPED, None))
        session.add(
            SatisfactionAnswer(
                site_id=world.site_a.id, slot_kind=SlotKind.WORKSHOP, score=4,
                answered_at=utc("2026-11-18T09:00"),
            )
        )  # fmt: skip
        await make_youth(
            session, now, site_id=world.site_a.id, origin="affiche-metro",
            created_at=utc("2026-11-18T10:00"),
        )  # fmt: skip
        await make_youth(
            session, now, site_id=world.site_b.id, origin="<script>salon</script>",
            created_at=utc("2026-11-20T10:00"),
        )  # fmt: skip
    return Activity(unmarked)


def cells(page: str, table_class: str) -> list[list[str]]:
    """The rows of the first table with that class, each cell's text without tags."""
    start = page.index(f'<table class="{table_class}"')
    body = page[start : page.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in rows
    ]


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


async def coordinator(client: httpx.AsyncClient, world: World) -> httpx.AsyncClient:
    assert (await log_in(client, world.email("coordinator"))).status_code == 303
    return client


async def test_the_last_eight_weeks_by_site_and_kind_with_rates_as_fractions(
    client: httpx.AsyncClient, world: World, activity: Activity
) -> None:
    await coordinator(client, world)
    response = await client.get("/dashboard")
    assert response.status_code == 200
    page = response.text
    # Monday 23 November 2026: from Monday 5 October, eight weeks.
    assert 'value="2026-10-05"' in page
    assert 'value="2026-11-23"' in page
    assert cells(page, "activity")[1:] == [
        ["lun. 16 nov.", "Site A", "Atelier", "1", f"3/4 (75{NBSP}%)", f"1/2 (50{NBSP}%)",
         f"1/2 (50{NBSP}%)", f"1/2 (50{NBSP}%)", "2", "1", "0", "4,0 (1 réponse)"],
        ["lun. 16 nov.", "Site B", "Colis alimentaire", "1", f"1/20 (5{NBSP}%)", "0/0 (—)",
         "0/0 (—)", "0/0 (—)", "0", "0", "1", "—"],
        # The world's workshop, later this week, with its one youth booked.
        ["lun. 23 nov.", "Site A", "Atelier", "1", f"1/10 (10{NBSP}%)", "0/0 (—)", "0/0 (—)",
         "0/0 (—)", "0", "0", "0", "—"],
    ]  # fmt: skip
    # The failures with their reason; the origins, a youth's campaign escaped.
    assert BLOCKED in page
    assert "affiche-metro" in page
    assert "&lt;script&gt;salon&lt;/script&gt;" in page
    assert "<script>salon" not in page
    # Every chart: an SVG image with a title, and its figures in a table beside it.
    assert page.count('role="img"') == 4
    assert 'aria-label="Taux d’absence par semaine"' in page
    assert page.count('<table class="beside">') == 4
    absence = page.index('aria-label="Taux d’absence par semaine"')
    beside = cells(page[absence:], "beside")
    assert beside[0] == ["Semaine du", "Taux"]
    assert beside[-2:] == [["lun. 16 nov.", f"1/2 (50{NBSP}%)"], ["lun. 23 nov.", "0/0 (—)"]]
    assert len(beside) == 1 + 8
    assert "<rect" in page
    assert "style=" not in page


async def test_in_english_rates_follow_the_locale(
    client: httpx.AsyncClient, world: World, activity: Activity
) -> None:
    await coordinator(client, world)
    page = (await client.get("/dashboard?lang=en")).text
    assert "3/4 (75%)" in page
    assert '<label for="from">From</label>' in page
    assert 'aria-label="No-show rate per week"' in page
    assert "Mon 16 Nov" in page


async def test_filters_narrow_to_a_site_a_kind_and_a_range(
    client: httpx.AsyncClient, world: World, activity: Activity
) -> None:
    await coordinator(client, world)
    by_site = (await client.get(f"/dashboard?site={world.site_b.id}")).text
    assert [row[1:3] for row in cells(by_site, "activity")[1:]] == [["Site B", "Colis alimentaire"]]
    assert BLOCKED not in by_site
    assert "affiche-metro" not in by_site
    by_kind = (await client.get("/dashboard?kind=workshop&from=2026-11-16&to=2026-11-22")).text
    assert [row[:3] for row in cells(by_kind, "activity")[1:]] == [
        ["lun. 16 nov.", "Site A", "Atelier"]
    ]
    # The CSV links carry the same filters.
    assert (
        'href="/dashboard/activity.csv?from=2026-11-16&amp;to=2026-11-22&amp;kind=workshop"'
        in by_kind
    )


async def test_bad_filters_are_shown_next_to_their_field_and_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    await coordinator(client, world)
    response = await client.get("/dashboard?from=2026-11-30&to=2026-11-01&kind=picnic&site=x")
    assert response.status_code == 400
    page = response.text
    assert 'id="to-error"' in page
    assert "La fin de la période doit suivre son début." in page
    assert 'id="kind-error"' in page
    assert 'id="site-error"' in page
    assert 'value="2026-11-30"' in page
    typo = await client.get("/dashboard?from=23/11/2026")
    assert typo.status_code == 400
    assert 'id="from-error"' in typo.text
    assert 'value="23/11/2026"' in typo.text
    assert (await client.get("/dashboard/activity.csv?from=oops")).status_code == 400


async def test_every_table_as_csv_with_the_same_filters(
    client: httpx.AsyncClient, world: World, activity: Activity
) -> None:
    await coordinator(client, world)
    query = "from=2026-11-16&to=2026-11-29"
    weeks = csv_rows(await client.get(f"/dashboard/weeks.csv?{query}"))
    assert weeks[0][:3] == ["Semaine", "Lundi", "Créneaux publiés"]
    assert [row[:2] for row in weeks[1:]] == [
        ["2026-W47", "16/11/2026"],
        ["2026-W48", "23/11/2026"],
    ]
    # W47: two slots, 4 of 24 seats, 1 confirmed of 2 reminded;
    # reminders 2 sent, 1 failed, 1 skipped; one satisfaction answer of 4.
    assert weeks[1][2:9] == ["2", "0", "24", "4", "24", "0,167", "1"]
    assert weeks[1][-5:] == ["2", "1", "1", "1", "4,000"]
    activity_rows = csv_rows(
        await client.get(f"/dashboard/activity.csv?{query}&site={world.site_a.id}")
    )
    assert [row[2] for row in activity_rows[1:]] == ["Site A", "Site A"]
    failures = csv_rows(await client.get(f"/dashboard/failures.csv?{query}"))
    assert failures[1:] == [["Site A", "Atelier", BLOCKED, "1", "16/11/2026 15:00"]]
    response = await client.get(f"/dashboard/origins.csv?{query}")
    assert (
        'filename="passerelle-origines-2026-11-16-2026-11-29.csv"'
        in response.headers["content-disposition"]
    )
    assert csv_rows(response)[1:] == [
        ["2026-W47", "16/11/2026", "Site A", "affiche-metro", "1"],
        ["2026-W47", "16/11/2026", "Site B", "<script>salon</script>", "1"],
        ["2026-W48", "23/11/2026", "Site A", "Sans campagne", "1"],
    ]


@pytest.mark.parametrize("role", ["adviser_a", "adviser_b"])
async def test_advisers_are_refused(client: httpx.AsyncClient, world: World, role: str) -> None:
    await log_in(client, world.email(role))
    assert (await client.get("/dashboard")).status_code == 403
    assert (await client.get("/dashboard/activity.csv")).status_code == 403
    home = (await client.get("/")).text
    assert 'href="/dashboard"' not in home


async def test_in_chromium_a_no_show_moves_the_rate(
    admin_page: Page,
    panel_url: str,
    world: World,
    activity: Activity,
    database: Database,
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    await admin_page.goto(f"{panel_url}/dashboard")
    await admin_page.get_by_role("heading", name="Taux d’absence par semaine").is_visible()
    chart = admin_page.get_by_role("img", name="Taux d’absence par semaine")
    assert await chart.is_visible()
    box = await chart.bounding_box()
    assert box is not None
    assert box["width"] > 200
    screenshot = tmp_path / "dashboard.png"
    await admin_page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 1000
    table = admin_page.get_by_role("table", name="Taux d’absence par semaine")
    last_week = table.get_by_role("row", name="lun. 16 nov.")
    assert f"1/2 (50{NBSP}%)" in await last_week.inner_text()

    admin_id = world.staff["admin"].id
    assert admin_id is not None
    assert activity.unmarked.id is not None
    async with database.transaction() as session:
        await mark_attendance(
            session, activity.unmarked.id, BookingStatus.NO_SHOW, clock.now(), admin_id
        )
    await admin_page.reload()
    assert f"2/3 (67{NBSP}%)" in await last_week.inner_text()
    await chart.screenshot(path=str(tmp_path / "no-show-chart.png"))
    await admin_page.set_viewport_size({"width": 1280, "height": 900})
    await admin_page.screenshot(path=str(tmp_path / "dashboard-wide.png"), full_page=True)


async def test_a_long_table_pages_and_keeps_the_filters(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        # 18 weeks x 3 kinds before the world's own workshop: 55 rows with it.
        for week in range(1, 19):
            for kind in SlotKind:
                starts = now - timedelta(weeks=week)
                await make_slot(session, now, kind, site_id=world.site_a.id, starts_at=starts)
    await coordinator(client, world)
    query = "from=2026-07-01&to=2026-11-29&origins_page=1"
    first = (await client.get(f"/dashboard?{query}")).text
    assert len(cells(first, "activity")) == 1 + 50
    assert "Page 1 sur 2" in first
    next_link = (
        'href="/dashboard?from=2026-07-01&amp;to=2026-11-29&amp;origins_page=1&amp;page=2'
        '#activity-title"'
    )
    assert next_link in first
    second = (await client.get(f"/dashboard?{query}&page=2")).text
    rows = cells(second, "activity")[1:]
    assert len(rows) == 5
    assert rows[-1][:3] == ["lun. 23 nov.", "Site A", "Atelier"]
    # A page past the end shows the last one.
    assert cells((await client.get(f"/dashboard?{query}&page=9")).text, "activity")[1:] == rows
