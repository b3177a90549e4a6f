"""Staff accounts, for admins: the list, creating one, deactivating and reactivating, and
giving a colleague who forgot theirs a new password."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from admin.access import ADMINS, CurrentStaff, NotFound, allow, panel_router
from admin.pagination import page_of
from admin.state import panel_of
from admin.templating import render
from core.i18n import Text, t
from core.models import Site, StaffRole, StaffUser
from core.staff import StaffError, StaffView, create_staff, list_staff, set_staff_active
from core.staff_passwords import random_password, set_password

router = panel_router()

ROLE_NAMES: dict[StaffRole, Text] = {
    StaffRole.ADVISER: t("Conseiller·ère"),
    StaffRole.COORDINATOR: t("Coordination"),
    StaffRole.ADMIN: t("Administration"),
}


async def acting_user(session: AsyncSession, staff: StaffView) -> StaffUser:
    """The signed-in account's row, to sign audit entries with."""
    user = await session.get(StaffUser, staff.id)
    assert user is not None, "guard checked the account exists"
    return user


@router.get("/admin/staff", name="staff_list")
@allow(ADMINS)
async def staff_list(request: Request) -> Response:
    page = page_of(request)
    async with panel_of(request).database.reading() as session:
        rows, total = await list_staff(session, offset=page.offset, limit=page.per_page)
    return render(
        request,
        "accounts/list.html",
        {"rows": rows, "page": page.with_total(total), "role_names": ROLE_NAMES},
    )


@router.get("/admin/staff/new", name="staff_new")
@allow(ADMINS)
async def staff_new(request: Request) -> Response:
    return await _form(request, {}, None)


@router.post("/admin/staff", name="staff_create")
@allow(ADMINS)
async def staff_create(request: Request, staff: CurrentStaff) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("email", "display_name", "role")}
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    site_ids = [int(str(value)) for value in form.getlist("site_ids") if str(value).isdigit()]
    values["site_ids"] = ",".join(map(str, site_ids))
    if values["role"] not in set(StaffRole):
        return await _form(request, values, t("Choisissez un rôle."))
    if password != again:
        return await _form(request, values, t("Les deux mots de passe sont différents."))
    panel = panel_of(request)
    try:
        async with panel.database.transaction() as session:
            await create_staff(
                session,
                email=values["email"],
                password=password,
                role=StaffRole(values["role"]),
                site_ids=site_ids,
                now=panel.clock.now(),
                display_name=values["display_name"],
                by=await acting_user(session, staff),
            )
    except StaffError as error:
        return await _form(request, values, error.message)
    return RedirectResponse("/admin/staff", status_code=303)


async def _form(request: Request, values: dict[str, str], error: Text | None) -> Response:
    async with panel_of(request).database.reading() as session:
        sites = list(await session.scalars(select(Site).order_by(col(Site.name))))
    chosen = {int(value) for value in values.get("site_ids", "").split(",") if value.isdigit()}
    return render(
        request,
        "accounts/new.html",
        {
            "values": values,
            "error": error,
            "sites": sites,
            "chosen_sites": chosen,
            "role_names": ROLE_NAMES,
        },
        status_code=200 if error is None else 400,
    )


@router.post("/admin/staff/{staff_id}/deactivate", name="staff_deactivate")
@allow(ADMINS)
async def staff_deactivate(request: Request, staff: CurrentStaff, staff_id: int) -> Response:
    return await _set_active(request, staff, staff_id, active=False)


@router.post("/admin/staff/{staff_id}/activate", name="staff_activate")
@allow(ADMINS)
async def staff_activate(request: Request, staff: CurrentStaff, staff_id: int) -> Response:
    return await _set_active(request, staff, staff_id, active=True)


async def _set_active(
    request: Request, staff: CurrentStaff, staff_id: int, *, active: bool
) -> Response:
    panel = panel_of(request)
    try:
        async with panel.database.transaction() as session:
            if await session.get(StaffUser, staff_id) is None:
                raise NotFound
            by = await acting_user(session, staff)
            await set_staff_active(session, staff_id, active=active, by=by, now=panel.clock.now())
    except StaffError as error:
        return render(request, "message.html", {"message": error.message}, status_code=400)
    return RedirectResponse("/admin/staff", status_code=303)


@router.post("/admin/staff/{staff_id}/password", name="staff_password")
@allow(ADMINS)
async def staff_password(request: Request, staff: CurrentStaff, staff_id: int) -> Response:
    """A new random password for the account, shown to the admin this once."""
    panel = panel_of(request)
    password = random_password()
    async with panel.database.transaction() as session:
        user = await session.get(StaffUser, staff_id)
        if user is None:
            raise NotFound
        await set_password(
            session, user, password, now=panel.clock.now(), by=await acting_user(session, staff)
        )
        account = user.display_name or user.email
    response = render(request, "accounts/password.html", {"account": account, "password": password})
    # The password must not stay in a cache or in the browser's history of pages.
    response.headers["Cache-Control"] = "no-store"
    return response
