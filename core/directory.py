"""Sites and partners, as admins create and edit them from the panel; every change audited.

The services take the form's text as typed and check it here, so the panel's
routes stay free of rules and a bad value comes back as a message per field.
Works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from core.audit import record
from core.i18n import Text, t
from core.models import Partner, Site, StaffUser

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_WEBSITE = re.compile(r"^https?://\S+$")

_Row = TypeVar("_Row", Site, Partner)


class InvalidFields(Exception):
    """The form has bad values: a message for each field that needs fixing."""

    def __init__(self, errors: Mapping[str, Text]) -> None:
        super().__init__(", ".join(errors))
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    max_length: int
    required: bool = False
    parse: Callable[[str], Any] | None = None


def _arrondissement(text: str) -> int:
    number = int(text)
    if not 1 <= number <= 20:
        raise ValueError(text)
    return number


def _latitude(text: str) -> float:
    value = float(text.replace(",", "."))
    if not -90 <= value <= 90:
        raise ValueError(text)
    return value


def _longitude(text: str) -> float:
    value = float(text.replace(",", "."))
    if not -180 <= value <= 180:
        raise ValueError(text)
    return value


def _website(text: str) -> str:
    if not _WEBSITE.match(text):
        raise ValueError(text)
    return text


SITE_FIELDS = (
    _Field("code", 64, required=True),
    _Field("name", 200, required=True),
    _Field("address", 300),
    _Field("arrondissement", 2, parse=_arrondissement),
    _Field("latitude", 32, parse=_latitude),
    _Field("longitude", 32, parse=_longitude),
    _Field("opening_hours", 300),
)
PARTNER_FIELDS = (
    _Field("code", 64, required=True),
    _Field("name", 200, required=True),
    _Field("category", 64),
    _Field("description", 2000),
    _Field("website", 300, parse=_website),
)
_BAD_VALUE = {
    "arrondissement": lambda: t("Un arrondissement de Paris, de 1 à 20."),
    "latitude": lambda: t("Une latitude en degrés, par exemple 48,8566."),
    "longitude": lambda: t("Une longitude en degrés, par exemple 2,3522."),
    "website": lambda: t("Une adresse qui commence par https:// ou http://."),
}


def _parse(fields: tuple[_Field, ...], values: Mapping[str, str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    errors: dict[str, Text] = {}
    for spec in fields:
        text = values.get(spec.name, "").strip()
        if spec.name == "code":
            text = text.lower()
        if not text:
            if spec.required:
                errors[spec.name] = t("Ce champ est obligatoire.")
            parsed[spec.name] = None if spec.parse else ""
        elif len(text) > spec.max_length:
            errors[spec.name] = t("{n} caractères au plus.", n=spec.max_length)
        elif spec.name == "code" and not _CODE.match(text):
            errors[spec.name] = t("Lettres minuscules, chiffres et tirets, sans espace.")
        elif spec.parse is not None:
            try:
                parsed[spec.name] = spec.parse(text)
            except ValueError:
                errors[spec.name] = _BAD_VALUE[spec.name]()
        else:
            parsed[spec.name] = text
    if errors:
        raise InvalidFields(errors)
    return parsed


async def save_site(
    session: AsyncSession,
    values: Mapping[str, str],
    *,
    site_id: int | None,
    by: StaffUser,
    now: datetime,
) -> Site:
    """Create a site (`site_id` None) or edit one, from the form's values."""
    return await _save(session, Site, SITE_FIELDS, values, site_id, by, now, "site")


async def save_partner(
    session: AsyncSession,
    values: Mapping[str, str],
    *,
    partner_id: int | None,
    by: StaffUser,
    now: datetime,
) -> Partner:
    """Create a partner (`partner_id` None) or edit one, from the form's values."""
    return await _save(session, Partner, PARTNER_FIELDS, values, partner_id, by, now, "partner")


async def _save(
    session: AsyncSession,
    model: type[_Row],
    fields: tuple[_Field, ...],
    values: Mapping[str, str],
    row_id: int | None,
    by: StaffUser,
    now: datetime,
    entity: str,
) -> _Row:
    parsed = _parse(fields, values)
    row = None if row_id is None else await session.get(model, row_id, with_for_update=True)
    if row_id is not None and row is None:
        raise LookupError(f"{entity} {row_id} not found")
    same_code = await session.scalar(select(model).where(col(model.code) == parsed["code"]))
    if same_code is not None and same_code is not row:
        raise InvalidFields({"code": t("Ce code est déjà pris.")})
    before = _snapshot(row, fields) if row is not None else None
    if row is None:
        row = model(**parsed)
    else:
        for name, value in parsed.items():
            setattr(row, name, value)
    session.add(row)
    await session.flush()
    after = _snapshot(row, fields)
    if before != after:
        await record(
            session,
            staff=by,
            action=f"{entity}.{'create' if before is None else 'update'}",
            entity=entity,
            entity_id=row.id,
            before=before,
            after=after,
            now=now,
        )
    return row


def _snapshot(row: Site | Partner, fields: tuple[_Field, ...]) -> dict[str, Any]:
    return {spec.name: getattr(row, spec.name) for spec in fields}


async def list_rows(
    session: AsyncSession, model: type[Site] | type[Partner], *, offset: int, limit: int
) -> tuple[list[Site | Partner], int]:
    """One page of sites or partners by name, and how many there are."""
    total = await session.scalar(select(func.count()).select_from(model)) or 0
    rows: list[Site | Partner] = []
    query = select(model).order_by(col(model.name), col(model.id)).offset(offset).limit(limit)
    for row in await session.scalars(query):
        assert isinstance(row, Site | Partner)
        rows.append(row)
    return rows, total
