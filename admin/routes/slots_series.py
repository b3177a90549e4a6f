"""Weekly series: "every Thursday 14:00–16:00, 40 places, for 8 weeks", one slot per week."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from admin.access import CurrentStaff, allow, panel_router
from admin.routes.accounts import acting_user
from admin.routes.slots_common import (
    SLOT_WRITERS,
    back_to_week,
    form_context,
    read_slot_form,
    site_scope,
)
from admin.state import panel_of
from admin.templating import render
from core.models import SlotKind
from core.slot_form import FieldErrors, SlotChoices, load_slot_choices, new_slot_form
from core.slot_series import create_series
from core.slot_series_form import SeriesForm, SeriesValues, validate_series_form

router = panel_router()
DEFAULT_WEEKS = "8"


def _series_page(
    request: Request, form: SeriesForm, choices: SlotChoices, errors: FieldErrors
) -> Response:
    context = form_context(form.slot, choices, errors)
    context["weeks"] = form.weeks
    return render(request, "slots/series.html", context, status_code=400 if errors else 200)


@router.get("/slots/series/new", name="slot_series_new")
@allow(SLOT_WRITERS)
async def slot_series_new(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    try:
        kind = SlotKind(request.query_params.get("kind", ""))
    except ValueError:
        kind = SlotKind.FOOD_PARCEL  # the weekly pickups are what series are for
    async with panel.database.reading() as session:
        choices = await load_slot_choices(session, site_scope(staff))
    slot_form = new_slot_form(kind, panel.settings.cutoff_minutes_for)
    if len(choices.sites) == 1:
        slot_form.site_id = str(next(iter(choices.sites)))
    return _series_page(request, SeriesForm(slot_form, DEFAULT_WEEKS), choices, {})


@router.post("/slots/series", name="slot_series_create")
@allow(SLOT_WRITERS)
async def slot_series_create(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    posted = await request.form()
    form = SeriesForm(read_slot_form(posted), str(posted.get("weeks", "")))
    site_ids = site_scope(staff)
    async with panel.database.reading() as session:
        choices = await load_slot_choices(session, site_ids)
    now, tz = panel.clock.now(), panel.settings.tz
    checked = validate_series_form(
        form, now=now, tz=tz, choices=choices, cutoff_minutes_for=panel.settings.cutoff_minutes_for
    )
    if not isinstance(checked, SeriesValues):
        return _series_page(request, form, choices, checked)
    async with panel.database.transaction() as session:
        by = await acting_user(session, staff)
        await create_series(session, checked, now=now, by=by, tz=tz, site_ids=site_ids)
    return back_to_week(checked.first.starts_at, tz, "series")
