"""The day someone was last seen waits in memory and is written in batches (UserRepository.touch and flush), and
what is counted in memory is written every minute and on a clean stop (bot/housekeeping.py)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import date

import pytest

from bot.app import build_services, in_memory, shutdown, startup
from bot.config import Settings
from bot.housekeeping import flush_forever, flush_once
from bot.storage import Database, UserRepository

MAY_1, MAY_2, MAY_3 = date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)


async def stored(db: Database, user_id: int) -> tuple[str, str] | None:
    row = await db.fetchone("SELECT first_seen, last_seen FROM users WHERE user_id = ?", (user_id,))
    return (row[0], row[1]) if row else None


async def test_a_new_person_is_written_at_once(db: Database) -> None:
    users = UserRepository(db)
    record = await users.touch(5, MAY_1)
    assert (record.first_seen, record.last_seen) == ("2026-05-01", "2026-05-01")
    assert await stored(db, 5) == ("2026-05-01", "2026-05-01")


async def test_a_new_day_waits_in_memory_until_flushed(db: Database) -> None:
    users = UserRepository(db)
    await users.touch(5, MAY_1)
    fresh = UserRepository(db)  # nothing cached: the record is read from the database
    record = await fresh.touch(5, MAY_2)
    assert record.last_seen == "2026-05-02" and record.first_seen == "2026-05-01"
    assert await stored(db, 5) == ("2026-05-01", "2026-05-01")  # not written yet
    assert (await fresh.touch(5, MAY_2)).last_seen == "2026-05-02"  # from the cache
    await fresh.flush()
    assert await stored(db, 5) == ("2026-05-01", "2026-05-02")
    await fresh.flush()  # nothing pending
    assert await stored(db, 5) == ("2026-05-01", "2026-05-02")


async def test_a_later_day_is_never_overwritten_by_an_earlier_one(db: Database) -> None:
    users = UserRepository(db)
    await users.touch(5, MAY_1)
    await users.touch(5, MAY_3)
    older = UserRepository(db)  # another view of the same person, with an older day written last
    await older.touch(5, MAY_2)
    await users.flush()
    await older.flush()
    assert await stored(db, 5) == ("2026-05-01", "2026-05-03")


async def test_the_days_are_written_once_the_interval_has_passed(db: Database) -> None:
    users = UserRepository(db, flush_seconds=0)
    await users.touch(5, MAY_1)
    await users.touch(6, MAY_1)
    await users.touch(5, MAY_2)  # a touch after the interval writes everything pending
    assert await stored(db, 5) == ("2026-05-01", "2026-05-02")


async def test_forgetting_before_the_write_does_not_bring_the_record_back(db: Database) -> None:
    users = UserRepository(db)
    await users.touch(5, MAY_1)
    await UserRepository(db).touch(5, MAY_2)
    other = UserRepository(db)
    await other.touch(5, MAY_3)  # pending in `other`, which is not told about the deletion
    await db.execute("DELETE FROM users WHERE user_id = ?", (5,))  # what /forget_me does
    users.forget(5)
    await users.flush()
    await other.flush()  # an UPDATE of a deleted row changes nothing
    assert await stored(db, 5) is None


async def test_a_failed_write_keeps_the_days_and_the_update_goes_on(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    users = UserRepository(db, flush_seconds=0)
    await users.touch(5, MAY_1)
    calls = 0
    original = db.executemany

    async def failing_once(sql: str, rows: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise sqlite3.OperationalError("disk I/O error")
        await original(sql, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "executemany", failing_once)
    with caplog.at_level(logging.WARNING, logger="bot.storage.batching"):
        record = await users.touch(5, MAY_2)  # its flush fails
    assert record.last_seen == "2026-05-02"
    assert "OperationalError" in caplog.text
    assert await stored(db, 5) == ("2026-05-01", "2026-05-01")
    await users.flush()
    assert calls == 2
    assert await stored(db, 5) == ("2026-05-01", "2026-05-02")


async def test_flush_once_runs_every_flush_even_after_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []

    async def fails() -> None:
        raise RuntimeError("text that must not be logged")

    async def works() -> None:
        done.append("works")

    with caplog.at_level(logging.ERROR, logger="bot.housekeeping"):
        assert await flush_once([("first", fails), ("second", works)]) == 1
    assert done == ["works"]
    assert "first" in caplog.text and "RuntimeError" in caplog.text
    assert "text that must not be logged" not in caplog.text


async def test_flush_forever_writes_without_any_update(db: Database) -> None:
    users = UserRepository(db)
    await users.touch(5, MAY_1)
    await UserRepository(db).touch(5, MAY_1)
    pending = UserRepository(db)
    await pending.touch(5, MAY_2)
    task = asyncio.create_task(flush_forever([("days", pending.flush)], interval=0.01))
    try:
        for _ in range(200):
            if await stored(db, 5) == ("2026-05-01", "2026-05-02"):
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert await stored(db, 5) == ("2026-05-01", "2026-05-02")


async def test_shutdown_writes_the_days_still_in_memory(settings: Settings) -> None:
    services = build_services(settings)
    await startup(services)
    await services.users.touch(5, MAY_1)
    services.users.forget(5)  # as after a restart: the record comes from the database
    await services.users.touch(5, MAY_2)
    assert "days users were last seen" in [what for what, _ in in_memory(services)]
    await shutdown(services)
    db = Database(settings.database_path)
    await db.open()
    try:
        assert await stored(db, 5) == ("2026-05-01", "2026-05-02")
    finally:
        await db.close()


async def test_while_writes_fail_a_full_buffer_is_not_retried_on_every_update(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.storage import users as users_module

    monkeypatch.setattr(users_module, "SEEN_PENDING_MAX", 2)
    users = UserRepository(db)  # a minute is far away
    for user_id in (5, 6, 7, 8):
        await users.touch(user_id, MAY_1)  # new people: written at once
    tries = 0

    async def failing(sql: str, rows: object) -> None:
        nonlocal tries
        tries += 1
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db, "executemany", failing)
    for user_id in (5, 6, 7, 8):
        await users.touch(user_id, MAY_2)
    assert tries == 1  # the buffer filled at the second, was tried once, and then waits for the interval
    monkeypatch.undo()
    await users.flush()
    assert [await stored(db, user_id) for user_id in (5, 6, 7, 8)] == [("2026-05-01", "2026-05-02")] * 4


async def test_someone_forgotten_during_a_failed_write_is_not_put_back(db: Database) -> None:
    users = UserRepository(db)
    await users.touch(5, MAY_1)
    users.forget(5)
    await users.touch(5, MAY_2)  # pending
    original = db.executemany

    async def forget_then_fail(sql: str, rows: object) -> None:
        users.forget(5)  # /forget_me while the write is under way
        raise sqlite3.OperationalError("disk I/O error")

    db.executemany = forget_then_fail  # type: ignore[method-assign]
    with pytest.raises(sqlite3.OperationalError):
        await users.flush()
    db.executemany = original  # type: ignore[method-assign]
    await users.flush()
    assert await stored(db, 5) == ("2026-05-01", "2026-05-01")  # their day was not kept in memory to be written


async def test_the_running_bot_writes_what_is_in_memory_without_any_update(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import housekeeping
    from bot.app import start_background, stop_background

    monkeypatch.setattr(housekeeping, "FLUSH_INTERVAL_SECONDS", 0.01)
    services = build_services(settings)
    await startup(services)
    try:
        await services.users.touch(5, MAY_1)
        services.users.forget(5)
        await services.users.touch(5, MAY_2)
        await services.unanswered.record("lost passport", MAY_2)
        tasks = start_background(services)
        try:
            for _ in range(200):
                if await stored(services.db, 5) == ("2026-05-01", "2026-05-02"):
                    break
                await asyncio.sleep(0.01)
        finally:
            await stop_background(tasks)
        assert await stored(services.db, 5) == ("2026-05-01", "2026-05-02")
        row = await services.db.fetchone("SELECT count FROM unanswered WHERE query = 'lost passport'")
        assert row is not None and row[0] == 1
    finally:
        await services.db.close()


async def test_guide_views_are_kept_when_their_write_fails(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.storage.feedback import FeedbackRepository

    feedback = FeedbackRepository(db)
    await feedback.record_view("iin", "ru", MAY_1)
    await feedback.record_view("iin", "kk", MAY_1)

    async def disk_full(sql: str, rows: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db, "executemany", disk_full)
    with pytest.raises(sqlite3.OperationalError):
        await feedback.flush()
    await feedback.record_view("iin", "ru", MAY_1)  # counted while the write fails
    monkeypatch.undo()
    assert await feedback.views(since=MAY_1) == [("iin", 3)]  # reads write what waits first
