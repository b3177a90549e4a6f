"""The access matrix's rows, one module per area of the panel, each with a `ROWS` dict:
route name -> the roles it lets through (see `tests/admin/test_access.py`)."""

from __future__ import annotations

import importlib
import pkgutil

ROLES = ("anonymous", "adviser_a", "adviser_b", "coordinator", "admin")
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
COORDINATION = frozenset({"coordinator", "admin"})
# A page about site A's things: its adviser, and those who see every site.
READ_SITE_A = frozenset({"adviser_a", "coordinator", "admin"})
# A change to site A's things: coordinators read every site but change none.
WRITE_SITE_A = frozenset({"adviser_a", "admin"})


def area_rows() -> dict[str, frozenset[str]]:
    rows: dict[str, frozenset[str]] = {}
    for module in pkgutil.iter_modules(__path__):
        area = importlib.import_module(f"{__name__}.{module.name}")
        overlap = rows.keys() & area.ROWS.keys()
        assert not overlap, f"{module.name} repeats rows: {sorted(overlap)}"
        rows.update(area.ROWS)
    return rows
