"""Removing the bot's own noise later (group etiquette): a notice or a confirmation that has served its purpose."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError


class Later:
    """Background tasks kept referenced until they finish (asyncio keeps only weak references to tasks)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def run(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def delete_after(self, bot: Bot, chat_id: int, message_id: int, seconds: float) -> None:
        self.run(delete_after(bot, chat_id, message_id, seconds))


async def delete_after(bot: Bot, chat_id: int, message_id: int, seconds: float) -> None:
    await asyncio.sleep(seconds)
    try:
        await bot.delete_message(chat_id, message_id)
    except (TelegramBadRequest, TelegramForbiddenError):
        pass  # already deleted by someone, or too old: nothing to clean up
