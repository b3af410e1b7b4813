"""Members under the join check or on probation (see the `members` migration for why each field exists)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Database

CHALLENGE = "challenge"
REQUEST = "request"
PROBATION = "probation"
FAILED = "failed"

_COLUMNS = "chat_id, user_id, state, joined_at, messages, answer, deadline, attempts, prompt_id"


@dataclass(frozen=True)
class Member:
    chat_id: int
    user_id: int
    state: str
    joined_at: int
    messages: int = 0
    answer: str | None = None
    deadline: int | None = None
    attempts: int = 0
    prompt_id: int | None = None


ABSENT_CACHE = 50_000


class MemberRepository:
    """Read on every group message, and almost every author has no row (regular members): who has none is
    remembered, so that the common case costs no database round trip. Only absence is cached: a row appears only
    through this repository (which forgets the entry), and rows that disappear leave absence true.

    A read that finds no row while a row-creating write is unfinished must not be remembered, whichever way it
    ran: an inline read (Database.fetchone_inline) sees only committed rows, so a write still on its way is
    invisible to it; an async read may have been queued before a write that started while it waited. `_writes`
    counts row-creating writes started and ended, `_pending` the unfinished ones: absence is remembered only if no
    such write started or ended while the read ran and none is unfinished when it returns (counting the ends too
    keeps this true whatever order the writes and reads reach the database in)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._absent: dict[tuple[int, int], None] = {}
        self._writes = 0  # bumped when a row-creating write starts and when it ends
        self._pending = 0  # row-creating writes started and not yet committed (or failed)

    async def _create(self, chat_id: int | None, user_id: int | None, sql: str, params: tuple[object, ...]) -> None:
        """Run a write that can make a row appear (for `chat_id`, `user_id`, or anywhere if they are None)."""
        self._writes += 1
        self._pending += 1
        if chat_id is None or user_id is None:
            self._absent.clear()
        else:
            self._absent.pop((chat_id, user_id), None)
        try:
            await self.db.execute(sql, params)
        finally:
            self._pending -= 1
            self._writes += 1

    async def get(self, chat_id: int, user_id: int) -> Member | None:
        key = (chat_id, user_id)
        if key in self._absent:
            return None
        writes = self._writes
        row = await self.db.fetchone_inline(
            f"SELECT {_COLUMNS} FROM members WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        if row:
            return Member(*row)
        if writes != self._writes or self._pending:
            return None
        if len(self._absent) >= ABSENT_CACHE:
            self._absent.clear()  # rarely: simpler than an LRU, and the cost is one read per member once more
        self._absent[key] = None
        return None

    async def challenge(
        self, chat_id: int, user_id: int, *, state: str, joined_at: int, answer: str, deadline: int, attempts: int
    ) -> None:
        """Open (or renew) a challenge. `joined_at` of an existing row is kept: rejoining never restarts probation."""
        await self._create(
            chat_id,
            user_id,
            "INSERT INTO members (chat_id, user_id, state, joined_at, answer, deadline, attempts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, user_id) DO UPDATE SET state = excluded.state, "
            "answer = excluded.answer, deadline = excluded.deadline, attempts = excluded.attempts, prompt_id = NULL",
            (chat_id, user_id, state, joined_at, answer, deadline, attempts),
        )

    async def set_prompt(self, chat_id: int, user_id: int, prompt_id: int) -> None:
        await self.db.execute(
            "UPDATE members SET prompt_id = ? WHERE chat_id = ? AND user_id = ?", (prompt_id, chat_id, user_id)
        )

    async def start_probation(self, chat_id: int, user_id: int, joined_at: int) -> None:
        await self._create(
            chat_id,
            user_id,
            "INSERT INTO members (chat_id, user_id, state, joined_at) VALUES (?, ?, 'probation', ?) "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET state = 'probation', answer = NULL, deadline = NULL, "
            "attempts = 0, prompt_id = NULL",
            (chat_id, user_id, joined_at),
        )

    async def settle(self, chat_id: int, user_id: int, answer: str, state: str, now: int) -> bool:
        """End the open check whose right answer is `answer` as passed (probation) or failed; True if this call
        ended it. The answer works as a version: of a right answer and the sweep's timeout arriving together, or a
        double tap, exactly one settles the check. A failure restarts the clock that forgets it (`joined_at`)."""
        clock = "joined_at" if state == PROBATION else "?"
        cur = await self.db.conn.execute(
            f"UPDATE members SET state = ?, joined_at = {clock}, answer = NULL, deadline = NULL, prompt_id = NULL "
            "WHERE chat_id = ? AND user_id = ? AND answer = ?",
            (state, *(() if state == PROBATION else (now,)), chat_id, user_id, answer),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1

    async def renew(self, chat_id: int, user_id: int, answer: str, new_answer: str, attempts: int) -> bool:
        """A new question after a wrong answer, if the check is still the one that was answered."""
        cur = await self.db.conn.execute(
            "UPDATE members SET answer = ?, attempts = ? WHERE chat_id = ? AND user_id = ? AND answer = ?",
            (new_answer, attempts, chat_id, user_id, answer),
        )
        await self.db.conn.commit()
        return cur.rowcount == 1

    async def count_message(self, chat_id: int, user_id: int) -> None:
        await self.db.execute(
            "UPDATE members SET messages = messages + 1 WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )

    async def remove(self, chat_id: int, user_id: int) -> None:
        await self.db.execute("DELETE FROM members WHERE chat_id = ? AND user_id = ?", (chat_id, user_id))

    async def due(self, now: int, limit: int = 100) -> list[Member]:
        """Challenges whose time is up."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM members WHERE deadline IS NOT NULL AND deadline <= ? ORDER BY deadline LIMIT ?",
            (now, limit),
        )
        return [Member(*row) for row in rows]

    async def forget_failed(self, before: int) -> None:
        """Failed checks are kept a while so that rejoining cannot skip them, not for ever."""
        await self.db.execute("DELETE FROM members WHERE state = 'failed' AND joined_at < ?", (before,))

    async def forget_silent(self, before: int) -> None:
        """Probation ends when a member writes after it is over; someone who never writes again is not kept."""
        await self.db.execute("DELETE FROM members WHERE state = 'probation' AND joined_at < ?", (before,))

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        # Rows move to the new chat id, where absence may have been remembered: all of it is forgotten.
        await self._create(None, None, "UPDATE OR IGNORE members SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
