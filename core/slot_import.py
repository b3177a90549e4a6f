"""Slots imported from a CSV file, from the panel or `python -m admin import-slots FILE.csv`.

Columns: `kind,title,partner,site,starts_at,ends_at,capacity,modality,description`,
a header first, in any order. Times are local, `YYYY-MM-DD HH:MM`, in the
configured time zone; partner and site are given by code or name (case and
accents ignored), and the partner may be empty. A file saved by French Excel
(`;` between fields, a byte-order mark) reads as well as a plain one: the
separator is the one the header uses.

All or nothing: every bad row is reported with its line in the file (the
header is line 1) and why, and nothing is created unless every row is good.
Created slots get their kind's defaults (cancellation cut-off, a waitlist but
for appointments) and their site's address and pin. Works inside the caller's
transaction and never commits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.audit import record
from core.booking.errors import StaffNotFound
from core.config import Settings
from core.i18n import Text, t, tn
from core.models import (
    Modality,
    Partner,
    Site,
    Slot,
    SlotKind,
    SlotStatus,
    StaffRole,
    StaffSite,
    StaffUser,
)
from core.places import fold
from core.slot_admin import create_slot
from core.slot_form import (
    DESCRIPTION_MAX,
    END_BEFORE_START,
    START_IN_PAST,
    SlotValues,
    check_title,
    parse_capacity,
    too_long,
)
from core.wall_clock import parse_local_datetime

COLUMNS = (
    "kind",
    "title",
    "partner",
    "site",
    "starts_at",
    "ends_at",
    "capacity",
    "modality",
    "description",
)
MAX_ROWS = 2000
_Coded = TypeVar("_Coded", Site, Partner)
ACTION_IMPORT = "slot.import"

# What staff may write for each kind and modality, besides the codes themselves (folded).
KIND_NAMES = {
    "atelier": SlotKind.WORKSHOP,
    "colis": SlotKind.FOOD_PARCEL,
    "colis alimentaire": SlotKind.FOOD_PARCEL,
    "rendez-vous": SlotKind.APPOINTMENT,
    "rdv": SlotKind.APPOINTMENT,
    **{kind.value: kind for kind in SlotKind},
}
MODALITY_NAMES = {
    "": Modality.ON_SITE,
    "sur place": Modality.ON_SITE,
    "telephone": Modality.PHONE,
    **{modality.value: modality for modality in Modality},
}

EMPTY_FILE = t("Le fichier ne contient aucun créneau.")
UNREADABLE = t("Cette ligne ne se lit pas comme du CSV (guillemets mal fermés ?).")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: Text


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]


async def import_slots(
    session: AsyncSession,
    csv_text: str,
    *,
    now: datetime,
    settings: Settings,
    by_staff_id: int | None,
) -> ImportReport:
    """Create every slot of the file, or none and say what is wrong with each bad row.

    An adviser (`by_staff_id`) imports only for their own sites; None is the
    command line, for every site.
    """
    report = ImportReport()
    staff, site_ids = await _staff_scope(session, by_staff_id)
    rows = _read(csv_text, report)
    if not rows:  # no header, or no data: nothing more to say
        return report
    if len(rows) > MAX_ROWS:
        limit = tn(
            "Trop de lignes : {n} créneau au plus par fichier.",
            "Trop de lignes : {n} créneaux au plus par fichier.",
            MAX_ROWS,
        )
        report.errors.append(RowError(rows[MAX_ROWS].line, limit))
        return report
    checker = _RowChecker(
        now=now,
        settings=settings,
        sites=await _by_code_or_name(session, Site),
        partners=await _by_code_or_name(session, Partner),
        site_ids=site_ids,
    )
    planned = [(row.line, values) for row in rows if (values := checker.check(row)) is not None]
    report.errors.extend(checker.errors)
    report.errors.extend(await _duplicates(session, planned))
    if report.errors:
        report.errors.sort(key=lambda error: error.line)
        return report
    for _, values in planned:
        await create_slot(session, values, now=now, by=staff)
    report.created = len(planned)
    summary = {"created": report.created}
    await record(
        session,
        staff=staff,
        action=ACTION_IMPORT,
        entity="slot",
        entity_id=None,
        before=None,
        after=summary,
        now=now,
    )
    return report


def _read(csv_text: str, report: ImportReport) -> list[_Row]:
    """The data rows with their first line in the file; errors of the file's shape go to
    `report`."""
    text = csv_text.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    records = _records(text, delimiter, report)
    header = next(records, None)
    if header is None:
        report.errors.append(RowError(1, EMPTY_FILE))
        return []
    names = [fold(cell) for cell in header[1]]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [cell for cell in header[1] if fold(cell) not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        expected = ",".join(COLUMNS)
        report.errors.append(RowError(1, t("L’en-tête doit être : {header}", header=expected)))
        return []
    rows = []
    for line, cells in records:
        if len(cells) != len(names):
            reason = tn(
                "Cette ligne a {n} colonne au lieu de {expected}.",
                "Cette ligne a {n} colonnes au lieu de {expected}.",
                len(cells),
                expected=len(names),
            )
            report.errors.append(RowError(line, reason))
            continue
        rows.append(_Row(line, dict(zip(names, (cell.strip() for cell in cells), strict=True))))
    if not rows and not report.errors:
        report.errors.append(RowError(2, EMPTY_FILE))
    return rows


def _records(text: str, delimiter: str, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            report.errors.append(RowError(line, UNREADABLE))
            return
        if any(cell.strip() for cell in cells):
            yield line, cells
        line = reader.line_num + 1


class _RowChecker:
    def __init__(
        self,
        *,
        now: datetime,
        settings: Settings,
        sites: dict[str, Site],
        partners: dict[str, Partner],
        site_ids: set[int] | None,
    ) -> None:
        self.now = now
        self.settings = settings
        self.sites = sites
        self.partners = partners
        self.site_ids = site_ids
        self.errors: list[RowError] = []

    def check(self, row: _Row) -> SlotValues | None:
        errors_before = len(self.errors)
        cells = row.cells

        def fail(reason: Text) -> None:
            self.errors.append(RowError(row.line, reason))

        kind = KIND_NAMES.get(fold(cells["kind"]))
        if kind is None:
            fail(
                t(
                    "Type inconnu « {value} » : workshop, food_parcel ou appointment.",
                    value=cells["kind"],
                )
            )
        modality = MODALITY_NAMES.get(fold(cells["modality"]))
        if modality is None:
            fail(t("Modalité inconnue « {value} » : on_site ou phone.", value=cells["modality"]))
        title = check_title(cells["title"])
        if isinstance(title, Text):
            fail(t("Titre : {reason}", reason=title))
        site = self.sites.get(fold(cells["site"]))
        if site is None:
            fail(t("Site inconnu « {value} ».", value=cells["site"]))
        elif self.site_ids is not None and site.id not in self.site_ids:
            fail(t("Le site « {value} » n’est pas un des tiens.", value=cells["site"]))
        partner = None
        if cells["partner"]:
            partner = self.partners.get(fold(cells["partner"]))
            if partner is None:
                fail(t("Partenaire inconnu « {value} ».", value=cells["partner"]))
        tz = self.settings.tz
        starts_at = parse_local_datetime(cells["starts_at"], tz)
        if isinstance(starts_at, Text):
            fail(t("Début : {reason}", reason=starts_at))
        elif starts_at <= self.now:
            fail(START_IN_PAST)
        ends_at = parse_local_datetime(cells["ends_at"], tz)
        if isinstance(ends_at, Text):
            fail(t("Fin : {reason}", reason=ends_at))
        elif isinstance(starts_at, datetime) and ends_at <= starts_at:
            fail(END_BEFORE_START)
        capacity = parse_capacity(cells["capacity"], kind)
        if isinstance(capacity, Text):
            fail(t("Places : {reason}", reason=capacity))
        description = cells["description"]
        if len(description) > DESCRIPTION_MAX:
            fail(t("Description : {reason}", reason=too_long(DESCRIPTION_MAX)))
        if len(self.errors) > errors_before:
            return None
        # No error: each value was read.
        assert kind is not None
        assert modality is not None
        assert site is not None
        assert site.id is not None
        assert isinstance(title, str)
        assert isinstance(capacity, int)
        assert isinstance(starts_at, datetime)
        assert isinstance(ends_at, datetime)
        return SlotValues(
            kind=kind,
            title=title,
            title_translations={},
            topic=None,
            partner_id=partner.id if partner else None,
            site_id=site.id,
            place_name=site.name,
            address=site.address,
            latitude=site.latitude,
            longitude=site.longitude,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            booking_opens_at=None,
            booking_closes_at=None,
            cancellation_cutoff_minutes=self.settings.cutoff_minutes_for(kind),
            modality=modality,
            description=description,
            what_to_bring="",
            waitlist_enabled=kind is not SlotKind.APPOINTMENT,
        )


async def _staff_scope(
    session: AsyncSession, staff_id: int | None
) -> tuple[StaffUser | None, set[int] | None]:
    """The importing staff member and the sites they may import for (None: every site)."""
    if staff_id is None:
        return None, None
    staff = await session.get(StaffUser, staff_id)
    if staff is None:
        raise StaffNotFound(staff_id)
    if staff.role is not StaffRole.ADVISER:
        return staff, None
    statement = select(col(StaffSite.site_id)).where(col(StaffSite.staff_id) == staff_id)
    return staff, set((await session.scalars(statement)).all())


async def _by_code_or_name(session: AsyncSession, model: type[_Coded]) -> dict[str, _Coded]:
    """Rows by folded code and by folded name; a code wins over another row's name."""
    rows = (await session.scalars(select(model))).all()
    found = {fold(row.name): row for row in rows}
    found.update({fold(row.code): row for row in rows})
    return found


async def _duplicates(
    session: AsyncSession, planned: list[tuple[int, SlotValues]]
) -> list[RowError]:
    """Rows repeating a slot already published (same site, start and title) or an earlier row."""
    if not planned:
        return []
    statement = select(Slot.site_id, Slot.starts_at, Slot.title).where(
        col(Slot.status) == SlotStatus.SCHEDULED,
        col(Slot.site_id).in_({values.site_id for _, values in planned}),
        col(Slot.starts_at).in_({values.starts_at for _, values in planned}),
    )
    existing = {
        (site_id, starts_at, fold(title))
        for site_id, starts_at, title in (await session.execute(statement)).all()
    }
    errors = []
    seen: dict[tuple[int, datetime, str], int] = {}
    for line, values in planned:
        key = (values.site_id, values.starts_at, fold(values.title))
        if key in existing:
            errors.append(RowError(line, t("Ce créneau existe déjà (même site, début et titre).")))
        elif key in seen:
            reason = t("Cette ligne répète la ligne {line}.", line=seen[key])
            errors.append(RowError(line, reason))
        else:
            seen[key] = line
    return errors
