"""`python -m bot`: every command answers --help, migrates and seeds, and fails kindly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT


def _bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    clean["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    return clean


@pytest.mark.parametrize("command", ["migrate", "seed-demo", "chat", "run", "dispatcher"])
def test_every_command_has_help(command: str, env: dict[str, str]) -> None:
    result = _bot(command, "--help", env=env)
    assert result.returncode == 0
    assert f"usage: python -m bot {command}" in result.stdout


def test_migrate_then_seed_then_seed_if_empty(env: dict[str, str]) -> None:
    not_migrated = _bot("seed-demo", env=env)
    assert not_migrated.returncode == 1
    assert "python -m bot migrate" in not_migrated.stderr

    assert _bot("migrate", env=env).stdout.startswith("Database is at revision")
    seeded = _bot("seed-demo", "--if-empty", env=env)
    assert seeded.returncode == 0
    assert "8 sites" in seeded.stdout
    # The demo staff accounts, each with its password, printed this once.
    logins = re.findall(r"^  (adviser|coordinator|admin) +(\S+@\S+) +(\S+)", seeded.stdout, re.M)
    assert [role for role, _, _ in logins] == ["adviser"] * 4 + ["coordinator", "admin"]
    assert len({password for _, _, password in logins}) == 6
    again = _bot("seed-demo", "--if-empty", env=env)
    assert "already present" in again.stdout
    assert not any(password in again.stdout for _, _, password in logins)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("REMINDER_OFFSETS", "abc"), ("BOT_FRAMEWORK", "telethon"), ("TIMEZONE", "Mars/Olympus")],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    env: dict[str, str], variable: str, value: str
) -> None:
    result = _bot("migrate", env={**env, variable: value})

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"Invalid setting {variable}:")
    assert "Traceback" not in result.stderr


def test_dispatcher_status_counts_the_outbox_and_the_dispatcher_needs_a_token(
    env: dict[str, str],
) -> None:
    _bot("migrate", env=env)

    status = _bot("dispatcher", "--status", env=env)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[:4] == [f"{name:<10}{0:>8}" for name in ("pending", "sent", "failed", "skipped")]
    assert lines[-1] == "oldest pending due at: -"

    without_token = _bot("dispatcher", env=env)
    assert without_token.returncode == 2
    assert "BOT_TOKEN" in without_token.stderr
