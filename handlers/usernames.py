"""@username → user id, learned from group messages and kept in memory only.

The Bot API cannot look a user up by username, so `/ban @name` needs the bot to have seen @name write. Keeping the
map in memory (bounded) rather than in the database stores nothing about anyone that outlives a restart.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

CAPACITY = 50_000


class Usernames:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, int] = OrderedDict()

    def remember(self, username: str | None, user_id: int) -> None:
        if not username:
            return
        key = username.lower()
        self._ids[key] = user_id
        self._ids.move_to_end(key)
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)

    def lookup(self, username: str) -> int | None:
        return self._ids.get(username.lower().lstrip("@"))

    def forget(self, user_id: int) -> None:
        for key in [k for k, v in self._ids.items() if v == user_id]:
            del self._ids[key]


class UsernamesMiddleware(BaseMiddleware):
    def __init__(self, usernames: Usernames) -> None:
        self.usernames = usernames

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.chat.type in ("group", "supergroup"):
            for user in (event.from_user, event.reply_to_message.from_user if event.reply_to_message else None):
                if user is not None and not user.is_bot:
                    self.usernames.remember(user.username, user.id)
        return await handler(event, data)
