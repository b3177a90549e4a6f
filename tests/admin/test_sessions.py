"""Logging in and out, throttling, idle expiry, CSRF, headers and escaping, through HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlmodel import col, select

from admin.sessions import COOKIE, SECURITY_HEADERS
from core.clock import ManualClock
from core.db import Database
from core.models import AuditEntry, StaffRole, StaffUser
from core.staff_login import MAX_FAILURES_PER_ACCOUNT
from tests.admin.conftest import World
from tests.support.staff import csrf_token, log_in, make_staff


async def test_login_opens_the_home_page_of_the_role(client: httpx.AsyncClient, world: World):
    response = await log_in(client, world.email("adviser_a").upper())

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = await client.get("/")
    assert home.status_code == 200
    assert world.staff["adviser_a"].display_name in home.text
    assert "Noter les présences" in home.text or "noter les présences" in home.text
    assert "/admin/staff" not in home.text, "advisers get no link to the accounts"


async def test_a_wrong_password_is_refused_without_saying_which_part(
    client: httpx.AsyncClient, world: World
):
    wrong = await log_in(client, world.email("admin"), "not the password")
    unknown = await log_in(client, "nobody@mission-locale.example", "not the password")

    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert (await client.get("/")).headers["location"].startswith("/login")


async def test_login_is_throttled_then_allowed_again(
    client: httpx.AsyncClient, world: World, clock: ManualClock
):
    email = world.email("coordinator")
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert (await log_in(client, email, "guess")).status_code == 401

    throttled = await log_in(client, email)  # even the right password waits
    assert throttled.status_code == 429
    assert "Trop de tentatives. Réessayez dans 15 minutes." in throttled.text

    clock.advance(timedelta(minutes=10))
    later = await log_in(client, email)
    assert "Réessayez dans 5 minutes." in later.text

    clock.advance(timedelta(minutes=5, seconds=1))
    assert (await log_in(client, email)).status_code == 303


async def test_logout_ends_the_session(client: httpx.AsyncClient, world: World):
    await log_in(client, world.email("admin"))
    token = await csrf_token(client, "/")

    response = await client.post("/logout", data={"csrf_token": token})

    assert response.headers["location"] == "/login"
    assert (await client.get("/")).headers["location"].startswith("/login")
    # The form token of the ended session is void too.
    again = await client.post("/logout", data={"csrf_token": token})
    assert again.status_code == 403


async def test_a_session_expires_after_the_idle_time_but_activity_keeps_it(
    client: httpx.AsyncClient, world: World, clock: ManualClock
):
    await log_in(client, world.email("admin"))
    for _ in range(3):
        clock.advance(timedelta(minutes=25))
        assert (await client.get("/")).status_code == 200

    clock.advance(timedelta(minutes=31))
    expired = await client.get("/admin/staff")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/login?next=/admin/staff&expired=1"
    login = await client.get(expired.headers["location"])
    assert "Votre session a expiré." in login.text


async def test_a_deactivated_account_loses_its_session(
    app, client: httpx.AsyncClient, world: World
):
    await log_in(client, world.email("adviser_a"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://panel.test") as admin:
        await log_in(admin, world.email("admin"))
        token = await csrf_token(admin, "/")
        adviser_id = world.staff["adviser_a"].id
        response = await admin.post(
            f"/admin/staff/{adviser_id}/deactivate", data={"csrf_token": token}
        )
        assert response.status_code == 303

    assert (await client.get("/")).headers["location"].startswith("/login")
    refused = await log_in(client, world.email("adviser_a"))
    assert "Ce compte est désactivé." in refused.text


async def test_a_form_without_the_csrf_token_is_refused_kindly(
    client: httpx.AsyncClient, world: World
):
    no_token = await client.post(
        "/login", data={"email": world.email("admin"), "password": "whatever"}
    )
    assert no_token.status_code == 403
    assert "Rechargez la page" in no_token.text

    await log_in(client, world.email("admin"))
    for data in ({}, {"csrf_token": "forged"}):
        response = await client.post(f"/admin/staff/{world.target.id}/deactivate", data=data)
        assert response.status_code == 403


async def test_a_token_from_another_session_is_refused(app, client: httpx.AsyncClient, world):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://panel.test") as other:
        foreign = await csrf_token(other)
    await log_in(client, world.email("admin"))
    response = await client.post("/logout", data={"csrf_token": foreign})
    assert response.status_code == 403


async def test_security_headers_and_cookie_flags_on_every_response(
    client: httpx.AsyncClient, world: World
):
    responses = [
        await client.get("/login"),
        await client.get("/static/admin.css"),
        await client.get("/no-such-page"),
        await client.get("/admin/staff"),
        await client.get("/health"),
    ]
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (response.url, name)
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie
    assert "'unsafe-inline'" not in SECURITY_HEADERS["Content-Security-Policy"]

    behind_proxy = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in behind_proxy.headers["set-cookie"]


async def test_a_tampered_cookie_is_an_anonymous_session(client: httpx.AsyncClient, world: World):
    await log_in(client, world.email("admin"))
    value = client.cookies[COOKIE]
    client.cookies.set(COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))

    assert (await client.get("/")).headers["location"].startswith("/login")


async def test_a_script_in_a_staff_name_is_shown_as_text(
    client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
):
    async with database.transaction() as session:
        await make_staff(
            session,
            clock.now(),
            role=StaffRole.ADMIN,
            email="script@mission-locale.example",
            display_name='<script>alert("x")</script>',
        )
    await log_in(client, "script@mission-locale.example")

    for page in (await client.get("/"), await client.get("/admin/staff")):
        assert "<script>" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


async def test_login_never_sends_staff_to_another_site(client: httpx.AsyncClient, world: World):
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={
            "email": world.email("admin"),
            "password": "correct horse battery staple",
            "next": "//evil.example/",
            "csrf_token": token,
        },
    )
    assert response.headers["location"] == "/"


async def test_english_by_query_then_remembered(client: httpx.AsyncClient, world: World):
    english = await client.get("/login?lang=en")
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text
    assert '<html lang="en">' in (await client.get("/login")).text
    assert '<html lang="fr">' in (await client.get("/login?lang=fr")).text


async def test_admin_creates_an_account_and_it_is_audited(
    client: httpx.AsyncClient, world: World, database: Database
):
    await log_in(client, world.email("admin"))
    token = await csrf_token(client, "/admin/staff/new")
    form = {
        "csrf_token": token,
        "email": "New.Adviser@Mission-Locale.example",
        "display_name": "Nouvelle",
        "role": "adviser",
        "password": "a long enough password",
        "password_again": "a long enough password",
    }
    no_site = await client.post("/admin/staff", data=form)
    assert no_site.status_code == 400
    assert "au moins un site" in no_site.text
    assert 'value="New.Adviser@Mission-Locale.example"' in no_site.text, "typed values are kept"

    created = await client.post("/admin/staff", data={**form, "site_ids": str(world.site_b.id)})
    assert created.status_code == 303
    listing = await client.get("/admin/staff")
    assert "new.adviser@mission-locale.example" in listing.text
    async with database.reading() as session:
        user = await session.scalar(
            select(StaffUser).where(col(StaffUser.email) == "new.adviser@mission-locale.example")
        )
        assert user is not None
        entry = await session.scalar(
            select(AuditEntry).where(
                col(AuditEntry.action) == "staff.create", col(AuditEntry.entity_id) == str(user.id)
            )
        )
    assert entry is not None
    assert entry.actor == world.email("admin")
    assert entry.after is not None
    assert entry.after["site_ids"] == [world.site_b.id]
    assert "password_hash" not in entry.after


async def test_a_locked_out_adviser_gets_a_new_password_from_an_admin(
    app, client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock
):
    email = world.email("adviser_a")
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://panel.test") as adviser,
        httpx.AsyncClient(transport=transport, base_url="http://panel.test") as stolen,
    ):
        # Someone else got in with the old password before it was replaced.
        assert (await log_in(stolen, email)).status_code == 303
        assert (await stolen.get("/")).status_code == 200
        clock.advance(timedelta(seconds=1))
        for _ in range(MAX_FAILURES_PER_ACCOUNT):
            assert (await log_in(adviser, email, "forgot it")).status_code == 401
        assert (await log_in(adviser, email)).status_code == 429

        await log_in(client, world.email("admin"))
        token = await csrf_token(client, "/admin/staff")
        target = world.staff["adviser_a"].id
        given = await client.post(f"/admin/staff/{target}/password", data={"csrf_token": token})
        assert given.status_code == 200
        assert given.headers["cache-control"] == "no-store"
        [password] = re.findall(r'<code id="new-password">([^<]+)</code>', given.text)
        assert len(password) >= 16

        assert (await log_in(adviser, email)).status_code == 401, "the old one is gone"
        ended = await stolen.get("/")
        assert ended.headers["location"].startswith("/login")
        assert "Votre session a expiré." in (await stolen.get(ended.headers["location"])).text
        assert (await log_in(adviser, email, password)).status_code == 303
    async with database.reading() as session:
        entry = await session.scalar(
            select(AuditEntry).where(col(AuditEntry.action) == "staff.password")
        )
    assert entry is not None
    assert (entry.actor, entry.entity_id, entry.after) == (
        world.email("admin"),
        str(target),
        {"password": "changed"},
    )


async def test_admin_edits_a_site_with_errors_next_to_fields(
    client: httpx.AsyncClient, world: World, database: Database
):
    await log_in(client, world.email("admin"))
    url = f"/admin/sites/{world.site_a.id}"
    token = await csrf_token(client, f"{url}/edit")
    bad = await client.post(
        url,
        data={"csrf_token": token, "code": "Site A!", "name": "Site A", "latitude": "north"},
    )
    assert bad.status_code == 400
    assert 'id="code-error"' in bad.text
    assert 'id="latitude-error"' in bad.text
    assert 'value="north"' in bad.text

    good = await client.post(
        url,
        data={"csrf_token": token, "code": "site-a", "name": "Site A rénové", "latitude": "48,85"},
    )
    assert good.status_code == 303
    async with database.reading() as session:
        entry = await session.scalar(
            select(AuditEntry).where(col(AuditEntry.action) == "site.update")
        )
    assert entry is not None
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["name"] == "Site A"
    assert entry.after["name"] == "Site A rénové"
    assert entry.after["latitude"] == 48.85
