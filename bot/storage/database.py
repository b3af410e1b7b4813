"""The database connection and its migrations."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database cannot be opened or used."""


# How long a read on the event loop may wait for a lock. In WAL mode readers never wait for the writer; SQLite only
# makes a reader wait in rare moments (e.g. while another connection recovers the WAL), so this is only a guard.
READER_BUSY_TIMEOUT_MS = 100


class Database:
    """One aiosqlite connection shared by the repositories, and a read-only connection for the hottest reads.

    SQLite serialises writers anyway; one connection in WAL mode keeps readers unblocked and avoids lock errors.

    Every aiosqlite call is a round trip to the connection's thread: ~60-100 µs on one busy core, while a primary-key
    lookup takes a few µs (benchmarks/throughput.py). Two such lookups happen on almost every update (a user's
    record, a group member's row), so `fetchone_inline` runs them on the event loop itself, through a second, plain
    sqlite3 connection opened read-only (`mode=ro` and `query_only`) in autocommit mode. It is correct because:

    - in WAL mode a read never waits for the writer (it reads the last committed snapshot), so it cannot stall the
      loop behind a write;
    - each read starts a fresh read transaction and so sees every write committed before it. Writes are awaited
      until committed (`execute` returns after the commit) before the code that wrote goes on, so a coroutine always
      reads its own writes. What it does not see is a write still on its way (queued, or a multi-statement
      transaction not yet committed): the committed state, as if the read had run just before that write;
    - the read's cursor is closed at once, so no statement or read transaction stays open (an open read would stop
      WAL checkpoints from emptying the WAL).

    A `:memory:` database has no file a second connection could share, so there (and whenever the reader is not
    open) `fetchone_inline` is the ordinary `fetchone`.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._reader_thread: int | None = None  # sqlite3 connections may only be used in the thread that opened them

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
            if str(self.path) != ":memory:":
                self._open_reader()
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StorageError(f"cannot open database {self.path}: {exc}") from exc
        except StorageError:
            await self.close()  # e.g. a schema newer than this code: never leave the connection thread running
            raise

    def _open_reader(self) -> None:
        # After the migrations: the file exists, in WAL mode (its -wal and -shm files too, which a read-only
        # connection cannot create). as_uri() percent-encodes the path (`?` or `#` in it would end a plain URI).
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._reader = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
        self._reader_thread = threading.get_ident()
        self._reader.row_factory = sqlite3.Row  # = aiosqlite.Row: rows are indexed by position and by name
        self._reader.execute("PRAGMA query_only=ON")
        self._reader.execute(f"PRAGMA busy_timeout={READER_BUSY_TIMEOUT_MS}")

    async def close(self) -> None:
        # The reader first (synchronously: no read can start in between), so the writer, closing last, checkpoints
        # and removes the WAL.
        if self._reader is not None:
            reader, self._reader, self._reader_thread = self._reader, None, None
            reader.close()
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

    def read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """One row read through the read-only connection, in the calling thread (see the class docstring).

        Only for short indexed reads: the event loop waits for it. Raises StorageError if the reader is not open
        (a `:memory:` database, or a closed one); `fetchone_inline` picks the right way for the caller.
        """
        reader = self._reader
        if reader is None:
            raise StorageError("the database reader is not open")
        try:
            cur = reader.execute(sql, params)
            try:
                return cur.fetchone()  # type: ignore[no-any-return]
            finally:
                cur.close()  # resets the statement: no read transaction outlives the call
        except sqlite3.Error as exc:  # also ProgrammingError (another thread, a closed connection)
            raise StorageError(f"database read failed: {exc}") from exc

    async def fetchone_inline(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """`fetchone` run inline on the event loop through the read-only connection when it is open (a few µs
        instead of a round trip to aiosqlite's thread), else the ordinary `fetchone`. For the short indexed reads
        done on almost every update; a `:memory:` database always takes the async path."""
        if self._reader is not None and threading.get_ident() == self._reader_thread:
            return self.read_one(sql, params)
        return await self.fetchone(sql, params)


# Run in the connection's own thread (through aiosqlite's queue, like its own execute and commit), where its sqlite3
# connection may be used. A failed statement raises before the commit, as with separate execute and commit calls.
def _execute_commit(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> None:
    raw = conn._conn
    raw.execute(sql, params)
    raw.commit()


def _executemany_commit(conn: aiosqlite.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    # Each row is its own statement: one that fails (a full disk, say) leaves the rows before it in the open
    # transaction, and the next commit by anyone would save them although the caller keeps the whole batch to write
    # again (counted twice). The savepoint takes back exactly this batch, leaving what another coroutine executed and
    # has yet to commit as it was.
    raw = conn._conn
    raw.execute("SAVEPOINT batch")
    try:
        raw.executemany(sql, rows)
    except BaseException:
        raw.execute("ROLLBACK TO batch")
        raw.execute("RELEASE batch")
        raise
    raw.execute("RELEASE batch")
    raw.commit()


def _execute_commit_fetchone(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any], query: str, query_params: Sequence[Any]
) -> aiosqlite.Row | None:
    _execute_commit(conn, sql, params)
    return conn._conn.execute(query, query_params).fetchone()  # type: ignore[no-any-return]
