"""What readers tell volunteers about the guides: votes, views and "outdated" reports — counts and comments only.

No reader id is ever written here. Stopping one person from voting a hundred times is done in memory (see
bot/feedback.py), so the database cannot tell who voted for what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.storage.database import Database
from bot.storage.moderation import iso, now_utc

COMMENT_MAX = 500  # characters of a reader's comment: enough to say what changed, not an essay


@dataclass(frozen=True)
class OutdatedReport:
    id: int
    slug: str
    lang: str
    comment: str
    created_at: str


class FeedbackRepository:
    def __init__(self, db: Database, tz: tzinfo = UTC) -> None:
        self.db = db
        self.tz = tz  # views are counted per local day

    async def vote(self, slug: str, lang: str, *, up: int, down: int) -> None:
        """Add to (or, when a reader changes their vote, move between) the counters; never below zero."""
        await self.db.execute(
            "INSERT INTO guide_votes (slug, lang, up, down) VALUES (?, ?, max(?, 0), max(?, 0)) "
            "ON CONFLICT(slug, lang) DO UPDATE SET up = max(up + ?, 0), down = max(down + ?, 0)",
            (slug, lang, up, down, up, down),
        )

    async def votes(self) -> dict[tuple[str, str], tuple[int, int]]:
        rows = await self.db.fetchall("SELECT slug, lang, up, down FROM guide_votes ORDER BY slug, lang")
        return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows}

    async def record_view(self, slug: str, lang: str, today: date | None = None) -> None:
        today = today or datetime.now(self.tz).date()
        await self.db.execute(
            "INSERT INTO guide_views (slug, lang, day, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(slug, lang, day) DO UPDATE SET count = count + 1",
            (slug, lang, today.isoformat()),
        )

    async def views(self, since: date | None = None) -> list[tuple[str, int]]:
        """Openings per guide (all languages), most viewed first."""
        since_day = (since or date.min + timedelta(days=1)).isoformat()
        rows = await self.db.fetchall(
            "SELECT slug, SUM(count) AS n FROM guide_views WHERE day >= ? GROUP BY slug ORDER BY n DESC, slug",
            (since_day,),
        )
        return [(r[0], int(r[1])) for r in rows]

    async def report(self, slug: str, lang: str) -> int:
        cur = await self.db.conn.execute(
            "INSERT INTO outdated_reports (slug, lang, created_at) VALUES (?, ?, ?)", (slug, lang, iso(now_utc()))
        )
        await self.db.conn.commit()
        return int(cur.lastrowid or 0)

    async def add_comment(self, report_id: int, comment: str) -> None:
        await self.db.execute(
            "UPDATE outdated_reports SET comment = ? WHERE id = ? AND status = 'open'",
            (comment.strip()[:COMMENT_MAX], report_id),
        )

    async def open_reports(self, limit: int = 10) -> list[OutdatedReport]:
        rows = await self.db.fetchall(
            "SELECT id, slug, lang, comment, created_at FROM outdated_reports WHERE status = 'open' ORDER BY id "
            "LIMIT ?",
            (limit,),
        )
        return [OutdatedReport(*r) for r in rows]

    async def open_report_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT slug, COUNT(*) FROM outdated_reports WHERE status = 'open' GROUP BY slug ORDER BY slug"
        )
        return {r[0]: int(r[1]) for r in rows}

    async def mark_handled(self, report_id: int, volunteer_id: int) -> bool:
        cur = await self.db.conn.execute(
            "UPDATE outdated_reports SET status = 'handled', handled_by = ? WHERE id = ? AND status = 'open'",
            (volunteer_id, report_id),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1
