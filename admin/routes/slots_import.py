"""Slots imported from a CSV file: the expected columns, an example, and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile

from admin.access import CurrentStaff, allow, panel_router
from admin.routes.slots_common import SLOT_WRITERS
from admin.state import panel_of
from admin.templating import render
from core.i18n import Text, t
from core.slot_import import COLUMNS, ImportReport, import_slots

router = panel_router()

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "slot-import-example.csv"
MAX_BYTES = 2 * 1024 * 1024
NO_FILE = t("Choisis un fichier CSV.")
TOO_BIG = t("Le fichier est trop gros : 2 Mo au plus.")
NOT_TEXT = t("Ce fichier n’est pas un fichier texte CSV.")


def _import_page(
    request: Request, *, report: ImportReport | None = None, error: Text | None = None
) -> Response:
    failed = error is not None or (report is not None and bool(report.errors))
    return render(
        request,
        "slots/import.html",
        {"columns": COLUMNS, "report": report, "error": error},
        status_code=400 if failed else 200,
    )


def _decode(data: bytes) -> str | None:
    # Excel in France saves CSV as Windows-1252 unless told otherwise.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@router.get("/slots/import", name="slot_import_form")
@allow(SLOT_WRITERS)
async def slot_import_form(request: Request) -> Response:
    return _import_page(request)


@router.get("/slots/import/example.csv", name="slot_import_example")
@allow(SLOT_WRITERS)
async def slot_import_example(request: Request) -> Response:
    return FileResponse(EXAMPLE, media_type="text/csv", filename="creneaux-exemple.csv")


@router.post("/slots/import", name="slot_import")
@allow(SLOT_WRITERS)
async def slot_import(request: Request, staff: CurrentStaff) -> Response:
    panel = panel_of(request)
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, error=NO_FILE)
    try:
        data = await upload.read(MAX_BYTES + 1)
    finally:
        await upload.close()
    if len(data) > MAX_BYTES:
        return _import_page(request, error=TOO_BIG)
    text = _decode(data)
    if text is None or "\x00" in text:
        return _import_page(request, error=NOT_TEXT)
    async with panel.database.transaction() as session:
        report = await import_slots(
            session, text, now=panel.clock.now(), settings=panel.settings, by_staff_id=staff.id
        )
    return _import_page(request, report=report)
