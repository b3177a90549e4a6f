"""Who may use the rosters pages."""

from __future__ import annotations

from tests.admin.matrix import READ_SITE_A, STAFF, WRITE_SITE_A

ROWS: dict[str, frozenset[str]] = {
    "roster": READ_SITE_A,
    "roster_mark": WRITE_SITE_A,
    "roster_all_present": WRITE_SITE_A,
    "roster_sign_in": READ_SITE_A,
    "roster_csv": READ_SITE_A,
    # slot_a is a workshop: the export sends back to the roster (303), past the access check.
    "roster_linkee_csv": READ_SITE_A,
    "to_complete": STAFF,
}
