"""`python -m admin`: create-user, set-password, import-slots and serve, each in its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from core.config import PROJECT_ROOT
from core.db import make_database
from core.models import AuditEntry, Slot, StaffRole, StaffSite, StaffUser
from tests.conftest import RUN
from tests.support import databases
from tests.support.admin_panel import free_port
from tests.support.factories import make_site


def _admin(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "admin", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
async def env(tmp_path: Path) -> dict[str, str]:
    """A migrated SQLite database with the site `site-cli` ("Site CLI")."""
    url = databases.fresh_sqlite(RUN.sqlite_template, tmp_path)
    database = make_database(url)
    async with database.transaction() as session:
        await make_site(session, code="site-cli", name="Site CLI")
    await database.dispose()
    clean = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    return {**clean, "DATABASE_URL": url, "ADMIN_SECRET_KEY": ""}


@pytest.mark.parametrize("command", ["serve", "run", "create-user", "set-password", "import-slots"])
def test_every_command_has_help(command: str, env: dict[str, str]) -> None:
    result = _admin(command, "--help", env=env)
    assert result.returncode == 0
    assert f"usage: python -m admin {command}" in result.stdout


async def test_create_user_reads_the_password_from_stdin(env: dict[str, str]) -> None:
    args = ("create-user", "--email", "Lea@ML.example", "--role", "adviser", "--name", "Léa")
    created = _admin(
        *args, "--site", "site cli", "--password-stdin", env=env, stdin="a long enough password\n"
    )
    assert created.returncode == 0, created.stderr
    assert "Account created: lea@ml.example (adviser) for Site CLI." in created.stdout

    database = make_database(env["DATABASE_URL"])
    try:
        async with database.reading() as session:
            user = await session.scalar(select(StaffUser))
            assert user is not None
            assert user.role is StaffRole.ADVISER
            assert user.password_hash.startswith("$argon2id$")
            assert "a long enough password" not in user.password_hash
            assert len(list(await session.scalars(select(StaffSite)))) == 1
            audit = await session.scalar(select(AuditEntry))
            assert audit is not None
            assert audit.actor == "system"
    finally:
        await database.dispose()

    again = _admin(
        *args, "--site", "site-cli", "--password-stdin", env=env, stdin="a long enough password\n"
    )
    assert again.returncode == 1
    assert "Un compte existe déjà avec cette adresse e-mail." in again.stderr


@pytest.mark.parametrize(
    ("extra", "stdin", "message"),
    [
        (("--role", "adviser"), "a long enough password\n", "au moins un site"),
        (("--role", "adviser", "--site", "nowhere"), "a long enough password\n", "Site inconnu"),
        (("--role", "admin"), "short\n", "au moins 12 caractères"),
    ],
)
def test_create_user_refuses_kindly(
    env: dict[str, str], extra: tuple[str, ...], stdin: str, message: str
) -> None:
    result = _admin(
        "create-user", "--email", "x@ml.example", *extra, "--password-stdin", env=env, stdin=stdin
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


async def test_set_password_replaces_a_forgotten_one(env: dict[str, str]) -> None:
    args = ("create-user", "--email", "sam@ml.example", "--role", "coordinator")
    assert _admin(*args, "--password-stdin", env=env, stdin="the first password\n").returncode == 0
    database = make_database(env["DATABASE_URL"])
    try:
        async with database.reading() as session:
            before = await session.scalar(select(col(StaffUser.password_hash)))

        short = _admin("set-password", "--email", "Sam@ML.example", "--password-stdin",
                       env=env, stdin="short\n")  # fmt: skip
        assert short.returncode == 1
        assert "au moins 12 caractères" in short.stderr
        unknown = _admin("set-password", "--email", "nobody@ml.example", "--password-stdin",
                         env=env, stdin="a long enough password\n")  # fmt: skip
        assert unknown.returncode == 1
        assert "Aucun compte n’a cette adresse e-mail." in unknown.stderr

        done = _admin("set-password", "--email", "Sam@ML.example", "--password-stdin",
                      env=env, stdin="the second password\n")  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "New password set for sam@ml.example." in done.stdout
        async with database.reading() as session:
            after = await session.scalar(select(col(StaffUser.password_hash)))
            actions = list(await session.scalars(select(col(AuditEntry.action))))
    finally:
        await database.dispose()
    assert after is not None
    assert after != before
    assert after.startswith("$argon2id$")
    assert actions == ["staff.create", "staff.password"]


async def test_import_slots_all_or_nothing(env: dict[str, str], tmp_path: Path) -> None:
    header = "kind,title,partner,site,starts_at,ends_at,capacity,modality,description\n"
    good = "workshop,Atelier CV,,site-cli,2031-03-04 14:00,2031-03-04 16:00,12,on_site,\n"
    bad = "workshop,Atelier CV,,site-cli,2031-03-04 14:00,2031-03-04 13:00,12,on_site,\n"
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(header + good + bad, encoding="utf-8")
    good_file = tmp_path / "good.csv"
    good_file.write_text(header + good, encoding="utf-8")

    refused = _admin("import-slots", str(bad_file), env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("line 3: ")
    unknown = _admin("import-slots", str(good_file), "--as", "nobody@ml.example", env=env)
    assert unknown.returncode == 1

    imported = _admin("import-slots", str(good_file), env=env)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "1 slots imported."
    database = make_database(env["DATABASE_URL"])
    try:
        async with database.reading() as session:
            titles = list(await session.scalars(select(Slot.title).order_by(col(Slot.id))))
    finally:
        await database.dispose()
    assert titles == ["Atelier CV"]


async def test_serve_answers_health_and_makes_a_key_for_a_local_demo(env: dict[str, str]) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "admin",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                try:
                    response = await client.get(f"http://127.0.0.1:{port}/health")
                    break
                except httpx.TransportError:
                    assert process.returncode is None, await process.stderr.read()  # type: ignore[union-attr]
                    await asyncio.sleep(0.1)
            else:
                pytest.fail("the panel did not answer")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response.headers["x-content-type-options"] == "nosniff"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = await asyncio.wait_for(process.communicate(), 30)
    assert b"random key" in stdout
    assert f"http://127.0.0.1:{port}/".encode() in stdout


def test_serve_refuses_an_open_address_without_a_secret_key(env: dict[str, str]) -> None:
    # Never bound: it refuses before listening.
    result = _admin("serve", "--host", "0.0.0.0", "--port", str(free_port()), env=env)  # noqa: S104
    assert result.returncode == 2
    assert "ADMIN_SECRET_KEY" in result.stderr
