"""What the youth pages and the inbox share: the account's scope, labels, page links.

Scope. The core services (`core.youth_directory`, `core.contact_inbox`) decide what
an account sees: the youths and requests of its sites, and those with no site, which
every adviser sees (`core.staff_scope`). A route's rule cannot say that (its `site_of`
finds one site, and a youth with no site has none), so these routes admit the roles
and let the service check the site; something out of scope is then refused the way
`admin.access.guard` refuses another site's page: 403 when it exists, 404 when not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from admin.access import Forbidden, NotFound, Rule
from core.contact import ALERT_TOPIC_PREFIX, parse_situations
from core.i18n import Text, t
from core.models import BookingStatus, ContactStatus, StaffRole
from core.safety.situations import Situation
from core.staff import StaffView
from core.staff_scope import Page, SiteIds
from flows.contact import OTHER_TOPIC_NAMES, TOPICS

# Reading: every staff role (the service narrows advisers to their sites).
READERS = Rule(frozenset(StaffRole))
# Changing: coordinators read every site but change none.
WRITERS = Rule(frozenset({StaffRole.ADVISER, StaffRole.ADMIN}))

BOOKING_STATUS: Mapping[BookingStatus, Text] = {
    BookingStatus.BOOKED: t("Inscrit"),
    BookingStatus.WAITLISTED: t("En liste d’attente"),
    BookingStatus.CANCELLED: t("Annulé"),
    BookingStatus.ATTENDED: t("Présent"),
    BookingStatus.EXCUSED: t("Excusé"),
    BookingStatus.NO_SHOW: t("Absent"),
}
CONTACT_STATUS: Mapping[ContactStatus, Text] = {
    ContactStatus.OPEN: t("À prendre"),
    ContactStatus.TAKEN: t("Prise en charge"),
    ContactStatus.CLOSED: t("Close"),
}
SITUATIONS: Mapping[Situation, Text] = {
    Situation.NO_SHELTER: t("sans solution pour dormir ce soir"),
    Situation.NO_FOOD: t("rien à manger aujourd’hui"),
    Situation.DANGER: t("en danger"),
    Situation.SUICIDAL: t("idées suicidaires"),
}


def scope_of(staff: StaffView) -> SiteIds:
    """The sites the services narrow to: None (every site) for coordinators and admins."""
    return None if staff.sees_all_sites else staff.site_ids


def can_write(staff: StaffView) -> bool:
    return WRITERS.admits(staff)


async def refuse_out_of_scope(session: AsyncSession, model: type[Any], row_id: int) -> Exception:
    """What to raise when a service found the row out of the account's scope."""
    return Forbidden() if await session.get(model, row_id) is not None else NotFound()


def topic_label(topic: str) -> Text | None:
    """The topic as the youth picked it, or the situations of an alert; None: show the code."""
    named = TOPICS.get(topic) or OTHER_TOPIC_NAMES.get(topic)
    if named is not None:
        return named
    if topic.startswith(ALERT_TOPIC_PREFIX):
        situations = parse_situations(topic.removeprefix(ALERT_TOPIC_PREFIX))
        if situations:
            named_situations = tuple(SITUATIONS[s] for s in SITUATIONS if s in situations)
            return t("Alerte : {situations}", situations=named_situations)
    return None


def page_links(request: Request, page: Page[Any], anchor: str = "") -> dict[str, Any]:
    """Links to the previous and next pages, keeping the rest of the query string."""
    kept = {
        key: value for key, value in request.query_params.items() if key not in ("page", "saved")
    }

    def href(number: int) -> str:
        return f"{request.url.path}?{urlencode({**kept, 'page': number})}{anchor}"

    return {
        "page": page,
        "previous": href(page.page - 1) if page.has_previous else None,
        "next": href(page.page + 1) if page.has_next else None,
    }
