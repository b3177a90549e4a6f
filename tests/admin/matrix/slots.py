"""Who may use the slots pages."""

from __future__ import annotations

from tests.admin.matrix import STAFF, WRITE_SITE_A

# Creating and importing name no site: advisers (for their own sites) and admins.
WRITERS = frozenset({"adviser_a", "adviser_b", "admin"})

ROWS: dict[str, frozenset[str]] = {
    "slot_list": STAFF,
    "slot_new": WRITERS,
    "slot_create": WRITERS,
    "slot_edit": WRITE_SITE_A,
    "slot_update": WRITE_SITE_A,
    "slot_cancel": WRITE_SITE_A,
    "slot_series_new": WRITERS,
    "slot_series_create": WRITERS,
    "slot_import_form": WRITERS,
    "slot_import_example": WRITERS,
    "slot_import": WRITERS,
}
