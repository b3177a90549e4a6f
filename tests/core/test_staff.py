"""Staff accounts: creation rules, logging in, throttling per account and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import col, func, select

from core import staff as staff_module
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.demo import seed_demo
from core.demo_staff import demo_accounts, seed_demo_staff
from core.models import LoginAttempt, StaffRole, StaffUser
from core.staff import StaffError, create_staff, set_staff_active, staff_view
from core.staff_login import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_IP,
    LoginRefused,
    Refusal,
    authenticate,
)
from tests.support.factories import make_site
from tests.support.staff import CHEAP_HASHER, PASSWORD, make_staff, use_cheap_hashing


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_hashing(monkeypatch)


async def test_create_normalizes_the_email_and_scopes_the_sites(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        site = await make_site(session)
        assert site.id is not None
        user = await make_staff(session, clock.now(), email=" Léa@ML.Example ", site_ids=[site.id])
        assert user.id is not None
        view = await staff_view(session, user.id)
    assert user.email == "léa@ml.example"
    assert view is not None
    assert view.site_ids == {site.id}
    assert view.can_read_site(site.id)
    assert view.can_change_site(site.id)
    assert not view.can_read_site(site.id + 1)


@pytest.mark.parametrize(
    ("email", "password", "role", "with_site", "message"),
    [
        ("not-an-email", PASSWORD, StaffRole.ADMIN, False, "n’est pas valide"),
        ("a@ml.example", "short", StaffRole.ADMIN, False, "au moins"),
        ("a@ml.example", PASSWORD, StaffRole.ADVISER, False, "au moins un site"),
    ],
)
async def test_create_refuses_bad_accounts(
    database: Database,
    clock: ManualClock,
    email: str,
    password: str,
    role: StaffRole,
    with_site: bool,
    message: str,
) -> None:
    async with database.transaction() as session:
        with pytest.raises(StaffError) as raised:
            await create_staff(
                session, email=email, password=password, role=role, site_ids=[], now=clock.now()
            )
    assert message in raised.value.message.msgid


async def test_emails_are_unique_whatever_their_case(database: Database, clock: ManualClock):
    async with database.transaction() as session:
        await make_staff(session, clock.now(), role=StaffRole.ADMIN, email="x@ml.example")
        with pytest.raises(StaffError):
            await make_staff(session, clock.now(), role=StaffRole.ADMIN, email="X@ML.example")


async def _login(database: Database, email: str, password: str, ip: str, clock: ManualClock):
    async with database.transaction() as session:
        return await authenticate(session, email, password, ip, clock.now())


async def test_login_ok_wrong_and_inactive(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as session:
        admin = await make_staff(session, clock.now(), role=StaffRole.ADMIN)
        other = await make_staff(session, clock.now(), role=StaffRole.ADMIN)
        await set_staff_active(session, other.id or 0, active=False, by=admin, now=clock.now())
        with pytest.raises(StaffError):
            await set_staff_active(session, admin.id or 0, active=False, by=admin, now=clock.now())

    ok = await _login(database, admin.email.upper(), PASSWORD, "10.0.0.1", clock)
    assert isinstance(ok, StaffUser)
    assert ok.last_login_at == clock.now()
    assert await _login(database, admin.email, "nope", "10.0.0.1", clock) == LoginRefused(
        Refusal.WRONG
    )
    assert await _login(database, "ghost@ml.example", PASSWORD, "10.0.0.1", clock) == (
        LoginRefused(Refusal.WRONG)
    )
    # Inactive is said only to whoever knows the password.
    assert await _login(database, other.email, "nope", "10.0.0.1", clock) == LoginRefused(
        Refusal.WRONG
    )
    assert await _login(database, other.email, PASSWORD, "10.0.0.1", clock) == LoginRefused(
        Refusal.INACTIVE
    )


async def test_throttled_per_account_even_for_unknown_emails(
    database: Database, clock: ManualClock
) -> None:
    for attempt in range(MAX_FAILURES_PER_ACCOUNT):
        await _login(database, "ghost@ml.example", "guess", f"10.0.0.{attempt}", clock)
        clock.advance(timedelta(minutes=1))
    refused = await _login(database, "ghost@ml.example", "guess", "10.9.9.9", clock)
    assert isinstance(refused, LoginRefused)
    assert refused.reason is Refusal.THROTTLED
    # The first failure was 5 minutes ago: it leaves the 15-minute window in 10.
    assert refused.retry_after == timedelta(minutes=10)
    assert refused.message.n == 10


async def test_throttled_per_address_across_accounts(database: Database, clock: ManualClock):
    async with database.transaction() as session:
        admin = await make_staff(session, clock.now(), role=StaffRole.ADMIN)
    for attempt in range(MAX_FAILURES_PER_IP):
        await _login(database, f"guess{attempt}@ml.example", "guess", "10.6.6.6", clock)

    from_there = await _login(database, admin.email, PASSWORD, "10.6.6.6", clock)
    assert isinstance(from_there, LoginRefused)
    assert from_there.reason is Refusal.THROTTLED
    assert isinstance(await _login(database, admin.email, PASSWORD, "10.0.0.1", clock), StaffUser)
    async with database.reading() as session:
        recorded = await session.scalar(select(func.count()).select_from(LoginAttempt))
    assert recorded == MAX_FAILURES_PER_IP + 1, "throttled tries are not recorded"


async def test_a_success_clears_the_account_s_failures(database: Database, clock: ManualClock):
    async with database.transaction() as session:
        admin = await make_staff(session, clock.now(), role=StaffRole.ADMIN)
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        await _login(database, admin.email, "guess", "10.0.0.1", clock)
    assert isinstance(await _login(database, admin.email, PASSWORD, "10.0.0.1", clock), StaffUser)
    clock.advance(timedelta(seconds=1))
    await _login(database, admin.email, "guess", "10.0.0.1", clock)

    assert isinstance(await _login(database, admin.email, PASSWORD, "10.0.0.1", clock), StaffUser)


async def test_a_hash_with_old_parameters_is_upgraded_at_login(
    database: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.transaction() as session:
        admin = await make_staff(session, clock.now(), role=StaffRole.ADMIN)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(staff_module, "password_hasher", lambda: stronger)

    assert isinstance(await _login(database, admin.email, PASSWORD, "10.0.0.1", clock), StaffUser)

    async with database.reading() as session:
        stored = await session.scalar(
            select(StaffUser.password_hash).where(col(StaffUser.id) == admin.id)
        )
    assert stored is not None
    assert CHEAP_HASHER.check_needs_rehash(stored)
    assert not stronger.check_needs_rehash(stored)
    assert stronger.verify(stored, PASSWORD)


async def test_demo_staff_once_with_passwords_then_only_the_missing(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    first = await seed_demo_staff(database, clock)
    again = await seed_demo_staff(database, clock)
    skipped = await seed_demo_staff(database, clock, only_if_no_staff=True)

    assert [login.email for login in first.created] == [a.email for a in demo_accounts()]
    assert [login.role for login in first.created].count(StaffRole.ADVISER) == 4
    assert all(len(login.site_names) == 2 for login in first.created[:4])
    assert again.created == []
    assert len(again.existing) == len(demo_accounts())
    assert skipped.created == skipped.existing == []
    login = first.created[0]
    assert isinstance(await _login(database, login.email, login.password, "::1", clock), StaffUser)
