"""When counts kept in memory are written (guide views, unanswered questions, the days users were last seen).

Each is written at the first chance `interval` seconds after the last try (and by bot.housekeeping every minute, and
on a clean stop); a full buffer earlier. After a failed write, only the interval counts: otherwise, with the
buffer full, every update would retry a batch that cannot be written.
"""

from __future__ import annotations


def flush_due(now: float, last_try: float, interval: float, pending: int, limit: int, failing: bool) -> bool:
    """Whether to write now (times from time.monotonic(); `pending`: how many wait; `failing`: the last try failed)."""
    return now - last_try >= interval or (pending >= limit and not failing)
