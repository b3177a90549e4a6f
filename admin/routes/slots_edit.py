"""Creating a slot, editing it (this occurrence only or the following too), cancelling it.

A change that tells youths (a new time, a cancellation) first shows a confirmation
page with how many youths are told and asks the message they receive; the form's
values travel through that page as hidden fields.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from admin.access import CurrentStaff, NotFound, allow, panel_router, site_scoped
from admin.routes.accounts import acting_user
from admin.routes.slots_common import (
    SLOT_WRITERS,
    back_to_week,
    check_message,
    form_context,
    hidden_fields,
    read_slot_form,
    site_scope,
    slot_site,
)
from admin.state import panel_of
from admin.templating import render
from core.booking.errors import SlotCancelled, SlotNotFound
from core.i18n import Text, t
from core.models import Slot, SlotKind, SlotStatus
from core.slot_admin import (
    OutsideYourSites,
    SlotChangeRefused,
    cancel,
    create_slot,
    scoped_slot,
    update_slot,
    youths_to_tell,
)
from core.slot_form import (
    FieldErrors,
    SlotChoices,
    SlotForm,
    SlotValues,
    load_slot_choices,
    new_slot_form,
    slot_form_from,
    validate_slot_form,
)
from core.slot_series import cancel_following, series_occurrences, update_following
from core.staff import StaffView

router = panel_router()

ALREADY_CANCELLED = t("Ce créneau est annulé : il ne peut plus être modifié.")


def _kind_of(raw: str) -> SlotKind:
    try:
        return SlotKind(raw)
    except ValueError:
        return SlotKind.WORKSHOP


def _form_page(
    request: Request,
    form: SlotForm,
    choices: SlotChoices,
    errors: FieldErrors,
    slot: Slot | None = None,
) -> Response:
    context = form_context(form, choices, errors)
    context["slot"] = slot
    return render(request, "slots/form.html", context, status_code=400 if errors else 200)


async def _scoped(request: Request, staff: StaffView, slot_id: int) -> tuple[Slot, SlotChoices]:
    site_ids = site_scope(staff)
    async with panel_of(request).database.reading() as session:
        try:
            slot = await scoped_slot(session, slot_id, site_ids)
        except (SlotNotFound, OutsideYourSites):
            raise NotFound from None
        choices = await load_slot_choices(session, site_ids)
    return slot, choices


async def _told(request: Request, slot: Slot, following: bool) -> int:
    """How many youths a move or cancellation of the slot (and the later occurrences) tells."""
    async with panel_of(request).database.reading() as session:
        slots = [slot]
        if following and slot.series_id is not None:
            slots = await series_occurrences(session, slot.series_id, from_start=slot.starts_at)
        return sum([await youths_to_tell(session, row.id or 0) for row in slots])


def _confirm_page(
    request: Request,
    *,
    slot: Slot,
    action: str,
    told: int,
    following: bool,
    cancelling: bool,
    hidden: list[tuple[str, str]],
    message: str,
    error: Text | None,
) -> Response:
    context: dict[str, Any] = {
        "slot": slot,
        "action": action,
        "told": told,
        "following": following,
        "cancelling": cancelling,
        "hidden": hidden,
        "message": message,
        "error": error,
    }
    return render(request, "slots/confirm.html", context, status_code=400 if error else 200)


@router.get("/slots/new", name="slot_new")
@allow(SLOT_WRITERS)
async def slot_new(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    kind = _kind_of(request.query_params.get("kind", ""))
    async with panel.database.reading() as session:
        choices = await load_slot_choices(session, site_scope(staff))
    form = new_slot_form(kind, panel.settings.cutoff_minutes_for)
    if len(choices.sites) == 1:
        form.site_id = str(next(iter(choices.sites)))
    return _form_page(request, form, choices, {})


@router.post("/slots", name="slot_create")
@allow(SLOT_WRITERS)
async def slot_create(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    form = read_slot_form(await request.form())
    site_ids = site_scope(staff)
    async with panel.database.reading() as session:
        choices = await load_slot_choices(session, site_ids)
    now = panel.clock.now()
    checked = validate_slot_form(
        form,
        now=now,
        tz=panel.settings.tz,
        choices=choices,
        cutoff_minutes_for=panel.settings.cutoff_minutes_for,
    )
    if not isinstance(checked, SlotValues):
        return _form_page(request, form, choices, checked)
    async with panel.database.transaction() as session:
        by = await acting_user(session, staff)
        slot = await create_slot(session, checked, now=now, by=by, site_ids=site_ids)
    return back_to_week(slot.starts_at, panel.settings.tz, "created")


@router.get("/slots/{slot_id}/edit", name="slot_edit")
@allow(site_scoped(slot_site, write=True))
async def slot_edit(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    slot, choices = await _scoped(request, staff, slot_id)
    form = slot_form_from(slot, panel_of(request).settings.tz, choices)
    return _form_page(request, form, choices, {}, slot)


@router.post("/slots/{slot_id}", name="slot_update")
@allow(site_scoped(slot_site, write=True))
async def slot_update(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    panel = panel_of(request)
    posted = await request.form()
    form = read_slot_form(posted)
    following = posted.get("scope") == "following"
    slot, choices = await _scoped(request, staff, slot_id)
    if slot.status != SlotStatus.SCHEDULED:
        return _form_page(request, form, choices, {"title": ALREADY_CANCELLED}, slot)
    now, tz = panel.clock.now(), panel.settings.tz
    checked = validate_slot_form(
        form,
        now=now,
        tz=tz,
        choices=choices,
        cutoff_minutes_for=panel.settings.cutoff_minutes_for,
        current=slot,
    )
    if not isinstance(checked, SlotValues):
        return _form_page(request, form, choices, checked, slot)
    message = " ".join(str(posted.get("message", "")).split())
    moves = (checked.starts_at, checked.ends_at) != (slot.starts_at, slot.ends_at)
    told = await _told(request, slot, following) if moves else 0
    if told and (posted.get("confirmed") != "1" or check_message(message, True)):
        hidden = [*hidden_fields(form), ("scope", "following" if following else "one")]
        error = check_message(message, True) if posted.get("confirmed") == "1" else None
        return _confirm_page(
            request,
            slot=slot,
            action=f"/slots/{slot_id}",
            told=told,
            following=following,
            cancelling=False,
            hidden=hidden,
            message=message,
            error=error,
        )
    site_ids = site_scope(staff)
    try:
        async with panel.database.transaction() as session:
            by = await acting_user(session, staff)
            offsets = panel.settings.reminder_offsets_for
            if following:
                await update_following(
                    session, slot_id, checked, now=now, by=by, message=message,
                    offsets_for=offsets, tz=tz, site_ids=site_ids,
                )  # fmt: skip
            else:
                await update_slot(
                    session, slot_id, checked, now=now, by=by, message=message,
                    offsets_for=offsets, site_ids=site_ids,
                )  # fmt: skip
    except SlotChangeRefused as refused:
        return _form_page(request, form, choices, refused.errors, slot)
    except SlotCancelled:
        return _form_page(request, form, choices, {"title": ALREADY_CANCELLED}, slot)
    except (SlotNotFound, OutsideYourSites):
        raise NotFound from None
    return back_to_week(checked.starts_at, tz, "saved")


def _cancel_choice(posted: FormData) -> tuple[bool, str, bool]:
    following = posted.get("scope") == "following"
    message = " ".join(str(posted.get("message", "")).split())
    return following, message, posted.get("confirmed") == "1"


@router.post("/slots/{slot_id}/cancel", name="slot_cancel")
@allow(site_scoped(slot_site, write=True))
async def slot_cancel(request: Request, staff: CurrentStaff, slot_id: int) -> Response:
    panel = panel_of(request)
    following, message, confirmed = _cancel_choice(await request.form())
    slot, _ = await _scoped(request, staff, slot_id)
    told = await _told(request, slot, following)
    error = check_message(message, told > 0)
    if not confirmed or error:
        return _confirm_page(
            request,
            slot=slot,
            action=f"/slots/{slot_id}/cancel",
            told=told,
            following=following,
            cancelling=True,
            hidden=[("scope", "following" if following else "one")],
            message=message,
            error=error if confirmed else None,
        )
    now = panel.clock.now()
    try:
        async with panel.database.transaction() as session:
            by = await acting_user(session, staff)
            site_ids = site_scope(staff)
            if following:
                await cancel_following(
                    session, slot_id, now=now, by=by, message=message, site_ids=site_ids
                )
            else:
                await cancel(session, slot_id, now=now, by=by, message=message, site_ids=site_ids)
    except (SlotNotFound, OutsideYourSites):
        raise NotFound from None
    return back_to_week(slot.starts_at, panel.settings.tz, "cancelled")
