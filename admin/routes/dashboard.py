"""The coordinators' dashboard: the week's figures per site and kind, as tables and charts, with
CSV exports.

GET /dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD&site=ID&kind=KIND shows the page (by
default the last eight weeks, every site and kind); /dashboard/{weeks,activity,
failures,origins}.csv give its tables with the same filters. Coordinators and admins
only: the figures span every site.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import col, select

from admin.access import COORDINATION, allow, panel_router
from admin.routes.dashboard_view import (
    REMINDER_SERIES,
    FilterForm,
    Filters,
    Lines,
    Numbers,
    only_site,
    rate_chart,
    read_filters,
    reminders_chart,
    table_page,
)
from admin.state import panel_of
from admin.templating import chosen_locale, page_translator, render
from core.i18n import Text, render_text, t
from core.models import OutboxStatus, Site
from core.stats import Dashboard, dashboard, weekly_totals
from core.stats_csv import (
    KIND_LABELS,
    activity_csv,
    failures_csv,
    origins_csv,
    weeks_csv,
)

router = panel_router()

REMINDER_NAMES: dict[OutboxStatus, Text] = {
    OutboxStatus.SENT: t("Envoyés"),
    OutboxStatus.FAILED: t("En échec"),
    OutboxStatus.SKIPPED: t("Non envoyés"),
}
BAD_FILTERS = t("Ces filtres ne sont pas valables ; corrigez-les sur le tableau de bord.")
# The charts: (what they draw, their title), the rates from `core.stats.Counts`.
RATE_CHARTS: tuple[tuple[str, Text], ...] = (
    ("fill", t("Taux de remplissage par semaine")),
    ("confirmation", t("Taux de confirmation par semaine")),
    ("no_show", t("Taux d’absence par semaine")),
)


@router.get("/dashboard", name="dashboard")
@allow(COORDINATION)
async def dashboard_page(request: Request) -> Response:
    form, sites = await _filters(request)
    translator = page_translator(request)
    numbers = Numbers(translator.locale)
    context: dict[str, object] = {
        "form": form,
        "sites": sites,
        "kind_labels": KIND_LABELS,
        "numbers": numbers,
        "reminder_series": [(status, REMINDER_NAMES[status]) for status in REMINDER_SERIES],
    }
    if form.filters is None:
        return render(
            request, "dashboard/page.html", context, status_code=400, translator=translator
        )
    board = await _board(request, form.filters)
    totals = weekly_totals(board)
    lines = Lines(translator, numbers, board.site_names)
    filters, query = form.filters, request.query_params
    context |= {
        "board": board,
        "totals": totals,
        "query": filters.query(),
        "rate_charts": [(name, title, rate_chart(totals, name)) for name, title in RATE_CHARTS],
        "reminders_chart": reminders_chart(totals),
        "tables": {
            "activity": table_page("activity", board.activity, filters, query, lines.activity),
            "failures": table_page("failures", board.failures, filters, query, lines.failure),
            "origins": table_page("origins", board.origins, filters, query, lines.origin),
        },
    }
    return render(request, "dashboard/page.html", context, translator=translator)


@router.get("/dashboard/weeks.csv", name="dashboard_weeks_csv")
@allow(COORDINATION)
async def dashboard_weeks_csv(request: Request) -> Response:
    return await _csv(request, "semaines", lambda board, text: weeks_csv(board, text))


@router.get("/dashboard/activity.csv", name="dashboard_activity_csv")
@allow(COORDINATION)
async def dashboard_activity_csv(request: Request) -> Response:
    return await _csv(request, "activite", lambda board, text: activity_csv(board, text))


@router.get("/dashboard/failures.csv", name="dashboard_failures_csv")
@allow(COORDINATION)
async def dashboard_failures_csv(request: Request) -> Response:
    tz = panel_of(request).settings.tz
    return await _csv(request, "rappels-en-echec", lambda b, text: failures_csv(b, text, tz))


@router.get("/dashboard/origins.csv", name="dashboard_origins_csv")
@allow(COORDINATION)
async def dashboard_origins_csv(request: Request) -> Response:
    return await _csv(request, "origines", lambda board, text: origins_csv(board, text))


async def _filters(request: Request) -> tuple[FilterForm, list[Site]]:
    panel = panel_of(request)
    async with panel.database.reading() as session:
        sites = list(await session.scalars(select(Site).order_by(col(Site.name))))
    today = panel.clock.now().astimezone(panel.settings.tz).date()
    site_ids = {site.id for site in sites if site.id is not None}
    return read_filters(request.query_params, today, site_ids), sites


async def _board(request: Request, filters: Filters) -> Dashboard:
    panel = panel_of(request)
    board = await dashboard(
        panel.database,
        site_ids=None if filters.site_id is None else {filters.site_id},
        first_day=filters.first_day,
        last_day=filters.last_day,
        tz=panel.settings.tz,
        kinds=None if filters.kind is None else [filters.kind],
    )
    return only_site(board, filters.site_id)


async def _csv(
    request: Request, name: str, table: Callable[[Dashboard, Callable[[Text], str]], str]
) -> Response:
    form, _ = await _filters(request)
    if form.filters is None:
        return render(
            request,
            "message.html",
            {"message": BAD_FILTERS},
            status_code=400,
        )
    board = await _board(request, form.filters)
    panel = panel_of(request)
    locale = chosen_locale(request)

    def text(message: Text) -> str:
        return render_text(message, locale, panel.catalogs, panel.settings.tz)

    filters = form.filters
    filename = f"passerelle-{name}-{_day(filters.first_day)}-{_day(filters.last_day)}.csv"
    return Response(
        table(board, text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _day(day: date) -> str:
    return day.isoformat()
