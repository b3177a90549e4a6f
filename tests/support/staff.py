"""Staff accounts for tests, and an HTTP client logged in to the panel as one of them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from core import staff, staff_login
from core.models import StaffRole, StaffUser
from core.staff import create_staff

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# Real argon2id, with parameters small enough for hundreds of logins per test run
# (the product's take about half a second on a CI machine).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def use_cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash and verify with `CHEAP_HASHER` for the rest of the test."""
    monkeypatch.setattr(staff, "password_hasher", lambda: CHEAP_HASHER)
    staff_login._dummy_hash.cache_clear()
    monkeypatch.setattr(staff_login, "_dummy_hash", lambda: CHEAP_HASHER.hash("dummy password"))


async def make_staff(
    session: AsyncSession,
    now: datetime,
    *,
    role: StaffRole = StaffRole.ADVISER,
    site_ids: Sequence[int] = (),
    email: str | None = None,
    display_name: str = "",
    password: str = PASSWORD,
) -> StaffUser:
    n = next(_sequence)
    return await create_staff(
        session,
        email=email or f"staff{n}@mission-locale.example",
        password=password,
        role=role,
        site_ids=site_ids,
        now=now,
        display_name=display_name or f"Agent {n}",
    )


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    response = await client.get(path)
    return csrf_of(response.text)


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
