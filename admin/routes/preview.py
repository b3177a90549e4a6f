"""The bot in the browser: staff chat with the same engine as a throwaway youth, in any language.

Every form posts, the engine handles the event, and the browser is sent back to
/preview (post, redirect, get), so reloading never sends a message twice. See
`admin.routes.preview_chat` for the throwaway youth and where the transcript lives.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from admin.access import ANY_STAFF, CurrentStaff, allow, panel_router
from admin.routes.preview_chat import PreviewChats, preview_chats
from admin.state import panel_of
from admin.templating import chosen_locale, render
from core.config import SUPPORTED_LOCALES
from core.i18n import language_name

router = panel_router()


def _chats(request: Request) -> PreviewChats:
    return preview_chats(request.app, panel_of(request))


def _back() -> Response:
    # To the bottom of the conversation, where the answer just arrived.
    return RedirectResponse("/preview#latest", status_code=303)


async def _field(request: Request, name: str) -> str:
    value = (await request.form()).get(name, "")
    return value if isinstance(value, str) else ""


@router.get("/preview", name="preview")
@allow(ANY_STAFF)
async def preview_page(request: Request, staff: CurrentStaff) -> Response:
    transcript = _chats(request).transcript(staff.id)
    locale = chosen_locale(request)
    languages = [(code, language_name(code)) for code in SUPPORTED_LOCALES]
    return render(
        request,
        "preview/page.html",
        {
            "bubbles": list(transcript.bubbles),
            "bot_languages": languages,
            "bot_language": locale,
        },
    )


@router.post("/preview/send", name="preview_send")
@allow(ANY_STAFF)
async def preview_send(request: Request, staff: CurrentStaff) -> Response:
    text = await _field(request, "text")
    await _chats(request).send(staff.id, staff.name, text, chosen_locale(request))
    return _back()


@router.post("/preview/tap", name="preview_tap")
@allow(ANY_STAFF)
async def preview_tap(request: Request, staff: CurrentStaff) -> Response:
    button_id = await _field(request, "button")
    await _chats(request).tap(staff.id, staff.name, button_id, chosen_locale(request))
    return _back()


@router.post("/preview/start", name="preview_start")
@allow(ANY_STAFF)
async def preview_start(request: Request, staff: CurrentStaff) -> Response:
    """/start, then the language button: the first two steps of every newcomer."""
    language = await _field(request, "language")
    if language not in SUPPORTED_LOCALES:
        language = chosen_locale(request)
    chats = _chats(request)
    await chats.send(staff.id, staff.name, "/start", language)
    await chats.tap(staff.id, staff.name, f"lang:{language}", language)
    return _back()


@router.post("/preview/reset", name="preview_reset")
@allow(ANY_STAFF)
async def preview_reset(request: Request, staff: CurrentStaff) -> Response:
    await _chats(request).reset(staff.id)
    return RedirectResponse("/preview", status_code=303)


@router.get("/preview/document", name="preview_document")
@allow(ANY_STAFF)
async def preview_document(request: Request, staff: CurrentStaff) -> Response:
    """A file the bot sent (a calendar invitation), as Telegram would let the youth save it."""
    number = request.query_params.get("n", "")
    documents = _chats(request).transcript(staff.id).documents
    document = documents.get(int(number)) if number.isdigit() else None
    if document is None:
        # Gone with a restart or a reset: back to the conversation rather than an error.
        return RedirectResponse("/preview", status_code=303)
    filename = quote(document.filename)
    return Response(
        document.content,
        media_type=document.mime_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )
