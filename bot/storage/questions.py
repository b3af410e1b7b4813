"""Questions the bot could not answer, counted by their normalised text: no user ids, no chat ids.

The counts are kept in memory and written at most a minute later (see `record`), like guide views.
"""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from bot.storage.batching import Batch
from bot.storage.database import Database

# A normalised question longer than this is cut: it is a topic hint for volunteers, not a transcript.
QUERY_MAX = 200
UNANSWERED_FLUSH_SECONDS = 60.0  # counts are written at most this long after the question (see record)
PENDING_MAX = 10_000  # distinct (question, day) pairs kept in memory before they are written early


class UnansweredRepository:
    def __init__(self, db: Database, flush_seconds: float = UNANSWERED_FLUSH_SECONDS) -> None:
        self.db = db
        # (query, day) → times asked, not yet written
        self._pending: Batch[tuple[str, str], int] = Batch(
            "unanswered questions", flush_seconds, PENDING_MAX, operator.add
        )

    async def record(self, normalised: str, today: date) -> None:
        """Count one question the bot could not answer.

        Counted in memory and written in batches (bot.storage.batching): at the first question a minute after the
        last write (or earlier once `PENDING_MAX` different questions wait), before `top` (so /unanswered and /stats
        always see every count), every minute and on shutdown (bot.housekeeping). A group message that looks like a
        question then costs no database write (a write and commit per question was a large part of the time of a
        group message; benchmarks/throughput.py). The trade-off: if the process is killed (or the machine fails)
        rather than stopped, the questions of at most the last minute are not counted.
        """
        query = normalised.strip()[:QUERY_MAX]
        if not query:
            return
        self._pending.add((query, today.isoformat()), 1)
        await self._pending.write_soon(self._write)

    async def flush(self) -> None:
        """Write the counts kept in memory, in one round trip and one commit; on failure they are kept."""
        await self._pending.write(self._write)

    async def _write(self, pending: dict[tuple[str, str], int]) -> Any:
        return await self.db.executemany(
            "INSERT INTO unanswered (query, count, last_day) VALUES (?, ?, ?) ON CONFLICT(query) DO UPDATE "
            "SET count = count + excluded.count, last_day = max(last_day, excluded.last_day)",
            [(query, n, day) for (query, day), n in pending.items()],
        )

    async def top(self, limit: int = 20) -> list[tuple[str, int]]:
        await self._pending.write_logged(self._write)  # the counts in memory, if they can be written; else the stored
        rows = await self.db.fetchall(
            "SELECT query, count FROM unanswered ORDER BY count DESC, last_day DESC, query LIMIT ?", (limit,)
        )
        return [(r[0], r[1]) for r in rows]
