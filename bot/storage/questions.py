"""Questions the bot could not answer, counted by their normalised text: no user ids, no chat ids."""

from __future__ import annotations

from datetime import date

from bot.storage.database import Database

# A normalised question longer than this is cut: it is a topic hint for volunteers, not a transcript.
QUERY_MAX = 200


class UnansweredRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, normalised: str, today: date) -> None:
        query = normalised.strip()[:QUERY_MAX]
        if not query:
            return
        await self.db.execute(
            "INSERT INTO unanswered (query, count, last_day) VALUES (?, 1, ?) "
            "ON CONFLICT(query) DO UPDATE SET count = count + 1, last_day = excluded.last_day",
            (query, today.isoformat()),
        )

    async def top(self, limit: int = 20) -> list[tuple[str, int]]:
        rows = await self.db.fetchall(
            "SELECT query, count FROM unanswered ORDER BY count DESC, last_day DESC, query LIMIT ?", (limit,)
        )
        return [(r[0], r[1]) for r in rows]
