"""Who may use the dashboard pages: its figures span every site, so coordination only."""

from __future__ import annotations

from tests.admin.matrix import COORDINATION

ROWS: dict[str, frozenset[str]] = {
    "dashboard": COORDINATION,
    "dashboard_weeks_csv": COORDINATION,
    "dashboard_activity_csv": COORDINATION,
    "dashboard_failures_csv": COORDINATION,
    "dashboard_origins_csv": COORDINATION,
}
