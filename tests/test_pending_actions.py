"""Moderation actions Telegram did not confirm: they stay pending and the sweep retries them until it does.

Driven through the real Dispatcher (the handlers record and execute) and the Enforcer's sweep, with Telegram's
answers scripted on the stand-in session.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError
from aiogram.methods import BanChatMember, DeleteMessage, RestrictChatMember, SendMessage

from bot.config import Settings
from bot.storage.moderation import now_utc
from handlers.enforcement import LOG_CHAT, Enforcer
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, Chats, admin_member

ADMIN = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup", language_code="en")
TROLL = Person(user_id=20, first_name="Troll", chat_id=GROUP, chat_type="supergroup")


@pytest.fixture
def settings(tmp_path: Path, content_dir: Path) -> Settings:
    # Short retries: these tests are about what happens after the session layer gives up.
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        content_dir=content_dir,
        default_language="ru",
        retry_base_delay=0.01,
        retry_max_wait=0.05,
    )


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    c.add(GROUP, admin_member(10))
    await harness.services.chats.set_language(GROUP, "en")
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    return c


def enforcer(harness: Harness) -> Enforcer:
    return harness.provided["enforcer"]  # type: ignore[index,no-any-return]


class Telegram:
    """Counts the calls of one method and answers them as told (raise while `down`, True otherwise)."""

    def __init__(self, error: Any = None) -> None:
        self.error = error
        self.calls = 0

    def __call__(self, method: Any) -> Any:
        self.calls += 1
        if self.error is not None:
            raise self.error(method)
        return True


def server_down(method: Any) -> Exception:
    return TelegramServerError(method, "Internal Server Error")


def log_posts(harness: Harness) -> list[str]:
    return [m.text for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP]


async def record(harness: Harness, action: str, **fields: Any) -> int:
    row = await harness.services.moderation.record(chat_id=GROUP, action=action, actor_id=10, **fields)
    return row.id


async def status(harness: Harness, action_id: int) -> tuple[str, str | None]:
    action = await harness.services.moderation.get(action_id)
    assert action is not None
    return action.status, action.error


async def test_unconfirmed_ban_stays_pending_then_the_sweep_executes_it_once(harness: Harness, chats: Chats) -> None:
    ban = Telegram(server_down)
    harness.session.on(BanChatMember, ban)
    target = TROLL.message("buy followers", harness.session)
    await harness.send(ADMIN, "/ban spam", reply_to=target)
    assert "⏳ Telegram did not confirm yet; I will retry." in harness.last()
    (entry,) = await harness.services.moderation.latest(GROUP)
    assert entry.status == "pending" and ban.calls > 1  # the session layer retried before giving up
    assert await harness.services.moderation.attempts(entry.id) == 1

    ban.error, ban.calls = None, 0  # Telegram is back
    settled = await enforcer(harness).retry_pending(harness.bot, now=now_utc() + timedelta(minutes=1))  # type: ignore[arg-type]
    assert settled == 1 and ban.calls == 1
    assert (await status(harness, entry.id))[0] == "done"
    # The log chat hears it is done now, with the Undo button a done ban gets.
    post = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP][-1]
    assert post.text.startswith(f"<b>🔨 Ban</b> · #{entry.id}") and "I will retry" not in post.text
    assert "Undo" in post.reply_markup.inline_keyboard[0][0].text  # type: ignore[union-attr]

    assert await enforcer(harness).retry_pending(harness.bot, now=now_utc() + timedelta(minutes=2)) == 0  # type: ignore[arg-type]
    assert ban.calls == 1  # done means done: never executed again


async def test_actions_left_by_a_crashed_run_are_retried_at_once(harness: Harness, chats: Chats) -> None:
    ban = Telegram()
    harness.session.on(BanChatMember, ban)
    old = await record(harness, "ban", target_id=21)
    await enforcer(harness).mark_recovery_point()  # what a start-up does before updates flow
    young = await record(harness, "ban", target_id=22)  # recorded by this process: a handler may be executing it
    assert await enforcer(harness).retry_pending(harness.bot) == 1  # type: ignore[arg-type]
    assert ban.calls == 1
    assert (await status(harness, old))[0] == "done" and (await status(harness, young))[0] == "pending"
    # Once it is older than any handler could still be working on it, the sweep takes it too.
    assert await enforcer(harness).retry_pending(harness.bot, now=now_utc() + timedelta(seconds=11)) == 1  # type: ignore[arg-type]
    assert (await status(harness, young))[0] == "done" and ban.calls == 2


async def test_an_expired_mute_is_not_sent_late(harness: Harness, chats: Chats) -> None:
    restrict = Telegram()
    harness.session.on(RestrictChatMember, restrict)
    mute = await record(harness, "mute", target_id=21, until=now_utc() + timedelta(minutes=30))
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot, now=now_utc() + timedelta(hours=1)) == 1  # type: ignore[arg-type]
    # Telegram reads an until_date in the past as "forever": sending it now would mute the person for good.
    assert restrict.calls == 0
    assert await status(harness, mute) == ("failed", "expired")
    assert "it would have ended before Telegram confirmed it" in log_posts(harness)[-1]


async def test_an_action_replaced_by_a_later_one_is_not_replayed(harness: Harness, chats: Chats) -> None:
    # A newcomer's mute at the join was not confirmed; they passed the check and were unmuted. Sending the old mute
    # now would silence them for good.
    restrict = Telegram()
    harness.session.on(RestrictChatMember, restrict)
    mute = await record(harness, "mute", target_id=21)
    unmute = await record(harness, "unmute", target_id=21)
    await harness.services.moderation.set_status(unmute, "done")
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot) == 1  # type: ignore[arg-type]
    assert restrict.calls == 0
    assert await status(harness, mute) == ("failed", "superseded")
    assert "a later action on the same person replaced it" in log_posts(harness)[-1]


async def test_the_sweep_gives_up_after_a_day(harness: Harness, chats: Chats) -> None:
    ban = Telegram()
    harness.session.on(BanChatMember, ban)
    action = await record(harness, "ban", target_id=21)
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot, now=now_utc() + timedelta(hours=25)) == 1  # type: ignore[arg-type]
    assert ban.calls == 0
    state, error = await status(harness, action)
    assert (state, error) == ("failed", "gave_up")
    assert "Telegram did not confirm it in time" in log_posts(harness)[-1]


async def test_a_deletion_that_already_happened_is_done(harness: Harness, chats: Chats) -> None:
    # The process crashed after Telegram deleted the message but before the database heard of it.
    harness.session.on(DeleteMessage, lambda m: (_ for _ in ()).throw(
        TelegramBadRequest(m, "Bad Request: message to delete not found")))  # fmt: skip
    action = await record(harness, "delete", target_id=21, message_id=555)
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot) == 1  # type: ignore[arg-type]
    assert (await status(harness, action))[0] == "done"


async def test_a_refusal_on_retry_is_final(harness: Harness, chats: Chats) -> None:
    harness.session.on(BanChatMember, lambda m: (_ for _ in ()).throw(
        TelegramBadRequest(m, "Bad Request: not enough rights to restrict/unrestrict chat member")))  # fmt: skip
    action = await record(harness, "ban", target_id=21)
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot) == 1  # type: ignore[arg-type]
    assert await status(harness, action) == (
        "failed",
        "Bad Request: not enough rights to restrict/unrestrict chat member",
    )


async def test_the_sweep_stops_while_telegram_is_unreachable(harness: Harness, chats: Chats) -> None:
    ban = Telegram(lambda m: TelegramNetworkError(m, "ClientConnectorError: cannot connect"))
    harness.session.on(BanChatMember, ban)
    ids = [await record(harness, "ban", target_id=21 + i) for i in range(4)]
    await enforcer(harness).mark_recovery_point()
    assert await enforcer(harness).retry_pending(harness.bot) == 0  # type: ignore[arg-type]
    # Two actions tried (each with the session layer's own retries), then the sweep ended: the rest waits.
    attempts = [await harness.services.moderation.attempts(i) for i in ids]
    assert attempts == [1, 1, 0, 0]
    assert [(await status(harness, i))[0] for i in ids] == ["pending"] * 4
