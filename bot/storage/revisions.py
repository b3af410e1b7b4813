"""Guide revisions uploaded by volunteers, and the audit log of what volunteers did.

A revision is the full text of one guide file (front matter and body) in one language. The latest *published*
revision of a guide overlays the file in content/; every other status keeps a text that was not (or is no longer)
in force, so nothing a volunteer sent is ever lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.storage.database import Database
from bot.storage.moderation import iso, now_utc

PENDING = "pending"  # uploaded; waiting for its author's Publish or Cancel
REVIEW = "review"  # a legal change waiting for a second volunteer's approval
PUBLISHED = "published"
SUPERSEDED = "superseded"  # was published; a later revision replaced it
REJECTED = "rejected"  # a reviewer said no
CANCELLED = "cancelled"  # its author pressed Cancel
CONFLICT = "conflict"  # someone else published this guide after the draft was made; the text is kept
OPEN_STATUSES = (PENDING, REVIEW)
# The author id of a revision imported from content/ when a guide is first published over its file.
FILE_AUTHOR = -1  # not 0: forgetting a volunteer (/forget_me) clears their ids to 0


def text_hash(text: str | None) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else ""


@dataclass(frozen=True)
class Revision:
    id: int
    slug: str
    lang: str
    author_id: int
    created_at: str
    text: str
    status: str
    base_revision: int | None
    base_hash: str
    approved_by: int | None
    rollback_of: int | None


_COLUMNS = "id, slug, lang, author_id, created_at, text, status, base_revision, base_hash, approved_by, rollback_of"


def _revision(row: object) -> Revision:
    return Revision(*row)  # type: ignore[misc]


class RevisionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        slug: str,
        lang: str,
        author_id: int,
        text: str,
        base_revision: int | None,
        base_hash: str,
        status: str = PENDING,
        rollback_of: int | None = None,
    ) -> Revision:
        cur = await self.db.conn.execute(
            "INSERT INTO guide_revisions (slug, lang, author_id, created_at, text, status, base_revision, base_hash, "
            "rollback_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, lang, author_id, iso(now_utc()), text, status, base_revision, base_hash, rollback_of),
        )
        await self.db.conn.commit()
        revision = await self.get(int(cur.lastrowid or 0))
        assert revision is not None
        return revision

    async def get(self, revision_id: int) -> Revision | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM guide_revisions WHERE id = ?", (revision_id,))
        return _revision(row) if row else None

    async def set_status(self, revision_id: int, status: str, *, expected: tuple[str, ...]) -> bool:
        """Move a revision on; False if it was no longer in an expected status (a second press, a race)."""
        marks = ", ".join("?" for _ in expected)
        cur = await self.db.conn.execute(
            f"UPDATE guide_revisions SET status = ?, decided_at = ? WHERE id = ? AND status IN ({marks})",
            (status, iso(now_utc()), revision_id, *expected),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1

    async def publish(self, revision_id: int, *, approved_by: int | None, expected: tuple[str, ...]) -> bool:
        """Make a revision the published one of its guide, superseding the previous one, in one transaction."""
        conn = self.db.conn
        revision = await self.get(revision_id)
        if revision is None or revision.status not in expected:
            return False
        await conn.execute("BEGIN")
        try:
            await conn.execute(
                "UPDATE guide_revisions SET status = ? WHERE slug = ? AND lang = ? AND status = ?",
                (SUPERSEDED, revision.slug, revision.lang, PUBLISHED),
            )
            await conn.execute(
                "UPDATE guide_revisions SET status = ?, approved_by = ?, decided_at = ? WHERE id = ?",
                (PUBLISHED, approved_by, iso(now_utc()), revision_id),
            )
            await conn.execute("COMMIT")
        except Exception:
            await conn.execute("ROLLBACK")
            raise
        return True

    async def published(self) -> dict[tuple[str, str], Revision]:
        """The revision in force for every (slug, lang) that has one."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM guide_revisions WHERE status = ? ORDER BY id", (PUBLISHED,)
        )
        return {(r[1], r[2]): _revision(r) for r in rows}

    async def current(self, slug: str, lang: str) -> Revision | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM guide_revisions WHERE slug = ? AND lang = ? AND status = ? "
            "ORDER BY id DESC LIMIT 1",
            (slug, lang, PUBLISHED),
        )
        return _revision(row) if row else None

    async def history(self, slug: str, lang: str | None = None, limit: int = 30) -> list[Revision]:
        if lang is None:
            rows = await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM guide_revisions WHERE slug = ? ORDER BY id DESC LIMIT ?", (slug, limit)
            )
        else:
            rows = await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM guide_revisions WHERE slug = ? AND lang = ? ORDER BY id DESC LIMIT ?",
                (slug, lang, limit),
            )
        return [_revision(r) for r in rows]

    async def in_review(self, limit: int = 20) -> list[Revision]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM guide_revisions WHERE status = ? ORDER BY id LIMIT ?", (REVIEW, limit)
        )
        return [_revision(r) for r in rows]

    # -- audit log ------------------------------------------------------------------------------------------------
    async def audit(
        self,
        actor_id: int,
        action: str,
        *,
        slug: str | None = None,
        lang: str | None = None,
        revision: int | None = None,
        target_id: int | None = None,
    ) -> None:
        await self.db.execute(
            "INSERT INTO content_audit (actor_id, action, slug, lang, revision, target_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (actor_id, action, slug, lang, revision, target_id, iso(now_utc())),
        )

    async def audit_log(self, limit: int = 20) -> list[tuple[int, str, str | None, str | None, int | None, str]]:
        """(actor, action, slug, lang, revision, when), newest first."""
        rows = await self.db.fetchall(
            "SELECT actor_id, action, slug, lang, revision, created_at FROM content_audit ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]
