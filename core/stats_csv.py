"""The dashboard's tables as CSV files (`core.csv_export`: French Excel first).

A rate is given as its numerator, its denominator and the fraction (0,300), so
a spreadsheet can both show "12/40" and compute with the number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from core.csv_export import Cell, Render, local_datetime, to_csv
from core.i18n import Text, t
from core.models import OutboxStatus, SlotKind
from core.stats import Counts, Dashboard, Rate, weekly_totals

KIND_LABELS = {
    SlotKind.WORKSHOP: t("Atelier"),
    SlotKind.FOOD_PARCEL: t("Colis alimentaire"),
    SlotKind.APPOINTMENT: t("Rendez-vous partenaire"),
}
NO_SITE = t("Sans site")
NO_ORIGIN = t("Sans campagne")
NO_REASON = t("Motif inconnu")

ACTIVITY_HEADER = (
    t("Semaine"),
    t("Lundi"),
    t("Site"),
    t("Type"),
    t("Créneaux publiés"),
    t("Créneaux annulés"),
    t("Places"),
    t("Places réservées"),
    t("Taux de remplissage"),
    t("Confirmés"),
    t("Rappelés"),
    t("Taux de confirmation"),
    t("Présents"),
    t("Présences pointées"),
    t("Taux de présence"),
    t("Absents"),
    t("Taux d’absence"),
    t("Rappels envoyés"),
    t("Rappels en échec"),
    t("Rappels non envoyés"),
    t("Réponses au questionnaire"),
    t("Satisfaction moyenne"),
)
FAILURES_HEADER = (t("Site"), t("Type"), t("Motif"), t("Nombre"), t("Dernier rappel prévu le"))
ORIGINS_HEADER = (t("Semaine"), t("Lundi"), t("Site"), t("Campagne"), t("Nouveaux jeunes"))


def activity_csv(dashboard: Dashboard, render: Render) -> str:
    site = _site_namer(dashboard, render)
    rows: list[list[Cell]] = [
        [
            row.week.label,
            row.week.monday,
            site(row.site_id),
            render(KIND_LABELS[row.kind]),
            *_counts(row),
        ]
        for row in dashboard.activity
    ]
    return to_csv(_labels(ACTIVITY_HEADER, render), rows)


def weeks_csv(dashboard: Dashboard, render: Render) -> str:
    """Every week of the range added up over the sites and kinds shown: the charts' figures."""
    rows: list[list[Cell]] = [
        [total.week.label, total.week.monday, *_counts(total)] for total in weekly_totals(dashboard)
    ]
    header = ACTIVITY_HEADER[:2] + ACTIVITY_HEADER[4:]
    return to_csv(_labels(header, render), rows)


def _counts(row: Counts) -> list[Cell]:
    return [
        row.slots_published,
        row.slots_cancelled,
        row.capacity,
        *_rate(row.fill),
        *_rate(row.confirmation),
        *_rate(row.attendance),
        row.no_shows,
        row.no_show.fraction,
        row.reminders.get(OutboxStatus.SENT, 0),
        row.reminders.get(OutboxStatus.FAILED, 0),
        row.reminders.get(OutboxStatus.SKIPPED, 0),
        row.satisfaction_count,
        row.satisfaction_average,
    ]


def failures_csv(dashboard: Dashboard, render: Render, tz: tzinfo) -> str:
    site = _site_namer(dashboard, render)
    rows: list[list[Cell]] = [
        [
            site(row.site_id),
            render(KIND_LABELS[row.kind]),
            row.reason or render(NO_REASON),
            row.count,
            local_datetime(row.last_due_at, tz),
        ]
        for row in dashboard.failures
    ]
    return to_csv(_labels(FAILURES_HEADER, render), rows)


def origins_csv(dashboard: Dashboard, render: Render) -> str:
    site = _site_namer(dashboard, render)
    rows: list[list[Cell]] = [
        [
            row.week.label,
            row.week.monday,
            site(row.site_id),
            row.origin or render(NO_ORIGIN),
            row.new_youths,
        ]
        for row in dashboard.origins
    ]
    return to_csv(_labels(ORIGINS_HEADER, render), rows)


def _rate(rate: Rate) -> tuple[int, int, float | None]:
    return rate.numerator, rate.denominator, rate.fraction


def _site_namer(dashboard: Dashboard, render: Render) -> Callable[[int | None], str]:
    def name(site_id: int | None) -> str:
        if site_id is None:
            return render(NO_SITE)
        return dashboard.site_names.get(site_id, str(site_id))

    return name


def _labels(header: tuple[Text, ...], render: Render) -> list[str]:
    return [render(label) for label in header]
