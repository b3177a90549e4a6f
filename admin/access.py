"""Who may use each route, declared once next to the route and enforced for every request.

Adding a page:

    @router.get("/slots/{slot_id}", name="slot")
    @allow(site_scoped(slot_site, write=False))
    async def slot_page(request: Request, staff: CurrentStaff, slot_id: int) -> Response: ...

- `allow(rule)` is mandatory: `guard`, a dependency of every router built with
  `panel_router()`, refuses a route without a rule, and `tests/admin/test_access.py`
  fails until the new route has a row in its matrix (every role, expected outcome).
- Rules: `PUBLIC` (anyone), `ANY_STAFF`, `ADMINS`, `COORDINATION` (coordinators and
  admins), or `site_scoped(site_of, write=...)` where `site_of(session, path_params)`
  returns the site id of the thing the URL names (None: not found → 404). Advisers reach
  only their sites; coordinators read every site and change none; admins do both.
- Every POST must carry the session's CSRF token (`{{ csrf_field() }}` in the form);
  `guard` checks it before anything else.
- Ask for the signed-in account with the `CurrentStaff` parameter; render pages with
  `admin.templating.render`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from admin.sessions import CSRF_FIELD, csrf_matches, session_of
from admin.state import panel_of
from core.models import StaffRole
from core.staff import StaffView, staff_view

SiteOf = Callable[[AsyncSession, Mapping[str, Any]], Awaitable[int | None]]
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RULE_ATTRIBUTE = "__passerelle_access_rule__"


class LoginRequired(Exception):
    """No signed-in account: the visitor is sent to the login page."""


class Forbidden(Exception):
    """Signed in, but this account may not do this."""


class CsrfRejected(Exception):
    """A form came without the session's CSRF token (forged, or from an expired session)."""


class NotFound(Exception):
    """What the URL names does not exist (or, for an adviser, it is not theirs to know)."""


@dataclass(frozen=True, slots=True)
class Rule:
    # None: anyone, signed in or not.
    roles: frozenset[StaffRole] | None
    site_of: SiteOf | None = None
    write: bool = False

    def admits(self, staff: StaffView | None) -> bool:
        if self.roles is None:
            return True
        return staff is not None and staff.role in self.roles


PUBLIC = Rule(None)
ANY_STAFF = Rule(frozenset(StaffRole))
ADMINS = Rule(frozenset({StaffRole.ADMIN}))
COORDINATION = Rule(frozenset({StaffRole.COORDINATOR, StaffRole.ADMIN}))


def site_scoped(site_of: SiteOf, *, write: bool) -> Rule:
    """Staff whose sites include the one `site_of` finds; writes exclude coordinators."""
    roles = {StaffRole.ADVISER, StaffRole.ADMIN} | (set() if write else {StaffRole.COORDINATOR})
    return Rule(frozenset(roles), site_of=site_of, write=write)


def allow(rule: Rule) -> Callable[[_Endpoint], _Endpoint]:
    """Declare who may call this endpoint; put it right under the `@router.get/post`."""

    def declare(endpoint: _Endpoint) -> _Endpoint:
        setattr(endpoint, _RULE_ATTRIBUTE, rule)
        return endpoint

    return declare


def rule_of(endpoint: Callable[..., Any]) -> Rule | None:
    rule = getattr(endpoint, _RULE_ATTRIBUTE, None)
    return rule if isinstance(rule, Rule) else None


async def guard(request: Request) -> None:
    """Check CSRF, load the account, and apply the route's rule: every route runs this."""
    route = request.scope.get("route")
    rule = rule_of(getattr(route, "endpoint", None) or (lambda: None))
    if rule is None:
        raise Forbidden  # fail closed: a route nobody declared is nobody's
    session = session_of(request)
    if request.method not in SAFE_METHODS:
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
        if not csrf_matches(session, submitted if isinstance(submitted, str) else None):
            raise CsrfRejected
    panel = panel_of(request)
    staff = None
    if session.staff_id is not None:
        async with panel.database.reading() as db:
            staff = await staff_view(db, session.staff_id)
        if staff is None:
            session.log_out()  # the account was deactivated or removed meanwhile
        elif staff.credential != session.credential:
            # Opened with a password changed since: the login page says to log in again.
            staff = None
            session.log_out()
            session.expired = True
    request.state.staff = staff
    if rule.roles is None:
        return
    if staff is None:
        raise LoginRequired
    if not rule.admits(staff):
        raise Forbidden
    if rule.site_of is not None:
        async with panel.database.reading() as db:
            site_id = await rule.site_of(db, request.path_params)
        if site_id is None:
            raise NotFound
        allowed = staff.can_change_site(site_id) if rule.write else staff.can_read_site(site_id)
        if not allowed:
            raise Forbidden


def routes_of(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, routers included flattened (recent FastAPI nests them)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if isinstance(included, APIRouter):
            yield from routes_of(included.routes)
        else:
            yield route


def panel_router() -> APIRouter:
    """A router whose every route is guarded; build every page's router with it."""
    return APIRouter(dependencies=[Depends(guard)])


def signed_in_staff(request: Request) -> StaffView:
    staff: StaffView | None = getattr(request.state, "staff", None)
    if staff is None:
        raise LoginRequired
    return staff


def optional_staff(request: Request) -> StaffView | None:
    staff: StaffView | None = getattr(request.state, "staff", None)
    return staff


CurrentStaff = Annotated[StaffView, Depends(signed_in_staff)]
