"""People who opened the bot: their language choice and when they were last seen (as a day)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date

from bot.storage.database import Database


@dataclass(frozen=True)
class UserRecord:
    user_id: int
    language: str | None
    first_seen: str
    last_seen: str


# Records kept in memory: every update looks its sender up, and most senders write several times a day.
CACHE_SIZE = 10_000


class UserRepository:
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE) -> None:
        self.db = db
        self.cache_size = cache_size
        # None caches "no record": group members who never opened the bot are looked up without a query each time.
        self._cache: OrderedDict[int, UserRecord | None] = OrderedDict()

    def _remember(self, user_id: int, record: UserRecord | None) -> UserRecord | None:
        self._cache[user_id] = record
        self._cache.move_to_end(user_id)
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return record

    def forget(self, user_id: int) -> None:
        self._cache.pop(user_id, None)

    async def get(self, user_id: int) -> UserRecord | None:
        # Inline on the event loop when it can (Database.fetchone_inline): `known` reads here for group messages.
        row = await self.db.fetchone_inline(
            "SELECT user_id, language, first_seen, last_seen FROM users WHERE user_id = ?", (user_id,)
        )
        return UserRecord(*row) if row else None

    async def known(self, user_id: int) -> UserRecord | None:
        """The record if the person has one, without creating it (for updates from groups: writing in a group
        someone else added the bot to is not opening the bot, so it leaves no record)."""
        if user_id in self._cache:
            self._cache.move_to_end(user_id)
            return self._cache[user_id]
        return self._remember(user_id, await self.get(user_id))

    async def touch(self, user_id: int, today: date) -> UserRecord:
        """Record that the user was seen today and return their record (created on first sight).

        Writes at most once per user and day: a cached record already seen today answers without I/O.
        """
        day = today.isoformat()
        cached = self._cache.get(user_id)
        if cached is not None and cached.last_seen == day:
            self._cache.move_to_end(user_id)
            return cached
        row = await self.db.execute_fetchone(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET last_seen = excluded.last_seen WHERE last_seen <> excluded.last_seen",
            (user_id, day, day),
            "SELECT user_id, language, first_seen, last_seen FROM users WHERE user_id = ?",
            (user_id,),
        )
        assert row is not None
        record = UserRecord(*row)
        self._remember(user_id, record)
        return record

    async def set_language(self, user_id: int, language: str, today: date) -> None:
        day = today.isoformat()
        await self.db.execute(
            "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, last_seen = excluded.last_seen",
            (user_id, language, day, day),
        )
        cached = self._cache.get(user_id)
        if cached is not None:
            self._remember(user_id, replace(cached, language=language, last_seen=day))
        else:
            self._cache.pop(user_id, None)  # a cached "no record" is wrong now
