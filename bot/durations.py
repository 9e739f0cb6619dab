"""Reminder lead times as people type and read them: `15m`, `2h`, `1d`, `1h30m` <-> minutes."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?$")
_UNITS = (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60), ("m", 1))
_WORDS = {"w": "week", "d": "day", "h": "hour", "m": "minute"}


def parse_duration(text: str) -> int:
    """Minutes in `text` (e.g. "1h30m" -> 90); ValueError for anything else, zero included."""
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or match is None:
        raise ValueError(f"{text!r} is not a duration like 15m, 2h, 1d or 1h30m")
    minutes = sum(int(match[unit] or 0) * size for unit, size in _UNITS)
    if minutes <= 0:
        raise ValueError("a reminder needs a time before the start, like 15m")
    return minutes


def _parts(minutes: int) -> list[tuple[int, str]]:
    parts = []
    for unit, size in _UNITS[1:]:          # weeks read better as days ("14 days")
        count, minutes = divmod(minutes, size)
        if count:
            parts.append((count, unit))
    return parts


def short(minutes: int) -> str:
    """90 -> "1h30m", the form `/webinar remind` accepts."""
    return "".join(f"{count}{unit}" for count, unit in _parts(minutes)) or "0m"


def describe(minutes: int) -> str:
    """90 -> "1 hour 30 minutes", for messages."""
    return " ".join(f"{count} {_WORDS[unit]}{'s' if count != 1 else ''}" for count, unit in _parts(minutes)) \
        or "0 minutes"
