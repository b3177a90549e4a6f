"""Sites and partners, for admins: lists, creating and editing (core.directory checks the forms)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from admin.access import ADMINS, CurrentStaff, NotFound, allow, panel_router
from admin.pagination import page_of
from admin.routes.accounts import acting_user
from admin.state import panel_of
from admin.templating import render
from core.directory import (
    PARTNER_FIELDS,
    SITE_FIELDS,
    InvalidFields,
    list_rows,
    save_partner,
    save_site,
)
from core.i18n import Text, t
from core.models import Partner, Site

router = panel_router()

KINDS: dict[str, tuple[type[Site] | type[Partner], tuple[str, ...]]] = {
    "sites": (Site, tuple(field.name for field in SITE_FIELDS)),
    "partners": (Partner, tuple(field.name for field in PARTNER_FIELDS)),
}
LABELS: dict[str, Text] = {
    "code": t("Code"),
    "name": t("Nom"),
    "address": t("Adresse"),
    "arrondissement": t("Arrondissement"),
    "latitude": t("Latitude"),
    "longitude": t("Longitude"),
    "opening_hours": t("Horaires d’ouverture"),
    "category": t("Catégorie"),
    "description": t("Description"),
    "website": t("Site web"),
}


async def _list(request: Request, kind: str) -> Response:
    model, _ = KINDS[kind]
    page = page_of(request)
    async with panel_of(request).database.reading() as session:
        rows, total = await list_rows(session, model, offset=page.offset, limit=page.per_page)
    return render(
        request,
        "directory/list.html",
        {"kind": kind, "rows": rows, "page": page.with_total(total)},
    )


async def _edit_page(request: Request, kind: str, row_id: int | None) -> Response:
    model, fields = KINDS[kind]
    values: dict[str, str] = {}
    if row_id is not None:
        async with panel_of(request).database.reading() as session:
            row = await session.get(model, row_id)
        if row is None:
            raise NotFound
        values = {
            name: "" if getattr(row, name) is None else str(getattr(row, name)) for name in fields
        }
    return _form(request, kind, row_id, values, {})


def _form(
    request: Request,
    kind: str,
    row_id: int | None,
    values: Mapping[str, str],
    errors: Mapping[str, Text],
) -> Response:
    _, fields = KINDS[kind]
    return render(
        request,
        "directory/form.html",
        {
            "kind": kind,
            "row_id": row_id,
            "fields": [(name, LABELS[name]) for name in fields],
            "values": values,
            "errors": errors,
        },
        status_code=400 if errors else 200,
    )


async def _save(request: Request, staff: CurrentStaff, kind: str, row_id: int | None) -> Response:
    _, fields = KINDS[kind]
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in fields}
    panel = panel_of(request)
    try:
        async with panel.database.transaction() as session:
            by = await acting_user(session, staff)
            if kind == "sites":
                await save_site(session, values, site_id=row_id, by=by, now=panel.clock.now())
            else:
                await save_partner(session, values, partner_id=row_id, by=by, now=panel.clock.now())
    except InvalidFields as error:
        return _form(request, kind, row_id, values, error.errors)
    except LookupError:
        raise NotFound from None
    return RedirectResponse(f"/admin/{kind}", status_code=303)


@router.get("/admin/sites", name="site_list")
@allow(ADMINS)
async def site_list(request: Request) -> Response:
    return await _list(request, "sites")


@router.get("/admin/sites/new", name="site_new")
@allow(ADMINS)
async def site_new(request: Request) -> Response:
    return await _edit_page(request, "sites", None)


@router.post("/admin/sites", name="site_create")
@allow(ADMINS)
async def site_create(request: Request, staff: CurrentStaff) -> Response:
    return await _save(request, staff, "sites", None)


@router.get("/admin/sites/{site_id}/edit", name="site_edit")
@allow(ADMINS)
async def site_edit(request: Request, site_id: int) -> Response:
    return await _edit_page(request, "sites", site_id)


@router.post("/admin/sites/{site_id}", name="site_update")
@allow(ADMINS)
async def site_update(request: Request, staff: CurrentStaff, site_id: int) -> Response:
    return await _save(request, staff, "sites", site_id)


@router.get("/admin/partners", name="partner_list")
@allow(ADMINS)
async def partner_list(request: Request) -> Response:
    return await _list(request, "partners")


@router.get("/admin/partners/new", name="partner_new")
@allow(ADMINS)
async def partner_new(request: Request) -> Response:
    return await _edit_page(request, "partners", None)


@router.post("/admin/partners", name="partner_create")
@allow(ADMINS)
async def partner_create(request: Request, staff: CurrentStaff) -> Response:
    return await _save(request, staff, "partners", None)


@router.get("/admin/partners/{partner_id}/edit", name="partner_edit")
@allow(ADMINS)
async def partner_edit(request: Request, partner_id: int) -> Response:
    return await _edit_page(request, "partners", partner_id)


@router.post("/admin/partners/{partner_id}", name="partner_update")
@allow(ADMINS)
async def partner_update(request: Request, staff: CurrentStaff, partner_id: int) -> Response:
    return await _save(request, staff, "partners", partner_id)
