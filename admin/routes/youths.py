"""Finding a youth of one's sites, their page, the food-parcel toggle and sending them a message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from admin.access import CurrentStaff, NotFound, allow, panel_router
from admin.routes.accounts import acting_user
from admin.routes.youths_common import (
    BOOKING_STATUS,
    CONTACT_STATUS,
    READERS,
    WRITERS,
    can_write,
    page_links,
    refuse_out_of_scope,
    scope_of,
    topic_label,
)
from admin.state import panel_of
from admin.templating import render
from core import staff_scope
from core.diagnostic.results import FINDINGS, orientation_from_record
from core.i18n import Text, t
from core.models import Youth
from core.staff import StaffView
from core.staff_messages import MAX_MESSAGE_LENGTH, send_staff_message
from core.youth_directory import YouthErased, search_youths, set_food_parcel_eligible, youth_page

router = panel_router()

# What a refused message says, next to the text area, by the service's error code.
MESSAGE_ERRORS: Mapping[str, Text] = {
    "message_blank": t("Écrivez un message avant de l’envoyer."),
    "message_too_long": t(
        "Ce message est trop long : {max} caractères au plus.", max=MAX_MESSAGE_LENGTH
    ),
    "youth_unreachable": t(
        "Ce jeune a bloqué Passerelle sur Telegram : le message ne peut pas lui parvenir."
    ),
    "youth_erased": t("Ce jeune a effacé ses données : on ne peut plus lui écrire."),
}


@router.get("/youths", name="youth_search")
@allow(READERS)
async def youth_search(request: Request, staff: CurrentStaff) -> Response:
    query = request.query_params.get("q", "")[:200]
    number = _page_number(request)
    async with panel_of(request).database.reading() as session:
        found = await search_youths(session, query, site_ids=scope_of(staff), page=number)
    return render(
        request,
        "youths/list.html",
        {"query": query, "youths": found.items, "pages": page_links(request, found)},
    )


@router.get("/youths/{youth_id}", name="youth_page")
@allow(READERS)
async def youth_detail(request: Request, staff: CurrentStaff, youth_id: int) -> Response:
    return await _youth_page(request, staff, youth_id)


@router.post("/youths/{youth_id}/food-parcel", name="youth_food_parcel")
@allow(WRITERS)
async def youth_food_parcel(request: Request, staff: CurrentStaff, youth_id: int) -> Response:
    form = await request.form()
    eligible = form.get("eligible") == "1"
    panel = panel_of(request)
    async with panel.database.transaction() as session:
        try:
            await set_food_parcel_eligible(
                session,
                youth_id,
                eligible,
                by=await acting_user(session, staff),
                site_ids=scope_of(staff),
                now=panel.clock.now(),
            )
        except staff_scope.NotFound:
            raise await refuse_out_of_scope(session, Youth, youth_id) from None
    return RedirectResponse(f"/youths/{youth_id}?saved=food#food-parcel", status_code=303)


@router.post("/youths/{youth_id}/message", name="youth_message")
@allow(WRITERS)
async def youth_message(request: Request, staff: CurrentStaff, youth_id: int) -> Response:
    form = await request.form()
    text = str(form.get("text", ""))
    panel = panel_of(request)
    error: staff_scope.StaffActionError | None = None
    async with panel.database.transaction() as session:
        try:
            await send_staff_message(
                session,
                youth_id,
                text,
                by=await acting_user(session, staff),
                site_ids=scope_of(staff),
                now=panel.clock.now(),
            )
        except YouthErased as erased:
            error = erased
        except staff_scope.NotFound:
            raise await refuse_out_of_scope(session, Youth, youth_id) from None
        except staff_scope.StaffActionError as refused:
            error = refused
    if error is None:
        return RedirectResponse(f"/youths/{youth_id}?saved=message#message", status_code=303)
    message = MESSAGE_ERRORS.get(error.code, t("Ce message n’a pas pu être envoyé."))
    if isinstance(error, YouthErased):
        return render(request, "message.html", {"message": message}, status_code=404)
    return await _youth_page(request, staff, youth_id, text=text, error=message)


async def _youth_page(
    request: Request,
    staff: StaffView,
    youth_id: int,
    *,
    text: str = "",
    error: Text | None = None,
) -> Response:
    panel = panel_of(request)
    async with panel.database.reading() as session:
        try:
            found = await youth_page(
                session,
                youth_id,
                site_ids=scope_of(staff),
                now=panel.clock.now(),
                page=_page_number(request),
            )
        except YouthErased:
            raise NotFound from None
        except staff_scope.NotFound:
            raise await refuse_out_of_scope(session, Youth, youth_id) from None
    orientations = []
    if found.diagnostic is not None:
        read = (orientation_from_record(item) for item in found.diagnostic.orientations)
        orientations = [item for item in read if item is not None]
    context: dict[str, Any] = {
        "found": found,
        "youth": found.youth,
        "orientations": orientations,
        "findings": FINDINGS,
        "pages": page_links(request, found.bookings, "#bookings"),
        "booking_status": BOOKING_STATUS,
        "contact_status": CONTACT_STATUS,
        "topic_label": topic_label,
        "can_write": can_write(staff),
        "max_length": MAX_MESSAGE_LENGTH,
        "text": text,
        "error": error,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "youths/page.html", context, status_code=400 if error else 200)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
