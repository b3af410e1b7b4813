"""The database connection and its migrations."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database cannot be opened or used."""


class Database:
    """One aiosqlite connection shared by the repositories.

    SQLite serialises writers anyway; one connection in WAL mode keeps readers unblocked and avoids lock errors.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("database is not open")
        return self._conn

    async def open(self) -> None:
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = await aiosqlite.connect(self.path)
            self._conn.row_factory = aiosqlite.Row
            await self._conn.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints instead of every commit: a commit costs ~0.1 ms instead of an
            # fsync (~2 ms, most of the time spent per update; benchmarks/throughput.py). A killed process loses
            # nothing (the WAL is in the OS cache); only a power cut can lose the last commits, never consistency.
            await self._conn.execute("PRAGMA synchronous=NORMAL")
            await self._conn.execute("PRAGMA foreign_keys=ON")
            await self._conn.execute("PRAGMA busy_timeout=5000")
            await self.migrate()
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StorageError(f"cannot open database {self.path}: {exc}") from exc
        except StorageError:
            await self.close()  # e.g. a schema newer than this code: never leave the connection thread running
            raise

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> None:
        current = await self.schema_version()
        if current > len(MIGRATIONS):
            raise StorageError(f"database schema {current} is newer than this code ({len(MIGRATIONS)})")
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits first, so wrap each migration in its own explicit transaction.
            await self.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={version};\nCOMMIT;")
            log.info("database migrated to schema %d", version)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement and commit it, in one round trip to the connection's thread (aiosqlite's execute and
        commit would take two, ~40 µs each on a busy core; benchmarks/throughput.py)."""
        conn = self.conn
        await conn._execute(_execute_commit, conn, sql, params)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each of `rows` and commit them together, in one round trip."""
        conn = self.conn
        await conn._execute(_executemany_commit, conn, sql, rows)

    async def execute_fetchone(
        self, sql: str, params: Sequence[Any], query: str, query_params: Sequence[Any] = ()
    ) -> aiosqlite.Row | None:
        """Run and commit a statement, then read one row: a write and the read that follows it in one round trip."""
        conn = self.conn
        return await conn._execute(_execute_commit_fetchone, conn, sql, params, query, query_params)  # type: ignore[no-any-return]

    # One round trip to the connection's thread each (a cursor's execute, fetch and close would be three): reads
    # happen on almost every update.
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))


# Run in the connection's own thread (through aiosqlite's queue, like its own execute and commit), where its sqlite3
# connection may be used. A failed statement raises before the commit, as with separate execute and commit calls.
def _execute_commit(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> None:
    raw = conn._conn
    raw.execute(sql, params)
    raw.commit()


def _executemany_commit(conn: aiosqlite.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    raw = conn._conn
    raw.executemany(sql, rows)
    raw.commit()


def _execute_commit_fetchone(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any], query: str, query_params: Sequence[Any]
) -> aiosqlite.Row | None:
    _execute_commit(conn, sql, params)
    return conn._conn.execute(query, query_params).fetchone()  # type: ignore[no-any-return]
