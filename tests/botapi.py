"""A loopback HTTP server that speaks enough of the Telegram Bot API for end-to-end tests.

The real bot (its aiohttp session, polling loop, dispatcher and handlers) talks to it over TCP exactly as it would
talk to api.telegram.org: long-polling getUpdates, sendMessage, editMessageText and so on. Tests push updates in
and wait for the calls the bot makes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
BOT_USER = {"id": 5000, "is_bot": True, "first_name": "Relocation Help", "username": "relocation_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None


@dataclass
class FakeBotAPI:
    token: str
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Chat id → admin member objects as the Bot API returns them (the bot itself is added automatically).
        self.chat_admins: dict[int, list[dict[str, Any]]] = {}
        self.updates: list[dict[str, Any]] = []
        # Telegram's bot id is the number before the colon of the token; aiogram relies on that.
        self.bot_user = {**BOT_USER, "id": int(self.token.split(":")[0])}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # -- what tests use -------------------------------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> None:
        async with self._changed:
            self.updates.append({"update_id": next(self._update_ids), **update})
            self._changed.notify_all()

    async def push_text(
        self, user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text[:1] == "/" else []
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user,
                   "text": text, "entities": entities}  # fmt: skip
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        await self.push({"message": message})
        return message

    async def press(self, user: dict[str, Any], message: dict[str, Any], button_text: str) -> None:
        """Press an inline button (by its text, or part of it) on a message the bot sent or edited."""
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if button_text in button["text"]:
                    query = {"id": str(next(self._message_ids)), "from": user, "chat_instance": "e2e",
                             "message": message, "data": button["callback_data"]}  # fmt: skip
                    await self.push({"callback_query": query})
                    return
        raise AssertionError(f"no button {button_text!r} in {message['reply_markup']}")

    async def wait_for(self, method: str, *, after: int = 0, timeout: float = 15.0) -> tuple[int, Call]:
        """The first call of `method` at index >= after; returns its index and the call."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for i, call in enumerate(self.calls[after:], start=after):
                    if call.method == method:
                        return i, call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {method} after call {after}: {[c.method for c in self.calls]}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    # -- the Bot API --------------------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        form = await request.post()
        params = {k: self._decode(v) for k, v in form.items()}
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        result = self._result(method, params)
        async with self._changed:
            self.calls.append(Call(method, params, result))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _decode(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset", 0) or 0)
        # Capped so that a stopping bot is not kept waiting by a long poll.
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            self.calls.append(Call("getUpdates", params))
            self._changed.notify_all()
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    return web.json_response({"ok": True, "result": pending})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    @staticmethod
    def admin(user: dict[str, Any], **rights: bool) -> dict[str, Any]:
        base = {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
                "can_manage_chat": True, "can_delete_messages": True, "can_manage_video_chats": False,
                "can_restrict_members": True, "can_promote_members": False, "can_change_info": False,
                "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                "can_delete_stories": False, "can_send_welcome_messages": False}  # fmt: skip
        return base | rights

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return self.bot_user
        if name == "getchatadministrators":
            return [*self.chat_admins.get(int(params["chat_id"]), []), self.admin(self.bot_user)]
        if name == "getchatmember":
            user_id = int(params["user_id"])
            for member in [*self.chat_admins.get(int(params["chat_id"]), []), self.admin(self.bot_user)]:
                if member["user"]["id"] == user_id:
                    return member
            return {"status": "member", "user": {"id": user_id, "is_bot": False, "first_name": "Member"}}
        if name in ("sendmessage", "editmessagetext"):
            chat_id = int(params["chat_id"])
            message_id = int(params["message_id"]) if name == "editmessagetext" else next(self._message_ids)
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": self.bot_user,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True


@dataclass
class BotProcess:
    """The result of running the real bot: its exit status and what it logged."""

    returncode: int | None = None
    stderr: str = ""


@asynccontextmanager
async def running_bot(api: FakeBotAPI, workdir: Path, **env: str) -> AsyncIterator[BotProcess]:
    """Run `python -m bot run` against the loopback API; stop it with SIGINT as an operator would."""
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "BOT_TOKEN": api.token,
        "BOT_API_URL": api.url,
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "CONTENT_DIR": str(REPO / "content"),
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=full_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    result = BotProcess()
    try:
        yield result
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = await asyncio.wait_for(proc.communicate(), 20)
            result.stderr = stderr.decode()
        finally:
            result.returncode = proc.returncode
            await api.stop()
