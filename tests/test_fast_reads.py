"""The read-only connection that serves the hottest reads on the event loop (Database.fetchone_inline)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import bot.storage.database as database
from bot.storage import Database, StorageError, UserRepository
from bot.storage.members import PROBATION, Member, MemberRepository

USER_SQL = "SELECT user_id, language, first_seen, last_seen FROM users WHERE user_id = ?"


def wal_size(db_path: Path) -> int:
    return db_path.with_name(db_path.name + "-wal").stat().st_size


@pytest.fixture(params=["file", "memory"])
async def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A file database (inline reads) and a `:memory:` one (the async fallback)."""
    db = Database(tmp_path / "bot.db" if request.param == "file" else ":memory:")
    await db.open()
    yield db
    await db.close()


def fail_aiosqlite(monkeypatch: pytest.MonkeyPatch, db: Database) -> None:
    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a read went to aiosqlite's thread")

    monkeypatch.setattr(db.conn, "_execute", refuse)


class BlockedWrites:
    """Holds every write in aiosqlite's thread until released: a write that is queued or running, not committed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.release = threading.Event()
        original: Callable[..., None] = database._execute_commit

        def blocked(*args: Any) -> None:
            assert self.release.wait(10), "the test never released the write"
            original(*args)

        monkeypatch.setattr(database, "_execute_commit", blocked)


async def test_reader_sees_each_write_as_soon_as_it_is_awaited(db: Database) -> None:
    await db.execute("INSERT INTO users (user_id, first_seen, last_seen) VALUES (1, '2026-11-01', '2026-11-01')")
    row = db.read_one(USER_SQL, (1,))
    assert row is not None and tuple(row) == (1, None, "2026-11-01", "2026-11-01")
    assert row["first_seen"] == "2026-11-01"  # rows are sqlite3.Row (= aiosqlite.Row): by name too
    await db.execute("UPDATE users SET language = 'kk' WHERE user_id = 1")
    row = await db.fetchone_inline(USER_SQL, (1,))
    assert row is not None and row["language"] == "kk"
    await db.execute("DELETE FROM users WHERE user_id = 1")
    assert db.read_one(USER_SQL, (1,)) is None
    # The repositories' own writes, read back through a repository with nothing cached.
    await UserRepository(db).set_language(2, "en", date(2026, 11, 2))
    record = await UserRepository(db).get(2)
    assert record is not None and record.language == "en"
    members = MemberRepository(db)
    await members.start_probation(-100, 2, 5)
    assert await MemberRepository(db).get(-100, 2) == Member(-100, 2, PROBATION, 5)
    await members.remove(-100, 2)
    assert await MemberRepository(db).get(-100, 2) is None


async def test_repositories_answer_the_same_inline_and_through_aiosqlite(any_db: Database) -> None:
    users = UserRepository(any_db)
    assert await users.known(10) is None
    assert await users.get(10) is None
    touched = await users.touch(10, date(2026, 11, 1))
    assert (touched.language, touched.first_seen, touched.last_seen) == (None, "2026-11-01", "2026-11-01")
    await users.set_language(10, "ru", date(2026, 11, 3))
    fresh = UserRepository(any_db)  # nothing cached: every answer is read
    known = await fresh.known(10)
    assert known is not None
    assert (known.language, known.first_seen, known.last_seen) == ("ru", "2026-11-01", "2026-11-03")
    assert await fresh.get(10) == known
    assert await fresh.known(11) is None
    members = MemberRepository(any_db)
    assert await members.get(-100, 10) is None
    await members.challenge(-100, 10, state="challenge", joined_at=7, answer="42", deadline=99, attempts=1)
    assert await MemberRepository(any_db).get(-100, 10) == Member(-100, 10, "challenge", 7, 0, "42", 99, 1, None)
    assert await members.get(-100, 10) == Member(-100, 10, "challenge", 7, 0, "42", 99, 1, None)


async def test_the_reader_cannot_write(db: Database) -> None:
    insert = "INSERT INTO users (user_id, first_seen, last_seen) VALUES (3, 'a', 'a')"
    row = db.read_one("PRAGMA query_only")
    assert row is not None and row[0] == 1
    with pytest.raises(StorageError, match="readonly"):
        db.read_one(insert)
    db.read_one("PRAGMA query_only=OFF")  # even so, the connection itself is read-only (mode=ro)
    with pytest.raises(StorageError, match="readonly"):
        db.read_one(insert)
    with pytest.raises(StorageError, match="readonly"):
        db.read_one("DELETE FROM users")
    assert await db.fetchone("SELECT 1 FROM users WHERE user_id = 3") is None


async def test_no_read_stays_open_so_checkpoints_empty_the_wal(db: Database, tmp_path: Path) -> None:
    await db.execute("PRAGMA busy_timeout=100")  # a checkpoint blocked by a reader gives up quickly
    await db.executemany(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, 'a', 'a')", [(i,) for i in range(200)]
    )
    users = UserRepository(db)
    for i in range(300):
        await users.get(i)
        db.read_one("SELECT user_id FROM users ORDER BY user_id")  # 200 rows, one fetched: the rest must not linger
        with pytest.raises(StorageError):
            db.read_one("SELECT no_such_column FROM users")
    assert wal_size(tmp_path / "bot.db") > 0
    row = await db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    assert row is not None and row[0] == 0  # busy=0: no reader held a snapshot
    assert wal_size(tmp_path / "bot.db") == 0


class KeptCursors:
    """The reader, with every cursor kept alive (CPython frees a dropped cursor at once, which would hide one left
    open): as a traceback or a runtime without reference counting could keep it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.cursors: list[sqlite3.Cursor] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql, params)
        self.cursors.append(cursor)
        return cursor

    def close(self) -> None:
        self.conn.close()


