"""Logging in and out, the home page, and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from admin.access import ANY_STAFF, PUBLIC, CurrentStaff, allow, optional_staff, panel_router
from admin.sessions import session_of
from admin.state import panel_of
from admin.templating import render
from core.i18n import Text, t
from core.models import StaffRole
from core.staff import credential_stamp
from core.staff_login import LoginRefused, authenticate

router = panel_router()

# What each role finds in the panel, said on the home page.
CAN_DO: dict[StaffRole, tuple[Text, ...]] = {
    StaffRole.ADVISER: (
        t("Publier des ateliers, des colis Linkee et des rendez-vous partenaires sur vos sites."),
        t("Voir qui est inscrit et noter les présences."),
        t("Répondre aux demandes de contact des jeunes de vos sites."),
    ),
    StaffRole.COORDINATOR: (
        t("Consulter tous les sites, sans rien modifier."),
        t("Suivre les présences et l’envoi des rappels, et exporter les tableaux."),
    ),
    StaffRole.ADMIN: (
        t("Gérer les comptes du personnel."),
        t("Gérer les sites et les partenaires."),
        t("Consulter et modifier tous les sites."),
    ),
}


@router.get("/health", name="health")
@allow(PUBLIC)
async def health(request: Request) -> Response:
    async with panel_of(request).database.reading() as session:
        await session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


@router.get("/login", name="login")
@allow(PUBLIC)
async def login_page(request: Request) -> Response:
    if optional_staff(request) is not None:
        return RedirectResponse("/", status_code=303)
    expired = session_of(request).expired or request.query_params.get("expired") == "1"
    notice = t("Votre session a expiré. Reconnectez-vous.") if expired else None
    return render(
        request, "login.html", {"next": _local(request.query_params.get("next")), "notice": notice}
    )


@router.post("/login", name="login_submit")
@allow(PUBLIC)
async def login_submit(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    panel = panel_of(request)
    ip = request.client.host if request.client else "unknown"
    async with panel.database.transaction() as session:
        outcome = await authenticate(session, email, password, ip, panel.clock.now())
    if isinstance(outcome, LoginRefused):
        context = {"next": _local(next), "email": email, "error": outcome.message}
        status = 429 if outcome.retry_after is not None else 401
        return render(request, "login.html", context, status_code=status)
    assert outcome.id is not None
    session_of(request).log_in(outcome.id, credential_stamp(outcome.password_hash))
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout", name="logout")
@allow(ANY_STAFF)
async def logout(request: Request) -> Response:
    session_of(request).log_out()
    return RedirectResponse("/login", status_code=303)


@router.get("/", name="home")
@allow(ANY_STAFF)
async def home(request: Request, staff: CurrentStaff) -> Response:
    return render(request, "home.html", {"can_do": CAN_DO[staff.role]})


def _local(target: str | None) -> str:
    """Only a path of this site: `next=https://evil.example` must not send staff away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
