"""Who may use the inbox pages."""

from __future__ import annotations

from tests.admin.matrix import READ_SITE_A, STAFF, WRITE_SITE_A

ROWS: dict[str, frozenset[str]] = {
    # Every account opens its inbox; an adviser sees only the requests of their sites.
    "inbox": STAFF,
    "inbox_request": READ_SITE_A,
    "inbox_take": WRITE_SITE_A,
    "inbox_answer": WRITE_SITE_A,
    "inbox_close": WRITE_SITE_A,
}
