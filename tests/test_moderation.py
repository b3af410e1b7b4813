"""Moderation commands through the real Dispatcher: rights, targets, durations, warnings, undo, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import (
    BanChatMember,
    DeleteMessage,
    RestrictChatMember,
    SendMessage,
    UnbanChatMember,
)
from aiogram.types import Chat, ChatMemberMember, ChatMemberUpdated, Update, User

from bot.moderation.durations import format_duration, parse_duration, split_duration_and_reason
from handlers.enforcement import LOG_CHAT
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, Chats, admin_member

ADMIN = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup", language_code="en")
TROLL = Person(user_id=20, first_name="Troll", chat_id=GROUP, chat_type="supergroup")
HELPER = Person(user_id=30, first_name="Nurlan", chat_id=GROUP, chat_type="supergroup")


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    c.add(GROUP, admin_member(10), admin_member(11, restrict=False))
    await harness.services.chats.set_language(GROUP, "en")
    return c


async def troll_message(harness: Harness, text: str = "you are all wrong about this"):  # type: ignore[no-untyped-def]
    message = TROLL.message(text, harness.session)
    await harness.dp.feed_update(harness.bot, Update(update_id=900 + message.message_id, message=message))  # type: ignore[attr-defined]
    return message


# -- durations -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "expected"),
    [("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)), ("7d", timedelta(days=7)),
     ("1w", timedelta(weeks=1)), ("1h30m", timedelta(minutes=90)), ("2H", timedelta(hours=2)),
     ("10s", timedelta(seconds=30)), ("999w", timedelta(days=366)), ("spam", None), ("0m", None), ("5", None),
     ("3x", None)],
)  # fmt: skip
def test_parse_duration(token: str, expected: timedelta | None) -> None:
    assert parse_duration(token) == expected


def test_duration_and_reason() -> None:
    assert split_duration_and_reason("7d spam links") == (timedelta(days=7), "spam links")
    assert split_duration_and_reason("spam links") == (None, "spam links")
    assert split_duration_and_reason("") == (None, "")
    assert format_duration(timedelta(days=8, hours=1)) == "1w1d1h"


# -- who may act -----------------------------------------------------------------------------------------
async def test_non_admin_cannot_ban(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    await harness.send(HELPER, "/ban", reply_to=target)
    assert harness.session.sent(BanChatMember) == []
    assert await harness.services.moderation.latest(GROUP) == []


async def test_admin_bans_by_reply_with_duration(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    before = datetime.now(UTC)
    await harness.send(ADMIN, "/ban 7d insults", reply_to=target)
    ban = harness.session.sent(BanChatMember)[-1]
    assert (int(ban.chat_id), ban.user_id) == (GROUP, TROLL.user_id)
    until = ban.until_date
    assert isinstance(until, datetime) and timedelta(days=6, hours=23) < until - before < timedelta(days=7, minutes=1)
    assert harness.last() == "🔨 Troll is banned. For 1w.\nReason: insults"
    entry = (await harness.services.moderation.latest(GROUP))[0]
    assert (entry.action, entry.status, entry.actor_id, entry.target_id, entry.reason) == (
        "ban", "done", ADMIN.user_id, TROLL.user_id, "insults")  # fmt: skip
    assert entry.evidence == "you are all wrong about this"


async def test_mute_without_duration_is_until_lifted(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    await harness.send(ADMIN, "/mute flooding", reply_to=target)
    mute = harness.session.sent(RestrictChatMember)[-1]
    assert mute.permissions.can_send_messages is False and mute.until_date is None
    await harness.send(ADMIN, "/unmute", reply_to=target)
    unmute = harness.session.sent(RestrictChatMember)[-1]
    assert unmute.permissions.can_send_messages is True
    assert harness.last() == "🔊 Troll can write again."


async def test_targets_by_username_and_id(harness: Harness, chats: Chats) -> None:
    troll = Person(user_id=21, first_name="Spammer", chat_id=GROUP, chat_type="supergroup")
    message = troll.message("hi", harness.session)
    message = message.model_copy(update={"from_user": User(id=21, is_bot=False, first_name="S", username="spam_bot_x")})
    await harness.dp.feed_update(harness.bot, Update(update_id=5000, message=message))  # type: ignore[attr-defined]
    await harness.send(ADMIN, "/kick @Spam_Bot_X")
    assert [(b.user_id) for b in harness.session.sent(BanChatMember)] == [21]
    assert harness.session.sent(UnbanChatMember)[-1].user_id == 21  # a kick lets them rejoin
    await harness.send(ADMIN, "/mute 123456789 2h")
    assert harness.session.sent(RestrictChatMember)[-1].user_id == 123456789
    await harness.send(ADMIN, "/ban @never_seen")
    assert "Reply to the person's message, or give their @username or numeric id" in harness.last()


async def test_nobody_can_act_on_admins_owner_or_bot(harness: Harness, chats: Chats) -> None:
    bot_user = harness.session.bot_user
    for user in (User(id=11, is_bot=False, first_name="Other admin"), User(id=1, is_bot=False, first_name="Owner"),
                 bot_user):  # fmt: skip
        protected = TROLL.message("x", harness.session).model_copy(update={"from_user": user})
        await harness.send(ADMIN, "/ban", reply_to=protected)
        assert harness.last() == "Admins, the owner and the bot itself cannot be moderated."
    assert harness.session.sent(BanChatMember) == []


async def test_anonymous_admin_is_recognised(harness: Harness, chats: Chats) -> None:
    chats.add(GROUP, admin_member(10), admin_member(12, anonymous=True))
    target = await troll_message(harness)
    await harness.send(ADMIN, "/ban", reply_to=target, as_group=True)
    assert harness.session.sent(BanChatMember)[-1].user_id == TROLL.user_id
    entry = (await harness.services.moderation.latest(GROUP))[0]
    assert entry.actor_id is None  # "an anonymous admin" in the log


async def test_admin_without_the_right_is_told(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    weak = Person(user_id=11, first_name="Weak", chat_id=GROUP, chat_type="supergroup")
    await harness.send(weak, "/ban", reply_to=target)
    assert harness.session.sent(BanChatMember) == []
    assert harness.last() == "You need the admin right “Ban users” for this."


async def test_bot_without_rights_says_which(harness: Harness, chats: Chats) -> None:
    chats.add(GROUP, admin_member(10), bot_restrict=False)
    target = await troll_message(harness)
    await harness.send(ADMIN, "/mute", reply_to=target)
    assert harness.last() == "I cannot do this: make me an admin with the right “Ban users”."
    chats.add(GROUP, admin_member(10), bot=False)
    harness.provided["admins"].invalidate(GROUP)  # type: ignore[index]
    await harness.send(ADMIN, "/del", reply_to=target)
    assert harness.last() == "I cannot do this: make me an admin with the right “Delete messages”."


# -- Telegram errors -------------------------------------------------------------------------------------
async def test_telegram_refusal_is_reported_not_crashed(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    harness.session.on(
        BanChatMember, lambda m: (_ for _ in ()).throw(TelegramBadRequest(m, "Bad Request: user not found"))
    )
    await harness.send(ADMIN, "/ban", reply_to=target)
    assert harness.last() == "❌ Telegram refused: Bad Request: user not found"
    assert (await harness.services.moderation.latest(GROUP))[0].status == "failed"


@pytest.mark.parametrize(
    "description",
    ["Bad Request: not enough rights to restrict/unrestrict chat member", "Bad Request: USER_NOT_PARTICIPANT"],
)
async def test_rights_and_left_user_errors_on_mute(harness: Harness, chats: Chats, description: str) -> None:
    target = await troll_message(harness)
    harness.session.on(RestrictChatMember, lambda m: (_ for _ in ()).throw(TelegramBadRequest(m, description)))
    await harness.send(ADMIN, "/mute 1h", reply_to=target)
    assert harness.last() == f"❌ Telegram refused: {description}"
    assert (await harness.services.moderation.latest(GROUP))[0].status == "failed"


async def test_message_too_old_to_delete(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    harness.session.on(
        DeleteMessage, lambda m: (_ for _ in ()).throw(TelegramBadRequest(m, "Bad Request: message can't be deleted"))
    )
    await harness.send(ADMIN, "/del", reply_to=target)
    assert harness.last() == "❌ Telegram refused: Bad Request: message can't be deleted"


async def test_flood_limit_is_waited_out(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    calls = {"n": 0}

    def flaky(method: BanChatMember) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 0", retry_after=0)
        return True

    harness.session.on(BanChatMember, flaky)
    await harness.send(ADMIN, "/ban", reply_to=target)
    assert calls["n"] == 2
    assert harness.last() == "🔨 Troll is banned."


async def test_user_already_left_on_unban(harness: Harness, chats: Chats) -> None:
    harness.session.on(
        UnbanChatMember, lambda m: (_ for _ in ()).throw(TelegramBadRequest(m, "Bad Request: PARTICIPANT_ID_INVALID"))
    )
    await harness.send(ADMIN, "/unban 123456789")
    assert harness.last().startswith("❌ Telegram refused:")


# -- warnings --------------------------------------------------------------------------------------------
async def test_three_warnings_mute_for_a_day(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    await harness.send(ADMIN, "/warn rude", reply_to=target)
    assert harness.last() == "⚠️ Troll, this is warning 1 of 3.\nReason: rude"
    await harness.send(ADMIN, "/warn", reply_to=target)
    await harness.send(ADMIN, "/warns", reply_to=target)
    assert harness.last().startswith("Warnings of Troll: 2 of 3")
    await harness.send(ADMIN, "/warn again", reply_to=target)
    assert harness.last().endswith("🔇 Muted for 1d.")
    mute = harness.session.sent(RestrictChatMember)[-1]
    assert mute.user_id == TROLL.user_id and mute.until_date is not None
    entries = await harness.services.moderation.latest(GROUP)
    assert entries[0].action == "mute" and entries[0].automatic
    await harness.send(ADMIN, "/warns", reply_to=target)
    assert harness.last() == "Troll has no warnings."  # the counter starts again after the escalation


async def test_unwarn_and_ban_escalation_setting(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, "warn_action", "ban")
    await harness.services.chats.set_value(GROUP, "warn_limit", 2)
    target = await troll_message(harness)
    await harness.send(ADMIN, "/warn", reply_to=target)
    await harness.send(ADMIN, "/unwarn", reply_to=target)
    assert harness.last() == "↩️ Removed the last warning of Troll."
    await harness.send(ADMIN, "/warn", reply_to=target)
    await harness.send(ADMIN, "/warn", reply_to=target)
    assert harness.session.sent(BanChatMember)[-1].user_id == TROLL.user_id
    assert harness.last().endswith("🔨 Banned.")


# -- audit log, log chat, undo ---------------------------------------------------------------------------
async def test_log_chat_entry_and_undo(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    target = await troll_message(harness)
    await harness.send(ADMIN, "/ban 1d spam", reply_to=target)
    logged = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP][-1]
    assert "🔨 Ban" in logged.text and "spam" in logged.text and str(TROLL.user_id) in logged.text
    log_admin = Person(user_id=10, first_name="Asel", chat_id=LOG_GROUP, chat_type="supergroup")
    outsider = Person(user_id=99, first_name="Outsider", chat_id=LOG_GROUP, chat_type="supergroup")
    await harness.press(outsider, "↩️ Undo")
    assert harness.popups()[-1] == "Only admins of that chat with the right to ban users can undo."
    assert harness.session.sent(UnbanChatMember) == []
    await harness.press(log_admin, "↩️ Undo")
    assert harness.session.sent(UnbanChatMember)[-1].user_id == TROLL.user_id
    entries = await harness.services.moderation.latest(GROUP)
    assert [e.action for e in entries[:2]] == ["unban", "ban"]
    assert entries[1].status == "undone" and entries[0].undo_of == entries[1].id
    assert "↩️ Undone by Asel" in harness.last()


async def test_modlog_goes_to_the_admin_privately(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    await harness.send(ADMIN, "/mute 2h", reply_to=target)
    await harness.send(ADMIN, "/modlog")
    private = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == ADMIN.user_id][-1]
    assert "🔇 Mute" in private.text and "done" in private.text
    assert harness.last() == "I sent the moderation log to you privately."
    sent = len(harness.session.sent(SendMessage))
    await harness.send(HELPER, "/modlog")
    assert len(harness.session.sent(SendMessage)) == sent  # a non-admin gets nothing


async def test_confirmation_self_deletes_when_set(harness: Harness, chats: Chats, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    await harness.services.chats.set_value(GROUP, "confirm_delete_seconds", 30)
    real_sleep = asyncio.sleep
    waited: list[float] = []

    async def no_wait(seconds: float) -> None:
        waited.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr("handlers.cleanup.asyncio.sleep", no_wait)
    target = await troll_message(harness)
    await harness.send(ADMIN, "/mute", reply_to=target)
    confirmation = next(m for m in reversed(list(harness.session.messages.values())) if m.text.startswith("🔇 Troll"))
    for _ in range(5):
        await real_sleep(0)
    assert waited == [30]
    assert [d.message_id for d in harness.session.sent(DeleteMessage)] == [confirmation.message_id]


# -- admin cache refresh and migration -------------------------------------------------------------------
async def test_demoted_admin_loses_power_at_once(harness: Harness, chats: Chats) -> None:
    target = await troll_message(harness)
    await harness.send(ADMIN, "/mute", reply_to=target)
    assert len(harness.session.sent(RestrictChatMember)) == 1
    chats.add(GROUP)  # Asel is no longer an admin
    update = ChatMemberUpdated(
        chat=Chat(id=GROUP, type="supergroup"), from_user=User(id=1, is_bot=False, first_name="Owner"), date=0,
        old_chat_member=admin_member(10),
        new_chat_member=ChatMemberMember(user=User(id=10, is_bot=False, first_name="A")),
    )  # fmt: skip
    await harness.dp.feed_update(harness.bot, Update(update_id=7000, chat_member=update))  # type: ignore[attr-defined]
    await harness.send(ADMIN, "/unmute", reply_to=target)
    assert len(harness.session.sent(RestrictChatMember)) == 1


async def test_chat_member_updates_are_requested(harness: Harness) -> None:
    assert "chat_member" in harness.dp.resolve_used_update_types()  # type: ignore[attr-defined]


async def test_supergroup_migration_keeps_settings_and_history(harness: Harness, chats: Chats) -> None:
    old = Person(user_id=10, first_name="Asel", chat_id=-4242, chat_type="group")
    chats.add(-4242, admin_member(10))
    await harness.services.chats.set_value(-4242, LOG_CHAT, LOG_GROUP)
    await harness.services.chats.set_value(-4242, "warn_limit", 5)
    await harness.send(old, "/warn 555555")
    await harness.send(old, "", migrate_to_chat_id=GROUP)
    settings = await harness.services.chats.get(GROUP)
    assert settings.get(LOG_CHAT, 0) == LOG_GROUP and settings.get("warn_limit", 3) == 5
    moved = await harness.services.moderation.latest(GROUP)
    assert [e.action for e in moved] == ["warn"]
    assert await harness.services.moderation.latest(-4242) == []
    assert len(await harness.services.moderation.warnings(GROUP, 555555, timedelta(days=30))) == 1


async def test_non_admin_commands_by_id_do_nothing(harness: Harness, chats: Chats) -> None:
    for command in ("/warn 123456789 I am admin", "/mute 123456789 1h", "/kick 123456789"):
        await harness.send(HELPER, command)
    assert await harness.services.moderation.latest(GROUP) == []
    assert harness.session.sent(RestrictChatMember) == [] and harness.session.sent(BanChatMember) == []
