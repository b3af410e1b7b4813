"""Reader feedback state that must never reach the database: who voted, who is about to write a comment.

The database keeps counts only (bot/storage/feedback.py). To stop one person from pressing 👍 a hundred times the
bot remembers, in memory only, the last vote of each reader on each guide; a restart forgets it (a person could then
vote again: acceptable, the counts are a signal for volunteers, not a poll). The memory is bounded.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

MEMORY_SIZE = 50_000
COMMENT_WINDOW = 300.0  # seconds after "Report outdated" in which the reader's next message is the comment


@dataclass(frozen=True)
class VoteChange:
    """How the stored counters move: +1/-1 for up and down (0, 0 when the press repeats the reader's vote)."""

    up: int
    down: int

    @property
    def repeated(self) -> bool:
        return self.up == 0 and self.down == 0


class ReaderFeedback:
    def __init__(self, size: int = MEMORY_SIZE, comment_window: float = COMMENT_WINDOW) -> None:
        self.size = size
        self.comment_window = comment_window
        self._votes: OrderedDict[tuple[int, str, str], str] = OrderedDict()
        self._reported: OrderedDict[tuple[int, str, str], int] = OrderedDict()
        self._waiting: dict[int, tuple[int, float]] = {}

    def _remember(self, store: OrderedDict, key: object, value: object) -> None:  # type: ignore[type-arg]
        store[key] = value
        store.move_to_end(key)
        while len(store) > self.size:
            store.popitem(last=False)

    def vote(self, user_id: int, slug: str, lang: str, kind: str) -> VoteChange:
        """kind is "up" or "down"; a change of mind moves the vote, a repeat counts nothing."""
        key = (user_id, slug, lang)
        previous = self._votes.get(key)
        self._remember(self._votes, key, kind)
        if previous == kind:
            return VoteChange(0, 0)
        up = (kind == "up") - (previous == "up")
        down = (kind == "down") - (previous == "down")
        return VoteChange(up, down)

    def already_reported(self, user_id: int, slug: str, lang: str) -> int | None:
        return self._reported.get((user_id, slug, lang))

    def reported(self, user_id: int, slug: str, lang: str, report_id: int) -> None:
        self._remember(self._reported, (user_id, slug, lang), report_id)
        self._waiting[user_id] = (report_id, time.monotonic() + self.comment_window)

    def forget_user(self, user_id: int) -> None:
        """For /forget_me: which guides they voted on or reported, and a comment being waited for."""
        for store in (self._votes, self._reported):
            for key in [key for key in store if key[0] == user_id]:
                del store[key]
        self._waiting.pop(user_id, None)

    def waiting_comment(self, user_id: int) -> int | None:
        """The report this reader's next message comments on, if they pressed "Report" a few minutes ago."""
        entry = self._waiting.get(user_id)
        if entry is None:
            return None
        if entry[1] < time.monotonic():
            del self._waiting[user_id]
            return None
        return entry[0]

    def stop_waiting(self, user_id: int) -> int | None:
        entry = self._waiting.pop(user_id, None)
        return entry[0] if entry else None
