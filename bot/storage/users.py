"""People who opened the bot: their language choice and when they were last seen (as a day)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date

from bot.storage.batching import Batch
from bot.storage.database import Database


@dataclass(frozen=True)
class UserRecord:
    user_id: int
    language: str | None
    first_seen: str
    last_seen: str


# Records kept in memory: every update looks its sender up, and most senders write several times a day.
CACHE_SIZE = 10_000
# The day someone was last seen is written at most this long after it changes (see `touch`).
SEEN_FLUSH_SECONDS = 60.0
SEEN_PENDING_MAX = 10_000  # more people than this within the minute: written early


class UserRepository:
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE, flush_seconds: float = SEEN_FLUSH_SECONDS) -> None:
        self.db = db
        self.cache_size = cache_size
        # user id → the day they were last seen, not yet written (a later day wins: ISO days sort as dates)
        self._seen: Batch[int, str] = Batch("days users were last seen", flush_seconds, SEEN_PENDING_MAX, max)
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
        self._seen.discard(user_id)  # also from a write under way, should it fail

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

        A new user's record is written at once. For someone who has one, the new day is kept in memory and written
        with the others at most `flush_seconds` later (`flush`, also on a clean stop): the first update of each
        person each day would otherwise wait for a write and commit (benchmarks/throughput.py). A crash loses at
        most that minute's days, which only makes a "last seen" a day older. The write is an UPDATE, never an
        insert, so it cannot bring back a record deleted by /forget_me in between.
        """
        day = today.isoformat()
        record = self._cache.get(user_id)
        if record is None and user_id not in self._cache:
            record = await self.get(user_id)  # inline on the event loop (Database.fetchone_inline)
        if record is None:
            return await self._create(user_id, day)
        if record.last_seen == day:
            self._remember(user_id, record)
            return record
        record = replace(record, last_seen=day)
        self._remember(user_id, record)
        self._seen.add(user_id, day)
        await self._seen.write_soon(self._write)  # this update has its record whatever the write does
        return record

    async def _create(self, user_id: int, day: str) -> UserRecord:
        row = await self.db.execute_fetchone(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET last_seen = excluded.last_seen WHERE last_seen <> excluded.last_seen",
            (user_id, day, day),
            "SELECT user_id, language, first_seen, last_seen FROM users WHERE user_id = ?",
            (user_id,),
        )
        assert row is not None
        self._seen.discard(user_id)
        return self._remember(user_id, UserRecord(*row))  # type: ignore[return-value]

    async def flush(self) -> None:
        """Write the days people were last seen that are still in memory. On failure they stay for the next try."""
        await self._seen.write(self._write)

    async def _write(self, days: dict[int, str]) -> None:
        await self.db.executemany(
            "UPDATE users SET last_seen = ? WHERE user_id = ? AND last_seen < ?",
            [(day, user_id, day) for user_id, day in days.items()],
        )

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
