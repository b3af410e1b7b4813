"""The one place where Telegram's passing faults are absorbed: a session middleware every Bot API call goes through.

Retried, with exponential backoff and jitter, within a cap on attempts and on the total time one call may wait:
- 429 Too Many Requests (`TelegramRetryAfter`): Telegram did not do it; wait `retry_after` and send again. A wait
  longer than what is left of the budget is not slept: the error is raised at once (a flood ban of minutes must not
  freeze a handler).
- 5xx (`TelegramServerError`), a proxy's non-JSON error page (`ClientDecodeError`) and network errors or timeouts
  (`TelegramNetworkError`): Telegram may or may not have done it.

After the budget the last error is raised, so the caller decides: the Enforcer leaves the action pending for the
sweep, a handler's error ends in handlers/errors.py.

Which calls are safe to repeat. Moderation calls are idempotent: banning a banned user, restricting a restricted one,
unbanning with only_if_banned again changes nothing. A deletion repeated after an ambiguous failure may find the
message already gone: "message to delete not found" on a retry means the first try worked, and counts as success
(the same for a callback query answered twice). Sending is not idempotent and the Bot API has no idempotency key:
after an ambiguous failure (connection dropped after the request left, a 5xx, a timeout) a send is repeated, so in
that rare case the user may see a reply twice. We choose that over the opposite risk, a reply never delivered — for
people asking what to do when the police come, silence is the worse failure. 429s and connection failures before
the request was sent are not ambiguous, and never duplicate.

getUpdates is passed through untouched: aiogram's polling loop has its own backoff, and retrying a long poll here
would only hold it up.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import AnswerCallbackQuery, DeleteMessage, GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

AMBIGUOUS = (TelegramServerError, TelegramNetworkError, ClientDecodeError)
MAX_ATTEMPTS = 6
BACKOFF_CAP = 10.0  # seconds: the longest single backoff sleep
# Answers that, on a repeated call after an ambiguous failure, mean the first call already did it.
ALREADY_DONE: dict[type, tuple[str, ...]] = {
    DeleteMessage: ("message to delete not found",),
    AnswerCallbackQuery: ("query is too old", "query id is invalid"),
}


def already_done(method: TelegramMethod[Any], error: TelegramBadRequest) -> bool:
    phrases = ALREADY_DONE.get(type(method), ())
    message = error.message.lower()
    return any(p in message for p in phrases)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        base_delay: float = 0.5,
        max_wait: float = 60.0,
        max_attempts: int = MAX_ATTEMPTS,
        backoff_cap: float = BACKOFF_CAP,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.base_delay = base_delay
        self.max_wait = max_wait
        self.max_attempts = max_attempts
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter

    def backoff(self, attempt: int) -> float:
        """Exponential with "equal jitter": half fixed, half random, so many waiting calls do not retry in step."""
        ceiling = min(self.backoff_cap, self.base_delay * 2**attempt)
        return ceiling / 2 + ceiling / 2 * self.jitter()

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        started = self.clock()
        ambiguous_failure = False
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as exc:
                if ambiguous_failure and already_done(method, exc):
                    log.info("%s: already done by an earlier attempt", method.__api_method__)
                    # Both methods answer True on success; the middleware chain passes results, not envelopes.
                    return True  # type: ignore[return-value]
                raise
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                error: Exception = exc
            except AMBIGUOUS as exc:
                ambiguous_failure = True
                delay = self.backoff(attempt)
                error = exc
            attempt += 1
            left = self.max_wait - (self.clock() - started)
            if attempt >= self.max_attempts or delay > left:
                log.warning("%s failed after %d attempt(s): %s", method.__api_method__, attempt, type(error).__name__)
                raise error
            log.info("%s: %s, retry %d in %.2f s", method.__api_method__, type(error).__name__, attempt, delay)
            await self.sleep(delay)
