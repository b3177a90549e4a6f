"""Staff accounts of the panel: creation, activation, and what an account sees.

Passwords are hashed with argon2id (argon2-cffi's defaults, which follow RFC 9106's
low-memory profile). Logging in is in `core.staff_login`.

Works inside the caller's transaction and never commits. Hashing and verifying take
tens of milliseconds of CPU, so they run in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, or_, select

from core.audit import record
from core.i18n import Text, t
from core.models import Site, StaffRole, StaffSite, StaffUser

MIN_PASSWORD_LENGTH = 12
AUDIT_ENTITY = "staff_user"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffError(Exception):
    """A staff account cannot be created or changed as asked; `message` says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.msgid)
        self.message = message


@cache
def password_hasher() -> PasswordHasher:
    """The hasher of the product; built on first use, not at import."""
    return PasswordHasher()


def credential_stamp(password_hash: str) -> str:
    """A short fingerprint of the account's password hash, for its sessions to carry.

    A session holding an older one was opened before the password changed (a
    colleague locked out of a stolen account, say) and ends. The hash itself
    never leaves the database, even signed into a cookie.
    """
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class StaffView:
    """What the panel knows of the signed-in account, for access decisions and display."""

    id: int
    email: str
    name: str
    role: StaffRole
    site_ids: frozenset[int]
    # Changes with the password: a session opened with an older one is over.
    credential: str

    @property
    def sees_all_sites(self) -> bool:
        return self.role is not StaffRole.ADVISER

    def can_read_site(self, site_id: int | None) -> bool:
        return self.sees_all_sites or (site_id is not None and site_id in self.site_ids)

    def can_change_site(self, site_id: int | None) -> bool:
        """Coordinators read every site but change none; admins change every site."""
        if self.role is StaffRole.ADMIN:
            return True
        return self.role is StaffRole.ADVISER and site_id in self.site_ids


async def staff_view(session: AsyncSession, staff_id: int) -> StaffView | None:
    """The account's view, or None when it no longer exists or was deactivated."""
    user = await session.get(StaffUser, staff_id)
    if user is None or not user.active:
        return None
    assert user.id is not None
    site_ids = await session.scalars(
        select(StaffSite.site_id).where(col(StaffSite.staff_id) == user.id)
    )
    return StaffView(
        id=user.id,
        email=user.email,
        name=user.display_name or user.email,
        role=user.role,
        site_ids=frozenset(site_ids),
        credential=credential_stamp(user.password_hash),
    )


# -- creating and changing accounts ---------------------------------------------------------


async def resolve_sites(session: AsyncSession, references: Sequence[str]) -> list[Site]:
    """Sites given by code or name (case-insensitive); an unknown one is a `StaffError`."""
    found: list[Site] = []
    for reference in references:
        wanted = reference.strip().lower()
        site = await session.scalar(
            select(Site).where(
                or_(func.lower(col(Site.code)) == wanted, func.lower(col(Site.name)) == wanted)
            )
        )
        if site is None:
            raise StaffError(t("Site inconnu : {site}", site=reference))
        if site not in found:
            found.append(site)
    return found


def check_new_password(password: str) -> None:
    """Refuse a password too short to resist guessing (StaffError says why)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(
            t("Le mot de passe doit faire au moins {n} caractères.", n=MIN_PASSWORD_LENGTH)
        )


async def create_staff(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    role: StaffRole,
    site_ids: Sequence[int],
    now: datetime,
    display_name: str = "",
    by: StaffUser | None = None,
) -> StaffUser:
    """Create an active account scoped to `site_ids`; audited as done by `by` (None: system)."""
    email = normalize_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise StaffError(t("Cette adresse e-mail n’est pas valide."))
    check_new_password(password)
    if role is StaffRole.ADVISER and not site_ids:
        raise StaffError(t("Un compte de conseiller a besoin d’au moins un site."))
    if await session.scalar(select(StaffUser.id).where(col(StaffUser.email) == email)):
        raise StaffError(t("Un compte existe déjà avec cette adresse e-mail."))
    password_hash = await asyncio.to_thread(password_hasher().hash, password)
    user = StaffUser(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hash,
        role=role,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    assert user.id is not None
    session.add_all(StaffSite(staff_id=user.id, site_id=site_id) for site_id in set(site_ids))
    await session.flush()
    after = _audited(user, sorted(set(site_ids)))
    await record(
        session,
        staff=by,
        action="staff.create",
        entity=AUDIT_ENTITY,
        entity_id=user.id,
        before=None,
        after=after,
        now=now,
    )
    return user


async def set_staff_active(
    session: AsyncSession, staff_id: int, *, active: bool, by: StaffUser, now: datetime
) -> StaffUser:
    """Deactivate (or reactivate) an account; its open sessions end at their next request."""
    user = await session.get(StaffUser, staff_id, with_for_update=True)
    if user is None:
        raise StaffError(t("Ce compte n’existe pas."))
    if user.id == by.id and not active:
        raise StaffError(t("Vous ne pouvez pas désactiver votre propre compte."))
    if user.active == active:
        return user
    user.active = active
    session.add(user)
    await record(
        session,
        staff=by,
        action="staff.activate" if active else "staff.deactivate",
        entity=AUDIT_ENTITY,
        entity_id=staff_id,
        before={"active": not active},
        after={"active": active},
        now=now,
    )
    return user


def _audited(user: StaffUser, site_ids: list[int]) -> dict[str, Any]:
    # Never the password hash: the audit log is read by people who must not get it.
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "active": user.active,
        "site_ids": site_ids,
    }


@dataclass(frozen=True, slots=True)
class StaffRow:
    user: StaffUser
    site_names: tuple[str, ...]


async def list_staff(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[list[StaffRow], int]:
    """One page of accounts by email, with their sites' names, and how many there are."""
    total = await session.scalar(select(func.count()).select_from(StaffUser)) or 0
    users = list(
        await session.scalars(
            select(StaffUser).order_by(col(StaffUser.email)).offset(offset).limit(limit)
        )
    )
    ids = [user.id for user in users]
    names: dict[int, list[str]] = {}
    pairs = await session.execute(
        select(StaffSite.staff_id, Site.name)
        .join(Site, col(Site.id) == col(StaffSite.site_id))
        .where(col(StaffSite.staff_id).in_(ids))
        .order_by(col(Site.name))
    )
    for staff_id, name in pairs:
        names.setdefault(staff_id, []).append(name)
    rows = [StaffRow(user, tuple(names.get(user.id or 0, ()))) for user in users]
    return rows, total
