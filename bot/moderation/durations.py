"""Durations as admins type them on a phone: 30m, 2h, 7d, 1w (also 1h30m)."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d{1,4})([smhdw])")
_WHOLE = re.compile(r"^(?:\d{1,4}[smhdw])+$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Telegram treats restrictions shorter than 30 seconds or longer than 366 days as permanent; keep within that.
MIN_DURATION = timedelta(seconds=30)
MAX_DURATION = timedelta(days=366)


def parse_duration(token: str) -> timedelta | None:
    """A duration, or None if the token is not one (then it is part of the reason)."""
    token = token.strip().lower()
    if not _WHOLE.match(token):
        return None
    seconds = sum(int(n) * _UNIT[u] for n, u in _PART.findall(token))
    if seconds <= 0:
        return None
    return min(max(timedelta(seconds=seconds), MIN_DURATION), MAX_DURATION)


def split_duration_and_reason(args: str) -> tuple[timedelta | None, str]:
    """`/ban 7d spam links` → (7 days, "spam links"); `/ban spam` → (None, "spam")."""
    parts = args.strip().split(maxsplit=1)
    if not parts:
        return None, ""
    duration = parse_duration(parts[0])
    if duration is None:
        return None, args.strip()
    return duration, parts[1].strip() if len(parts) > 1 else ""


def format_duration(value: timedelta) -> str:
    """Compact form for confirmations and the audit log: 1w, 2d, 3h, 30m (largest units first)."""
    seconds = int(value.total_seconds())
    out = []
    for unit in ("w", "d", "h", "m", "s"):
        n, seconds = divmod(seconds, _UNIT[unit])
        if n:
            out.append(f"{n}{unit}")
    return "".join(out) or "0s"
