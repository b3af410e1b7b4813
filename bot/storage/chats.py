"""Per-chat settings of the groups the bot serves."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.storage.database import Database


@dataclass
class ChatSettings:
    chat_id: int
    language: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any) -> Any:
        value = self.values.get(key, default)
        return value if isinstance(value, type(default)) else default


class ChatRepository:
    """Settings are read on every group message, so they are cached; writes go through and update the cache."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[int, ChatSettings] = {}

    async def get(self, chat_id: int) -> ChatSettings:
        cached = self._cache.get(chat_id)
        if cached is not None:
            return cached
        row = await self.db.fetchone("SELECT language, settings FROM chats WHERE chat_id = ?", (chat_id,))
        settings = ChatSettings(chat_id)
        if row is not None:
            try:
                values = json.loads(row[1])
            except ValueError:
                values = {}
            settings = ChatSettings(chat_id, row[0], values if isinstance(values, dict) else {})
        self._cache[chat_id] = settings
        return settings

    async def set_value(self, chat_id: int, key: str, value: Any) -> ChatSettings:
        current = await self.get(chat_id)
        values = {**current.values, key: value}
        await self.db.execute(
            "INSERT INTO chats (chat_id, settings) VALUES (?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET settings = excluded.settings",
            (chat_id, json.dumps(values, sort_keys=True)),
        )
        self._cache[chat_id] = ChatSettings(chat_id, current.language, values)
        return self._cache[chat_id]

    async def set_language(self, chat_id: int, language: str) -> None:
        current = await self.get(chat_id)
        await self.db.execute(
            "INSERT INTO chats (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        )
        self._cache[chat_id] = ChatSettings(chat_id, language, current.values)

    def forget(self, chat_id: int) -> None:
        """Drop a cached entry (after a supergroup migration moved the row)."""
        self._cache.pop(chat_id, None)
