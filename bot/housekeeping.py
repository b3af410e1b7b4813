"""Background work of a running bot: purging expired message text at start-up and once a day."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

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
