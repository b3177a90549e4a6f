"""The slot calendar by week, creating and editing slots and weekly series, cancelling or moving
them, and the CSV import.

This module holds the week list; the forms are in `slots_edit`, the series in
`slots_series`, the import in `slots_import`, included below.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from admin.access import ANY_STAFF, CurrentStaff, allow, panel_router
from admin.pagination import page_of
from admin.routes.slots_common import DONE_NOTICES, KIND_LABELS, site_scope
from admin.routes.slots_edit import router as edit_router
from admin.routes.slots_import import router as import_router
from admin.routes.slots_series import router as series_router
from admin.state import panel_of
from admin.templating import render
from core.models import SlotKind, StaffRole
from core.slot_calendar import CalendarFilters, week_monday, week_slots
from core.slot_form import load_slot_choices

router = panel_router()
# The fixed paths (/slots/series, /slots/import) before `/slots/{slot_id}`.
router.include_router(import_router)
router.include_router(series_router)
router.include_router(edit_router)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
FILTERS = ("kind", "site", "partner")


def _asked_week(raw: str) -> date | None:
    match = _WEEK.match(raw)
    if match is None:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _week_text(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@router.get("/slots", name="slot_list")
@allow(ANY_STAFF)
async def slot_list(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    tz = panel.settings.tz
    params = request.query_params
    this_monday = week_monday(panel.clock.now(), tz)
    monday = _asked_week(params.get("week", "")) or this_monday
    kind_raw = params.get("kind", "")
    filters = CalendarFilters(
        kind=SlotKind(kind_raw) if kind_raw in KIND_LABELS else None,
        site_id=_number(params.get("site", "")),
        partner_id=_number(params.get("partner", "")),
    )
    kept = {name: params[name] for name in FILTERS if params.get(name)}
    page = page_of(request)
    site_ids = site_scope(staff)
    async with panel.database.reading() as session:
        rows, total = await week_slots(
            session,
            monday=monday,
            tz=tz,
            filters=filters,
            site_ids=site_ids,
            offset=page.offset,
            limit=page.per_page,
        )
        choices = await load_slot_choices(session, site_ids)

    def link(week: date, page_number: int = 1) -> str:
        query = {"week": _week_text(week), **kept}
        if page_number > 1:
            query["page"] = str(page_number)
        return "/slots?" + urlencode(query)

    return render(
        request,
        "slots/list.html",
        {
            "rows": rows,
            "page": page.with_total(total),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "week_text": _week_text(monday),
            "is_this_week": monday == this_monday,
            "previous_href": link(monday - timedelta(weeks=1)),
            "next_href": link(monday + timedelta(weeks=1)),
            "this_week_href": link(this_monday),
            "page_href": lambda number: link(monday, number),
            "filters": kept,
            "choices": choices,
            "kinds": KIND_LABELS,
            "can_write": staff.role is not StaffRole.COORDINATOR,
            "tz": tz,
            "notice": DONE_NOTICES.get(params.get("done", "")),
        },
    )
