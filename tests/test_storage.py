from datetime import date
from pathlib import Path

import pytest

from bot.storage import Database, StorageError, UserRepository
from bot.storage.migrations import MIGRATIONS


async def test_wal_mode_and_migrations(tmp_path: Path) -> None:
    db = Database(tmp_path / "nested" / "bot.db")  # the folder is created
    await db.open()
    row = await db.fetchone("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"
    assert await db.schema_version() == len(MIGRATIONS)
    await db.close()
    # Re-opening applies nothing twice.
    db = Database(tmp_path / "nested" / "bot.db")
    await db.open()
    assert await db.schema_version() == len(MIGRATIONS)
    await db.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.db")
    await db.open()
    await db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    await db.close()
    with pytest.raises(StorageError, match="newer than this code"):
        await Database(tmp_path / "bot.db").open()


async def test_unopenable_database_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError):
        await Database(tmp_path / "file" / "bot.db").open()


async def test_users_store_only_language_and_days(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.db")
    await db.open()
    users = UserRepository(db)
    first = await users.touch(1, date(2026, 11, 1))
    assert (first.language, first.first_seen, first.last_seen) == (None, "2026-11-01", "2026-11-01")
    await users.set_language(1, "kk", date(2026, 11, 2))
    again = await users.touch(1, date(2026, 11, 3))
    assert (again.language, again.first_seen, again.last_seen) == ("kk", "2026-11-01", "2026-11-03")
    columns = [r[1] for r in await db.fetchall("PRAGMA table_info(users)")]
    assert columns == ["user_id", "language", "first_seen", "last_seen"]
    await db.close()


async def test_touch_writes_once_a_day(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.db")
    await db.open()
    users = UserRepository(db)
    await users.touch(7, date(2026, 11, 1))
    before = db.conn.total_changes
    for _ in range(5):
        await users.touch(7, date(2026, 11, 1))
    assert db.conn.total_changes == before  # served from memory
    await users.set_language(7, "en", date(2026, 11, 1))
    assert (await users.touch(7, date(2026, 11, 1))).language == "en"  # the cache follows the change
    assert (await users.touch(7, date(2026, 11, 2))).last_seen == "2026-11-02"
    await db.close()


async def test_members_remember_who_has_no_row_and_forget_it_when_one_is_written(tmp_path: Path) -> None:
    from bot.storage.members import PROBATION, MemberRepository

    db = Database(tmp_path / "m.db")
    await db.open()
    members = MemberRepository(db)
    assert await members.get(-100, 7) is None
    await db.execute("INSERT INTO members (chat_id, user_id, state, joined_at) VALUES (-100, 7, 'probation', 1)")
    assert await members.get(-100, 7) is None  # absence is remembered: no read for a regular member
    await members.start_probation(-100, 7, 1)  # a write through the repository forgets it
    member = await members.get(-100, 7)
    assert member is not None and member.state == PROBATION
    await members.migrate_chat(-100, -200)
    assert (await members.get(-200, 7)) is not None
    await db.close()
