"""A new password for a staff account: set by an admin in the panel, or on the server.

Staff forget passwords, and the demo accounts' passwords are printed only once.
An admin gives a colleague a new random password from the accounts page; whoever
runs the server can set one with `python -m admin set-password`. Works inside the
caller's transaction and never commits.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from core.audit import record
from core.i18n import t
from core.models import LoginAttempt, StaffUser
from core.staff import (
    AUDIT_ENTITY,
    StaffError,
    check_new_password,
    normalize_email,
    password_hasher,
)

# 16 characters from 64: far more than guessing can reach, short enough to type.
_RANDOM_BYTES = 12


def random_password() -> str:
    return secrets.token_urlsafe(_RANDOM_BYTES)


async def account_by_email(session: AsyncSession, email: str) -> StaffUser:
    user = await session.scalar(
        select(StaffUser).where(col(StaffUser.email) == normalize_email(email))
    )
    if user is None:
        raise StaffError(t("Aucun compte n’a cette adresse e-mail."))
    return user


async def set_password(
    session: AsyncSession,
    user: StaffUser,
    password: str,
    *,
    now: datetime,
    by: StaffUser | None = None,
) -> None:
    """Replace the account's password; audited as done by `by` (None: on the server).

    The failed attempts counted against the account are forgotten, so its owner can
    log in with the new password at once even if they were locked out guessing.
    """
    check_new_password(password)
    user.password_hash = await asyncio.to_thread(password_hasher().hash, password)
    session.add(user)
    await session.execute(
        delete(LoginAttempt).where(
            col(LoginAttempt.email) == user.email, col(LoginAttempt.succeeded).is_(False)
        )
    )
    assert user.id is not None
    # Never the hash itself: the audit log is read by people, the hash is a secret.
    await record(
        session,
        staff=by,
        action="staff.password",
        entity=AUDIT_ENTITY,
        entity_id=user.id,
        before=None,
        after={"password": "changed"},
        now=now,
    )
