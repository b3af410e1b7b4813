"""Sending limits: one message per second per chat, 20 per minute per group, 30 per second overall."""

from __future__ import annotations

from aiogram import Bot
from aiogram.methods import SendMessage

from bot.sending import SendLimiter, SendLimitMiddleware
from bot.standin import StandInSession


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_message_per_second_per_group() -> None:
    clock = Clock()
    limiter = SendLimiter(clock)
    assert limiter.reserve(-42) == 0
    assert limiter.reserve(-42) == 1.0
    assert limiter.reserve(-42) == 2.0
    assert limiter.reserve(-43) == 0  # another chat is independent
    clock.now += 5
    assert limiter.reserve(-42) == 0


def test_private_chats_are_not_spaced_out() -> None:
    limiter = SendLimiter(Clock())
    assert [limiter.reserve(42) for _ in range(5)] == [0.0] * 5


def test_twenty_per_minute_in_a_group() -> None:
    clock = Clock()
    limiter = SendLimiter(clock)
    delays = [limiter.reserve(-100) for _ in range(21)]
    assert delays[:20] == [float(i) for i in range(20)]
    assert delays[20] == 60.0  # the 21st waits until the first leaves the minute window


def test_thirty_per_second_overall() -> None:
    clock = Clock()
    limiter = SendLimiter(clock)
    delays = [limiter.reserve(chat) for chat in range(1, 32)]
    assert delays[:30] == [0.0] * 30
    assert delays[30] == 1.0


async def test_middleware_waits_before_sending() -> None:
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    session = StandInSession()
    session.middleware(SendLimitMiddleware(SendLimiter(Clock()), sleep=fake_sleep))
    bot = Bot("123456:TEST-token-for-the-stand-in-session", session=session)
    for _ in range(3):
        await bot.send_message(-100, "hello")
    assert waited == [1.0, 2.0]
    assert len(session.sent(SendMessage)) == 3
