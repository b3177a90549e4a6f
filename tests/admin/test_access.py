"""Every route, every role: who may use what. A route without a rule or a row here fails.

Adding a page: give it a rule with `admin.access.allow`, then a row in `MATRIX` saying,
for each role, whether the route lets it through. The URL's placeholders are filled
from the test world: `{site_id}` is site A, `{staff_id}` an adviser of site A,
`{partner_id}` a partner. Add a placeholder to `_fill` when a page needs a new one.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount

from admin.access import PUBLIC, panel_router, routes_of, rule_of
from admin.app import PUBLIC_MOUNTS, create_app
from core.config import Settings
from core.db import make_database
from tests.admin.conftest import BASE_URL, World
from tests.admin.matrix import area_rows
from tests.support.chat import compiled_catalogs
from tests.support.staff import csrf_token, log_in

ROLES = ("anonymous", "adviser_a", "adviser_b", "coordinator", "admin")
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})

# Route name -> the roles it lets through; everyone else is sent to log in (anonymous)
# or refused with 403. Each area of the panel keeps its rows in `tests/admin/matrix/`.
MATRIX: dict[str, frozenset[str]] = {
    "health": EVERYONE,
    "login": EVERYONE,
    "login_submit": EVERYONE,
    "logout": STAFF,
    "home": STAFF,
    "staff_list": ADMIN,
    "staff_new": ADMIN,
    "staff_create": ADMIN,
    "staff_deactivate": ADMIN,
    "staff_activate": ADMIN,
    "staff_password": ADMIN,
    "site_list": ADMIN,
    "site_new": ADMIN,
    "site_create": ADMIN,
    "site_edit": ADMIN,
    "site_update": ADMIN,
    "partner_list": ADMIN,
    "partner_new": ADMIN,
    "partner_create": ADMIN,
    "partner_edit": ADMIN,
    "partner_update": ADMIN,
    **area_rows(),
}


def _api_routes(app: FastAPI) -> list[APIRoute]:
    return [route for route in routes_of(app.routes) if isinstance(route, APIRoute)]


@pytest.fixture
def bare_app(panel_settings: Settings) -> FastAPI:
    database = make_database(panel_settings.database_url)  # never connected
    return create_app(panel_settings, database=database, catalogs=compiled_catalogs())


def test_every_route_declares_a_rule_and_has_a_row_in_the_matrix(bare_app: FastAPI) -> None:
    routes = _api_routes(bare_app)
    assert routes
    without_rule = [route.path for route in routes if rule_of(route.endpoint) is None]
    assert without_rule == [], "declare who may use these routes with @allow(...)"
    names = [route.name for route in routes]
    assert len(names) == len(set(names)), "route names must be unique"
    assert sorted(set(names) - set(MATRIX)) == [], "add these routes to MATRIX"
    assert sorted(set(MATRIX) - set(names)) == [], "these rows name no route any more"
    others = [route for route in routes_of(bare_app.routes) if not isinstance(route, APIRoute)]
    assert all(isinstance(route, Mount) and route.name in PUBLIC_MOUNTS for route in others)


def test_public_routes_are_exactly_the_ones_everyone_may_use(bare_app: FastAPI) -> None:
    public = {route.name for route in _api_routes(bare_app) if rule_of(route.endpoint) == PUBLIC}
    assert public == {name for name, roles in MATRIX.items() if "anonymous" in roles}


async def test_a_route_without_a_rule_is_refused(bare_app: FastAPI) -> None:
    router = panel_router()

    @router.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {"secret": "yes"}

    bare_app.include_router(router)
    transport = httpx.ASGITransport(app=bare_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.text


def _fill(path: str, world: World) -> str:
    return path.format(
        site_id=world.site_a.id,
        staff_id=world.target.id,
        partner_id=world.partner.id,
        slot_id=world.slot_a.id,
        booking_id=world.booking_a.id,
        youth_id=world.youth_a.id,
        request_id=world.request_a.id,
    )


def _let_through(method: str, response: httpx.Response) -> bool:
    if response.status_code == 403 or response.status_code >= 500:
        return False
    if response.is_redirect and response.headers["location"].startswith("/login"):
        return False
    # A page shows (200) or sends elsewhere (the login page sends signed-in staff home);
    # a form may also be refused for its content (400), which is past the access check.
    return response.status_code in (200, 303) if method == "GET" else True


async def test_access_matrix(app: FastAPI, world: World) -> None:
    transport = httpx.ASGITransport(app=app)
    mismatches = []
    for role in ROLES:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            if role != "anonymous":
                assert (await log_in(client, world.email(role))).status_code == 303
            for route in _api_routes(app):
                method = sorted(route.methods - {"HEAD"})[0]
                if route.name in ("logout", "login_submit"):
                    continue  # below: they change the session the loop relies on
                url = _fill(route.path, world)
                if method == "GET":
                    response = await client.get(url)
                else:
                    token = await csrf_token(client, "/login" if role == "anonymous" else "/")
                    response = await client.post(url, data={"csrf_token": token})
                allowed = _let_through(method, response)
                if allowed != (role in MATRIX[route.name]):
                    mismatches.append((role, method, url, response.status_code))
                if role == "anonymous" and not allowed:
                    assert response.headers["location"].startswith("/login")
    assert mismatches == []


@pytest.mark.parametrize("role", ROLES)
async def test_logout_and_login_forms_by_role(app: FastAPI, world: World, role: str) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        if role != "anonymous":
            await log_in(client, world.email(role))
        token = await csrf_token(client, "/login" if role == "anonymous" else "/")
        logout = await client.post("/logout", data={"csrf_token": token})
        assert logout.status_code == 303
        assert logout.headers["location"].startswith("/login")
        login = await log_in(client, world.email("coordinator"))
        assert login.status_code == 303
