"""Reports, settings, linked chats and appeals through the real Dispatcher."""

from __future__ import annotations

import pytest
from aiogram.methods import BanChatMember, RestrictChatMember, SendMessage, UnbanChatMember
from aiogram.types import Update

from handlers.enforcement import LOG_CHAT
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, OTHER_GROUP, Chats, admin_member

ADMIN = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup", language_code="en")
LOG_ADMIN = Person(user_id=10, first_name="Asel", chat_id=LOG_GROUP, chat_type="supergroup")
TROLL = Person(user_id=20, first_name="Troll", chat_id=GROUP, chat_type="supergroup")
MEMBER = Person(user_id=30, first_name="Dana", chat_id=GROUP, chat_type="supergroup")


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    c.add(GROUP, admin_member(10))
    c.add(OTHER_GROUP, admin_member(10))
    c.add(LOG_GROUP, admin_member(10))
    for chat_id in (GROUP, OTHER_GROUP, LOG_GROUP):
        await harness.services.chats.set_language(chat_id, "en")
    return c


def sent_to(harness: Harness, chat_id: int) -> list[SendMessage]:
    return [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == chat_id]


async def feed(harness: Harness, message) -> None:  # type: ignore[no-untyped-def]
    await harness.dp.feed_update(harness.bot, Update(update_id=10_000 + message.message_id, message=message))  # type: ignore[attr-defined]


