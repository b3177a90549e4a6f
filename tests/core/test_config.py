"""Settings: defaults, the environment, a `.env` file, and one clear line for a bad value."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import PROJECT_ROOT, ConfigError, Settings, load_settings
from core.models import SlotKind
from core.setting_values import (
    parse_cutoffs,
    parse_duration,
    parse_offsets,
    parse_offsets_by_kind,
    parse_seconds,
)

VARIABLES = tuple(str(field.alias) for field in Settings.model_fields.values())

# One non-default value for every variable, and what each field reads from it.
CUSTOM = {
    "DATABASE_URL": "postgresql+asyncpg://passerelle:secret@db.example:5432/passerelle",
    "BOT_TOKEN": "123456:ABC-def",
    "TELEGRAM_API_BASE": "http://127.0.0.1:8081",
    "BOT_FRAMEWORK": "ptb",
    "BOT_MODE": "webhook",
    "WEBHOOK_URL": "https://bot.example/telegram",
    "WEBHOOK_SECRET": "s3cret-token",
    "WEBHOOK_LISTEN": "127.0.0.1:8443",
    "TIMEZONE": "America/Cayenne",
    "DEFAULT_LOCALE": "en",
    "REMINDER_OFFSETS": "1d,30m",
    "REMINDER_OFFSETS_BY_KIND": "appointment=1d+1h,food_parcel=3h",
    "CANCELLATION_CUTOFF": "90m",
    "CANCELLATION_CUTOFFS": "food_parcel=2h,appointment=1d",
    "ADMIN_SECRET_KEY": "a-long-random-key",
    "ADMIN_SESSION_IDLE": "45m",
    "DASHBOARD_REFRESH": "2m",
    "SEND_RATE": "20",
    "SEND_CHAT_INTERVAL": "1500ms",
    "DISPATCH_INTERVAL": "0.5s",
    "DISPATCH_BATCH": "200",
    "DISPATCH_LEASE": "2m",
}
CUSTOM_FIELDS = {
    "database_url": CUSTOM["DATABASE_URL"],
    "bot_token": "123456:ABC-def",
    "telegram_api_base": "http://127.0.0.1:8081",
    "bot_framework": "ptb",
    "bot_mode": "webhook",
    "webhook_url": "https://bot.example/telegram",
    "webhook_secret": "s3cret-token",
    "webhook_listen": "127.0.0.1:8443",
    "timezone": "America/Cayenne",
    "default_locale": "en",
    "reminder_offsets": (timedelta(days=1), timedelta(minutes=30)),
    "reminder_offsets_by_kind": (
        (SlotKind.FOOD_PARCEL, (timedelta(hours=3),)),
        (SlotKind.APPOINTMENT, (timedelta(days=1), timedelta(hours=1))),
    ),
    "cancellation_cutoff": timedelta(minutes=90),
    "cancellation_cutoffs": (
        (SlotKind.FOOD_PARCEL, timedelta(hours=2)),
        (SlotKind.APPOINTMENT, timedelta(days=1)),
    ),
    "admin_secret_key": "a-long-random-key",
    "admin_session_idle": 2700.0,
    "dashboard_refresh": 120.0,
    "send_rate": 20.0,
    "send_chat_interval": 1.5,
    "dispatch_interval": 0.5,
    "dispatch_batch": 200,
    "dispatch_lease": 120.0,
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the machine's environment or a developer's `.env`."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_examples_cover_every_variable() -> None:
    assert set(CUSTOM) == set(VARIABLES)
    assert set(CUSTOM_FIELDS) == set(Settings.model_fields)


def test_defaults() -> None:
    settings = load_settings(None)

    assert settings.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'passerelle.db'}"
    assert settings.bot_token == ""
    assert not settings.has_bot_token
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert settings.bot_framework == "aiogram"
    assert settings.bot_mode == "polling"
    assert settings.webhook_url == ""
    assert settings.webhook_secret == ""
    assert settings.webhook_listen == "0.0.0.0:8080"
    assert settings.timezone == "Europe/Paris"
    assert settings.tz == ZoneInfo("Europe/Paris")
    assert settings.default_locale == "fr"
    assert settings.reminder_offsets == (timedelta(hours=48), timedelta(hours=2))
    assert settings.reminder_offsets_by_kind == ()
    assert {kind: settings.reminder_offsets_for(kind) for kind in SlotKind} == dict.fromkeys(
        SlotKind, (timedelta(hours=48), timedelta(hours=2))
    )
    assert settings.cancellation_cutoff == timedelta(hours=4)
    assert settings.cancellation_cutoffs == ()
    assert {kind: settings.cutoff_for(kind) for kind in SlotKind} == dict.fromkeys(
        SlotKind, timedelta(hours=4)
    )
    assert settings.admin_secret_key == ""
    assert settings.admin_session_idle == 30 * 60


def test_every_variable_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value in CUSTOM.items():
        monkeypatch.setenv(variable, value)

    settings = load_settings(None)

    assert {field: getattr(settings, field) for field in CUSTOM_FIELDS} == CUSTOM_FIELDS
    assert settings.has_bot_token
    assert settings.tz == ZoneInfo("America/Cayenne")


def test_every_variable_is_read_from_an_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text(
        "# comments and blank lines are fine\n\n"
        + "".join(f"{variable}={value}\n" for variable, value in CUSTOM.items()),
        encoding="utf-8",
    )

    settings = load_settings(env_file=env_file)

    assert {field: getattr(settings, field) for field in CUSTOM_FIELDS} == CUSTOM_FIELDS


def test_the_env_file_in_the_working_directory_is_read_by_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_FRAMEWORK=ptb\n", encoding="utf-8")

    assert load_settings().bot_framework == "ptb"
    assert load_settings(None).bot_framework == "aiogram"


def test_the_environment_wins_over_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text("BOT_MODE=webhook\nTIMEZONE=Europe/Brussels\n", encoding="utf-8")
    monkeypatch.setenv("BOT_MODE", "polling")

    settings = load_settings(env_file=env_file)

    assert settings.bot_mode == "polling"
    assert settings.timezone == "Europe/Brussels"


def test_a_missing_env_file_is_not_an_error(tmp_path: Path) -> None:
    assert load_settings(env_file=tmp_path / "absent.env").bot_mode == "polling"


def test_variable_names_are_case_sensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Bot_Framework", "ptb")
    monkeypatch.setenv("Bot_Mode", "webhook")

    settings = load_settings(None)

    assert settings.bot_framework == "aiogram"
    assert settings.bot_mode == "polling"


def test_overrides_take_field_names_and_beat_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_FRAMEWORK", "aiogram")

    settings = load_settings(None, bot_framework="ptb", reminder_offsets="3h")

    assert settings.bot_framework == "ptb"
    assert settings.reminder_offsets == (timedelta(hours=3),)


def test_settings_cannot_be_changed_once_built() -> None:
    settings = load_settings(None)

    with pytest.raises(ValueError, match="frozen"):
        settings.bot_mode = "webhook"  # type: ignore[misc]


def test_a_blank_token_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "   ")

    assert not load_settings(None).has_bot_token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48h,2h", (timedelta(hours=48), timedelta(hours=2))),
        ("2h,48h", (timedelta(hours=48), timedelta(hours=2))),
        (" 30m , 1d ,  2h ", (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))),
        ("2h,2h,120m", (timedelta(hours=2),)),
        ("1d,24h,1440m", (timedelta(days=1),)),
        ("45m", (timedelta(minutes=45),)),
        ("3d,", (timedelta(days=3),)),
    ],
)
def test_reminder_offsets_units_spaces_duplicates_and_order(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: tuple[timedelta, ...]
) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", text)

    assert load_settings(None).reminder_offsets == expected
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        (" , ", {}),
        ("appointment=24h", {SlotKind.APPOINTMENT: timedelta(hours=24)}),
        (
            " food_parcel = 2h , appointment=1d,",
            {SlotKind.FOOD_PARCEL: timedelta(hours=2), SlotKind.APPOINTMENT: timedelta(days=1)},
        ),
        (
            "workshop=0m,food_parcel=90m,appointment=2d",
            {
                SlotKind.WORKSHOP: timedelta(0),
                SlotKind.FOOD_PARCEL: timedelta(minutes=90),
                SlotKind.APPOINTMENT: timedelta(days=2),
            },
        ),
    ],
)
def test_cancellation_cutoffs_per_kind(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: dict[SlotKind, timedelta]
) -> None:
    monkeypatch.setenv("CANCELLATION_CUTOFFS", text)

    assert parse_cutoffs(text) == expected
    assert dict(load_settings(None).cancellation_cutoffs) == expected


def test_a_kind_without_its_own_cutoff_gets_the_default_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CANCELLATION_CUTOFF", "3h")
    monkeypatch.setenv("CANCELLATION_CUTOFFS", "appointment=24h,food_parcel=90m")

    settings = load_settings(None)

    assert settings.cutoff_for(SlotKind.APPOINTMENT) == timedelta(hours=24)
    assert settings.cutoff_for(SlotKind.FOOD_PARCEL) == timedelta(minutes=90)
    assert settings.cutoff_for(SlotKind.WORKSHOP) == timedelta(hours=3)
    assert [settings.cutoff_minutes_for(kind) for kind in SlotKind] == [180, 90, 24 * 60]


def test_cutoffs_are_kept_in_kind_order_whatever_order_they_are_written_in() -> None:
    one = load_settings(None, cancellation_cutoffs="appointment=1d,workshop=1h")
    other = load_settings(None, cancellation_cutoffs="workshop=60m , appointment=24h")

    assert one.cancellation_cutoffs == (
        (SlotKind.WORKSHOP, timedelta(hours=1)),
        (SlotKind.APPOINTMENT, timedelta(days=1)),
    )
    assert one == other
    assert hash(one) == hash(other)


def test_cutoffs_can_be_given_as_a_mapping() -> None:
    settings = load_settings(
        None,
        cancellation_cutoffs={
            "food_parcel": timedelta(hours=2),
            SlotKind.WORKSHOP: timedelta(days=1),
        },
    )

    assert settings.cutoff_for(SlotKind.FOOD_PARCEL) == timedelta(hours=2)
    assert settings.cutoff_for(SlotKind.WORKSHOP) == timedelta(days=1)
    assert settings.cutoff_for(SlotKind.APPOINTMENT) == timedelta(hours=4)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"cancellation_cutoffs": {"atelier": timedelta(hours=2)}}, "workshop"),
        (
            {
                "cancellation_cutoffs": (
                    (SlotKind.WORKSHOP, timedelta(hours=1)),
                    (SlotKind.WORKSHOP, timedelta(hours=2)),
                )
            },
            "given twice",
        ),
    ],
)
def test_bad_cutoff_overrides_name_the_variable(overrides: dict[str, object], reason: str) -> None:
    with pytest.raises(ConfigError, match=r"^Invalid setting CANCELLATION_CUTOFFS: ") as caught:
        load_settings(None, **overrides)

    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("appointment", "'appointment' is not KIND=DURATION"),
        ("appointment:24h", "'appointment:24h' is not KIND=DURATION"),
        ("atelier=2h", "unknown slot kind 'atelier', expected one of workshop, food_parcel"),
        ("APPOINTMENT=2h", "unknown slot kind 'APPOINTMENT'"),
        ("=2h", "unknown slot kind ''"),
        ("appointment=soon", "appointment: 'soon' is not a duration"),
        ("appointment=", "appointment: '' is not a duration"),
        ("food_parcel=2h,food_parcel=3h", "food_parcel is given twice"),
    ],
)
def test_bad_cutoffs_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(reason)):
        parse_cutoffs(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        (" , ", {}),
        ("appointment=24h", {SlotKind.APPOINTMENT: (timedelta(hours=24),)}),
        (
            "food_parcel=48h+2h,appointment=24h+2h",
            {
                SlotKind.FOOD_PARCEL: (timedelta(hours=48), timedelta(hours=2)),
                SlotKind.APPOINTMENT: (timedelta(hours=24), timedelta(hours=2)),
            },
        ),
        (
            " workshop = 30m + 1d + 2h + 120m + , food_parcel=1d+24h,",
            {
                SlotKind.WORKSHOP: (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30)),
                SlotKind.FOOD_PARCEL: (timedelta(days=1),),
            },
        ),
    ],
)
def test_reminder_offsets_per_kind(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: dict[SlotKind, tuple[timedelta, ...]]
) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS_BY_KIND", text)

    assert parse_offsets_by_kind(text) == expected
    assert dict(load_settings(None).reminder_offsets_by_kind) == expected


def test_a_kind_without_its_own_offsets_gets_the_default_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", "1d,1h")
    monkeypatch.setenv("REMINDER_OFFSETS_BY_KIND", "appointment=2h+24h")

    settings = load_settings(None)

    assert settings.reminder_offsets_for(SlotKind.APPOINTMENT) == (
        timedelta(hours=24),
        timedelta(hours=2),
    )
    assert settings.reminder_offsets_for(SlotKind.WORKSHOP) == (
        timedelta(days=1),
        timedelta(hours=1),
    )
    assert settings.reminder_offsets_for(SlotKind.FOOD_PARCEL) == (
        timedelta(days=1),
        timedelta(hours=1),
    )


def test_offsets_per_kind_are_kept_in_kind_order_and_can_be_given_as_a_mapping() -> None:
    written = load_settings(None, reminder_offsets_by_kind="appointment=1d,workshop=1h+3h")
    mapping = load_settings(
        None,
        reminder_offsets_by_kind={
            "appointment": [timedelta(hours=24)],
            SlotKind.WORKSHOP: (timedelta(minutes=60), timedelta(hours=3), timedelta(hours=1)),
        },
    )

    assert written.reminder_offsets_by_kind == (
        (SlotKind.WORKSHOP, (timedelta(hours=3), timedelta(hours=1))),
        (SlotKind.APPOINTMENT, (timedelta(days=1),)),
    )
    assert written == mapping
    assert hash(written) == hash(mapping)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"reminder_offsets_by_kind": {"atelier": (timedelta(hours=2),)}}, "workshop"),
        ({"reminder_offsets_by_kind": {"workshop": ()}}, "at least one"),
        ({"reminder_offsets_by_kind": {"workshop": (timedelta(0),)}}, "longer than zero"),
        ({"reminder_offsets_by_kind": {"workshop": (-timedelta(hours=1),)}}, "longer than zero"),
        (
            {
                "reminder_offsets_by_kind": (
                    (SlotKind.WORKSHOP, (timedelta(hours=1),)),
                    (SlotKind.WORKSHOP, (timedelta(hours=2),)),
                )
            },
            "given twice",
        ),
    ],
)
def test_bad_offsets_per_kind_overrides_name_the_variable(
    overrides: dict[str, object], reason: str
) -> None:
    with pytest.raises(ConfigError, match=r"^Invalid setting REMINDER_OFFSETS_BY_KIND: ") as caught:
        load_settings(None, **overrides)

    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("appointment", "'appointment' is not KIND=OFFSETS, such as food_parcel=48h+2h"),
        # A comma between the offsets of one kind starts a new kind.
        ("food_parcel=48h,2h", "'2h' is not KIND=OFFSETS"),
        ("atelier=2h", "unknown slot kind 'atelier', expected one of workshop, food_parcel"),
        ("food_parcel=48h+soon", "food_parcel: 'soon' is not a duration"),
        ("food_parcel=48h;2h", "food_parcel: '48h;2h' is not a duration"),
        ("food_parcel=", "food_parcel: expected at least one duration, such as 48h+2h"),
        ("food_parcel=+", "food_parcel: expected at least one duration"),
        ("food_parcel=2h+0m", "food_parcel: a reminder offset must be longer than zero"),
        ("workshop=2h,workshop=3h", "workshop is given twice"),
    ],
)
def test_bad_offsets_per_kind_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(reason)):
        parse_offsets_by_kind(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90m", timedelta(minutes=90)), (" 2h ", timedelta(hours=2)), ("1d", timedelta(days=1))],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "h", "2 hours", "1.5h", "-2h", "2w", "2h30m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REMINDER_OFFSETS", "abc"),
        ("REMINDER_OFFSETS", "48h,soon"),
        ("REMINDER_OFFSETS", ","),
        ("REMINDER_OFFSETS", "0m"),
        ("REMINDER_OFFSETS_BY_KIND", "48h+2h"),
        ("REMINDER_OFFSETS_BY_KIND", "food_parcel=48h,2h"),
        ("REMINDER_OFFSETS_BY_KIND", "colis=48h"),
        ("REMINDER_OFFSETS_BY_KIND", "appointment=0m"),
        ("REMINDER_OFFSETS_BY_KIND", "appointment=2h,appointment=3h"),
        ("CANCELLATION_CUTOFF", "four hours"),
        ("CANCELLATION_CUTOFFS", "24h"),
        ("CANCELLATION_CUTOFFS", "atelier=2h"),
        ("CANCELLATION_CUTOFFS", "appointment=tomorrow"),
        ("CANCELLATION_CUTOFFS", "appointment=2h,appointment=3h"),
        ("BOT_FRAMEWORK", "foo"),
        ("BOT_MODE", "x"),
        ("TIMEZONE", "Europe/Atlantis"),
        ("TIMEZONE", "../etc/passwd"),
        ("DEFAULT_LOCALE", "de"),
        ("DEFAULT_LOCALE", "FR"),
        ("WEBHOOK_LISTEN", "8080"),
        ("WEBHOOK_LISTEN", "0.0.0.0:http"),
        ("WEBHOOK_LISTEN", "0.0.0.0:0"),
        ("WEBHOOK_LISTEN", "0.0.0.0:70000"),
        ("DATABASE_URL", "sqlite:///var/passerelle.db"),
        ("DATABASE_URL", "postgresql://passerelle@localhost/passerelle"),
        ("DATABASE_URL", "mysql+aiomysql://localhost/passerelle"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as caught:
        load_settings(None)

    message = str(caught.value)
    assert message.startswith(f"Invalid setting {variable}: ")
    assert len(message) > len(f"Invalid setting {variable}: ")
    assert "\n" not in message
    assert caught.value.__cause__ is None


def test_a_bad_value_in_an_env_file_names_the_variable(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text("BOT_MODE=webhook\nREMINDER_OFFSETS=abc\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"^Invalid setting REMINDER_OFFSETS: "):
        load_settings(env_file=env_file)


def test_accepted_edge_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_LISTEN", "[::]:65535")
    monkeypatch.setenv("TIMEZONE", "UTC")
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///:memory:")

    settings = load_settings(None)

    assert settings.webhook_listen == "[::]:65535"
    assert settings.tz == ZoneInfo("UTC")


def test_nothing_is_read_at_import_time() -> None:
    """Importing the module with a broken environment is fine; building the settings is not."""
    environment = {
        **os.environ,
        "REMINDER_OFFSETS": "abc",
        "BOT_FRAMEWORK": "foo",
        "DATABASE_URL": "nonsense",
    }
    script = (
        "import core.config as config\n"
        "try:\n"
        "    config.load_settings(None)\n"
        "except config.ConfigError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Invalid setting ")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("5s", 5.0), ("0.25s", 0.25), ("2m", 120.0), ("1h", 3600.0)],
)
def test_pace_durations_read_milliseconds_to_hours(text: str, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DISPATCH_INTERVAL", "soon"),
        ("DISPATCH_INTERVAL", "0s"),
        ("DISPATCH_BATCH", "0"),
        ("SEND_RATE", "-1"),
        ("DISPATCH_LEASE", "5"),
    ],
)
def test_a_bad_pace_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"^Invalid setting {variable}: "):
        load_settings(None)


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800.0), ("2h", 7200.0), ("90s", 90.0)])
def test_admin_session_idle_reads_seconds_minutes_or_hours(
    monkeypatch: pytest.MonkeyPatch, text: str, seconds: float
) -> None:
    monkeypatch.setenv("ADMIN_SESSION_IDLE", text)

    assert load_settings(None).admin_session_idle == seconds


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30.0), ("0s", 0.0), ("5m", 300.0)])
def test_dashboard_refresh_reads_seconds_and_zero_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, text: str, seconds: float
) -> None:
    monkeypatch.setenv("DASHBOARD_REFRESH", text)

    assert load_settings(None).dashboard_refresh == seconds


@pytest.mark.parametrize("text", ["often", "-5s"])
def test_a_bad_dashboard_refresh_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("DASHBOARD_REFRESH", text)

    with pytest.raises(ConfigError, match=r"^Invalid setting DASHBOARD_REFRESH:"):
        load_settings(None)


@pytest.mark.parametrize("text", ["0s", "soon", "-5m"])
def test_a_bad_admin_session_idle_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("ADMIN_SESSION_IDLE", text)

    with pytest.raises(ConfigError, match=r"^Invalid setting ADMIN_SESSION_IDLE:"):
        load_settings(None)
