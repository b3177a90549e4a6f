"""Who may use the preview pages: every staff account (it changes nothing real)."""

from __future__ import annotations

from tests.admin.matrix import STAFF

ROWS: dict[str, frozenset[str]] = {
    "preview": STAFF,
    "preview_send": STAFF,
    "preview_tap": STAFF,
    "preview_start": STAFF,
    "preview_reset": STAFF,
    "preview_document": STAFF,
}