# -- reports ---
async def test_report_reaches_log_chat_and_admin_acts(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    bad = TROLL.message("buy followers cheap", harness.session)
    await feed(harness, bad)
    await harness.send(MEMBER, "/report", reply_to=bad)
    assert harness.last() == "Thank you. The admins have been notified."
    report = sent_to(harness, LOG_GROUP)[-1]
    assert "🚩 Report" in report.text and "buy followers cheap" in report.text
    assert f"https://t.me/c/1234567890/{bad.message_id}" in report.text
    buttons = [b.text for row in report.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert buttons == ["🗑 Delete", "⚠️ Warn", "🔇 Mute 24h", "🔨 Ban", "✖️ Dismiss"]
    await harness.press(MEMBER, "🔨 Ban")  # a member pressing in the log chat: refused
    assert harness.session.sent(BanChatMember) == []
    await harness.press(LOG_ADMIN, "🔨 Ban")
    assert harness.session.sent(BanChatMember)[-1].user_id == TROLL.user_id
    assert harness.last().endswith("🔨 Banned · Asel")


async def test_at_admin_and_rate_limit_and_admins_are_not_reportable(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    bad = TROLL.message("spam", harness.session)
    for _ in range(3):
        await harness.send(MEMBER, "@admin look at this", reply_to=bad)
    assert len(sent_to(harness, LOG_GROUP)) == 3
    await harness.send(MEMBER, "/report", reply_to=bad)
    assert harness.last() == "You have sent several reports recently. Please wait a few minutes."
    assert len(sent_to(harness, LOG_GROUP)) == 3
    admin_message = ADMIN.message("rules are rules", harness.session)
    other = Person(user_id=31, first_name="Other", chat_id=GROUP, chat_type="supergroup")
    before = len(harness.session.sent(SendMessage))
    await harness.send(other, "/report", reply_to=admin_message)
    assert len(harness.session.sent(SendMessage)) == before  # reporting an admin is ignored


async def test_report_without_log_chat_goes_to_admins_privately(harness: Harness, chats: Chats) -> None:
    bad = TROLL.message("spam", harness.session)
    await harness.send(MEMBER, "/report", reply_to=bad)
    private = sent_to(harness, 10)
    assert private and "🚩 Report" in private[-1].text


# -- settings ---
async def test_settings_keyboard_in_private_and_changes_are_saved(harness: Harness, chats: Chats) -> None:
    await harness.send(ADMIN, "/settings")
    assert harness.last() == "I sent the settings to you privately."
    private_admin = Person(user_id=10, first_name="Asel")
    await harness.press(private_admin, "Warnings before action: 3")
    assert (await harness.services.chats.get(GROUP)).get("warn_limit", 3) == 4
    await harness.press(private_admin, "Then: mute for 24 h")
    assert (await harness.services.chats.get(GROUP)).get("warn_action", "mute") == "ban"
    await harness.press(private_admin, "Automatic answers: on")
    assert (await harness.services.chats.get(GROUP)).get("auto_answer", True) is False
    await harness.press(private_admin, "Қазақша")
    assert (await harness.services.chats.get(GROUP)).language == "kk"
    assert harness.last().startswith(f"⚙️ Баптаулар · {GROUP}")  # redrawn in the chat's new language
    outsider = Person(user_id=77, first_name="X")
    await harness.press(outsider, "English")
    assert (await harness.services.chats.get(GROUP)).language == "kk"


async def test_setlog_needs_admin_of_both_chats(harness: Harness, chats: Chats) -> None:
    await harness.send(LOG_ADMIN, f"/setlog {GROUP}")
    assert (await harness.services.chats.get(GROUP)).get(LOG_CHAT, 0) == LOG_GROUP
    chats.add(OTHER_GROUP)  # Asel is not an admin there
    harness.provided["admins"].invalidate(OTHER_GROUP)  # type: ignore[index]
    await harness.send(LOG_ADMIN, f"/setlog {OTHER_GROUP}")
    assert harness.last() == f"You must be an admin of the chat {OTHER_GROUP}."
    assert (await harness.services.chats.get(OTHER_GROUP)).get(LOG_CHAT, 0) == 0


# -- linked chats ---
async def test_network_ban_applies_in_every_chat(harness: Harness, chats: Chats) -> None:
    await harness.send(ADMIN, "/network create Almaty+Astana")
    assert "Network #1 “Almaty+Astana” created" in harness.last()
    other_admin = Person(user_id=10, first_name="Asel", chat_id=OTHER_GROUP, chat_type="supergroup")
    await harness.send(other_admin, "/network join 1")
    assert harness.last() == "This chat joined network #1."
    bad = TROLL.message("scam", harness.session)
    await harness.send(ADMIN, "/nban 30d scam links", reply_to=bad)
    banned = sorted(int(b.chat_id) for b in harness.session.sent(BanChatMember))
    assert banned == sorted([GROUP, OTHER_GROUP])
    assert harness.last() == "🔨 Troll is banned in 2 of 2 chats of the network."
    for chat_id in (GROUP, OTHER_GROUP):
        entries = await harness.services.moderation.latest(chat_id)
        assert [(e.action, e.network_id) for e in entries] == [("ban", 1)]


async def test_only_network_owners_add_chats(harness: Harness, chats: Chats) -> None:
    await harness.send(ADMIN, "/network create City chats")
    stranger_admin = Person(user_id=12, first_name="Erlan", chat_id=OTHER_GROUP, chat_type="supergroup")
    chats.add(OTHER_GROUP, admin_member(12))
    await harness.send(stranger_admin, "/network join 1")
    assert harness.last() == "Only an owner of that network can add a chat to it."
    assert await harness.services.moderation.network_of(OTHER_GROUP) is None
    outsider = Person(user_id=40, first_name="Outsider", chat_id=OTHER_GROUP, chat_type="supergroup")
    await harness.send(outsider, "/network join 1")  # not an admin of the chat: ignored
    assert await harness.services.moderation.network_of(OTHER_GROUP) is None


# -- appeals ---
async def test_appeal_unban_and_the_user_is_told(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    bad = TROLL.message("oops", harness.session)
    await harness.send(ADMIN, "/ban 7d rude", reply_to=bad)
    troll_private = Person(user_id=20, first_name="Troll", language_code="en")
    await harness.send(troll_private, "/appeal")
    assert harness.last() == "Write /appeal and, in the same message, why the decision should be reconsidered."
    await harness.send(troll_private, "/appeal I was joking, sorry")
    assert harness.last() == "Your appeal was sent to the admins. You will get their answer here."
    appeal = sent_to(harness, LOG_GROUP)[-1]
    assert "📨 Appeal" in appeal.text and "I was joking, sorry" in appeal.text and "rude" in appeal.text
    await harness.send(troll_private, "/appeal again")
    assert harness.last() == "Your appeal is already with the admins. You will get an answer here."
    await harness.press(LOG_ADMIN, "🕊 Unban")
    assert harness.session.sent(UnbanChatMember)[-1].user_id == TROLL.user_id
    told = sent_to(harness, TROLL.user_id)[-1]
    assert told.text == "Your appeal was accepted: the restriction is lifted."
    await harness.send(troll_private, "/appeal one more")
    assert harness.last() == "I found no active ban or mute of yours in the chats I moderate."


async def test_appeal_kept(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    bad = TROLL.message("oops", harness.session)
    await harness.send(ADMIN, "/mute", reply_to=bad)
    troll_private = Person(user_id=20, first_name="Troll", language_code="en")
    await harness.send(troll_private, "/appeal please")
    await harness.press(LOG_ADMIN, "Keep")
    assert sent_to(harness, TROLL.user_id)[-1].text == "The admins reviewed your appeal and kept their decision."
    assert len(harness.session.sent(RestrictChatMember)) == 1  # nothing lifted


async def test_appeal_without_a_log_chat(harness: Harness, chats: Chats) -> None:
    bad = TROLL.message("oops", harness.session)
    await harness.send(ADMIN, "/ban", reply_to=bad)
    await harness.send(Person(user_id=20, first_name="Troll", language_code="en"), "/appeal sorry")
    assert harness.last() == "That chat has not set up appeals. Please contact its admins directly."


async def test_at_admin_without_reply_calls_the_admins(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    await harness.send(MEMBER, "@admin someone is posting scam links, please help")
    call = sent_to(harness, LOG_GROUP)[-1]
    assert "someone is posting scam links" in call.text and "About:" not in call.text
    buttons = [b.text for row in call.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert buttons == ["✖️ Dismiss"]
    assert harness.last() == "Thank you. The admins have been notified."
    await harness.send(MEMBER, "/report")
    assert harness.last() == "Reply to the message you want to report with /report."
