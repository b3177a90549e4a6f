"""A roster on paper and in files: the printable sign-in sheet, the roster's CSV, Linkee's list."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Protocol

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from admin.access import CurrentStaff, NotFound, allow, panel_router, site_scoped
from admin.routes.rosters_scope import site_scope, slot_site
from admin.state import panel_of
from admin.templating import chosen_locale, render
from core.csv_export import Render, local_date
from core.i18n import Text, render_text
from core.models import Slot
from core.roster_exports import (
    NotAFoodParcelSlot,
    linkee_export_csv,
    roster_csv,
    sign_in_sheet,
)
from core.staff_scope import NotFound as OutOfScope
from core.staff_scope import SiteIds

router = panel_router()


def _csv_response(body: str, filename: str) -> Response:
    # The filename is ASCII by construction (ids and dates), so no RFC 5987 encoding is needed.
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _slot_start(session: AsyncSession, slot_id: int) -> datetime:
    slot = await session.get(Slot, slot_id)
    assert slot is not None, "the export read it just before"
    return slot.starts_at


def _day(value: datetime, request: Request) -> str:
    return value.astimezone(panel_of(request).settings.tz).strftime("%Y-%m-%d")


@router.get("/slots/{slot_id}/sign-in", name="roster_sign_in")
@allow(site_scoped(slot_site, write=False))
async def roster_sign_in(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    panel = panel_of(request)
    try:
        async with panel.database.reading() as session:
            sheet = await sign_in_sheet(
                session, slot_id, site_ids=site_scope(staff), now=panel.clock.now()
            )
    except OutOfScope:
        raise NotFound from None
    # With the year: the signed sheet is filed, and read again months later.
    day = local_date(sheet.slot.starts_at, panel.settings.tz)
    return render(request, "rosters/sign_in.html", {"sheet": sheet, "day": day})


class _Exporter(Protocol):
    """`roster_csv` and `linkee_export_csv`: a slot's rows as CSV, with labels rendered."""

    async def __call__(
        self,
        session: AsyncSession,
        slot_id: int,
        *,
        site_ids: SiteIds,
        now: datetime,
        tz: tzinfo,
        render: Render,
    ) -> str: ...


async def _export(
    request: Request, staff: CurrentStaff, slot_id: int, export: _Exporter
) -> tuple[str, str]:
    """The CSV body and the slot's local day, for the staff's sites (NotFound outside them)."""
    panel = panel_of(request)
    locale, tz = chosen_locale(request), panel.settings.tz

    def label(text: Text) -> str:
        return render_text(text, locale, panel.catalogs, tz)

    try:
        async with panel.database.reading() as session:
            body = await export(
                session, slot_id, site_ids=site_scope(staff), now=panel.clock.now(), tz=tz,
                render=label,
            )  # fmt: skip
            slot_start = await _slot_start(session, slot_id)
    except OutOfScope:
        raise NotFound from None
    return body, _day(slot_start, request)


@router.get("/slots/{slot_id}/roster.csv", name="roster_csv")
@allow(site_scoped(slot_site, write=False))
async def roster_csv_export(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    body, day = await _export(request, staff, slot_id, roster_csv)
    return _csv_response(body, f"inscrits-creneau-{slot_id}-{day}.csv")


@router.get("/slots/{slot_id}/linkee.csv", name="roster_linkee_csv")
@allow(site_scoped(slot_site, write=False))
async def roster_linkee_csv(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    try:
        body, day = await _export(request, staff, slot_id, linkee_export_csv)
    except NotAFoodParcelSlot:
        # A stale link, or a typed URL: back to the roster, which says why.
        return RedirectResponse(f"/slots/{slot_id}/roster?error=not_food_parcel", status_code=303)
    return _csv_response(body, f"linkee-{day}-creneau-{slot_id}.csv")
