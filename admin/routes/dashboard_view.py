"""What the dashboard page shows, apart from fetching it: the filters read from the query
string, the rates and averages written for the reader's locale, the charts' figures, the
tables' pages and their rows as written on the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Generic, TypeVar
from urllib.parse import urlencode

from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from admin.charts import Chart, bar_chart, stacked_bars
from admin.pagination import Page
from admin.templating import Translator
from core.i18n import Text, t
from core.models import OutboxStatus, SlotKind
from core.stats import (
    MAX_WEEKS,
    ActivityRow,
    Dashboard,
    FailureRow,
    OriginRow,
    Rate,
    WeekTotal,
)
from core.stats_csv import KIND_LABELS, NO_ORIGIN, NO_REASON, NO_SITE

# The default range: this week and the seven before it.
DEFAULT_WEEKS = 8
# Sent, then failed, then not sent: the stacked chart's series, bottom first.
REMINDER_SERIES = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SKIPPED)
Row = TypeVar("Row")
Line = TypeVar("Line")


@dataclass(frozen=True)
class Filters:
    first_day: date
    last_day: date
    site_id: int | None = None
    kind: SlotKind | None = None

    def query(self, extra: Mapping[str, str] | None = None) -> str:
        """The same filters as a query string, for the CSV and page links."""
        values = {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        if self.site_id is not None:
            values["site"] = str(self.site_id)
        if self.kind is not None:
            values["kind"] = self.kind.value
        return urlencode(values | dict(extra or {}))


@dataclass
class FilterForm:
    """The filters as typed (kept in the form) and the mistakes found, by field."""

    values: dict[str, str]
    errors: dict[str, Text] = field(default_factory=dict)
    filters: Filters | None = None


def default_range(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), today


def read_filters(query: Mapping[str, str], today: date, site_ids: set[int]) -> FilterForm:
    first, last = default_range(today)
    values = {
        "from": query.get("from", "").strip() or first.isoformat(),
        "to": query.get("to", "").strip() or last.isoformat(),
        "site": query.get("site", "").strip(),
        "kind": query.get("kind", "").strip(),
    }
    form = FilterForm(values)
    first_day = _day(form, "from")
    last_day = _day(form, "to")
    site_id = None
    if values["site"]:
        if not values["site"].isdigit() or int(values["site"]) not in site_ids:
            form.errors["site"] = t("Choisissez un site de la liste.")
        else:
            site_id = int(values["site"])
    kind = None
    if values["kind"]:
        if values["kind"] not in set(SlotKind):
            form.errors["kind"] = t("Choisissez un type de la liste.")
        else:
            kind = SlotKind(values["kind"])
    if first_day and last_day:
        if last_day < first_day:
            form.errors["to"] = t("La fin de la période doit suivre son début.")
        elif (last_day - first_day).days > 7 * (MAX_WEEKS - 1):
            form.errors["to"] = t("{n} semaines au plus à la fois.", n=MAX_WEEKS)
    if first_day and last_day and not form.errors:
        form.filters = Filters(first_day, last_day, site_id, kind)
    return form


def _day(form: FilterForm, name: str) -> date | None:
    try:
        return date.fromisoformat(form.values[name])
    except ValueError:
        form.errors[name] = t("Une date comme 2026-11-23, s’il vous plaît.")
        return None


def only_site(board: Dashboard, site_id: int | None) -> Dashboard:
    """A site's figures alone: the scope of `core.stats` also counts rows without a site
    (as advisers see them), which a coordinator asking for one site does not want."""
    if site_id is None:
        return board
    return replace(
        board,
        activity=[row for row in board.activity if row.site_id == site_id],
        failures=[row for row in board.failures if row.site_id == site_id],
        origins=[row for row in board.origins if row.site_id == site_id],
    )


AVERAGE_PATTERN = "0.0"
COUNT_PATTERN = "#,##0.##"


class Numbers:
    """Rates, averages and percentages written as the reader's locale writes them."""

    def __init__(self, locale: str) -> None:
        self.babel_locale = {"en": "en_GB"}.get(locale, locale)

    def rate(self, rate: Rate) -> Text:
        """ "12/40 (30 %)"; "0/0 (—)" when there was nothing to measure."""
        return _rate(rate, self.babel_locale)

    def percent(self, fraction: float) -> str:
        return _percent(fraction, self.babel_locale)

    def average(self, value: float | None) -> str:
        if value is None:
            return "—"
        return _decimal(value, AVERAGE_PATTERN, self.babel_locale)

    def count(self, value: float) -> str:
        return _decimal(value, COUNT_PATTERN, self.babel_locale)


# Babel parses the locale and the pattern again on every call, and a page writes
# hundreds of numbers and rates, mostly the same few week after week: each is written
# once per locale and remembered.
@lru_cache(maxsize=4096)
def _decimal(value: float, pattern: str, babel_locale: str) -> str:
    return str(format_decimal(value, format=pattern, locale=babel_locale))


@lru_cache(maxsize=4096)
def _percent(fraction: float, babel_locale: str) -> str:
    return str(format_percent(fraction, locale=babel_locale))


