"""Background work of a running bot: purging expired message text at start-up and once a day, and writing what is
counted in memory (guide views, unanswered questions, the days people were last seen) every minute."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence

from bot.storage.database import Database, StorageError
from bot.storage.moderation import now_utc
from bot.storage.privacy import purge_expired

log = logging.getLogger(__name__)

PURGE_INTERVAL_SECONDS = 24 * 60 * 60


async def purge_once(db: Database, retention_days: int) -> int:
    """One purge; returns the number of rows changed. Failures are logged, never raised: the bot keeps serving."""
    try:
        purged = await purge_expired(db, now_utc(), retention_days)
    except (StorageError, sqlite3.Error) as exc:
        log.warning("evidence purge failed: %s", type(exc).__name__)
        return 0
    total = sum(purged.values())
    # Counts per column only: what was purged is exactly what must not reach the log.
    log.info("evidence purge: %d rows (%s)", total, ", ".join(f"{k}={v}" for k, v in purged.items() if v) or "none")
    return total


async def purge_forever(db: Database, retention_days: int, interval: float = PURGE_INTERVAL_SECONDS) -> None:
    """Purge now, then every `interval` seconds, until cancelled."""
    while True:
        await purge_once(db, retention_days)
        await asyncio.sleep(interval)


# What is counted in memory is written at least this often, also when no update comes to trigger it.
FLUSH_INTERVAL_SECONDS = 60.0

Flush = tuple[str, Callable[[], Awaitable[None]]]  # what it writes (for the log), and how


async def flush_once(flushes: Sequence[Flush]) -> int:
    """Run each flush; returns how many failed. A failure is logged (its type only) and does not stop the others:
    each keeps what it could not write for the next time."""
    failed = 0
    for what, flush in flushes:
        try:
            await flush()
        except Exception as exc:  # on shutdown the database must still be closed, whatever went wrong here
            failed += 1
            log.error("could not write the %s kept in memory: %s", what, type(exc).__name__)
    return failed


async def flush_forever(flushes: Sequence[Flush], interval: float | None = None) -> None:
    """Every `interval` seconds (FLUSH_INTERVAL_SECONDS if None), until cancelled."""
    while True:
        await asyncio.sleep(FLUSH_INTERVAL_SECONDS if interval is None else interval)
        await flush_once(flushes)
