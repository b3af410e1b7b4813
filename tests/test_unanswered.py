"""Unanswered questions are counted in memory and written in batches (UnansweredRepository.record and flush)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bot.app import build_services, shutdown, startup
from bot.config import Settings
from bot.storage import Database, StorageError, batching, questions
from bot.storage.questions import QUERY_MAX, UnansweredRepository

MAY_1, MAY_2, MAY_3 = date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)


async def table(db: Database) -> dict[str, tuple[int, str]]:
    """What is written: query → (count, last_day)."""
    rows = await db.fetchall("SELECT query, count, last_day FROM unanswered")
    return {r[0]: (r[1], r[2]) for r in rows}


async def test_counts_wait_in_memory_until_flushed(db: Database) -> None:
    repo = UnansweredRepository(db)
    await repo.record("buy bicycle", MAY_1)
    await repo.record("  buy bicycle  ", MAY_1)  # stripped: the same question
    await repo.record("embassy address", MAY_1)
    await repo.record("buy bicycle", MAY_2)
    await repo.record("   ", MAY_2)  # nothing left to count
    await repo.record("x" * (QUERY_MAX + 50), MAY_2)
    assert await table(db) == {}  # no write per question
    await repo.flush()
    assert await table(db) == {
        "buy bicycle": (3, "2026-05-02"),
        "embassy address": (1, "2026-05-01"),
        "x" * QUERY_MAX: (1, "2026-05-02"),
    }
    await repo.flush()  # nothing pending: nothing counted twice
    assert (await table(db))["buy bicycle"] == (3, "2026-05-02")


async def test_top_shows_the_counts_still_in_memory(db: Database) -> None:
    repo = UnansweredRepository(db)
    for _ in range(3):
        await repo.record("pizza almaty", MAY_1)
    await repo.record("cheap flat", MAY_2)
    assert await table(db) == {}
    assert await repo.top() == [("pizza almaty", 3), ("cheap flat", 1)]
    assert await table(db) == {"pizza almaty": (3, "2026-05-01"), "cheap flat": (1, "2026-05-02")}


async def test_counts_are_added_to_those_written_and_the_later_day_is_kept(db: Database) -> None:
    await db.execute("INSERT INTO unanswered (query, count, last_day) VALUES ('visa run', 5, '2026-05-02')")
    repo = UnansweredRepository(db)
    await repo.record("visa run", MAY_1)  # an earlier day (e.g. recorded just before midnight, written after)
    await repo.flush()
    assert await table(db) == {"visa run": (6, "2026-05-02")}
    await repo.record("visa run", MAY_3)
    await repo.record("visa run", MAY_3)
    await repo.flush()
    assert await table(db) == {"visa run": (8, "2026-05-03")}


async def test_a_question_after_flush_seconds_writes_everything_pending(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    # Only this module's clock: patching time.monotonic itself would move the event loop's clock too.
    monkeypatch.setattr(batching, "time", SimpleNamespace(monotonic=lambda: now[0]))
    repo = UnansweredRepository(db, flush_seconds=60)
    await repo.record("open bank account", MAY_1)
    now[0] += 59
    await repo.record("open bank account", MAY_1)
    await repo.record("sim card", MAY_1)
    assert await table(db) == {}
    now[0] += 1
    await repo.record("sim card", MAY_1)  # 60 s after the last write (here: the start)
    assert await table(db) == {"open bank account": (2, "2026-05-01"), "sim card": (2, "2026-05-01")}
    now[0] += 30
    await repo.record("sim card", MAY_1)  # the clock starts again at each write
    assert (await table(db))["sim card"] == (2, "2026-05-01")


async def test_flush_seconds_zero_writes_every_question(db: Database) -> None:
    repo = UnansweredRepository(db, flush_seconds=0)
    await repo.record("tax number", MAY_1)
    assert await table(db) == {"tax number": (1, "2026-05-01")}
    await repo.record("tax number", MAY_2)
    assert await table(db) == {"tax number": (2, "2026-05-02")}


async def test_too_many_different_questions_are_written_early(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(questions, "PENDING_MAX", 3)
    repo = UnansweredRepository(db)  # a minute has not passed
    await repo.record("one", MAY_1)
    await repo.record("two", MAY_1)
    await repo.record("two", MAY_1)  # the same question: no new key
    assert await table(db) == {}
    await repo.record("three", MAY_1)
    assert await table(db) == {"one": (1, "2026-05-01"), "two": (2, "2026-05-01"), "three": (1, "2026-05-01")}


async def test_a_failed_write_keeps_the_counts_for_the_next_flush(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    repo = UnansweredRepository(db, flush_seconds=0)
    await repo.record("driving licence", MAY_1)
    await db.close()
    with caplog.at_level(logging.WARNING, logger="bot.storage.batching"):
        await repo.record("driving licence", MAY_1)  # counted; the failed write is logged, the person answered
        await repo.record("residence permit", MAY_2)
    assert caplog.text.count("StorageError") == 2 and "licence" not in caplog.text
    await db.open()
    await repo.flush()
    assert await table(db) == {"driving licence": (2, "2026-05-01"), "residence permit": (1, "2026-05-02")}


async def test_a_failing_statement_keeps_the_counts_and_so_do_questions_asked_meanwhile(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = UnansweredRepository(db)
    await repo.record("work permit", MAY_1)
    real_executemany = db.executemany
    calls = 0

    async def locked_once(sql: str, rows: Sequence[Sequence[Any]]) -> None:
        nonlocal calls
        calls += 1
        await repo.record("work permit", MAY_2)  # asked while the batch is being written
        if calls == 1:
            raise sqlite3.OperationalError("database is locked")
        await real_executemany(sql, rows)

    monkeypatch.setattr(db, "executemany", locked_once)
    with pytest.raises(sqlite3.OperationalError):
        await repo.flush()
    assert await table(db) == {}
    await repo.flush()  # writes the failed batch and the question asked during it
    monkeypatch.undo()
    await repo.flush()  # and the one asked during the second write
    assert await table(db) == {"work permit": (3, "2026-05-02")}


async def test_shutdown_writes_the_pending_counts_even_if_guide_views_fail(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    services = build_services(settings)
    await startup(services)
    await services.unanswered.record("lost passport", MAY_1)
    await services.unanswered.record("lost passport", MAY_1)

    async def failing_flush() -> None:
        raise RuntimeError("secret words")

    monkeypatch.setattr(services.feedback, "flush", failing_flush)
    with caplog.at_level(logging.ERROR, logger="bot.housekeeping"):
        await shutdown(services)
    assert "RuntimeError" in caplog.text and "secret words" not in caplog.text
    with pytest.raises(StorageError):
        services.db.conn  # noqa: B018 - closed
    db = Database(settings.database_path)
    await db.open()
    try:
        assert await table(db) == {"lost passport": (2, "2026-05-01")}
    finally:
        await db.close()


async def test_a_batch_that_fails_midway_writes_none_of_it_and_nothing_twice(db: Database) -> None:
    # The second of three rows fails (as on a full disk): the first must not stay behind in the open transaction
    # for the next commit to save, since the whole batch is kept to be written again.
    await db.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON unanswered WHEN NEW.query = 'bad' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    repo = UnansweredRepository(db)
    for query in ("first", "bad", "third"):
        await repo.record(query, MAY_1)
    # Another coroutine's statement, executed and not yet committed, is not taken back with the batch.
    await db.conn.execute("INSERT INTO users (user_id, first_seen, last_seen) VALUES (5, '2026-05-01', '2026-05-01')")
    with pytest.raises(sqlite3.IntegrityError):
        await repo.flush()
    await db.execute("DROP TRIGGER refuse")  # an unrelated write and its commit
    assert await table(db) == {}
    assert await db.fetchone("SELECT 1 FROM users WHERE user_id = 5") is not None
    await repo.flush()
    assert await table(db) == {"first": (1, "2026-05-01"), "bad": (1, "2026-05-01"), "third": (1, "2026-05-01")}


async def test_top_shows_what_is_stored_when_the_counts_cannot_be_written(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    repo = UnansweredRepository(db)
    await repo.record("bank card", MAY_1)
    await repo.flush()
    await repo.record("bank card", MAY_2)

    async def disk_full(sql: str, rows: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db, "executemany", disk_full)
    with caplog.at_level(logging.WARNING, logger="bot.storage.batching"):
        assert await repo.top() == [("bank card", 1)]  # what is stored, rather than nothing
    assert "OperationalError" in caplog.text
    monkeypatch.undo()
    assert await repo.top() == [("bank card", 2)]  # the count kept in memory is written at the next chance
