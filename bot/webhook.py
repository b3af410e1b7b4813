"""Webhook mode: the aiohttp server Telegram posts updates to (through the operator's reverse proxy), and /healthz.

Updates are handled before Telegram gets its 200 (not in the background): if the process dies in the middle of an
update, Telegram delivers it again. aiogram answers anyway after 55 s and finishes slow updates in the background, so
a slow update never makes Telegram send it twice. A POST without the right X-Telegram-Bot-Api-Secret-Token is
answered 401 before its body is even read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.config import ConfigError
from bot.storage.database import Database

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
HEALTH_DB_TIMEOUT = 2.0  # seconds: a database that does not answer a SELECT in this time is not healthy


class UpdateHandler(SimpleRequestHandler):
    """aiogram's handler, with two changes for a bot that must never lose or loop on an update."""

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            return await super()._handle_request(bot, request)
        except Exception as exc:
            # handlers/errors.py catches handler failures; this is what escapes it (a malformed update). Answering
            # 500 would make Telegram re-send the same poisoned update again and again.
            log.error("webhook update could not be handled: %s", type(exc).__name__)
            return web.json_response({})

    async def close(self) -> None:
        """Never called: the bot session is closed by the runner after in-flight updates finished (see serve)."""


def build_app(dp: Dispatcher, bot: Bot, db: Database, *, path: str, secret: str) -> web.Application:
    app = web.Application()
    handler = UpdateHandler(dp, bot, handle_in_background=False, secret_token=secret)
    # Not handler.register(): it would close the bot session in on_shutdown, before in-flight updates finish.
    app.router.add_post(path, handler.handle)
    app.router.add_get(HEALTH_PATH, health_handler(db))
    return app


def health_handler(db: Database) -> Any:
    async def health(request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(db.fetchone("SELECT 1"), HEALTH_DB_TIMEOUT)
        except Exception as exc:
            log.warning("health check: database unavailable (%s)", type(exc).__name__)
            return web.json_response({"ok": False, "db": "unavailable"}, status=503)
        return web.json_response({"ok": True, "db": "ok"})

    return health


@asynccontextmanager
async def listening(app: web.Application, host: str, port: int, *, grace: float = 30.0) -> AsyncIterator[None]:
    """Serve `app` on host:port for the duration of the block. On leaving it the server stops accepting, and
    requests being handled get `grace` seconds to finish."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=grace)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            raise ConfigError(f"WEBHOOK_HOST/WEBHOOK_PORT: cannot listen on {host}:{port} ({exc.strerror})") from None
        log.info("webhook server listening on %s:%d", host, port)
        yield
        log.info("stopping: finishing the updates in flight")
    finally:
        await runner.cleanup()
