"""Counts kept in memory and written in batches: guide views, unanswered questions, the days users were last seen.

A batch is written at the first chance `interval` seconds after the last try (and by bot.housekeeping every minute,
and on a clean stop); a full one earlier. A write that fails puts what it held back, to be written next time: a
batch that fails midway is taken back whole (Database.executemany), so nothing is counted twice. After a failure,
only the interval counts: otherwise, with the batch full, every update would retry a write that cannot succeed.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from bot.storage.database import StorageError

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batch(Generic[K, V]):
    """What waits to be written (key → value, values of one key combined by `merge`), and when to write it."""

    def __init__(self, what: str, interval: float, limit: int, merge: Callable[[V, V], V]) -> None:
        self.what = what  # for the log
        self.interval = interval
        self.limit = limit  # this many different keys waiting: written before the interval is over
        self.merge = merge
        self.pending: dict[K, V] = {}
        self._last_try = time.monotonic()
        self._failing = False  # the last try failed
        self._writing: list[set[K]] = []  # the keys of each write under way

    def add(self, key: K, value: V) -> None:
        self.pending[key] = self.merge(self.pending[key], value) if key in self.pending else value

    def due(self) -> bool:
        elapsed = time.monotonic() - self._last_try
        return elapsed >= self.interval or (len(self.pending) >= self.limit and not self._failing)

    def discard(self, key: K) -> None:
        """Forget a key, also in a write under way: if that write fails, the key is not put back."""
        self.pending.pop(key, None)
        for writing in self._writing:
            writing.discard(key)

    async def write(self, write: Callable[[dict[K, V]], Awaitable[object]]) -> None:
        """Hand what waits to `write`; if it raises, what it held is put back (merged with what came meanwhile)."""
        self._last_try = time.monotonic()
        if not self.pending:
            return
        taken, self.pending = self.pending, {}
        writing = set(taken)
        self._writing.append(writing)
        try:
            await write(taken)
        except Exception:  # not when cancelled: the write goes on in the connection's thread and is most likely done
            self._failing = True
            for key, value in taken.items():
                if key in writing:
                    self.add(key, value)
            raise
        finally:
            self._writing.remove(writing)
        self._failing = False

    async def write_soon(self, write: Callable[[dict[K, V]], Awaitable[object]]) -> None:
        """`write_logged` if the batch is due (on the way of an update)."""
        if self.due():
            await self.write_logged(write)

    async def write_logged(self, write: Callable[[dict[K, V]], Awaitable[object]]) -> None:
        """`write`, for a caller that must go on whatever happens: a failure is logged, and what waits is kept."""
        try:
            await self.write(write)
        except (StorageError, sqlite3.Error) as exc:
            log.warning(
                "could not write the %s kept in memory, kept for the next try: %s", self.what, type(exc).__name__
            )
