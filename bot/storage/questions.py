"""Questions the bot could not answer, counted by their normalised text: no user ids, no chat ids.

The counts are kept in memory and written at most `UNANSWERED_FLUSH_SECONDS` later (see `record`), like guide views.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from datetime import date

from bot.storage.batching import flush_due
from bot.storage.database import Database, StorageError

log = logging.getLogger(__name__)

# A normalised question longer than this is cut: it is a topic hint for volunteers, not a transcript.
QUERY_MAX = 200
UNANSWERED_FLUSH_SECONDS = 60.0  # counts are written at most this long after the question (see record)
PENDING_MAX = 10_000  # distinct (question, day) pairs kept in memory before they are written early


class UnansweredRepository:
    def __init__(self, db: Database, flush_seconds: float = UNANSWERED_FLUSH_SECONDS) -> None:
        self.db = db
        self.flush_seconds = flush_seconds
        self._pending: Counter[tuple[str, str]] = Counter()  # (query, day) → times asked, not yet written
        self._flushed_at = time.monotonic()  # the last try
        self._failing = False  # the last try failed (see bot.storage.batching)

    async def record(self, normalised: str, today: date) -> None:
        """Count one question the bot could not answer.

        Counted in memory and written in batches: at the first question `UNANSWERED_FLUSH_SECONDS` after the last
        write (or earlier once `PENDING_MAX` different questions wait), before `top` (so /unanswered and /stats
        always see every count), and on shutdown (`flush`, from bot.app). A group message that looks like a question
        then costs no database write (a write and commit per question was a large part of the time of a group
        message; benchmarks/throughput.py). The trade-off: if the process is killed (or the machine fails) rather
        than stopped, the questions of at most the last `UNANSWERED_FLUSH_SECONDS` are not counted.
        """
        query = normalised.strip()[:QUERY_MAX]
        if not query:
            return
        self._pending[(query, today.isoformat())] += 1
        if flush_due(
            time.monotonic(), self._flushed_at, self.flush_seconds, len(self._pending), PENDING_MAX, self._failing
        ):
            await self._try_flush()

    async def _try_flush(self) -> None:
        """Flush; a failure is logged and the counts wait for the next try (the question was counted)."""
        try:
            await self.flush()
        except (StorageError, sqlite3.Error) as exc:
            log.warning("could not write the unanswered questions counted in memory, kept: %s", type(exc).__name__)

    async def flush(self) -> None:
        """Write the counts kept in memory, in one round trip and one commit.

        Unlike guide views, a failed write keeps its counts for the next flush. That cannot count twice: a batch that
        fails midway is taken back whole (Database.executemany). Counts recorded while the write is under way are
        kept for the next flush.
        """
        self._flushed_at = time.monotonic()
        if not self._pending:
            return
        pending, self._pending = self._pending, Counter()
        try:
            await self.db.executemany(
                "INSERT INTO unanswered (query, count, last_day) VALUES (?, ?, ?) ON CONFLICT(query) DO UPDATE "
                "SET count = count + excluded.count, last_day = max(last_day, excluded.last_day)",
                [(query, n, day) for (query, day), n in pending.items()],
            )
        except Exception:  # not when cancelled: the write goes on in the connection's thread and is most likely done
            self._failing = True
            self._pending.update(pending)
            raise
        self._failing = False

    async def top(self, limit: int = 20) -> list[tuple[str, int]]:
        await self._try_flush()  # the counts still in memory, if they can be written; else what is stored
        rows = await self.db.fetchall(
            "SELECT query, count FROM unanswered ORDER BY count DESC, last_day DESC, query LIMIT ?", (limit,)
        )
        return [(r[0], r[1]) for r in rows]
