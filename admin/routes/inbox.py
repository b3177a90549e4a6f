"""Contact requests of one's sites, urgent first: take one, answer it, close it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from admin.access import CurrentStaff, allow, panel_router
from admin.routes.accounts import acting_user
from admin.routes.youths import MESSAGE_ERRORS
from admin.routes.youths_common import (
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
from core import contact_inbox, staff_scope
from core.i18n import Text, t
from core.models import ContactRequest, ContactStatus
from core.staff import StaffView
from core.staff_messages import MAX_MESSAGE_LENGTH

router = panel_router()

# The inbox's filters: `?status=` -> the statuses shown; the first is the default.
FILTERS: Mapping[str, tuple[ContactStatus, ...]] = {
    "todo": contact_inbox.OPEN_STATUSES,
    "open": (ContactStatus.OPEN,),
    "taken": (ContactStatus.TAKEN,),
    "closed": (ContactStatus.CLOSED,),
}
FILTER_LABELS: Mapping[str, Text] = {
    "todo": t("À traiter"),
    "open": t("À prendre"),
    "taken": t("Prises en charge"),
    "closed": t("Closes"),
}
REQUEST_CLOSED = t("Cette demande est close : elle ne peut plus être prise ni recevoir de réponse.")


@router.get("/inbox", name="inbox")
@allow(READERS)
async def inbox_list(request: Request, staff: CurrentStaff) -> Response:
    chosen = request.query_params.get("status", "todo")
    chosen = chosen if chosen in FILTERS else "todo"
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    async with panel_of(request).database.reading() as session:
        found = await contact_inbox.inbox(
            session, site_ids=scope_of(staff), statuses=FILTERS[chosen], page=number
        )
    filters = [
        {"key": key, "label": label, "current": key == chosen}
        for key, label in FILTER_LABELS.items()
    ]
    return render(
        request,
        "inbox/list.html",
        {
            "items": found.items,
            "pages": page_links(request, found),
            "filters": filters,
            "contact_status": CONTACT_STATUS,
            "topic_label": topic_label,
        },
    )


@router.get("/inbox/{request_id}", name="inbox_request")
@allow(READERS)
async def inbox_request(request: Request, staff: CurrentStaff, request_id: int) -> Response:
    return await _request_page(request, staff, request_id)


@router.post("/inbox/{request_id}/take", name="inbox_take")
@allow(WRITERS)
async def inbox_take(request: Request, staff: CurrentStaff, request_id: int) -> Response:
    return await _act(request, staff, request_id, "take")


@router.post("/inbox/{request_id}/answer", name="inbox_answer")
@allow(WRITERS)
async def inbox_answer(request: Request, staff: CurrentStaff, request_id: int) -> Response:
    return await _act(request, staff, request_id, "answer")


@router.post("/inbox/{request_id}/close", name="inbox_close")
@allow(WRITERS)
async def inbox_close(request: Request, staff: CurrentStaff, request_id: int) -> Response:
    return await _act(request, staff, request_id, "close")


async def _act(request: Request, staff: StaffView, request_id: int, action: str) -> Response:
    """Run one of the service's changes; a refusal shows the request again, with why."""
    form = await request.form()
    text = str(form.get("text", ""))
    panel = panel_of(request)
    refused: staff_scope.StaffActionError | None = None
    async with panel.database.transaction() as session:
        by = await acting_user(session, staff)
        scope, now = scope_of(staff), panel.clock.now()
        try:
            if action == "take":
                await contact_inbox.take(session, request_id, by=by, site_ids=scope, now=now)
            elif action == "answer":
                await contact_inbox.answer(
                    session, request_id, text, by=by, site_ids=scope, now=now
                )
            else:
                await contact_inbox.close(session, request_id, by=by, site_ids=scope, now=now)
        except staff_scope.NotFound as missing:
            if missing.entity != contact_inbox.ENTITY:
                refused = missing  # the youth erased their data since
            else:
                raise await refuse_out_of_scope(session, ContactRequest, request_id) from None
        except staff_scope.StaffActionError as error:
            refused = error
    if refused is None:
        return RedirectResponse(f"/inbox/{request_id}?done={action}", status_code=303)
    if isinstance(refused, contact_inbox.RequestClosed):
        message = REQUEST_CLOSED
    else:
        message = MESSAGE_ERRORS.get(refused.code, t("Cette demande n’a pas abouti."))
    return await _request_page(request, staff, request_id, text=text, error=message)


async def _request_page(
    request: Request,
    staff: StaffView,
    request_id: int,
    *,
    text: str = "",
    error: Text | None = None,
) -> Response:
    async with panel_of(request).database.reading() as session:
        try:
            item = await contact_inbox.inbox_item(session, request_id, site_ids=scope_of(staff))
        except staff_scope.NotFound:
            raise await refuse_out_of_scope(session, ContactRequest, request_id) from None
    context: dict[str, Any] = {
        "item": item,
        "contact_request": item.request,
        "label": topic_label(item.request.topic),
        "contact_status": CONTACT_STATUS,
        "can_write": can_write(staff),
        "max_length": MAX_MESSAGE_LENGTH,
        "text": text,
        "error": error,
        "done": request.query_params.get("done"),
    }
    return render(request, "inbox/request.html", context, status_code=400 if error else 200)
