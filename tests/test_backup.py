"""`python -m bot backup PATH` and `python -m bot healthcheck` (polling mode) against a real database file."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import EXPECTED
from bot.storage.database import Database
from bot.storage.migrations import MIGRATIONS


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment whose DATABASE_URL points at tmp_path/bot.db; returns that path."""
    for name in EXPECTED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    return db


def make_database(path: Path, chats: int) -> None:
    async def make() -> None:
        db = Database(path)
        await db.open()  # the real schema, WAL mode
        for i in range(chats):
            await db.execute("INSERT INTO chats (chat_id) VALUES (?)", (-1000 - i,))
        await db.close()

    asyncio.run(make())


def open_copy(path: Path) -> tuple[str, int, int]:
    """(integrity, schema version, chats) of a backup file."""
    with contextlib.closing(sqlite3.connect(path)) as copy:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        version = copy.execute("PRAGMA user_version").fetchone()[0]
        chats = copy.execute("SELECT count(*) FROM chats").fetchone()[0]
    return check, version, chats


def test_backup_while_another_connection_keeps_writing(env: Path, tmp_path: Path) -> None:
    make_database(env, chats=50)
    stop = threading.Event()
    written = {"n": 0}

    def writer() -> None:  # the running bot, committing as fast as it can in WAL mode
        with contextlib.closing(sqlite3.connect(env, timeout=5)) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO chats (chat_id) VALUES (?)", (-5000 - written["n"],))
                conn.commit()
                written["n"] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written["n"] < 20:
            time.sleep(0.01)
        before = written["n"]
        assert main(["backup", str(tmp_path / "copy.db")]) == 0
        after = written["n"]
    finally:
        stop.set()
        thread.join()
    check, version, chats = open_copy(tmp_path / "copy.db")
    assert check == "ok" and version == len(MIGRATIONS)
    assert 50 + before <= chats <= 50 + after  # a snapshot: every commit up to its moment, none half
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_backup_refuses_to_overwrite_without_force(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(env, chats=3)
    target = tmp_path / "copy.db"
    target.write_text("an older backup")
    assert main(["backup", str(target)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "an older backup"  # untouched
    assert main(["backup", str(target), "--force"]) == 0
    assert "backup written" in capsys.readouterr().out
    assert open_copy(target) == ("ok", len(MIGRATIONS), 3)


def test_backup_without_a_database_or_onto_it(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", str(tmp_path / "copy.db")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()
    env.write_bytes(b"")  # exists now (empty: SQLite's empty database)
    assert main(["backup", str(env), "--force"]) == 1
    assert "database itself" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "no" / "such" / "folder.db")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_polling_health_check_reads_the_database(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["healthcheck"]) == 1  # no database yet
    assert "no database" in capsys.readouterr().err
    make_database(env, chats=1)
    assert main(["healthcheck"]) == 0
    env.write_bytes(b"this is not a database, but garbage of some length" * 100)
    assert main(["healthcheck"]) == 1
    assert "unreadable" in capsys.readouterr().err
