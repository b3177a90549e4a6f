"""Who booked a slot: the roster, attendance, the sign-in sheet, the exports, and the slots whose
attendance is still to complete.

Marks go through `core.attendance`, which audits them and queues their follow-up
(the kind word after a no-show). After a POST the adviser is sent back to the
roster with a notice in the query string: a known code, never free text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from admin.access import ANY_STAFF, CurrentStaff, NotFound, allow, panel_router, site_scoped
from admin.pagination import Page, page_of
from admin.routes import rosters_exports
from admin.routes.rosters_scope import site_scope, slot_site
from admin.state import panel_of
from admin.templating import render
from core import rosters
from core.attendance import mark_all_present, mark_attendance
from core.booking.errors import BookingError, SlotCancelled, SlotNotStarted
from core.i18n import Text, t, tn
from core.models import Booking, BookingStatus, Site
from core.staff_scope import NotFound as OutOfScope

router = panel_router()
router.include_router(rosters_exports.router)

MARKS = {
    "attended": BookingStatus.ATTENDED,
    "excused": BookingStatus.EXCUSED,
    "no_show": BookingStatus.NO_SHOW,
}
ERRORS: dict[str, Text] = {
    "not_started": t(
        "Le créneau n’a pas encore commencé : les présences se notent une fois qu’il a débuté."
    ),
    "cancelled": t("Ce créneau est annulé : il n’y a pas de présences à noter."),
    "not_markable": t(
        "Cette réservation ne peut pas être notée. Rechargez la page et recommencez."
    ),
    "not_food_parcel": t(
        "L’export pour Linkee ne concerne que les retraits de colis alimentaires."
    ),
}
_ERROR_CODES: dict[type[BookingError], str] = {
    SlotNotStarted: "not_started",
    SlotCancelled: "cancelled",
}


def back_to_roster(slot_id: int, anchor: str = "", **query: str | int) -> RedirectResponse:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    url = f"/slots/{slot_id}/roster" + (f"?{params}" if params else "") + anchor
    return RedirectResponse(url, status_code=303)


def _notice(request: Request) -> Text | None:
    done = request.query_params.get("done")
    if done == "marked":
        return t("Présence enregistrée.")
    if done == "all_present":
        raw = request.query_params.get("count", "0")
        count = int(raw) if raw.isdigit() else 0
        return tn("{n} jeune noté·e présent·e.", "{n} jeunes noté·e·s présent·e·s.", count)
    return None


@router.get("/slots/{slot_id}/roster", name="roster")
@allow(site_scoped(slot_site, write=False))
async def roster_page(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    panel = panel_of(request)
    page = page_of(request, rosters.ROSTER_PER_PAGE)
    try:
        async with panel.database.reading() as session:
            roster = await rosters.roster(
                session,
                slot_id,
                site_ids=site_scope(staff),
                now=panel.clock.now(),
                page=page.number,
                per_page=page.per_page,
            )
    except OutOfScope:
        raise NotFound from None
    error = ERRORS.get(request.query_params.get("error", ""))
    return render(
        request,
        "rosters/roster.html",
        {
            "roster": roster,
            "page": page.with_total(roster.rows.total),
            "can_mark": roster.attendance_open and staff.can_change_site(roster.slot.site_id),
            "notice": _notice(request),
            "error": error,
        },
    )


@router.post("/slots/{slot_id}/attendance", name="roster_mark")
@allow(site_scoped(slot_site, write=True))
async def roster_mark(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    form = await request.form()
    raw_booking = str(form.get("booking_id", ""))
    status = MARKS.get(str(form.get("status", "")))
    panel = panel_of(request)
    now = panel.clock.now()
    try:
        async with panel.database.transaction() as session:
            slot = await rosters.scoped_slot(session, slot_id, site_scope(staff))
            if now < slot.starts_at:
                raise SlotNotStarted(slot_id)
            marked = await _booking_of_slot(session, raw_booking, slot_id)
            if marked is None or status is None:
                return back_to_roster(slot_id, error="not_markable")
            await mark_attendance(session, marked, status, now, staff.id)
    except OutOfScope:
        raise NotFound from None
    except BookingError as refused:
        return back_to_roster(slot_id, error=_ERROR_CODES.get(type(refused), "not_markable"))
    return back_to_roster(slot_id, f"#booking-{marked}", done="marked")


async def _booking_of_slot(session: AsyncSession, raw_id: str, slot_id: int) -> int | None:
    """The booking id the form names, if it is one of this slot's.

    The access rule checked the slot's site only: a booking of another slot (of
    another site, maybe) must not be marked through this one's URL.
    """
    booking = await session.get(Booking, int(raw_id)) if raw_id.isdigit() else None
    return booking.id if booking is not None and booking.slot_id == slot_id else None


@router.post("/slots/{slot_id}/all-present", name="roster_all_present")
@allow(site_scoped(slot_site, write=True))
async def roster_all_present(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    panel = panel_of(request)
    try:
        async with panel.database.transaction() as session:
            await rosters.scoped_slot(session, slot_id, site_scope(staff))
            count = await mark_all_present(session, slot_id, panel.clock.now(), staff.id)
    except OutOfScope:
        raise NotFound from None
    except BookingError as refused:
        return back_to_roster(slot_id, error=_ERROR_CODES.get(type(refused), "not_markable"))
    return back_to_roster(slot_id, done="all_present", count=count)


@router.get("/to-complete", name="to_complete")
@allow(ANY_STAFF)
async def to_complete(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    asked = page_of(request)
    async with panel.database.reading() as session:
        slots = await rosters.to_complete(
            session,
            site_ids=site_scope(staff),
            now=panel.clock.now(),
            page=asked.number,
            per_page=asked.per_page,
        )
        site_ids = {item.slot.site_id for item in slots.items if item.slot.site_id is not None}
        sites = {site_id: await session.get(Site, site_id) for site_id in sorted(site_ids)}
    return render(
        request,
        "rosters/to_complete.html",
        {
            "slots": slots.items,
            "sites": {site_id: site.name for site_id, site in sites.items() if site is not None},
            "page": Page(slots.page, slots.per_page, slots.total),
        },
    )
