"""Stateful checks: flooding (too many messages too fast) and the same message posted across chats.

Both take the clock as an argument (`now`, seconds, e.g. time.monotonic()) so that tests drive them with a fake
clock, and both bound their memory: least recently active keys are dropped first. RepeatTracker keeps keyed
hashes of normalised text, never the text.
"""

from __future__ import annotations

import hashlib
import secrets
from array import array
from collections import OrderedDict

from bot.protection.config import FloodLimit
from bot.protection.deobfuscate import Prepared, prepare


class FloodTracker:
    """Sliding-window message counter per (chat, user)."""

    # 20,000 people writing within the hour is far beyond a few relocation chats; the least recently active are
    # dropped first, and they are the least likely to be flooding. Timestamps are a compact array of doubles
    # (a deque per person cost ~1 KB: 50 MB for 50,000 people).
    def __init__(self, max_keys: int = 20_000) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be positive")
        self._max_keys = max_keys
        self._times: OrderedDict[tuple[int, int], array[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._times)

    def hit(self, chat_id: int, user_id: int, now: float, limit: FloodLimit) -> bool:
        """Record a message; True if it is more than `limit.messages` within the last `limit.seconds` seconds."""
        key = (chat_id, user_id)
        times = self._times.get(key)
        if times is None:
            times = array("d")
            self._times[key] = times
            if len(self._times) > self._max_keys:
                self._times.popitem(last=False)
        else:
            self._times.move_to_end(key)
            # A clock that stepped back must not make old messages look recent forever.
            if times and now < times[-1]:
                now = times[-1]
        times.append(now)
        horizon = now - limit.seconds
        stale = 0
        while stale < len(times) and times[stale] <= horizon:
            stale += 1
        # Only the last messages+1 matter (one more than allowed tells a flood): the array stays tiny.
        stale = max(stale, len(times) - limit.messages - 1)
        if stale:
            del times[:stale]
        return len(times) > limit.messages

    def forget_user(self, user_id: int) -> None:
        for key in [key for key in self._times if key[1] == user_id]:
            del self._times[key]

    def forget_idle(self, now: float, idle_seconds: float = 3600.0) -> int:
        """Drop users silent for `idle_seconds`; returns how many were dropped (call now and then)."""
        stale = [key for key, times in self._times.items() if not times or times[-1] <= now - idle_seconds]
        for key in stale:
            del self._times[key]
        return len(stale)


class RepeatTracker:
    """How many different chats got the same message (after normalisation) within a time window.

    Short messages ("спасибо", "+", "привет") repeat honestly everywhere and are not tracked. Only a keyed
    BLAKE2b digest of the normalised text is stored: with a per-process random key, the digests cannot be checked
    against guessed texts if memory is dumped.
    """

    def __init__(
        self,
        window_seconds: float = 3600.0,
        *,
        min_chars: int = 25,
        max_messages: int = 20_000,
        max_chats_per_message: int = 1000,
        secret: bytes | None = None,
    ) -> None:
        if window_seconds <= 0 or min_chars < 1 or max_messages < 1 or max_chats_per_message < 1:
            raise ValueError("window_seconds, min_chars, max_messages and max_chats_per_message must be positive")
        self.window_seconds = window_seconds
        self._min_chars = min_chars
        self._max_messages = max_messages
        self._max_chats = max_chats_per_message
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._seen: OrderedDict[bytes, dict[int, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def digest(self, text: str, prepared: Prepared | None = None) -> bytes | None:
        """The stored form of a message, or None if it is too short to track. Spacing, punctuation, emoji, case
        and look-alike letters do not change it. `prepared`: the text already prepared, if the caller has it."""
        canonical = " ".join((prepared or prepare(text)).words)
        if len(canonical) < self._min_chars:
            return None
        return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16, key=self._secret).digest()

    def observe(
        self,
        text: str,
        chat_id: int,
        now: float,
        window_seconds: float | None = None,
        prepared: Prepared | None = None,
    ) -> int:
        """Record the message in a chat; return in how many different chats (this one included) it was seen
        within `window_seconds` (a chat's ProtectionConfig.repeat_window_seconds; at most the tracker's own
        window, which is how long anything is kept). 0 means the message is too short to track."""
        digest = self.digest(text, prepared)
        if digest is None:
            return 0
        chats = self._seen.get(digest)
        if chats is None:
            chats = {}
            self._seen[digest] = chats
            if len(self._seen) > self._max_messages:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(digest)
        horizon = now - self.window_seconds
        for chat in [c for c, t in chats.items() if t <= horizon]:
            del chats[chat]
        chats.pop(chat_id, None)
        chats[chat_id] = now
        if len(chats) > self._max_chats:
            del chats[next(iter(chats))]
        if window_seconds is None or window_seconds >= self.window_seconds:
            return len(chats)
        recent = now - window_seconds
        return sum(1 for t in chats.values() if t > recent)

    def forget_old(self, now: float) -> int:
        """Drop messages not seen within the window; returns how many were dropped."""
        horizon = now - self.window_seconds
        stale = [d for d, chats in self._seen.items() if not chats or max(chats.values()) <= horizon]
        for d in stale:
            del self._seen[d]
        return len(stale)
