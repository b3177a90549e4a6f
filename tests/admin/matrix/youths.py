"""Who may use the youths pages."""

from __future__ import annotations

from tests.admin.matrix import READ_SITE_A, STAFF, WRITE_SITE_A

ROWS: dict[str, frozenset[str]] = {
    # Every account searches; an adviser finds only the youths of their sites.
    "youth_search": STAFF,
    "youth_page": READ_SITE_A,
    "youth_food_parcel": WRITE_SITE_A,
    "youth_message": WRITE_SITE_A,
}
