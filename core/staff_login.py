"""Staff logging in to the panel, throttled.

Logging in is throttled on `LoginAttempt` rows, so every process of the panel sees
the same count: at most `MAX_FAILURES_PER_ACCOUNT` failures for an email and
`MAX_FAILURES_PER_IP` from an address within `THROTTLE_WINDOW`.

Works inside the caller's transaction and never commits. The hasher is read from
`core.staff` at each use, so a test can swap it in one place. Verifying a password takes
tens of milliseconds of CPU, so it runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, func, select

from core import staff
from core.i18n import Text, t, tn
from core.models import LoginAttempt, StaffUser

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
# Attempts older than this are of no use to the throttle; they are pruned as logins succeed.
KEEP_ATTEMPTS = timedelta(days=1)


@cache
def _dummy_hash() -> str:
    # Verified against when the email is unknown, so an unknown account takes as
    # long to refuse as a wrong password and timing does not reveal which emails exist.
    return staff.password_hasher().hash("not the password of anyone")


class Refusal(StrEnum):
    WRONG = "wrong"
    THROTTLED = "throttled"
    INACTIVE = "inactive"


@dataclass(frozen=True, slots=True)
class LoginRefused:
    reason: Refusal
    # Throttled only: how long until the next try can succeed.
    retry_after: timedelta | None = None

    @property
    def message(self) -> Text:
        if self.reason is Refusal.THROTTLED:
            assert self.retry_after is not None
            minutes = max(1, math.ceil(self.retry_after.total_seconds() / 60))
            return tn(
                "Trop de tentatives. Réessayez dans {n} minute.",
                "Trop de tentatives. Réessayez dans {n} minutes.",
                minutes,
            )
        if self.reason is Refusal.INACTIVE:
            return t("Ce compte est désactivé. Adressez-vous à un administrateur.")
        return t("Adresse e-mail ou mot de passe incorrect.")


async def authenticate(
    session: AsyncSession, email: str, password: str, ip: str, now: datetime
) -> StaffUser | LoginRefused:
    """Check a login; every attempt that is not throttled is recorded for the throttle."""
    email = staff.normalize_email(email)[:254]
    ip = ip[:64]
    wait = await _throttled_for(session, email, ip, now)
    if wait is not None:
        # Not recorded: refused tries would otherwise keep the account locked forever.
        return LoginRefused(Refusal.THROTTLED, wait)
    user = await session.scalar(select(StaffUser).where(col(StaffUser.email) == email))
    valid = await asyncio.to_thread(
        _verify, user.password_hash if user else _dummy_hash(), password
    )
    succeeded = user is not None and valid and user.active
    session.add(LoginAttempt(email=email, ip=ip, at=now, succeeded=succeeded))
    if user is None or not valid:
        await session.flush()
        return LoginRefused(Refusal.WRONG)
    if not user.active:
        await session.flush()
        return LoginRefused(Refusal.INACTIVE)
    if staff.password_hasher().check_needs_rehash(user.password_hash):
        # The parameters were raised since this hash was made: upgrade it now that we
        # hold the password.
        user.password_hash = await asyncio.to_thread(staff.password_hasher().hash, password)
    user.last_login_at = now
    session.add(user)
    await session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < now - KEEP_ATTEMPTS))
    await session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return staff.password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _throttled_for(
    session: AsyncSession, email: str, ip: str, now: datetime
) -> timedelta | None:
    """How long this email or address must wait, or None when it may try now."""
    since = now - THROTTLE_WINDOW
    last_success = await session.scalar(
        select(func.max(LoginAttempt.at)).where(
            col(LoginAttempt.email) == email, col(LoginAttempt.succeeded)
        )
    )
    # A successful login wipes the account's slate, not the address's.
    account_since = max(since, last_success) if last_success is not None else since
    waits = [
        await _wait(
            session, col(LoginAttempt.email) == email, account_since, now, MAX_FAILURES_PER_ACCOUNT
        ),
        await _wait(session, col(LoginAttempt.ip) == ip, since, now, MAX_FAILURES_PER_IP),
    ]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


async def _wait(
    session: AsyncSession, matches: Any, since: datetime, now: datetime, limit: int
) -> timedelta | None:
    failures = list(
        await session.scalars(
            select(LoginAttempt.at)
            .where(matches, col(LoginAttempt.at) > since, col(LoginAttempt.succeeded).is_(False))
            .order_by(col(LoginAttempt.at).desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return None
    # The oldest of the last `limit` failures must leave the window before a new try.
    return max(failures[-1] + THROTTLE_WINDOW - now, timedelta(seconds=1))
