"""How the settings' text values are read: durations, paces, reminder offsets, and values
given per slot kind (`KIND=VALUE,...`). Each parser raises ValueError with a message
that shows a valid example; `core.config` names the variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TypeVar

from core.models.enums import SlotKind

_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

_V = TypeVar("_V")


def parse_duration(text: str) -> timedelta:
    """Parse `90m`, `2h` or `1d` into a timedelta."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 30m, 2h or 1d")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(minutes=amount * _UNIT_MINUTES[unit])


def parse_seconds(text: str) -> float:
    """Parse `500ms`, `5s`, `0.5s` or `5m` into seconds: the pace of the sender and dispatcher.

    Kept apart from `parse_duration`, whose whole minutes suit reminder offsets and
    cut-offs: a reminder "30s before" would be a mistake, a tick every 5 s is not.
    """
    match = _SECONDS.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 500ms, 5s or 5m")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """Parse a comma-separated list of durations, longest first, without duplicates."""
    return _offsets(text.split(","), example="48h,2h")


def parse_cutoffs(text: str) -> dict[SlotKind, timedelta]:
    """Parse `appointment=24h,food_parcel=2h`: a cut-off per slot kind; blank gives none."""
    return _per_kind(text, parse_duration, example="appointment=24h", value="DURATION")


def parse_offsets_by_kind(text: str) -> dict[SlotKind, tuple[timedelta, ...]]:
    """Parse `food_parcel=48h+2h,appointment=24h`: reminder offsets per slot kind.

    The offsets of one kind are joined by `+`, since `,` separates the kinds.
    """
    return _per_kind(
        text,
        lambda offsets: _offsets(offsets.split("+"), example="48h+2h"),
        example="food_parcel=48h+2h",
        value="OFFSETS",
    )


def _offsets(parts: list[str], *, example: str) -> tuple[timedelta, ...]:
    durations = [part for part in parts if part.strip()]
    if not durations:
        raise ValueError(f"expected at least one duration, such as {example}")
    return normalize_offsets(parse_duration(part) for part in durations)


def normalize_offsets(offsets: Iterable[timedelta]) -> tuple[timedelta, ...]:
    """Longest first, without duplicates; a zero or negative offset is refused."""
    unique = set(offsets)
    if not unique:
        raise ValueError("expected at least one reminder offset")
    if any(offset <= timedelta(0) for offset in unique):
        raise ValueError("a reminder offset must be longer than zero")
    return tuple(sorted(unique, reverse=True))


def _per_kind(
    text: str, parse_value: Callable[[str], _V], *, example: str, value: str
) -> dict[SlotKind, _V]:
    parsed: dict[SlotKind, _V] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, equals, raw = part.partition("=")
        if not equals:
            raise ValueError(f"{part.strip()!r} is not KIND={value}, such as {example}")
        try:
            kind = SlotKind(name.strip())
        except ValueError:
            expected = ", ".join(member.value for member in SlotKind)
            raise ValueError(
                f"unknown slot kind {name.strip()!r}, expected one of {expected}"
            ) from None
        if kind in parsed:
            raise ValueError(f"{kind.value} is given twice")
        try:
            parsed[kind] = parse_value(raw)
        except ValueError as error:
            raise ValueError(f"{kind.value}: {error}") from None
    return parsed


def in_kind_order(pairs: tuple[tuple[SlotKind, _V], ...]) -> tuple[tuple[SlotKind, _V], ...]:
    """Per-kind pairs sorted in `SlotKind` order, so equal settings compare and hash equal."""
    kinds = [kind for kind, _ in pairs]
    if len(set(kinds)) != len(kinds):
        raise ValueError("a slot kind is given twice")
    order = list(SlotKind)
    return tuple(sorted(pairs, key=lambda pair: order.index(pair[0])))
