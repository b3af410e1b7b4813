"""People who opened the bot: their language choice and when they were last seen (as a day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.storage.database import Database


@dataclass(frozen=True)
class UserRecord:
    user_id: int
    language: str | None
    first_seen: str
    last_seen: str


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> UserRecord | None:
        row = await self.db.fetchone(
            "SELECT user_id, language, first_seen, last_seen FROM users WHERE user_id = ?", (user_id,)
        )
        return UserRecord(*row) if row else None

    async def touch(self, user_id: int, today: date) -> UserRecord:
        """Record that the user was seen today and return their record (created on first sight)."""
        day = today.isoformat()
        await self.db.execute(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET last_seen = excluded.last_seen WHERE last_seen <> excluded.last_seen",
            (user_id, day, day),
        )
        record = await self.get(user_id)
        assert record is not None
        return record

    async def set_language(self, user_id: int, language: str, today: date) -> None:
        day = today.isoformat()
        await self.db.execute(
            "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, last_seen = excluded.last_seen",
            (user_id, language, day, day),
        )
