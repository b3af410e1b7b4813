"""LOG_FORMAT=json: every line is one JSON object, with no token and no message text — in the real bot process, and
in-process at DEBUG level (where libraries are most talkative)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.housekeeping import purge_once
from bot.logs import setup_logging
from handlers.enforcement import LOG_CHAT
from tests.botapi import FakeBotAPI, running_bot
from tests.builders import Person
from tests.conftest import TOKEN as HARNESS_TOKEN
from tests.conftest import Harness
from tests.moderation_chat import LOG_GROUP, Chats, admin_member

TOKEN = "123456789:AAE-log-token-abcdefghijklmnopqrstu"
USER = {"id": 3141592, "is_bot": False, "first_name": "Madina", "username": "madina_kz", "language_code": "en"}
GROUP = {"id": -1002718281828, "type": "supergroup", "title": "Almaty relocants"}
# Words that appear nowhere in the bot's own texts, so finding one in the log can only mean it was logged.
SECRET = "Quokkabridge паспорт N09876543 flat Zhibek-Zholy"


async def test_json_logs_contain_neither_token_nor_message_text(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    await api.start()
    async with running_bot(api, tmp_path, LOG_FORMAT="json") as bot:
        await api.wait_for("getUpdates")
        await api.push_text(USER, "/start")
        i, _sent = await api.wait_for("sendMessage")
        await api.push_text(USER, SECRET)  # a question in the private chat: searched, answered, counted
        i, _sent = await api.wait_for("sendMessage", after=i + 1)
        # Group traffic: protection (a passport number: removed, the text sent back privately), search.
        in_group = await api.push_text(USER, f"{SECRET} how do I get an IIN?", chat=GROUP)
        await api.push_text(USER, f"/appeal {SECRET}")
        i, _sent = await api.wait_for("sendMessage", after=i + 1)
        await api.push_text(USER, "/privacy")
        i, _sent = await api.wait_for("sendMessage", after=i + 1)
        await api.wait_until(
            lambda: any(c.method == "deleteMessage" and int(c.params["message_id"]) == in_group["message_id"]
                        for c in api.calls),
            what="the group message with a passport number removed",
        )  # fmt: skip
    assert bot.returncode == 0, bot.stderr
    entries = json_lines(bot.stderr)
    assert any(e["message"].startswith("evidence purge") for e in entries)  # start-up purge, counts only
    assert_clean(bot.stderr, TOKEN)


def json_lines(log: str) -> list[dict[str, object]]:
    lines = log.splitlines()
    assert lines
    entries = [json.loads(line) for line in lines]  # raises on any line that is not JSON
    for entry in entries:
        assert isinstance(entry, dict) and {"time", "level", "logger", "message"} <= set(entry)
    return entries


def assert_clean(log: str, token: str) -> None:
    assert token not in log and token.split(":")[1] not in log
    lowered = log.lower()
    for word in [*SECRET.split(), "Madina", "madina_kz", "IIN?"]:
        assert word.lower() not in lowered, word


@pytest.fixture
def captured_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG, writing to a buffer instead of stderr."""
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    monkeypatch.setattr(sys, "stderr", buffer)
    setup_logging("DEBUG", "json", secrets=[HARNESS_TOKEN])
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name in ("aiogram.event", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.NOTSET)


async def test_debug_logs_hold_no_message_text(harness: Harness, captured_log: io.StringIO) -> None:
    """Stored text (evidence, appeal) passes through the database layer, whose DEBUG output must stay silent."""
    chats = Chats(harness.session)
    chats.add(GROUP["id"], admin_member(10))
    await harness.services.chats.set_value(GROUP["id"], LOG_CHAT, LOG_GROUP)
    chats.add(LOG_GROUP, admin_member(10))
    private = Person(user_id=USER["id"], first_name="Madina", language_code="en")
    member = Person(user_id=USER["id"], first_name="Madina", chat_id=GROUP["id"], chat_type="supergroup")
    admin = Person(user_id=10, first_name="Asel", chat_id=GROUP["id"], chat_type="supergroup")
    await harness.send(private, "/start")
    await harness.press(private, "English")
    await harness.send(private, SECRET)  # a question: searched, counted as unanswered
    await harness.services.unanswered.flush()  # counts wait in memory; the write is what the log must not show
    evidence = member.message(f"{SECRET} how do I get an IIN?", harness.session)
    await harness.send(admin, "/ban spam", reply_to=evidence)
    await harness.send(private, f"/appeal {SECRET}")
    assert harness.last() == "Your appeal was sent to the admins. You will get their answer here."
    await harness.send(private, "/privacy")
    await purge_once(harness.services.db, 30)
    log = captured_log.getvalue()
    assert any(e["message"].startswith("evidence purge") for e in json_lines(log))
    assert_clean(log, HARNESS_TOKEN)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_logged_exception_shows_its_type_not_its_message(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    monkeypatch.setattr(sys, "stderr", buffer)
    setup_logging("INFO", fmt, secrets=[TOKEN])
    try:
        try:
            raise ValueError(f"cannot parse {SECRET} with {TOKEN}")
        except ValueError:
            logging.getLogger("handlers.test").exception("protection failed on a message in %d", -100)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    log = buffer.getvalue()
    assert "protection failed on a message in -100" in log and "ValueError" in log
    assert_clean(log, TOKEN)
