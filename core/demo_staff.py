"""Demo staff accounts, so a newcomer running `make run` can log in to the panel at once.

One adviser for every two demo sites, one coordinator and one admin. Each password
is random and returned only when its account is created, for the command line to
print once: the database keeps nothing but its hash. Running again adds only the
missing accounts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, func, select

from core.clock import Clock
from core.db import Database
from core.demo_data import SITES
from core.models import Site, StaffRole, StaffUser
from core.staff import create_staff

DEMO_DOMAIN = "passerelle.example"
SITES_PER_ADVISER = 2


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    display_name: str
    role: StaffRole
    site_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """An account created just now, with the only copy of its password."""

    email: str
    password: str
    role: StaffRole
    site_names: tuple[str, ...]


@dataclass
class DemoStaffReport:
    created: list[DemoLogin] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def demo_accounts() -> tuple[DemoAccount, ...]:
    codes = [site.code for site in SITES]
    advisers = tuple(
        DemoAccount(
            email=f"conseiller{number}@{DEMO_DOMAIN}",
            display_name=f"Conseiller·ère démo {number}",
            role=StaffRole.ADVISER,
            site_codes=tuple(codes[start : start + SITES_PER_ADVISER]),
        )
        for number, start in enumerate(range(0, len(codes), SITES_PER_ADVISER), start=1)
    )
    return (
        *advisers,
        DemoAccount(f"coordination@{DEMO_DOMAIN}", "Coordination démo", StaffRole.COORDINATOR, ()),
        DemoAccount(f"admin@{DEMO_DOMAIN}", "Admin démo", StaffRole.ADMIN, ()),
    )


async def seed_demo_staff(
    database: Database, clock: Clock, *, only_if_no_staff: bool = False
) -> DemoStaffReport:
    """Create the missing demo accounts in one transaction.

    `only_if_no_staff` leaves a database that already has any staff account alone,
    as `seed-demo --if-empty` leaves one that has sites.
    """
    report = DemoStaffReport()
    async with database.transaction() as session:
        if only_if_no_staff and await session.scalar(select(func.count()).select_from(StaffUser)):
            return report
        sites = {site.code: site for site in await session.scalars(select(Site))}
        for account in demo_accounts():
            if await session.scalar(
                select(StaffUser.id).where(col(StaffUser.email) == account.email)
            ):
                report.existing.append(account.email)
                continue
            own_sites = _present(sites, account.site_codes)
            if account.role is StaffRole.ADVISER and not own_sites:
                continue  # its demo sites were removed: an adviser needs one
            password = secrets.token_urlsafe(12)
            await create_staff(
                session,
                email=account.email,
                password=password,
                role=account.role,
                site_ids=[site.id for site in own_sites if site.id is not None],
                now=clock.now(),
                display_name=account.display_name,
            )
            names = tuple(site.name for site in own_sites)
            report.created.append(DemoLogin(account.email, password, account.role, names))
    return report


def _present(sites: dict[str, Site], codes: Sequence[str]) -> list[Site]:
    return [sites[code] for code in codes if code in sites]
