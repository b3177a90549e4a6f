"""Settings of a running Passerelle, read from the environment and an optional `.env`.

The variable names are part of the product's interface (deployment files, docs),
so each field is bound to its exact upper-case name. Nothing is read at import
time: call `load_settings()` where the program starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# `core.models` never imports this module, so reading its enums here makes no import cycle.
from core.models.enums import SlotKind
from core.setting_values import (
    in_kind_order,
    normalize_offsets,
    parse_cutoffs,
    parse_duration,
    parse_offsets,
    parse_offsets_by_kind,
    parse_seconds,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'passerelle.db'}"
SUPPORTED_LOCALES = ("fr", "en")
# When reminders are due before a booked slot, unless REMINDER_OFFSETS says otherwise.
DEFAULT_REMINDER_OFFSETS = (timedelta(hours=48), timedelta(hours=2))


class ConfigError(Exception):
    """A setting has a value the product cannot run with; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
        frozen=True,
    )

    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    bot_token: str = Field(default="", alias="BOT_TOKEN")
    telegram_api_base: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_BASE")
    bot_framework: Literal["aiogram", "ptb"] = Field(default="aiogram", alias="BOT_FRAMEWORK")
    bot_mode: Literal["polling", "webhook"] = Field(default="polling", alias="BOT_MODE")
    webhook_url: str = Field(default="", alias="WEBHOOK_URL")
    webhook_secret: str = Field(default="", alias="WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0:8080", alias="WEBHOOK_LISTEN")
    timezone: str = Field(default="Europe/Paris", alias="TIMEZONE")
    default_locale: str = Field(default="fr", alias="DEFAULT_LOCALE")
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        default=DEFAULT_REMINDER_OFFSETS, alias="REMINDER_OFFSETS"
    )
    # Like `cancellation_cutoffs`: pairs in `SlotKind` order; read them with
    # `reminder_offsets_for`.
    reminder_offsets_by_kind: Annotated[
        tuple[tuple[SlotKind, tuple[timedelta, ...]], ...], NoDecode
    ] = Field(default=(), alias="REMINDER_OFFSETS_BY_KIND")
    cancellation_cutoff: Annotated[timedelta, NoDecode] = Field(
        default=timedelta(hours=4), alias="CANCELLATION_CUTOFF"
    )
    # Pairs in `SlotKind` order rather than a dict, so the frozen settings stay
    # immutable and hashable; read them with `cutoff_for`.
    cancellation_cutoffs: Annotated[tuple[tuple[SlotKind, timedelta], ...], NoDecode] = Field(
        default=(), alias="CANCELLATION_CUTOFFS"
    )
    admin_secret_key: str = Field(default="", alias="ADMIN_SECRET_KEY")
    # A staff session ends after this long without a request (seconds; `30m` in the env).
    admin_session_idle: Annotated[float, NoDecode] = Field(
        default=1800.0, gt=0, alias="ADMIN_SESSION_IDLE"
    )
    # The panel counts what changed for the dashboard this often, so that a view has
    # little left to count (seconds; `30s` in the env); 0 leaves it all to the views.
    dashboard_refresh: Annotated[float, NoDecode] = Field(
        default=30.0, ge=0, alias="DASHBOARD_REFRESH"
    )
    # Telegram's limits: about 30 messages a second per bot, one a second per chat
    # (DESIGN.md §7). A self-hosted Bot API server or paid broadcasts allow more.
    send_rate: float = Field(default=30.0, gt=0, alias="SEND_RATE")
    send_chat_interval: Annotated[float, NoDecode] = Field(
        default=1.0, ge=0, alias="SEND_CHAT_INTERVAL"
    )
    # The reminder dispatcher: how often it looks for due messages, how many it
    # takes at once, and how long they stay its own before another process may
    # take them (a crashed process's rows are sent by the others after that).
    dispatch_interval: Annotated[float, NoDecode] = Field(
        default=5.0, gt=0, alias="DISPATCH_INTERVAL"
    )
    dispatch_batch: int = Field(default=50, ge=1, le=1000, alias="DISPATCH_BATCH")
    dispatch_lease: Annotated[float, NoDecode] = Field(default=300.0, gt=0, alias="DISPATCH_LEASE")

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> object:
        return parse_offsets(value) if isinstance(value, str) else value

    @field_validator("reminder_offsets_by_kind", mode="before")
    @classmethod
    def _offsets_by_kind(cls, value: object) -> object:
        if isinstance(value, str):
            value = parse_offsets_by_kind(value)
        return tuple(value.items()) if isinstance(value, Mapping) else value

    @field_validator("reminder_offsets_by_kind")
    @classmethod
    def _offsets_by_kind_in_order(
        cls, value: tuple[tuple[SlotKind, tuple[timedelta, ...]], ...]
    ) -> tuple[tuple[SlotKind, tuple[timedelta, ...]], ...]:
        # Given as a mapping or pairs rather than text, the offsets are still checked.
        normalized = tuple((kind, normalize_offsets(offsets)) for kind, offsets in value)
        return in_kind_order(normalized)

    @field_validator("cancellation_cutoff", mode="before")
    @classmethod
    def _cutoff(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("cancellation_cutoffs", mode="before")
    @classmethod
    def _cutoffs(cls, value: object) -> object:
        if isinstance(value, str):
            value = parse_cutoffs(value)
        return tuple(value.items()) if isinstance(value, Mapping) else value

    @field_validator("cancellation_cutoffs")
    @classmethod
    def _cutoffsin_kind_order(
        cls, value: tuple[tuple[SlotKind, timedelta], ...]
    ) -> tuple[tuple[SlotKind, timedelta], ...]:
        return in_kind_order(value)

    @field_validator(
        "send_chat_interval",
        "dispatch_interval",
        "dispatch_lease",
        "admin_session_idle",
        "dashboard_refresh",
        mode="before",
    )
    @classmethod
    def _seconds(cls, value: object) -> object:
        return parse_seconds(value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"expected one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("expected HOST:PORT, such as 0.0.0.0:8080")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_bot_token(self) -> bool:
        return bool(self.bot_token.strip())

    def reminder_offsets_for(self, kind: SlotKind) -> tuple[timedelta, ...]:
        """How long before a slot of this kind its reminders are due: its override, else
        the default; longest first."""
        return dict(self.reminder_offsets_by_kind).get(kind, self.reminder_offsets)

    def cutoff_for(self, kind: SlotKind) -> timedelta:
        """The cancellation cut-off of new slots of this kind: its override, else the default."""
        return dict(self.cancellation_cutoffs).get(kind, self.cancellation_cutoff)

    def cutoff_minutes_for(self, kind: SlotKind) -> int:
        """`cutoff_for` in whole minutes, as `Slot.cancellation_cutoff_minutes` stores it."""
        return int(self.cutoff_for(kind).total_seconds() // 60)


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Build the settings, turning any invalid value into one `ConfigError` line.

    `overrides` take field names (as in tests: `load_settings(None, database_url=...)`).
    """
    unknown = set(overrides) - set(Settings.model_fields)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    # Fields are bound to their upper-case variable names only (so `bot_mode=...` in the
    # environment is not read); overrides given by field name are passed under that name.
    by_alias = {_variable_name(name): value for name, value in overrides.items()}
    try:
        return Settings(_env_file=env_file, **by_alias)
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    variable = _variable_name(field)
    reason = str(first["msg"]).removeprefix("Value error, ")
    return f"Invalid setting {variable}: {reason}"


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and info.alias:
        return info.alias
    return field.upper()
