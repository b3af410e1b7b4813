"""Volunteers who maintain the guides. Owners come from BOT_OWNERS and are not stored."""

from __future__ import annotations

from datetime import date

from bot.storage.database import Database


class VolunteerRepository:
    def __init__(self, db: Database, owners: tuple[int, ...]) -> None:
        self.db = db
        self.owners = frozenset(owners)

    def is_owner(self, user_id: int) -> bool:
        return user_id in self.owners

    async def is_volunteer(self, user_id: int) -> bool:
        if user_id in self.owners:
            return True
        return await self.db.fetchone("SELECT 1 FROM volunteers WHERE user_id = ?", (user_id,)) is not None

    async def add(self, user_id: int, added_by: int, today: date) -> bool:
        if await self.is_volunteer(user_id):
            return False
        await self.db.execute(
            "INSERT INTO volunteers (user_id, added_by, added_on) VALUES (?, ?, ?)",
            (user_id, added_by, today.isoformat()),
        )
        return True

    async def remove(self, user_id: int) -> bool:
        existed = await self.db.fetchone("SELECT 1 FROM volunteers WHERE user_id = ?", (user_id,)) is not None
        await self.db.execute("DELETE FROM volunteers WHERE user_id = ?", (user_id,))
        return existed

    async def all(self) -> list[int]:
        return [r[0] for r in await self.db.fetchall("SELECT user_id FROM volunteers ORDER BY user_id")]