async def test_a_cursor_kept_alive_holds_no_read_open(db: Database, tmp_path: Path) -> None:
    await db.execute("PRAGMA busy_timeout=100")
    await db.executemany(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, 'a', 'a')", [(i,) for i in range(50)]
    )
    assert db._reader is not None
    kept = KeptCursors(db._reader)
    db._reader = kept  # type: ignore[assignment]
    row = db.read_one("SELECT user_id FROM users ORDER BY user_id")  # 50 rows, one fetched
    assert row is not None and row[0] == 0
    assert len(kept.cursors) == 1
    row = await db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    assert row is not None and row[0] == 0
    assert wal_size(tmp_path / "bot.db") == 0


async def test_memory_database_falls_back_to_aiosqlite() -> None:
    db = Database(":memory:")
    await db.open()
    try:
        await UserRepository(db).touch(5, date(2026, 11, 1))
        record = await UserRepository(db).get(5)
        assert record is not None and record.first_seen == "2026-11-01"
        with pytest.raises(StorageError, match="not open"):
            db.read_one(USER_SQL, (5,))  # a second connection would see another, empty database
    finally:
        await db.close()


async def test_reads_after_close_raise_storage_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.db")
    await db.open()
    await UserRepository(db).touch(6, date(2026, 11, 1))
    await db.close()
    with pytest.raises(StorageError):
        await UserRepository(db).get(6)
    with pytest.raises(StorageError):
        await UserRepository(db).known(6)
    with pytest.raises(StorageError):
        await MemberRepository(db).get(-100, 6)
    with pytest.raises(StorageError):
        db.read_one(USER_SQL, (6,))


async def test_sqlite_errors_of_the_reader_are_storage_errors(db: Database) -> None:
    caught: list[BaseException] = []

    def other_thread() -> None:
        try:
            db.read_one("SELECT 1")
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert len(caught) == 1 and isinstance(caught[0], StorageError)  # not sqlite3.ProgrammingError
    assert isinstance(caught[0].__cause__, sqlite3.ProgrammingError)
    # fetchone_inline, though, takes the async path outside the reader's thread (here: another thread's loop).
    rows: list[Any] = []
    thread = threading.Thread(target=lambda: rows.append(asyncio.run(db.fetchone_inline("SELECT 7"))))
    thread.start()
    thread.join()
    assert len(rows) == 1 and rows[0][0] == 7
    assert db._reader is not None
    db._reader.close()  # a reader closed underneath
    with pytest.raises(StorageError):
        db.read_one("SELECT 1")


async def test_a_failure_opening_the_reader_closes_both_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[sqlite3.Connection] = []
    original = Database._open_reader

    def open_then_fail(self: Database) -> None:
        original(self)
        assert self._reader is not None
        opened.append(self._reader)
        raise sqlite3.OperationalError("boom")

    monkeypatch.setattr(Database, "_open_reader", open_then_fail)
    db = Database(tmp_path / "bot.db")
    with pytest.raises(StorageError, match="boom"):
        await db.open()
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].execute("SELECT 1")  # closed
    with pytest.raises(StorageError, match="not open"):
        _ = db.conn
    with pytest.raises(StorageError):
        await UserRepository(db).get(1)


