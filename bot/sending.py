"""Telegram's sending limits, kept on our side so that a busy chat never earns the bot a flood ban.

About one message per second per group, twenty per minute per group, thirty per second overall. Every outgoing
message or edit waits, if needed, until it fits those windows. Waiting is cheap; a 429 stops the whole bot.
Private chats are not spaced out: Telegram tolerates a person's short bursts, and a menu must feel instant.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import (
    CopyMessage,
    EditMessageText,
    ForwardMessage,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

PER_CHAT_INTERVAL = 1.0
GROUP_PER_MINUTE = 20
GLOBAL_PER_SECOND = 30
SENDING = (SendMessage, EditMessageText, SendDocument, SendPhoto, CopyMessage, ForwardMessage)


class SendLimiter:
    """Decides how long a message to a chat must wait; `reserve` books the slot it will use."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._last: dict[int, float] = {}
        self._group: dict[int, deque[float]] = defaultdict(deque)
        self._global: deque[float] = deque()

    def reserve(self, chat_id: int) -> float:
        """Seconds to wait before sending to chat_id; the send is booked at now + that delay."""
        now = self.clock()
        at = now
        if chat_id < 0:
            last = self._last.get(chat_id)
            if last is not None:
                at = max(at, last + PER_CHAT_INTERVAL)
            window = self._group[chat_id]
            while window and window[0] <= at - 60:
                window.popleft()
            if len(window) >= GROUP_PER_MINUTE:
                at = max(at, window[-GROUP_PER_MINUTE] + 60)
            window.append(at)
            self._last[chat_id] = at
        while self._global and self._global[0] <= at - 1:
            self._global.popleft()
        if len(self._global) >= GLOBAL_PER_SECOND:
            at = max(at, self._global[-GLOBAL_PER_SECOND] + 1)
        self._global.append(at)
        if len(self._last) > 100_000:  # bounded memory: forget chats idle for a minute
            self._last = {c: t for c, t in self._last.items() if t > now - 60}
            self._group = defaultdict(deque, {c: w for c, w in self._group.items() if w and w[-1] > now - 60})
        return at - now


class SendLimitMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: SendLimiter | None = None, sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        self.limiter = limiter or SendLimiter()
        self.sleep = sleep

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(method, SENDING) and isinstance(chat_id, int):
            delay = self.limiter.reserve(chat_id)
            if delay > 0:
                await self.sleep(delay)
        return await make_request(bot, method)
