"""Webhook mode: the real `python -m bot run --webhook` process, posted to as Telegram would, over loopback HTTP."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import main
from bot.config import EXPECTED
from tests.botapi import REPO, FakeBotAPI, running_bot, slow

TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
SECRET = "s3cret_Token-for-e2e"
URL = "https://bot.example.org/tg/hook"
_ids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_env(port: int) -> dict[str, str]:
    return {"WEBHOOK_URL": URL, "WEBHOOK_SECRET": SECRET, "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(port),
            "DEFAULT_LANGUAGE": "en", "RETRY_BASE_DELAY": "0.05"}  # fmt: skip


def update(user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Dana", "language_code": "en"}
    message = {"message_id": next(_ids), "date": int(time.time()), "text": text, "from": user,
               "chat": {"id": user_id, "type": "private", "first_name": "Dana"},
               "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}  # fmt: skip
    return {"update_id": next(_ids), "message": message}


async def post(port: int, body: dict[str, Any], secret: str | None, path: str = "/tg/hook") -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"http://127.0.0.1:{port}{path}", json=body, headers=headers) as response,
    ):
        return response.status


def chats_written_to(api: FakeBotAPI) -> set[int]:
    return {int(c.params["chat_id"]) for c in api.calls if "chat_id" in c.params}


async def test_webhook_registers_checks_the_secret_and_answers(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    await api.start()
    port = free_port()
    env = webhook_env(port)
    async with running_bot(api, tmp_path, "--webhook", stop_signal=signal.SIGTERM, **env) as bot:
        _, registered = await api.wait_for("setWebhook", timeout=20)
        assert registered.params["url"] == URL and registered.params["secret_token"] == SECRET
        assert {"message", "callback_query", "chat_member", "my_chat_member"} <= set(
            registered.params["allowed_updates"]
        )

        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "db": "ok"}
        # Docker's health check command sees the same.
        check = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "healthcheck", cwd=tmp_path, env={**os.environ, **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert await asyncio.wait_for(check.wait(), 20) == 0

        forged, anonymous, real = 4001, 4002, 4003
        assert await post(port, update(forged, "/start"), "wrong-secret") == 401
        assert await post(port, update(anonymous, "/start"), None) == 401
        assert await post(port, update(real, "/start"), SECRET, path="/other") in (404, 405)
        assert await post(port, update(real, "/emergency"), SECRET) == 200
        # Updates are handled before Telegram gets its 200, so the reply is already out.
        (reply,) = [c for c in api.calls if c.method == "sendMessage"]
        assert int(reply.params["chat_id"]) == real and "112" in reply.params["text"]
        await asyncio.sleep(0.3)
        assert forged not in chats_written_to(api) and anonymous not in chats_written_to(api)
    assert bot.returncode == 0, bot.stderr
    assert not [c for c in api.calls if c.method in ("deleteWebhook", "getUpdates")]  # no polling in webhook mode
    assert "database closed" in bot.stderr
    assert SECRET not in bot.stderr and TOKEN not in bot.stderr


async def test_sigterm_finishes_the_update_in_flight(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    api.fail("sendMessage", slow(1.5))
    await api.start()
    port = free_port()
    async with running_bot(api, tmp_path, "--webhook", stop_signal=signal.SIGTERM, **webhook_env(port)) as bot:
        await api.wait_for("setWebhook", timeout=20)
        delivery = asyncio.create_task(post(port, update(4010, "/emergency"), SECRET))
        await api.wait_until(lambda: "sendMessage" in api.received, what="the reply in flight")
        # Leaving the block sends SIGTERM while the reply is still on its way.
    assert bot.returncode == 0, bot.stderr
    assert await delivery == 200  # Telegram hears the update was handled: it will not send it again
    assert [int(c.params["chat_id"]) for c in api.applied("sendMessage")] == [4010]
    assert not (tmp_path / "e2e.db-wal").exists()  # the database was closed cleanly


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "WEBHOOK_URL is not set"),
        ({"WEBHOOK_URL": URL}, "WEBHOOK_SECRET is not set"),
        ({"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL is invalid"),
        ({"WEBHOOK_URL": URL, "WEBHOOK_SECRET": "has spaces!"}, "WEBHOOK_SECRET is invalid: expected 1-256 characters"),
        ({"WEBHOOK_URL": URL, "WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET is invalid"),
        ({"WEBHOOK_URL": URL, "WEBHOOK_SECRET": SECRET, "WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT is invalid"),
        ({"WEBHOOK_URL": "https://bot.example.org/healthz", "WEBHOOK_SECRET": SECRET}, "must not be /healthz"),
    ],
)  # fmt: skip
def test_webhook_settings_errors_are_one_line_and_exit_2(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    for name in EXPECTED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["run", "--webhook"]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    if "WEBHOOK_SECRET" in env:
        assert env["WEBHOOK_SECRET"] not in err  # a secret is never echoed, even a malformed one
    assert not (tmp_path / "never.db").exists()  # nothing was started


def test_healthz_path_and_secret_are_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_HOST", "WEBHOOK_PORT"):
        assert f"`{name}`" in readme and name in example
    assert "/healthz" in readme
