"""The warning policy: N warnings within a window trigger an action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class WarnPolicy:
    limit: int = 3
    window: timedelta = timedelta(days=30)
    action: str = "mute"  # "mute" | "ban"
    mute_for: timedelta = timedelta(hours=24)

    def active(self, issued: list[datetime], now: datetime) -> int:
        """How many warnings still count: those issued within the window."""
        return sum(1 for when in issued if now - when < self.window)

    def escalates(self, active_count: int) -> bool:
        return active_count >= self.limit
