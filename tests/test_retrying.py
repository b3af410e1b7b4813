"""The session layer's retries (bot/retrying.py), driven through a real Bot and the stand-in session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import AnswerCallbackQuery, BanChatMember, DeleteMessage, GetUpdates, SendMessage

from bot.retrying import RetryMiddleware
from bot.standin import StandInSession

TOKEN = "123456:TEST-token-for-the-stand-in-session"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Scripted:
    """Answers a method with the scripted outcomes in turn: an exception type to raise, or a value to return."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.calls = 0

    def __call__(self, method: Any) -> Any:
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, Callable):  # type: ignore[arg-type]
            raise step(method)
        return step


def retry_after(seconds: int) -> Callable[[Any], Exception]:
    return lambda m: TelegramRetryAfter(m, f"Too Many Requests: retry after {seconds}", retry_after=seconds)


def server_error(m: Any) -> Exception:
    return TelegramServerError(m, "Internal Server Error")


def network_error(m: Any) -> Exception:
    return TelegramNetworkError(m, "ServerDisconnectedError: Server disconnected")


def proxy_page(m: Any) -> Exception:
    return ClientDecodeError("Failed to decode object", ValueError("not JSON"), "<html>502</html>")


def bad_request(text: str) -> Callable[[Any], Exception]:
    return lambda m: TelegramBadRequest(m, f"Bad Request: {text}")


def make_bot(**options: Any) -> tuple[Bot, StandInSession, list[float]]:
    waits: list[float] = []
    clock = options.pop("clock", Clock())

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    session = StandInSession()
    defaults: dict[str, Any] = {"base_delay": 0.5, "max_wait": 60.0, "sleep": sleep, "clock": clock}
    session.middleware(RetryMiddleware(jitter=lambda: 1.0, **(defaults | options)))
    return Bot(TOKEN, session=session), session, waits


async def test_429_waits_exactly_retry_after() -> None:
    bot, session, waits = make_bot()
    ban = Scripted(retry_after(3), True)
    session.on(BanChatMember, ban)
    assert await bot.ban_chat_member(-100, 7) is True
    assert (ban.calls, waits) == (2, [3.0])


async def test_5xx_network_and_proxy_errors_back_off_exponentially() -> None:
    bot, session, waits = make_bot()
    ban = Scripted(server_error, network_error, proxy_page, True)
    session.on(BanChatMember, ban)
    assert await bot.ban_chat_member(-100, 7) is True
    assert ban.calls == 4
    assert waits == [0.5, 1.0, 2.0]  # base · 2^n (jitter pinned to its maximum)


def test_jitter_spreads_waits_between_half_and_the_full_backoff() -> None:
    low = RetryMiddleware(base_delay=1.0, jitter=lambda: 0.0)
    high = RetryMiddleware(base_delay=1.0, jitter=lambda: 1.0)
    assert [low.backoff(n) for n in range(3)] == [0.5, 1.0, 2.0]
    assert [high.backoff(n) for n in range(3)] == [1.0, 2.0, 4.0]
    assert high.backoff(10) == 10.0  # one sleep is capped


async def test_gives_up_after_the_attempt_cap_and_raises_the_last_error() -> None:
    bot, session, waits = make_bot(max_attempts=3)
    ban = Scripted(server_error, server_error, network_error, True)
    session.on(BanChatMember, ban)
    with pytest.raises(TelegramNetworkError):
        await bot.ban_chat_member(-100, 7)
    assert ban.calls == 3 and len(waits) == 2


async def test_gives_up_when_the_time_budget_is_spent() -> None:
    bot, session, waits = make_bot(base_delay=4.0, max_wait=10.0)
    ban = Scripted(server_error, server_error, server_error, True)
    session.on(BanChatMember, ban)
    with pytest.raises(TelegramServerError):
        await bot.ban_chat_member(-100, 7)
    assert waits == [4.0]  # the next backoff (8 s) would pass the 10 s budget: raised instead of slept


async def test_a_flood_wait_longer_than_the_budget_is_not_slept() -> None:
    bot, session, waits = make_bot(max_wait=60.0)
    session.on(SendMessage, Scripted(retry_after(300)))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(42, "hello")
    assert waits == []


@pytest.mark.parametrize("error", [bad_request("chat not found"), lambda m: TelegramForbiddenError(m, "Forbidden")])
async def test_refusals_are_not_retried(error: Callable[[Any], Exception]) -> None:
    bot, session, waits = make_bot()
    send = Scripted(error, True)
    session.on(SendMessage, send)
    with pytest.raises((TelegramBadRequest, TelegramForbiddenError)):
        await bot.send_message(42, "hello")
    assert send.calls == 1 and waits == []


async def test_a_deletion_repeated_after_an_ambiguous_failure_counts_as_done() -> None:
    bot, session, _ = make_bot()
    delete = Scripted(network_error, bad_request("message to delete not found"))
    session.on(DeleteMessage, delete)
    assert await bot.delete_message(-100, 55) is True
    assert delete.calls == 2


async def test_a_message_already_gone_on_the_first_try_is_still_an_error() -> None:
    bot, session, _ = make_bot()
    session.on(DeleteMessage, Scripted(bad_request("message to delete not found")))
    with pytest.raises(TelegramBadRequest):
        await bot.delete_message(-100, 55)


async def test_after_a_429_not_found_is_not_taken_as_done() -> None:
    # A 429 is unambiguous (Telegram did nothing), so a later "not found" is Telegram's real answer.
    bot, session, _ = make_bot()
    session.on(DeleteMessage, Scripted(retry_after(0), bad_request("message to delete not found")))
    with pytest.raises(TelegramBadRequest):
        await bot.delete_message(-100, 55)


async def test_a_callback_answered_twice_after_a_dropped_connection_is_fine() -> None:
    bot, session, _ = make_bot()
    session.on(AnswerCallbackQuery, Scripted(network_error, bad_request("query is too old and response timeout")))
    assert await bot.answer_callback_query("q1", text="ok") is True


async def test_sends_are_retried_and_delivered_once() -> None:
    bot, session, _ = make_bot()
    calls = {"n": 0}

    def flaky(method: SendMessage) -> Any:
        calls["n"] += 1
        if calls["n"] < 3:
            raise TelegramServerError(method, "Internal Server Error")
        return session._send(method)

    session.on(SendMessage, flaky)
    message = await bot.send_message(42, "hello")
    assert message.text == "hello" and calls["n"] == 3
    assert [e.kind for e in session.events] == ["send"]


async def test_long_polls_are_not_retried_here() -> None:
    bot, session, waits = make_bot()
    updates = Scripted(server_error, [])
    session.on(GetUpdates, updates)
    with pytest.raises(TelegramServerError):
        await bot.get_updates()
    assert updates.calls == 1 and waits == []  # aiogram's polling loop has its own backoff
