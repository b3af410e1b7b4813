"""The audit log of moderation actions, warnings, chat networks and appeals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.storage.database import Database

EVIDENCE_MAX = 1000  # characters of a message kept as evidence: enough to judge, not an archive
HELD_MAX = 4096  # a message held for review is kept whole (one Telegram message), or publishing it would cut it


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Action:
    id: int
    chat_id: int
    target_id: int | None
    actor_id: int | None
    action: str
    reason: str
    created_at: datetime
    until: datetime | None
    message_id: int | None
    status: str
    error: str | None
    undo_of: int | None
    automatic: bool
    network_id: int | None
    evidence: str | None

    @classmethod
    def from_row(cls, row: object) -> Action:
        r = row  # sqlite Row: index access in column order
        return cls(
            id=r[0], chat_id=r[1], target_id=r[2], actor_id=r[3], action=r[4], reason=r[5],  # type: ignore[index]
            created_at=parse_iso(r[6]),  # type: ignore[index,arg-type]
            until=parse_iso(r[7]), message_id=r[8], status=r[9], error=r[10], undo_of=r[11],  # type: ignore[index]
            automatic=bool(r[12]), network_id=r[13], evidence=r[14],  # type: ignore[index]
        )  # fmt: skip


_COLUMNS = (
    "id, chat_id, target_id, actor_id, action, reason, created_at, until, message_id, status, error, undo_of, "
    "automatic, network_id, evidence"
)


class ModerationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- audit log -------------------------------------------------------------------------------------------------
    async def record(
        self,
        *,
        chat_id: int,
        action: str,
        target_id: int | None,
        actor_id: int | None,
        reason: str = "",
        until: datetime | None = None,
        message_id: int | None = None,
        undo_of: int | None = None,
        automatic: bool = False,
        network_id: int | None = None,
        evidence: str | None = None,
        status: str = "pending",
    ) -> Action:
        limit = HELD_MAX if action == "hold" else EVIDENCE_MAX
        cur = await self.db.conn.execute(
            "INSERT INTO mod_actions (chat_id, target_id, actor_id, action, reason, created_at, until, message_id, "
            "undo_of, automatic, network_id, evidence, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (chat_id, target_id, actor_id, action, reason[:500], iso(now_utc()), iso(until), message_id, undo_of,
             int(automatic), network_id, evidence[:limit] if evidence else None, status),
        )  # fmt: skip
        await self.db.conn.commit()
        action_row = await self.get(int(cur.lastrowid or 0))
        assert action_row is not None
        return action_row

    async def get(self, action_id: int) -> Action | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM mod_actions WHERE id = ?", (action_id,))
        return Action.from_row(row) if row else None

    async def set_status(self, action_id: int, status: str, error: str | None = None) -> None:
        await self.db.execute(
            "UPDATE mod_actions SET status = ?, error = ?, attempts = attempts + 1 WHERE id = ?",
            (status, error, action_id),
        )

    async def latest(self, chat_id: int, limit: int = 10) -> list[Action]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM mod_actions WHERE chat_id = ? ORDER BY id DESC LIMIT ?", (chat_id, limit)
        )
        return [Action.from_row(r) for r in rows]

    async def pending(self) -> list[Action]:
        rows = await self.db.fetchall(f"SELECT {_COLUMNS} FROM mod_actions WHERE status = 'pending' ORDER BY id")
        return [Action.from_row(r) for r in rows]

    async def note_attempt(self, action_id: int, error: str) -> None:
        """An attempt that Telegram did not confirm: count it and keep the action pending for the next sweep."""
        await self.db.execute(
            "UPDATE mod_actions SET attempts = attempts + 1, error = ? WHERE id = ? AND status = 'pending'",
            (error, action_id),
        )

    async def attempts(self, action_id: int) -> int:
        row = await self.db.fetchone("SELECT attempts FROM mod_actions WHERE id = ?", (action_id,))
        return int(row[0]) if row else 0

    async def superseded(self, action: Action) -> bool:
        """A later ban, unban, mute, unmute or kick of the same person in the same chat was done: replaying this one
        would undo it (a mute that failed at a join, sent after the newcomer passed and was let in)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM mod_actions WHERE chat_id = ? AND target_id = ? AND id > ? AND status = 'done' "
            "AND action IN ('ban', 'unban', 'mute', 'unmute', 'kick') LIMIT 1",
            (action.chat_id, action.target_id, action.id),
        )
        return row is not None

    async def claim(self, action_id: int, status: str, *, unless: tuple[str, ...]) -> bool:
        """Set the status unless it is already one of `unless`; True if this call changed it. Two admins pressing
        the same button at once: exactly one of them gets True."""
        marks = ", ".join("?" for _ in unless)
        cur = await self.db.conn.execute(
            f"UPDATE mod_actions SET status = ? WHERE id = ? AND status NOT IN ({marks})", (status, action_id, *unless)
        )
        await self.db.conn.commit()
        return cur.rowcount == 1

    async def last_action_id(self) -> int:
        row = await self.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM mod_actions")
        return int(row[0]) if row else 0

    async def active_restriction(self, user_id: int) -> Action | None:
        """The latest ban or mute of this user that is done, not undone and not expired."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM mod_actions WHERE target_id = ? AND action IN ('ban', 'mute') "
            "AND status = 'done' ORDER BY id DESC LIMIT 20",
            (user_id,),
        )
        now = now_utc()
        for row in rows:
            action = Action.from_row(row)
            if action.until is None or action.until > now:
                lifted = await self.db.fetchone(
                    "SELECT 1 FROM mod_actions WHERE chat_id = ? AND target_id = ? AND id > ? AND status = 'done' "
                    "AND action IN ('unban', 'unmute')",
                    (action.chat_id, user_id, action.id),
                )
                if lifted is None:
                    return action
        return None

    # -- warnings -----------------------------------------------------------------------------------------------
    async def add_warning(self, chat_id: int, user_id: int, action_id: int) -> None:
        await self.db.execute(
            "INSERT INTO warnings (chat_id, user_id, action_id, created_at) VALUES (?, ?, ?, ?)",
            (chat_id, user_id, action_id, iso(now_utc())),
        )

    async def warnings(self, chat_id: int, user_id: int, window: timedelta) -> list[tuple[int, datetime, str]]:
        """Active warnings (id, when, reason), oldest first."""
        since = iso(now_utc() - window)
        rows = await self.db.fetchall(
            "SELECT w.id, w.created_at, a.reason FROM warnings w JOIN mod_actions a ON a.id = w.action_id "
            "WHERE w.chat_id = ? AND w.user_id = ? AND w.revoked = 0 AND w.created_at > ? ORDER BY w.id",
            (chat_id, user_id, since),
        )
        return [(r[0], parse_iso(r[1]), r[2]) for r in rows]  # type: ignore[misc]

    async def revoke_last_warning(self, chat_id: int, user_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT id FROM warnings WHERE chat_id = ? AND user_id = ? AND revoked = 0 ORDER BY id DESC LIMIT 1",
            (chat_id, user_id),
        )
        if row is None:
            return False
        await self.db.execute("UPDATE warnings SET revoked = 1 WHERE id = ?", (row[0],))
        return True

    async def revoke_warnings(self, chat_id: int, user_id: int) -> None:
        await self.db.execute(
            "UPDATE warnings SET revoked = 1 WHERE chat_id = ? AND user_id = ? AND revoked = 0", (chat_id, user_id)
        )

    async def revoke_warning_of(self, action_id: int) -> None:
        await self.db.execute("UPDATE warnings SET revoked = 1 WHERE action_id = ?", (action_id,))

    # -- networks -----------------------------------------------------------------------------------------------
    async def create_network(self, name: str, chat_id: int, owner_id: int) -> int:
        cur = await self.db.conn.execute(
            "INSERT INTO networks (name, created_at) VALUES (?, ?)", (name[:64], iso(now_utc()))
        )
        network_id = int(cur.lastrowid or 0)
        await self.db.conn.execute(
            "INSERT INTO network_chats (network_id, chat_id) VALUES (?, ?)", (network_id, chat_id)
        )
        await self.db.conn.execute(
            "INSERT INTO network_owners (network_id, user_id) VALUES (?, ?)", (network_id, owner_id)
        )
        await self.db.conn.commit()
        return network_id

    async def network_of(self, chat_id: int) -> int | None:
        row = await self.db.fetchone("SELECT network_id FROM network_chats WHERE chat_id = ?", (chat_id,))
        return int(row[0]) if row else None

    async def network_name(self, network_id: int) -> str | None:
        row = await self.db.fetchone("SELECT name FROM networks WHERE id = ?", (network_id,))
        return str(row[0]) if row else None

    async def network_chats(self, network_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT chat_id FROM network_chats WHERE network_id = ? ORDER BY chat_id", (network_id,)
        )
        return [int(r[0]) for r in rows]

    async def is_network_owner(self, network_id: int, user_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM network_owners WHERE network_id = ? AND user_id = ?", (network_id, user_id)
        )
        return row is not None

    async def add_network_owner(self, network_id: int, user_id: int) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO network_owners (network_id, user_id) VALUES (?, ?)", (network_id, user_id)
        )

    async def join_network(self, network_id: int, chat_id: int) -> bool:
        if await self.network_of(chat_id) is not None:
            return False
        await self.db.execute("INSERT INTO network_chats (network_id, chat_id) VALUES (?, ?)", (network_id, chat_id))
        return True

    async def leave_network(self, chat_id: int) -> bool:
        existed = await self.network_of(chat_id) is not None
        await self.db.execute("DELETE FROM network_chats WHERE chat_id = ?", (chat_id,))
        return existed

    # -- appeals ------------------------------------------------------------------------------------------------
    async def open_appeal(self, user_id: int, action: Action, text: str) -> int | None:
        """A new appeal, or None if one for this action is already open."""
        row = await self.db.fetchone("SELECT id FROM appeals WHERE action_id = ? AND status = 'open'", (action.id,))
        if row is not None:
            return None
        cur = await self.db.conn.execute(
            "INSERT INTO appeals (user_id, chat_id, action_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, action.chat_id, action.id, text[:EVIDENCE_MAX], iso(now_utc())),
        )
        await self.db.conn.commit()
        return int(cur.lastrowid or 0)

    async def appeal(self, appeal_id: int) -> tuple[int, int, int, str] | None:
        """(user_id, chat_id, action_id, status)"""
        row = await self.db.fetchone(
            "SELECT user_id, chat_id, action_id, status FROM appeals WHERE id = ?", (appeal_id,)
        )
        return (int(row[0]), int(row[1]), int(row[2]), str(row[3])) if row else None

    async def decide_appeal(self, appeal_id: int, status: str, decided_by: int | None) -> bool:
        """Close an open appeal; False if it was already decided (two admins pressing at once)."""
        cur = await self.db.conn.execute(
            "UPDATE appeals SET status = ?, decided_by = ? WHERE id = ? AND status = 'open'",
            (status, decided_by, appeal_id),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1

    # -- supergroup migration -------------------------------------------------------------------------------------
    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group upgraded to a supergroup gets a new id: move its settings and history to it."""
        conn = self.db.conn
        await conn.execute("BEGIN")
        try:
            # The old group's settings win: the new id may already have a row made by its first messages.
            await conn.execute(
                "INSERT INTO chats (chat_id, language, settings) SELECT ?, language, settings FROM chats "
                "WHERE chat_id = ? ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language, "
                "settings = excluded.settings",
                (new_id, old_id),
            )
            await conn.execute("DELETE FROM chats WHERE chat_id = ?", (old_id,))
            for table in ("mod_actions", "warnings", "network_chats", "appeals"):
                await conn.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            await conn.execute("COMMIT")
        except Exception:
            await conn.execute("ROLLBACK")
            raise
