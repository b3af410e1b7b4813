"""Telegram misbehaves; the real `python -m bot run` process copes.

The loopback Bot API answers 429 with retry_after, 500s, a proxy's HTML 502, slow answers and dropped connections
(before and after doing the work); a kill -9 lands in the middle of a burst of bans. What the server actually carried
out is counted: every reply delivered once, every moderation action executed once, nothing recorded lost, and the
database consistent afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.cli import run_bot
from bot.config import Settings
from tests.botapi import (
    BAD_GATEWAY_HTML,
    DROP,
    DROP_AFTER,
    REPO,
    RETRY_AFTER,
    SERVER_ERROR,
    FakeBotAPI,
    hang,
    running_bot,
    slow,
)

TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
GROUP = {"id": -1001111111111, "type": "supergroup", "title": "Relocation Almaty"}
ADMIN = {"id": 501, "is_bot": False, "first_name": "Asel", "language_code": "en"}
FAST = {"RETRY_BASE_DELAY": "0.05", "DEFAULT_LANGUAGE": "en"}


def member(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}


def database(workdir: Path) -> sqlite3.Connection:
    return sqlite3.connect(workdir / "e2e.db", timeout=5)


def actions(workdir: Path) -> list[tuple[str, int, str]]:
    """(action, target, status) of every recorded moderation action."""
    with contextlib.closing(database(workdir)) as db:
        return list(db.execute("SELECT action, target_id, status FROM mod_actions ORDER BY id"))


def integrity(workdir: Path) -> str:
    with contextlib.closing(database(workdir)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def sent_texts(api: FakeBotAPI) -> Counter[tuple[int, str]]:
    return Counter((int(c.params["chat_id"]), c.params["text"]) for c in api.applied("sendMessage"))


async def test_every_reply_and_action_exactly_once_despite_faults(tmp_path: Path) -> None:
    """Also: one update that fails (the person blocked the bot) does not stop the others."""
    api = FakeBotAPI(TOKEN)
    api.chat_admins[GROUP["id"]] = [api.admin(ADMIN)]
    api.fail("getUpdates", SERVER_ERROR)  # the polling loop itself survives a failure
    api.fail("banChatMember", RETRY_AFTER, SERVER_ERROR, DROP)
    api.fail("restrictChatMember", BAD_GATEWAY_HTML, DROP)
    api.fail("deleteMessage", DROP_AFTER)  # done, but the bot never hears so: its retry finds nothing to delete
    api.fail("sendMessage", SERVER_ERROR, DROP, slow(0.5), RETRY_AFTER)
    await api.start()
    people = [member(600 + i, f"Person{i}") for i in range(3)]
    trolls = [member(700 + i, f"Troll{i}") for i in range(3)]
    blocked = member(699, "Blocked")
    api.blocked_chats.add(blocked["id"])  # every send to this person fails with 403: their update fails
    async with running_bot(api, tmp_path, **FAST) as bot:
        await api.wait_for("getUpdates", timeout=20)
        await api.push_text(blocked, "/start")  # fails first: the updates after it must not notice
        for person in people:
            await api.push_text(person, "/start")
        posts = [await api.push_text(troll, "good morning everyone", chat=GROUP) for troll in trolls]
        await api.push_text(ADMIN, "/ban spam", chat=GROUP, reply_to=posts[0])
        await api.push_text(ADMIN, "/mute 30m", chat=GROUP, reply_to=posts[1])
        await api.push_text(ADMIN, "/del", chat=GROUP, reply_to=posts[2])

        def finished() -> bool:
            chats = {chat for chat, _ in sent_texts(api)}
            deleted = {int(c.params["message_id"]) for c in api.applied("deleteMessage")}
            return (
                all(p["id"] in chats for p in people)
                and bool(api.applied("banChatMember"))
                and bool(api.applied("restrictChatMember"))
                and posts[2]["message_id"] in deleted
                and sum(1 for chat, _ in sent_texts(api) if chat == GROUP["id"]) >= 2
            )

        await api.wait_until(finished, timeout=30, what="every reply and action")
        await asyncio.sleep(1.0)  # room for a duplicate to show up, if the bot were to make one
    assert bot.returncode == 0, bot.stderr

    assert all(not queue for queue in api.faults.values()), api.faults  # every fault was really served
    assert len(api.served_faults) == 1 + 3 + 2 + 1 + 4
    # Exactly once, as the server counts it.
    assert [int(c.params["user_id"]) for c in api.applied("banChatMember")] == [trolls[0]["id"]]
    assert [int(c.params["user_id"]) for c in api.applied("restrictChatMember")] == [trolls[1]["id"]]
    assert [int(c.params["message_id"]) for c in api.applied("deleteMessage")].count(posts[2]["message_id"]) == 1
    texts = sent_texts(api)
    assert all(n == 1 for n in texts.values()), texts
    assert all(sum(1 for chat, _ in texts if chat == p["id"]) == 1 for p in people)
    assert (GROUP["id"], "🔨 Troll0 is banned.\nReason: spam") in texts
    assert (GROUP["id"], "🔇 Troll1 is muted. For 30m.") in texts
    # The audit log agrees: everything done, including the deletion whose retry found the message gone.
    recorded = actions(tmp_path)
    assert {(a, t) for a, t, _ in recorded} >= {("ban", trolls[0]["id"]), ("mute", trolls[1]["id"])}
    assert ("delete", trolls[2]["id"], "done") in recorded
    assert all(state == "done" for _, _, state in recorded), recorded
    assert integrity(tmp_path) == "ok"
    assert "good morning" not in bot.stderr and TOKEN not in bot.stderr
    # The failed update was logged by type, without the person's text, and nothing reached them.
    assert "TelegramForbiddenError" in bot.stderr
    assert blocked["id"] not in {chat for chat, _ in texts}


async def test_kill_9_in_a_burst_loses_no_recorded_action(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    api.chat_admins[GROUP["id"]] = [api.admin(ADMIN)]
    trolls = [member(900 + i, f"Troll{i}") for i in range(4)]
    # Telegram swallows every ban request of the first run: the bot has recorded them, none is confirmed.
    api.fail("banChatMember", *[hang() for _ in trolls])
    await api.start()
    async with running_bot(api, tmp_path, stop_api=False, **FAST) as first:
        await api.wait_for("getUpdates", timeout=20)
        posts = [await api.push_text(troll, "good morning everyone", chat=GROUP) for troll in trolls]
        for post in posts:
            await api.push_text(ADMIN, "/ban", chat=GROUP, reply_to=post)
        await api.wait_until(lambda: api.received.count("banChatMember") == len(trolls), what="bans in flight")
        assert [state for _, _, state in actions(tmp_path)] == ["pending"] * len(trolls)
        assert first.proc is not None
        first.proc.kill()  # kill -9: no clean-up of any kind
        await first.proc.wait()
    assert first.returncode == -signal.SIGKILL
    assert not api.applied("banChatMember")
    assert integrity(tmp_path) == "ok"  # SQLite's journal leaves the file consistent after a hard kill

    async with running_bot(api, tmp_path, stop_signal=signal.SIGTERM, **FAST) as second:
        await api.wait_until(lambda: len(api.applied("banChatMember")) >= len(trolls), what="bans after restart")
        await asyncio.sleep(0.5)
    assert second.returncode == 0, second.stderr
    banned = Counter(int(c.params["user_id"]) for c in api.applied("banChatMember"))
    assert banned == Counter({t["id"]: 1 for t in trolls})  # each recorded ban executed, once
    assert [state for _, _, state in actions(tmp_path)] == ["done"] * len(trolls)
    assert integrity(tmp_path) == "ok"
    assert not (tmp_path / "e2e.db-wal").exists()  # closed cleanly this time: SQLite removed its WAL


async def test_sigterm_lets_the_update_in_flight_finish_and_closes_the_database(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    person = member(1001, "Dana")
    api.fail("sendMessage", slow(1.5))
    await api.start()
    async with running_bot(api, tmp_path, stop_signal=signal.SIGTERM, **FAST) as bot:
        await api.wait_for("getUpdates", timeout=20)
        await api.push_text(person, "/emergency")
        await api.wait_until(lambda: "sendMessage" in api.received, what="the reply in flight")
        # Leaving the block sends SIGTERM while the reply is still on its way.
    assert bot.returncode == 0, bot.stderr
    assert [int(c.params["chat_id"]) for c in api.applied("sendMessage")] == [person["id"]]
    assert "database closed" in bot.stderr
    assert not (tmp_path / "e2e.db-wal").exists()


def test_telegram_unreachable_at_start_up_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN,  # type: ignore[arg-type]
        bot_api_url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        content_dir=REPO / "content",
        retry_base_delay=0.01,
        retry_max_wait=0.1,
    )
    assert run_bot(settings, webhook=False) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"cannot reach the Bot API at http://127.0.0.1:{port} (network error at start-up)"
    assert not (tmp_path / "bot.db-wal").exists()  # the database was opened, and closed again
