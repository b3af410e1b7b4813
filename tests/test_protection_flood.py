"""FloodTracker and RepeatTracker with a fake clock."""

from __future__ import annotations

import pytest

from bot.protection.config import FloodLimit
from bot.protection.flood import FloodTracker, RepeatTracker

LIMIT = FloodLimit(messages=5, seconds=10.0)


def test_the_sixth_message_in_ten_seconds_is_a_flood() -> None:
    tracker = FloodTracker()
    flags = [tracker.hit(1, 42, now=100.0 + i, limit=LIMIT) for i in range(6)]
    assert flags == [False] * 5 + [True]


def test_window_slides() -> None:
    tracker = FloodTracker()
    for i in range(5):
        assert not tracker.hit(1, 42, now=100.0 + i * 2, limit=LIMIT)  # 100, 102, ..., 108
    assert not tracker.hit(1, 42, now=110.5, limit=LIMIT)  # 100 has left the window
    assert tracker.hit(1, 42, now=110.6, limit=LIMIT)  # 102..110.6: six within ten seconds


def test_users_and_chats_are_separate() -> None:
    tracker = FloodTracker()
    for i in range(5):
        tracker.hit(1, 42, now=100.0 + i / 10, limit=LIMIT)
    assert not tracker.hit(1, 43, now=100.6, limit=LIMIT)
    assert not tracker.hit(2, 42, now=100.6, limit=LIMIT)
    assert tracker.hit(1, 42, now=100.6, limit=LIMIT)


def test_night_limit_is_stricter() -> None:
    tracker = FloodTracker()
    night = FloodLimit(messages=3, seconds=10.0)
    flags = [tracker.hit(1, 42, now=float(i), limit=night) for i in range(4)]
    assert flags == [False, False, False, True]


def test_clock_stepping_back_does_not_break_the_window() -> None:
    tracker = FloodTracker()
    tracker.hit(1, 42, now=1000.0, limit=LIMIT)
    assert not tracker.hit(1, 42, now=10.0, limit=LIMIT)  # treated as 1000.0
    assert not tracker.hit(1, 42, now=1011.0, limit=LIMIT)


def test_memory_is_bounded() -> None:
    tracker = FloodTracker(max_keys=100)
    for user in range(1000):
        tracker.hit(1, user, now=0.0, limit=LIMIT)
    assert len(tracker) == 100
    for _ in range(5000):
        tracker.hit(1, 7, now=0.0, limit=FloodLimit(1000, 10.0))
    assert len(tracker._times[(1, 7)]) <= 1001
    assert tracker.forget_idle(now=10_000.0) == 100
    assert len(tracker) == 0


SPAM = "Работа на дому, от 3000$ в неделю, пиши в лс прямо сейчас"


def test_same_message_across_chats() -> None:
    tracker = RepeatTracker(window_seconds=3600)
    assert tracker.observe(SPAM, chat_id=1, now=0.0) == 1
    assert tracker.observe(SPAM, chat_id=1, now=5.0) == 1  # the same chat again
    assert tracker.observe(SPAM, chat_id=2, now=10.0) == 2
    # spacing, case, emoji and look-alike letters do not hide a repeat
    assert tracker.observe("👉 PАБОТА на дому,  от 3000$ в неделю!!! пиши в ЛC прямо сейчас", chat_id=3, now=20.0) == 3
    assert tracker.observe("Совсем другой текст, достаточно длинный для учёта", chat_id=3, now=20.0) == 1


def test_repeats_expire_and_short_messages_are_not_tracked() -> None:
    tracker = RepeatTracker(window_seconds=60)
    tracker.observe(SPAM, chat_id=1, now=0.0)
    tracker.observe(SPAM, chat_id=2, now=30.0)
    assert tracker.observe(SPAM, chat_id=3, now=70.0) == 2  # chat 1 left the window
    assert tracker.observe("спасибо!", chat_id=1, now=0.0) == 0
    assert tracker.forget_old(now=1000.0) == 1
    assert len(tracker) == 0


def test_a_chat_may_use_a_shorter_window() -> None:
    tracker = RepeatTracker(window_seconds=3600)
    tracker.observe(SPAM, chat_id=1, now=0.0)
    tracker.observe(SPAM, chat_id=2, now=500.0)
    assert tracker.observe(SPAM, chat_id=3, now=1000.0, window_seconds=600) == 2  # chat 1 is too old for this chat
    assert tracker.observe(SPAM, chat_id=4, now=1001.0) == 4


def test_only_keyed_hashes_are_stored() -> None:
    tracker = RepeatTracker(secret=b"k" * 32)
    tracker.observe(SPAM, chat_id=1, now=0.0)
    (digest,) = tracker._seen
    assert isinstance(digest, bytes) and len(digest) == 16
    assert SPAM.encode() not in digest
    other = RepeatTracker(secret=b"x" * 32)
    assert other.digest(SPAM) != tracker.digest(SPAM)  # a different key gives different digests


def test_repeat_memory_is_bounded() -> None:
    tracker = RepeatTracker(max_messages=10, max_chats_per_message=3)
    for i in range(50):
        tracker.observe(f"{SPAM} номер {i:04d}", chat_id=1, now=0.0)
    assert len(tracker) == 10
    for chat in range(10):
        count = tracker.observe(SPAM, chat_id=chat, now=0.0)
    assert count == 3


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        FloodTracker(max_keys=0)
    with pytest.raises(ValueError):
        RepeatTracker(window_seconds=0)
