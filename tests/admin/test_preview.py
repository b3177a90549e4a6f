"""The bot preview: staff chat with the real engine as a throwaway youth of their own."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import icalendar
import pytest
from playwright.async_api import Page
from sqlmodel import col, select

from admin.routes.preview_chat import throwaway_user_id
from admin.routes.preview_html import telegram_html
from core.clock import ManualClock
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    ConversationState,
    Reminder,
    Site,
    StaffRole,
    Youth,
)
from flows.engine import DOUBLE_TAP_WINDOW
from tests.admin.conftest import World
from tests.support.staff import csrf_of, log_in, make_staff

_BUTTON = re.compile(r'name="button" value="([^"]+)"')


class Preview:
    """A logged-in client at /preview, posting its forms as a browser would."""

    def __init__(self, client: httpx.AsyncClient, clock: ManualClock) -> None:
        self.client, self.clock, self.page = client, clock, ""

    async def load(self, query: str = "") -> str:
        response = await self.client.get(f"/preview{query}")
        assert response.status_code == 200
        self.page = response.text
        return self.page

    @property
    def buttons(self) -> list[str]:
        return _BUTTON.findall(self.page)

    async def post(self, path: str, **data: str) -> httpx.Response:
        token = csrf_of(self.page or await self.load())
        # Taps far enough apart that the engine never takes one for a double tap.
        self.clock.advance(DOUBLE_TAP_WINDOW + timedelta(seconds=1))
        response = await self.client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 303, response.text
        await self.load()
        return response

    async def send(self, text: str) -> None:
        await self.post("/preview/send", text=text)

    async def tap(self, button_id: str) -> None:
        assert button_id in self.buttons, f"{button_id!r} not shown: {self.buttons}"
        await self.post("/preview/tap", button=button_id)

    async def onboard(self, site: Site, language: str = "fr") -> None:
        await self.post("/preview/start", language=language)
        await self.tap("age:18-25")
        await self.tap("consent:yes")
        await self.tap("share:yes")
        await self.tap(f"site:{site.id}")


async def _preview(
    client: httpx.AsyncClient, clock: ManualClock, world: World, who: str
) -> Preview:
    assert (await log_in(client, world.email(who))).status_code == 303
    preview = Preview(client, clock)
    await preview.load()
    return preview


async def _throwaway(database: Database, staff_id: int) -> Youth | None:
    async with database.reading() as session:
        query = select(Youth).where(col(Youth.telegram_user_id) == throwaway_user_id(staff_id))
        return (await session.scalars(query)).one_or_none()


@pytest.mark.parametrize(
    ("language", "age_question"),
    [("fr", "Quel âge as-tu"), ("en", "How old are you")],
)
async def test_start_in_a_language_leads_to_the_consent_questions(
    client: httpx.AsyncClient, clock: ManualClock, world: World, language: str, age_question: str
) -> None:
    preview = await _preview(client, clock, world, "coordinator")
    assert "Aucun message pour l’instant" in preview.page

    response = await preview.post("/preview/start", language=language)

    assert response.headers["location"] == "/preview#latest"
    assert "/start" in preview.page
    assert age_question in preview.page
    assert "age:18-25" in preview.buttons
    await preview.tap("age:18-25")
    assert "consent:yes" in preview.buttons


async def test_a_booking_in_the_preview_is_the_throwaway_youths_and_reset_discards_it(
    client: httpx.AsyncClient, clock: ManualClock, world: World, database: Database
) -> None:
    async with database.transaction() as session:
        site = await session.get(Site, world.site_a.id)
        assert site is not None
        site.latitude, site.longitude = 48.8675, 2.3711
    preview = await _preview(client, clock, world, "adviser_a")
    await preview.onboard(world.site_a)
    assert "menu:book" in preview.buttons

    await preview.send("/reserver")
    await preview.tap("bk:k:workshop")
    assert "<b>1. Atelier CV</b>" in preview.page, "the bot's bold shows as bold"
    await preview.tap(f"bs:open:{world.slot_a.id}")
    await preview.tap(f"bs:ok:{world.slot_a.id}")

    assert "C’est réservé" in preview.page or "C'est réservé" in preview.page
    assert "https://www.openstreetmap.org/?mlat=48.8675&amp;mlon=2.3711" in preview.page
    staff_id = world.staff["adviser_a"].id
    assert staff_id is not None
    youth = await _throwaway(database, staff_id)
    assert youth is not None
    async with database.reading() as session:
        booking = (
            await session.scalars(select(Booking).where(col(Booking.youth_id) == youth.id))
        ).one()
        planned = await session.scalars(
            select(Reminder).where(col(Reminder.booking_id) == booking.id)
        )
        assert planned.all(), "the booking has its reminders, as a youth's would"
    assert (booking.slot_id, booking.status) == (world.slot_a.id, BookingStatus.BOOKED)

    roster = await client.get(f"/slots/{world.slot_a.id}/roster")
    assert "Aperçu du bot (personnel)" in roster.text

    [number] = re.findall(r'href="/preview/document\?n=(\d+)"', preview.page)
    document = await client.get(f"/preview/document?n={number}")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("text/calendar")
    assert "attachment" in document.headers["content-disposition"]
    event = icalendar.Calendar.from_ical(document.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == world.slot_a.starts_at

    await preview.post("/preview/reset")

    assert await _throwaway(database, staff_id) is None
    async with database.reading() as session:
        after = await session.get(Booking, booking.id)
        state = await session.get(ConversationState, throwaway_user_id(staff_id))
        reminders = await session.scalars(
            select(Reminder).where(col(Reminder.booking_id) == booking.id)
        )
        assert reminders.all() == []
    # Not even an anonymous seat: the coordinators' figures never saw a staff's try.
    assert after is None
    assert state is None
    assert "Aucun message pour l’instant" in preview.page
    gone = await client.get(f"/preview/document?n={number}")
    assert (gone.status_code, gone.headers["location"]) == (303, "/preview")


async def test_reset_before_consent_forgets_the_conversation(
    client: httpx.AsyncClient, clock: ManualClock, world: World, database: Database
) -> None:
    preview = await _preview(client, clock, world, "admin")
    await preview.post("/preview/start", language="en")
    staff_id = world.staff["admin"].id
    assert staff_id is not None

    await preview.post("/preview/reset")

    async with database.reading() as session:
        assert await session.get(ConversationState, throwaway_user_id(staff_id)) is None
    await preview.send("/start")
    assert preview.buttons[:2] in (["lang:fr", "lang:en"], ["lang:en", "lang:fr"])


async def test_two_staff_accounts_do_not_share_a_conversation(
    app: object, clock: ManualClock, world: World, database: Database
) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://panel.test") as first,
        httpx.AsyncClient(transport=transport, base_url="http://panel.test") as second,
    ):
        adviser = await _preview(first, clock, world, "adviser_a")
        coordinator = await _preview(second, clock, world, "coordinator")
        await adviser.onboard(world.site_a)
        await adviser.send("bonjour de l’adviser")

        assert "bonjour de l’adviser" in adviser.page
        await coordinator.load()
        assert "bonjour de l’adviser" not in coordinator.page
        assert "Aucun message pour l’instant" in coordinator.page
        # The coordinator's /start is a first one: their youth is not the adviser's.
        await coordinator.send("/start")
        assert "lang:fr" in coordinator.buttons
        assert "age:18-25" not in coordinator.buttons

    ids = {world.staff[who].id for who in ("adviser_a", "coordinator")}
    assert None not in ids
    assert await _throwaway(database, world.staff["adviser_a"].id or 0) is not None
    assert await _throwaway(database, world.staff["coordinator"].id or 0) is None


async def test_text_and_names_are_escaped_and_bot_html_is_not(
    client: httpx.AsyncClient, clock: ManualClock, world: World, database: Database
) -> None:
    async with database.transaction() as session:
        staff = await make_staff(
            session, clock.now(), role=StaffRole.COORDINATOR, display_name="<script>x()</script>"
        )
    assert (await log_in(client, staff.email)).status_code == 303
    preview = Preview(client, clock)
    await preview.load()
    await preview.post("/preview/start", language="fr")
    await preview.send("<script>alert(1)</script>")

    assert "<script>" not in preview.page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.page
    # The greeting names the youth (Telegram's first name): escaped by the engine once.
    assert "Salut &lt;script&gt;x()&lt;/script&gt;" in preview.page


async def test_empty_messages_and_unknown_buttons(
    client: httpx.AsyncClient, clock: ManualClock, world: World
) -> None:
    preview = await _preview(client, clock, world, "adviser_b")
    await preview.post("/preview/send", text="   ")
    assert "Aucun message pour l’instant" in preview.page
    await preview.onboard(world.site_b)
    await preview.post("/preview/tap", button="nowhere:1")
    assert "Ce bouton n’est plus valide" in preview.page
    bad = await client.get("/preview/document?n=nope")
    assert bad.status_code == 303


async def test_the_home_page_points_to_the_preview(client: httpx.AsyncClient, world: World) -> None:
    await log_in(client, world.email("adviser_a"))
    page = (await client.get("/?lang=en")).text
    assert 'href="/preview"' in page
    english = (await client.get("/preview")).text
    assert "Bot preview" in english


def test_only_telegrams_own_tags_reach_the_page() -> None:
    shown = telegram_html(
        '<b>Atelier</b> &lt;i&gt; <a href="https://ml.example/?a=1&amp;b=2">lien</a>\n'
        '<script>x()</script><a href="javascript:x()">piège</a><img src=x onerror=y>'
    )
    assert shown == (
        '<b>Atelier</b> &lt;i&gt; <a href="https://ml.example/?a=1&amp;b=2" '
        'rel="noopener noreferrer">lien</a>\n'
        "&lt;script&gt;x()&lt;/script&gt;<a>piège</a>&lt;img src=x onerror=y&gt;"
    )


async def test_chat_to_the_menu_and_book_in_chromium(
    admin_page: Page, panel_url: str, world: World, database: Database, tmp_path: Path
) -> None:
    page = admin_page
    await page.get_by_role("link", name="Ouvrir l’aperçu du bot").click()
    await page.wait_for_url(f"{panel_url}/preview")
    await page.get_by_label("Langue du bot").select_option("fr")
    await page.get_by_role("button", name="Commencer (/start)").click()
    for button_id in (
        "age:18-25",
        "consent:yes",
        "share:yes",
        f"site:{world.site_a.id}",
        "menu:book",
        "bk:k:workshop",
        f"bs:open:{world.slot_a.id}",
        f"bs:ok:{world.slot_a.id}",
    ):
        # The last message's keyboard: older ones keep theirs, as on Telegram.
        await page.locator(f'button[name="button"][value="{button_id}"]').last.click()
        await page.wait_for_load_state()
    latest = page.locator("#latest")
    assert "Que veux-tu faire" in await latest.inner_text()
    assert await page.get_by_text("C’est réservé").first.is_visible()
    await page.get_by_label("Votre message ou une commande (/menu, /langue…)").fill("/aide")
    await page.get_by_role("button", name="Envoyer").click()
    await page.wait_for_load_state()

    screenshot = tmp_path / "preview.png"
    await page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 1000
    # What a phone shows after a booking: the confirmation, its map pin and calendar file.
    booked = page.locator("li.bubble", has_text="C’est réservé").first
    await booked.screenshot(path=str(tmp_path / "booked.png"))
    await page.screenshot(path=str(tmp_path / "latest.png"))
    staff_id = world.staff["admin"].id
    assert staff_id is not None
    youth = await _throwaway(database, staff_id)
    assert youth is not None
    async with database.reading() as session:
        query = select(Booking).where(col(Booking.youth_id) == youth.id)
        [booking] = list(await session.scalars(query))
    assert booking.slot_id == world.slot_a.id