@lru_cache(maxsize=4096)
def _rate(rate: Rate, babel_locale: str) -> Text:
    fraction = rate.fraction
    percent = "—" if fraction is None else _percent(fraction, babel_locale)
    # The counts written here rather than by the translator, to be remembered with the
    # rate: a whole number reads the same in this pattern as in the translator's.
    return t(
        "{numerator}/{denominator} ({percent})",
        numerator=_decimal(rate.numerator, COUNT_PATTERN, babel_locale),
        denominator=_decimal(rate.denominator, COUNT_PATTERN, babel_locale),
        percent=percent,
    )


def week_label(total: WeekTotal) -> str:
    # Day/month of the week's Monday: both French and British English write it so.
    return total.week.monday.strftime("%d/%m")


def rate_chart(totals: list[WeekTotal], rate_name: str) -> Chart:
    rates: list[Rate] = [getattr(total, rate_name) for total in totals]
    return bar_chart(
        [week_label(total) for total in totals], [r.fraction for r in rates], maximum=1.0
    )


def reminders_chart(totals: list[WeekTotal]) -> Chart:
    stacks: list[list[float] | None] = []
    for total in totals:
        counts = [float(total.reminders.get(status, 0)) for status in REMINDER_SERIES]
        stacks.append(counts if any(counts) else None)
    return stacked_bars([week_label(total) for total in totals], stacks)


# The dashboard's tables are counts, not people, yet a two-year range over many sites
# makes hundreds of rows: each table pages on its own, keeping the others' page.
TABLE_PAGE_PARAMS = {"activity": "page", "failures": "failures_page", "origins": "origins_page"}
ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class TablePage(Generic[Line]):
    # The page's rows, written by `Lines`.
    lines: list[Line]
    page: Page
    # The link to another page of this table: the same filters, the other tables' pages kept.
    hrefs: dict[int, str]


def table_page(
    table: str,
    rows: list[Row],
    filters: Filters,
    query: Mapping[str, str],
    write: Callable[[Row], Line],
) -> TablePage[Line]:
    param = TABLE_PAGE_PARAMS[table]
    raw = query.get(param, "1")
    total = len(rows)
    count = max(1, -(-total // ROWS_PER_PAGE))
    number = min(int(raw), count) if raw.isdigit() and int(raw) > 0 else 1
    page = Page(number, ROWS_PER_PAGE, total)
    kept = {p: query[p] for p in TABLE_PAGE_PARAMS.values() if p != param and p in query}
    hrefs = {
        n: f"/dashboard?{filters.query(kept | {param: str(n)})}#{table}-title"
        for n in (number - 1, number + 1)
        if 1 <= n <= count
    }
    shown = rows[page.offset : page.offset + ROWS_PER_PAGE]
    return TablePage([write(row) for row in shown], page, hrefs)


# What each table's cells say, in the order of its columns: a `str` is escaped by the
# template, a `Markup` is already HTML.
@dataclass(frozen=True)
class ActivityLine:
    week: str
    site: str
    kind: Markup
    slots_published: str
    fill: Markup
    confirmation: Markup
    attendance: Markup
    no_show: Markup
    reminders: list[str]  # in `REMINDER_SERIES` order
    satisfaction: str
    answers: Markup | None  # how many answered, if anyone did


@dataclass(frozen=True)
class FailureLine:
    site: str
    kind: Markup
    reason: str
    count: str
    last_due_at: str


@dataclass(frozen=True)
class OriginLine:
    week: str
    site: str
    origin: str
    new_youths: str


class Lines:
    """The tables' rows written for the reader, before the template lays them out: a page
    writes hundreds of cells, and a call from Jinja costs more than writing the cell."""

    def __init__(
        self, translator: Translator, numbers: Numbers, site_names: Mapping[int, str]
    ) -> None:
        self.translator, self.numbers, self.site_names = translator, numbers, site_names

    def activity(self, row: ActivityRow) -> ActivityLine:
        tr, tn, numbers = self.translator.tr, self.translator.tn, self.numbers
        answered = row.satisfaction_count
        return ActivityLine(
            week=self.translator.when(row.week.monday, "short_date"),
            site=self._site(row.site_id),
            kind=tr(KIND_LABELS[row.kind]),
            slots_published=numbers.count(row.slots_published),
            fill=tr(numbers.rate(row.fill)),
            confirmation=tr(numbers.rate(row.confirmation)),
            attendance=tr(numbers.rate(row.attendance)),
            no_show=tr(numbers.rate(row.no_show)),
            reminders=[numbers.count(row.reminders.get(s, 0)) for s in REMINDER_SERIES],
            satisfaction=numbers.average(row.satisfaction_average),
            answers=tn("{n} réponse", "{n} réponses", answered) if answered else None,
        )

    def failure(self, row: FailureRow) -> FailureLine:
        return FailureLine(
            site=self._site(row.site_id),
            kind=self.translator.tr(KIND_LABELS[row.kind]),
            reason=row.reason or self.translator.tr(NO_REASON),
            count=self.numbers.count(row.count),
            last_due_at=self.translator.when(row.last_due_at),
        )

    def origin(self, row: OriginRow) -> OriginLine:
        return OriginLine(
            week=self.translator.when(row.week.monday, "short_date"),
            site=self._site(row.site_id),
            origin=row.origin or self.translator.tr(NO_ORIGIN),
            new_youths=self.numbers.count(row.new_youths),
        )

    def _site(self, site_id: int | None) -> str:
        if site_id is None:
            return self.translator.tr(NO_SITE)
        return self.site_names.get(site_id, str(site_id))
