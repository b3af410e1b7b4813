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


@dataclass(frozen=True)
class Fault:
    """One misbehaviour of the server for one request (see FakeBotAPI.fail).

    Not applied: retry_after (429), status (a JSON error such as 500), html (a proxy's 502 page), drop (the body is
    read, then the connection is closed without an answer), hang (no answer for `seconds` or until the server
    stops, then a drop: a request lost in the network). Applied: slow (answers after `seconds`), drop_after
    (does it, then drops the connection: the client cannot know it was done)."""

    kind: str
    seconds: float = 0.0
    status: int = 500

    @property
    def applies(self) -> bool:
        return self.kind in ("slow", "drop_after")


RETRY_AFTER = Fault("retry_after", seconds=1)
SERVER_ERROR = Fault("status", status=500)
BAD_GATEWAY_HTML = Fault("html", status=502)
DROP = Fault("drop")
DROP_AFTER = Fault("drop_after")


def slow(seconds: float) -> Fault:
    return Fault("slow", seconds=seconds)


def hang(seconds: float = 60.0) -> Fault:
    return Fault("hang", seconds=seconds)


@dataclass
class FakeBotAPI:
    token: str
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Chat id → admin member objects as the Bot API returns them (the bot itself is added automatically).
        self.chat_admins: dict[int, list[dict[str, Any]]] = {}
        self.updates: list[dict[str, Any]] = []
        # Fault injection: lower-case method name → faults served to its next requests, in order.
        self.faults: dict[str, list[Fault]] = {}
        self.served_faults: list[tuple[str, str]] = []  # (method, fault kind), to check the faults really happened
        self.received: list[str] = []  # every request's method as it arrives, before faults or answers
        self.blocked_chats: set[int] = set()  # sendMessage there → 403 "bot was blocked by the user"
        # Files people sent the bot: file_id → content, served by getFile and the file download route.
        self.files: dict[str, bytes] = {}
        self.deleted: set[tuple[int, int]] = set()  # a second deleteMessage of the same message → 400
        self._confirmed = 0  # updates below this id were confirmed by a getUpdates offset
        self._stopping = asyncio.Event()  # ends hung requests, so stopping the server does not wait for them
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
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._stopping.set()
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

    def fail(self, method: str, *faults: Fault) -> None:
        """Serve these faults, one per request, to the next requests of `method` (e.g. "sendMessage")."""
        self.faults.setdefault(method.lower(), []).extend(faults)

    def applied(self, method: str) -> list[Call]:
        """The calls of `method` the server carried out (faults that did not apply are not calls)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_until(self, predicate: Any, *, timeout: float = 15.0, what: str = "condition") -> None:
        """Wait until predicate() is true; it is checked whenever a request arrives or is answered."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}: {[c.method for c in self.calls]}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))

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
        async with self._changed:
            self.received.append(method)
            self._changed.notify_all()
        queue = self.faults.get(method.lower())
        fault = queue.pop(0) if queue else None
        if fault is not None:
            self.served_faults.append((method, fault.kind))
            if not fault.applies:
                return await self._fault_response(request, fault)
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds)
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        refusal = self._refusal(method, params)
        if refusal is not None:
            return refusal
        result = self._result(method, params)
        async with self._changed:
            self.calls.append(Call(method, params, result))
            self._changed.notify_all()
        if fault is not None and fault.kind == "drop_after":
            return self._drop(request)
        return web.json_response({"ok": True, "result": result})

    async def _fault_response(self, request: web.Request, fault: Fault) -> web.Response:
        if fault.kind == "retry_after":
            body = {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {fault.seconds:g}",
                    "parameters": {"retry_after": int(fault.seconds)}}  # fmt: skip
            return web.json_response(body, status=429)
        if fault.kind == "status":
            body = {"ok": False, "error_code": fault.status, "description": "Internal Server Error"}
            return web.json_response(body, status=fault.status)
        if fault.kind == "html":
            return web.Response(text="<html><body>502 Bad Gateway</body></html>", status=fault.status)
        if fault.kind == "hang":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.seconds)
        return self._drop(request)

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        """Close the connection without an answer: the client sees the server disconnect."""
        if request.transport is not None:  # None: the client is already gone (killed)
            request.transport.close()
        return web.Response()

    def _refusal(self, method: str, params: dict[str, Any]) -> web.Response | None:
        """Telegram's refusals (4xx) that tests provoke: a blocked user, a message deleted twice."""
        name = method.lower()
        if name == "sendmessage" and int(params["chat_id"]) in self.blocked_chats:
            body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return web.json_response(body, status=403)
        if name == "deletemessage":
            key = (int(params["chat_id"]), int(params["message_id"]))
            if key in self.deleted:
                body = {"ok": False, "error_code": 400, "description": "Bad Request: message to delete not found"}
                return web.json_response(body, status=400)
            self.deleted.add(key)
        return None

    @staticmethod
    def _decode(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        # As Telegram does, an offset confirms every earlier update for good: a restarted bot does not get them again.
        self._confirmed = max(self._confirmed, int(params.get("offset", 0) or 0))
        offset = self._confirmed
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

    async def push_document(
        self, user: dict[str, Any], file_name: str, data: bytes, *, caption: str | None = None
    ) -> dict[str, Any]:
        """A private message with a document, as a phone sends it; its content is then served for download."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = data
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name, "file_size": len(data)}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user,
                   "document": document, **({"caption": caption} if caption else {})}  # fmt: skip
        await self.push({"message": message})
        return message

    async def _download(self, request: web.Request) -> web.Response:
        """GET /file/bot<token>/<file_path>: the file download that follows getFile."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        data = self.files.get(path.rsplit("/", 1)[-1])
        async with self._changed:
            self.calls.append(Call("downloadFile", {"path": path}))
            self._changed.notify_all()
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return self.bot_user
        if name == "getfile":
            file_id = str(params["file_id"])
            size = len(self.files.get(file_id, b""))
            path = f"documents/{file_id}"
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": size, "file_path": path}
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
    proc: asyncio.subprocess.Process | None = None


@asynccontextmanager
async def running_bot(
    api: FakeBotAPI,
    workdir: Path,
    *args: str,
    stop_signal: signal.Signals = signal.SIGINT,
    stop_api: bool = True,
    **env: str,
) -> AsyncIterator[BotProcess]:
    """Run `python -m bot run [args]` against the loopback API; stop it with SIGINT (or stop_signal) as an operator
    would. A test may end the process itself (kill -9); stop_api=False keeps the API up for a restart."""
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "BOT_TOKEN": api.token,
        "BOT_API_URL": api.url,
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "CONTENT_DIR": str(REPO / "content"),
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, cwd=workdir, env=full_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    result = BotProcess(proc=proc)
    try:
        yield result
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(stop_signal)
        try:
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
            result.stderr = stderr.decode()
        except TimeoutError:
            proc.kill()  # never leave a bot process behind, even when it hangs on the way out
            await proc.wait()
            raise
        finally:
            result.returncode = proc.returncode
            if stop_api:
                await api.stop()