async def test_hot_reads_never_go_to_aiosqlites_thread(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    await UserRepository(db).touch(8, date(2026, 11, 1))
    await MemberRepository(db).start_probation(-100, 8, 3)
    fail_aiosqlite(monkeypatch, db)
    try:
        with pytest.raises(AssertionError):
            await db.fetchone(USER_SQL, (8,))  # the patch works: this read would have gone there
        users = UserRepository(db)
        record = await users.get(8)
        assert record is not None and record.last_seen == "2026-11-01"
        assert await users.known(8) == record
        assert await users.known(9) is None
        assert await users.touch(8, date(2026, 11, 1)) == record  # served from the cache `known` filled
        assert await MemberRepository(db).get(-100, 8) == Member(-100, 8, PROBATION, 3)
        assert await MemberRepository(db).get(-100, 9) is None
    finally:
        monkeypatch.undo()  # close() needs aiosqlite's thread


async def test_absence_is_not_remembered_while_a_write_is_unfinished(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = MemberRepository(any_db)
    blocked = BlockedWrites(monkeypatch)
    write = asyncio.create_task(members.start_probation(-100, 20, 1))
    await asyncio.sleep(0)  # the write is queued, held before its commit
    read = asyncio.create_task(members.get(-100, 20))
    await asyncio.sleep(0.05)
    if any_db._reader is not None:
        assert read.done() and read.result() is None  # inline: the committed state, without the row
    blocked.release.set()
    await write
    await read
    assert await members.get(-100, 20) == Member(-100, 20, PROBATION, 1)


async def test_a_read_queued_before_a_write_does_not_remember_absence(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The async path: aiosqlite's thread is busy, a read waits in its queue, then a write of the same row starts."""
    members = MemberRepository(any_db)
    blocked = BlockedWrites(monkeypatch)
    busy = asyncio.create_task(any_db.execute("UPDATE users SET language = NULL WHERE user_id = -1"))
    await asyncio.sleep(0)
    reader, any_db._reader = any_db._reader, None  # force the async path on a file database too
    try:
        read = asyncio.create_task(members.get(-100, 21))
        await asyncio.sleep(0)
    finally:
        any_db._reader = reader
    write = asyncio.create_task(members.start_probation(-100, 21, 1))
    await asyncio.sleep(0)
    blocked.release.set()
    await asyncio.gather(busy, write)
    assert await read is None  # it ran before the write
    assert await members.get(-100, 21) == Member(-100, 21, PROBATION, 1)


async def test_a_write_that_starts_and_ends_during_a_read_is_not_hidden_by_it(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that found nothing, then waited, while a write of the same row ran to the end."""
    members = MemberRepository(any_db)
    gate = asyncio.Event()
    original = any_db.fetchone_inline

    async def slow(sql: str, params: Any = ()) -> Any:
        row = await original(sql, params)
        await gate.wait()
        return row

    monkeypatch.setattr(any_db, "fetchone_inline", slow)
    read = asyncio.create_task(members.get(-100, 22))
    await asyncio.sleep(0)
    await members.start_probation(-100, 22, 1)
    gate.set()
    assert await read is None
    assert await members.get(-100, 22) == Member(-100, 22, PROBATION, 1)


async def test_a_write_that_waited_before_the_database_is_not_hidden_by_a_read_in_between(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write started first but reached the database after the read, which then waited until the write ended."""
    members = MemberRepository(any_db)
    write_gate, read_gate = asyncio.Event(), asyncio.Event()
    execute, fetchone_inline = any_db.execute, any_db.fetchone_inline

    async def late_write(sql: str, params: Any = ()) -> None:
        await write_gate.wait()
        await execute(sql, params)

    async def slow_read(sql: str, params: Any = ()) -> Any:
        row = await fetchone_inline(sql, params)
        await read_gate.wait()
        return row

    monkeypatch.setattr(any_db, "execute", late_write)
    monkeypatch.setattr(any_db, "fetchone_inline", slow_read)
    write = asyncio.create_task(members.start_probation(-100, 23, 1))
    await asyncio.sleep(0)
    read = asyncio.create_task(members.get(-100, 23))
    await asyncio.sleep(0.05)  # the read has run (the async one too), and waits
    write_gate.set()
    await write
    read_gate.set()
    assert await read is None
    assert await members.get(-100, 23) == Member(-100, 23, PROBATION, 1)
