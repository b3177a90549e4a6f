"""`create_app(settings)`: the staff panel as an ASGI application; nothing is built at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from admin.access import CsrfRejected, Forbidden, LoginRequired, NotFound
from admin.dashboard_counts import counting_in_background
from admin.routes import (
    accounts,
    auth,
    dashboard,
    directory,
    inbox,
    preview,
    rosters,
    slots,
    youths,
)
from admin.sessions import SessionMiddleware, session_of
from admin.state import Panel
from admin.templating import make_environment, render
from core.clock import Clock, SystemClock
from core.config import Settings
from core.db import Database, make_database
from core.i18n import Catalogs, t

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The only route that is not an endpoint with an access rule: public files (CSS, JS).
PUBLIC_MOUNTS = frozenset({"static"})


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    catalogs: Catalogs | None = None,
) -> FastAPI:
    """The panel over `database` (else one made from the settings, closed at shutdown)."""
    if not settings.admin_secret_key:
        raise ValueError("ADMIN_SECRET_KEY is empty: the panel cannot sign its sessions")
    owned = database is None
    db = database or make_database(settings.database_url, sqlite_on_loop=False)
    panel = Panel(
        settings=settings,
        database=db,
        clock=clock or SystemClock(),
        catalogs=catalogs or Catalogs(),
        templates=make_environment(),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with counting_in_background(panel):
            yield
        if owned:
            await db.dispose()

    app = FastAPI(
        title="Passerelle",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.panel = panel
    for module in (auth, accounts, directory, slots, rosters, youths, inbox, dashboard, preview):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.admin_secret_key,
        idle_seconds=settings.admin_session_idle,
        clock=panel.clock,
    )
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: Exception) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        expired = "&expired=1" if session_of(request).expired else ""
        return RedirectResponse(f"/login?next={quote(target)}{expired}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _: Exception) -> Response:
        message = t("Cette page n’est pas accessible avec votre compte.")
        return render(request, "message.html", {"message": message}, status_code=403)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _: Exception) -> Response:
        message = t(
            "Ce formulaire a expiré ou ne vient pas de Passerelle. "
            "Rechargez la page et recommencez."
        )
        return render(request, "message.html", {"message": message}, status_code=403)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, _: Exception) -> Response:
        return render(request, "message.html", {"message": t("Page introuvable.")}, status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, StarletteHTTPException) else 500
        message = t("Page introuvable.") if status == 404 else t("Cette demande n’a pas abouti.")
        return render(request, "message.html", {"message": message}, status_code=status)
