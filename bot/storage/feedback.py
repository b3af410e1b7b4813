"""What readers tell volunteers about the guides: votes, views and "outdated" reports — counts and comments only.

No reader id is ever written here. Stopping one person from voting a hundred times is done in memory (see
bot/feedback.py), so the database cannot tell who voted for what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from operator import add

from bot.storage.batching import Batch
from bot.storage.database import Database
from bot.storage.moderation import iso, now_utc

VIEWS_PENDING_MAX = 10_000  # different (guide, language, day) kept before they are written early
VIEWS_FLUSH_SECONDS = 60.0  # views are written at most this long after they happen (see record_view)
COMMENT_MAX = 500  # characters of a reader's comment: enough to say what changed, not an essay


@dataclass(frozen=True)
class OutdatedReport:
    id: int
    slug: str
    lang: str
    comment: str
    created_at: str


class FeedbackRepository:
    def __init__(self, db: Database, tz: tzinfo = UTC, flush_seconds: float = VIEWS_FLUSH_SECONDS) -> None:
        self.db = db
        self.tz = tz  # views are counted per local day
        # (slug, lang, day) → views not yet written
        self._views: Batch[tuple[str, str, str], int] = Batch("guide views", flush_seconds, VIEWS_PENDING_MAX, add)

    async def vote(self, slug: str, lang: str, *, up: int, down: int) -> None:
        """Add to (or, when a reader changes their vote, move between) the counters; never below zero."""
        await self.db.execute(
            "INSERT INTO guide_votes (slug, lang, up, down) VALUES (?, ?, max(?, 0), max(?, 0)) "
            "ON CONFLICT(slug, lang) DO UPDATE SET up = max(up + ?, 0), down = max(down + ?, 0)",
            (slug, lang, up, down, up, down),
        )

    async def votes(self) -> dict[tuple[str, str], tuple[int, int]]:
        await self.flush()
        rows = await self.db.fetchall("SELECT slug, lang, up, down FROM guide_votes ORDER BY slug, lang")
        return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows}

    async def record_view(self, slug: str, lang: str, today: date | None = None) -> None:
        """Count one opening of a guide.

        Counted in memory and written in batches (bot.storage.batching): at the first view `VIEWS_FLUSH_SECONDS`
        after the last write, before any of this repository's reads (so /stats and /feedback always see every
        view), every minute and on shutdown (bot.housekeeping). A page view then costs no database write (a write and
        commit per view was a tenth of the time of a guide button; benchmarks/throughput.py). The trade-off: if the
        process is killed (or the machine fails) rather than stopped, the views of at most the last
        `VIEWS_FLUSH_SECONDS` are not counted.
        Only these anonymous counters wait in memory; votes, reports and everything else are written at once.
        """
        day = (today or datetime.now(self.tz).date()).isoformat()
        self._views.add((slug, lang, day), 1)
        await self._views.write_soon(self._write)

    async def flush(self) -> None:
        """Write the views counted in memory; on failure they are kept for the next try."""
        await self._views.write(self._write)

    async def _write(self, views: dict[tuple[str, str, str], int]) -> None:
        await self.db.executemany(
            "INSERT INTO guide_views (slug, lang, day, count) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(slug, lang, day) DO UPDATE SET count = count + excluded.count",
            [(slug, lang, day, n) for (slug, lang, day), n in views.items()],
        )

    async def views(self, since: date | None = None) -> list[tuple[str, int]]:
        """Openings per guide (all languages), most viewed first."""
        await self.flush()
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
        await self.flush()
        rows = await self.db.fetchall(
            "SELECT id, slug, lang, comment, created_at FROM outdated_reports WHERE status = 'open' ORDER BY id "
            "LIMIT ?",
            (limit,),
        )
        return [OutdatedReport(*r) for r in rows]

    async def open_report_counts(self) -> dict[str, int]:
        await self.flush()
        rows = await self.db.fetchall(
            "SELECT slug, COUNT(*) FROM outdated_reports WHERE status = 'open' GROUP BY slug ORDER BY slug"
        )
        return {r[0]: int(r[1]) for r in rows}

    async def mark_handled(self, report_id: int, volunteer_id: int) -> bool:
        cur = await self.db.conn.execute(
            # The comment has served its purpose once handled: it goes now (PRIVACY.md), not at the next purge.
            "UPDATE outdated_reports SET status = 'handled', handled_by = ?, comment = '' WHERE id = ? "
            "AND status = 'open'",
            (volunteer_id, report_id),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1
