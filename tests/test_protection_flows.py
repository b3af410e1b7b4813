"""Automatic protection of group messages through the real dispatcher: probation, spam, phishing, floods, trolls,
night mode, personal data, dry run, the log chat with Restore / Publish / Undo, and the admins' settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import DeleteMessage, RestrictChatMember, SendMessage
from aiogram.types import MessageOriginChannel, PhotoSize, Update

from bot.storage.members import PROBATION
from handlers.enforcement import LOG_CHAT
from handlers.protection import PROTECTION
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, OTHER_GROUP, Chats, admin_member
from tests.protection_chat import block_private, feed, group_chat

NEWBIE = Person(user_id=501, first_name="Dana", chat_id=GROUP, chat_type="supergroup", language_code="en")
NEWBIE_PRIVATE = Person(user_id=501, first_name="Dana", language_code="en")
REGULAR = Person(user_id=700, first_name="Marat", chat_id=GROUP, chat_type="supergroup", language_code="en")
ADMIN = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup", language_code="en")
LOG_ADMIN = Person(user_id=10, first_name="Asel", chat_id=LOG_GROUP, chat_type="supergroup", language_code="en")
VALID_IIN = "900101300007"  # check digit valid, born 1 Jan 1990; not a real person's


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    for chat_id in (GROUP, OTHER_GROUP, LOG_GROUP):
        c.add(chat_id, admin_member(10))
        await harness.services.chats.set_language(chat_id, "en")
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    # Night mode is tested on its own; elsewhere the clock of the test run must not matter.
    for chat_id in (GROUP, OTHER_GROUP):
        await harness.services.chats.set_value(chat_id, PROTECTION, {"night_mode": False})
    return c


async def on_probation(harness: Harness, person: Person, chat_id: int = GROUP) -> None:
    """The person passed the join check just now."""
    guard = harness.provided["guard"]
    await harness.services.members.start_probation(chat_id, person.user_id, int(guard.clock()))


async def say(harness: Harness, person: Person, text: str, **extra: object) -> int:
    message = person.message(text, harness.session, **extra)
    if "photo" in extra:  # a photo with a caption has no text
        message = message.model_copy(update={"text": None, "entities": None, "caption": text})
    await feed(harness, Update(update_id=20_000 + message.message_id, message=message))
    return message.message_id


def deleted(harness: Harness) -> list[int]:
    return [d.message_id for d in harness.session.sent(DeleteMessage) if int(d.chat_id) == GROUP]


def log_entries(harness: Harness) -> list[SendMessage]:
    return [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP]


def private_to(harness: Harness, user_id: int) -> list[str]:
    return [m.text for m in harness.session.sent(SendMessage) if int(m.chat_id) == user_id]


def mutes(harness: Harness, user_id: int) -> list[RestrictChatMember]:
    restricted = harness.session.sent(RestrictChatMember)
    return [r for r in restricted if r.user_id == user_id and not r.permissions.can_send_messages]


# -- probation ------------------------------------------------------------------------------------------------
async def test_newcomer_link_is_removed_and_explained_privately_official_links_pass(
    harness: Harness, chats: Chats
) -> None:
    await on_probation(harness, NEWBIE)
    ok = await say(harness, NEWBIE, "Where do I get an IIN? The page https://egov.kz/cms/ru says ЦОН")
    assert ok not in deleted(harness)
    bad = await say(harness, NEWBIE, "Look at my site https://cheap-flats-almaty.com")
    assert bad in deleted(harness)
    explanation = private_to(harness, NEWBIE.user_id)[-1]
    assert "I removed your message in «Relocation chat»" in explanation
    assert "new members cannot post links, except to official sites such as egov.kz" in explanation
    entry = log_entries(harness)[-1]
    assert "🗑 Message deleted" in entry.text and "newcomer: link to another site" in entry.text
    assert "cheap-flats-almaty.com" in entry.text  # the evidence, for the admin to judge
    assert "↩️ Restore" in str(entry.reply_markup)


@pytest.mark.parametrize(
    ("text", "extra", "why"),
    [
        ("join us https://t.me/+AbCdEfGhIjK", {}, "invite links"),
        ("best deals in @almaty_sale_channel", {}, "mention channels"),
        ("look", {"photo": [PhotoSize(file_id="p", file_unique_id="p", width=10, height=10)]}, "text only"),
        ("news", {"forward_origin": MessageOriginChannel(date=datetime.now(UTC), chat=group_chat(-100777),
                                                         message_id=5)}, "forward posts from channels"),
    ],
)  # fmt: skip
async def test_newcomer_rules(harness: Harness, chats: Chats, text: str, extra: dict, why: str) -> None:  # type: ignore[type-arg]
    await on_probation(harness, NEWBIE)
    bad = await say(harness, NEWBIE, text, **extra)
    assert bad in deleted(harness)
    assert why in private_to(harness, NEWBIE.user_id)[-1]


async def test_probation_ends_after_the_first_day_and_five_messages(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await on_probation(harness, NEWBIE)
    for i in range(5):
        await say(harness, NEWBIE, f"Hello everyone, question number {i} about bank cards")
    link = "My landlord's page https://cheap-flats-almaty.com"
    assert await say(harness, NEWBIE, link) in deleted(harness)  # five messages, but not a day yet
    start = guard.clock()
    guard.clock = lambda: start + 25 * 3600
    assert await say(harness, NEWBIE, link) not in deleted(harness)
    assert await harness.services.members.get(GROUP, NEWBIE.user_id) is None  # nothing kept once it is over


async def test_regular_members_and_admins_are_not_held_to_newcomer_rules(harness: Harness, chats: Chats) -> None:
    assert await say(harness, REGULAR, "I rented via https://cheap-flats-almaty.com, fine") not in deleted(harness)
    assert await say(harness, ADMIN, "Our partner: https://egov-kz.online/iin") not in deleted(harness)


# -- spam, phishing, floods, trolls -------------------------------------------------------------------------------
async def test_phishing_lookalike_is_removed_and_the_sender_muted_with_undo(harness: Harness, chats: Chats) -> None:
    bad = await say(harness, REGULAR, "Получите ИИН онлайн за 5 минут: https://egov-kz.online/iin")
    assert bad in deleted(harness)
    assert len(mutes(harness, REGULAR.user_id)) == 1
    entries = log_entries(harness)
    assert "look-alike of an official or bank site (egov-kz.online)" in entries[-2].text
    assert "🔇 Mute" in entries[-1].text and "↩️ Undo" in str(entries[-1].reply_markup)
    await harness.press(LOG_ADMIN, "↩️ Undo")
    last = harness.session.sent(RestrictChatMember)[-1]
    assert last.user_id == REGULAR.user_id and last.permissions.can_send_messages


async def test_scam_offer_from_newcomer_is_removed(harness: Harness, chats: Chats) -> None:
    await on_probation(harness, NEWBIE)
    bad = await say(harness, NEWBIE, "Работа на дому, доход от 500$ в неделю, пишите в лс ✅")
    assert bad in deleted(harness)
    assert mutes(harness, NEWBIE.user_id)


async def test_flood_mutes_for_an_hour(harness: Harness, chats: Chats) -> None:
    for i in range(6):
        await say(harness, REGULAR, f"msg {i}")
    assert len(mutes(harness, REGULAR.user_id)) == 1
    mute = mutes(harness, REGULAR.user_id)[0]
    assert mute.until_date is not None
    assert "Too many messages too fast" in private_to(harness, REGULAR.user_id)[-1]


async def test_same_message_across_chats_from_newcomer(harness: Harness, chats: Chats) -> None:
    text = "Hello friends, I recommend everyone this wonderful opportunity today"
    for chat_id in (GROUP, OTHER_GROUP, -1003333333333):
        person = Person(user_id=NEWBIE.user_id, first_name="Dana", chat_id=chat_id, chat_type="supergroup")
        chats.add(chat_id, admin_member(10))
        await harness.services.chats.set_value(chat_id, PROTECTION, {"night_mode": False})
        await on_probation(harness, NEWBIE, chat_id)
        await say(harness, person, text)
    removed = [d for d in harness.session.sent(DeleteMessage) if int(d.chat_id) == -1003333333333]
    assert len(removed) == 1


async def test_insult_is_removed_with_a_warning(harness: Harness, chats: Chats) -> None:
    bad = await say(harness, REGULAR, "ты дебил")
    assert bad in deleted(harness)
    warns = await harness.services.moderation.warnings(GROUP, REGULAR.user_id, timedelta(days=30))
    assert len(warns) == 1
    assert "Insults, hate and threats are not allowed" in private_to(harness, REGULAR.user_id)[-1]


async def test_edited_message_turned_into_spam_is_removed(harness: Harness, chats: Chats) -> None:
    message = REGULAR.message("Hi all", harness.session)
    await feed(harness, Update(update_id=30_000, message=message))
    edited = message.model_copy(update={"text": "Заходи https://egov-kz.online/iin получи ИИН", "edit_date": 1})
    await feed(harness, Update(update_id=30_001, edited_message=edited))
    assert message.message_id in deleted(harness)


async def test_chats_own_phrases_and_settings_by_command(harness: Harness, chats: Chats) -> None:
    await harness.send(ADMIN, "/protection add spam обмен валют")
    assert "Saved." in private_to(harness, ADMIN.user_id)[-1]
    assert await say(harness, REGULAR, "Выгодный обмен валют у метро") in deleted(harness)
    await harness.send(ADMIN, "/protection set probation_hours lots")
    assert "Not saved: probation_hours must be hours, from 0 to 8760." in private_to(harness, ADMIN.user_id)[-1]
    await harness.send(ADMIN, "/protection set night_start 25:00")
    assert "Not saved: night_start must be a time like 00:00." in private_to(harness, ADMIN.user_id)[-1]
    await harness.send(ADMIN, "/protection allow cheap-flats-almaty.com")
    await on_probation(harness, NEWBIE)
    assert await say(harness, NEWBIE, "See https://cheap-flats-almaty.com/a1") not in deleted(harness)
    stored = (await harness.services.chats.get(GROUP)).values[PROTECTION]
    assert stored["extra_spam_phrases"] == ["обмен валют"] and "probation_hours" not in stored
    await harness.send(REGULAR, "/protection reset")  # not an admin: nothing changes, nothing said
    assert (await harness.services.chats.get(GROUP)).values[PROTECTION] == stored


# -- night mode -----------------------------------------------------------------------------------------------
async def test_at_night_a_newcomer_is_held_for_review_and_an_admin_publishes(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await harness.services.chats.set_value(GROUP, PROTECTION, {"night_mode": True})
    night = datetime(2026, 11, 24, 2, 30, tzinfo=UTC).timestamp() - 5 * 3600  # 02:30 in Asia/Almaty (UTC+5)
    guard.clock = lambda: night
    await on_probation(harness, NEWBIE)
    held = await say(harness, NEWBIE, "Does anyone know a good dentist near Abay avenue?")
    assert held in deleted(harness)
    assert "waiting for the admins' review" in private_to(harness, NEWBIE.user_id)[-1]
    card = log_entries(harness)[-1]
    assert "⏸ Message held for review" in card.text and "✅ Publish" in str(card.reply_markup)
    await harness.press(LOG_ADMIN, "✅ Publish")
    published = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP][-1]
    assert "approved by the admins" in published.text and "good dentist near Abay" in published.text
    assert (await harness.services.moderation.latest(GROUP))[0].action == "release"
    # Regular members write at night as usual.
    assert await say(harness, REGULAR, "Try the clinic on Satpayev street") not in deleted(harness)


async def test_two_admins_publishing_at_once_publish_once(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await harness.services.chats.set_value(GROUP, PROTECTION, {"night_mode": True})
    guard.clock = lambda: datetime(2026, 11, 24, 2, 30, tzinfo=UTC).timestamp() - 5 * 3600
    await on_probation(harness, NEWBIE)
    long_question = "Where can I find a dentist who speaks Russian? " * 60  # ~2,800 characters: kept whole
    await say(harness, NEWBIE, long_question)
    before = len([m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP])
    await asyncio.gather(harness.press(LOG_ADMIN, "✅ Publish"), harness.press(LOG_ADMIN, "✅ Publish"))
    published = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP][before:]
    assert len(published) == 1 and long_question.strip() in published[0].text
    assert "Already undone." in harness.popups()
    releases = [a for a in await harness.services.moderation.latest(GROUP) if a.action == "release"]
    assert len(releases) == 1


async def test_without_a_log_chat_a_held_message_is_removed_with_an_honest_word(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await harness.services.chats.set_value(GROUP, LOG_CHAT, 0)
    await harness.services.chats.set_value(GROUP, PROTECTION, {"night_mode": True})
    guard.clock = lambda: datetime(2026, 11, 24, 2, 30, tzinfo=UTC).timestamp() - 5 * 3600
    await on_probation(harness, NEWBIE)
    gone = await say(harness, NEWBIE, "Does anyone know a good dentist?")
    assert gone in deleted(harness)
    assert "new members can only read this chat" in private_to(harness, NEWBIE.user_id)[-1]  # nobody could publish it


async def test_night_read_only_and_stricter_flood_limit(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await harness.services.chats.set_value(GROUP, PROTECTION, {"night_mode": True, "night_action": "read_only"})
    night = datetime(2026, 11, 24, 1, 0, tzinfo=UTC).timestamp() - 5 * 3600
    guard.clock = lambda: night
    await on_probation(harness, NEWBIE)
    await say(harness, NEWBIE, "hello?")
    assert "new members can only read this chat" in private_to(harness, NEWBIE.user_id)[-1]
    for i in range(4):  # the night limit is 3 in 10 s; the day limit would allow 5
        await say(harness, REGULAR, f"night msg {i}")
    assert len(mutes(harness, REGULAR.user_id)) == 1


# -- personal data --------------------------------------------------------------------------------------------
async def test_personal_data_is_removed_and_the_text_returned_privately(harness: Harness, chats: Chats) -> None:
    text = f"Мой ИИН {VALID_IIN}, помогите с ЦОН"
    bad = await say(harness, REGULAR, text)
    assert bad in deleted(harness)
    explanation = private_to(harness, REGULAR.user_id)[-1]
    assert "It contained personal data (IIN)" in explanation and text in explanation
    action = (await harness.services.moderation.latest(GROUP))[0]
    assert action.action == "delete" and VALID_IIN not in (action.evidence or "")  # evidence is masked
    entry = log_entries(harness)[-1]
    assert VALID_IIN not in entry.text and "Restore" not in str(entry.reply_markup)


async def test_personal_data_from_someone_the_bot_cannot_write_to(harness: Harness, chats: Chats) -> None:
    block_private(harness.session, REGULAR.user_id)
    await say(harness, REGULAR, f"ИИН {VALID_IIN}")
    notice = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP][-1]
    assert "it contained personal data. Tap the button to get your text back." in notice.text
    url = notice.reply_markup.inline_keyboard[0][0].url  # type: ignore[union-attr]
    payload = url.split("start=")[1]
    stranger = Person(user_id=999, first_name="X", language_code="en")
    await harness.send(stranger, f"/start {payload}")
    assert harness.last() == "This link has expired or is meant for someone else."
    harness.session.handlers.clear()
    owner = Person(user_id=REGULAR.user_id, first_name="Marat", language_code="en")
    await harness.send(owner, f"/start {payload}")
    assert VALID_IIN in harness.last()
    await harness.send(owner, f"/start {payload}")  # once only
    assert harness.last() == "This link has expired or is meant for someone else."


# -- dry run and switches -------------------------------------------------------------------------------------
async def test_dry_run_logs_what_would_be_done_and_does_nothing(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, PROTECTION, {"night_mode": False, "dry_run": True})
    await say(harness, REGULAR, "Получите ИИН онлайн: https://egov-kz.online/iin")
    assert deleted(harness) == [] and mutes(harness, REGULAR.user_id) == []
    assert private_to(harness, REGULAR.user_id) == []
    entries = log_entries(harness)
    assert len(entries) == 2 and all("🧪 Dry run: nothing was done." in e.text for e in entries)
    statuses = {a.status for a in await harness.services.moderation.latest(GROUP)}
    assert statuses == {"dry_run"}


async def test_settings_switches_turn_protection_off_and_on(harness: Harness, chats: Chats) -> None:
    admin_private = Person(user_id=ADMIN.user_id, first_name="Asel", language_code="en")
    await harness.send(ADMIN, "/settings")
    await harness.press(admin_private, "🛡 Protection: on")
    assert (await harness.services.chats.get(GROUP)).values[PROTECTION]["enabled"] is False
    assert await say(harness, REGULAR, "Получите ИИН онлайн: https://egov-kz.online/iin") not in deleted(harness)
    await harness.press(admin_private, "🛡 Protection: off")
    await harness.press(admin_private, "Dry run (log only): off")
    values = (await harness.services.chats.get(GROUP)).values[PROTECTION]
    assert values["enabled"] is True and values["dry_run"] is True
    await harness.press(admin_private, "No answer in time: remove")
    assert (await harness.services.chats.get(GROUP)).values[PROTECTION]["join_fail_action"] == "read_only"


async def test_a_failing_filter_lets_the_message_through(
    harness: Harness, chats: Chats, caplog: pytest.LogCaptureFixture
) -> None:
    guard = harness.provided["guard"]

    async def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("bug")

    guard.inspect = broken
    await say(harness, ADMIN, "/settings")  # reaches its handler although the guard failed on it
    assert "I sent the settings to you privately." in harness.last()
    assert "protection failed on a message" in caplog.text and "/settings" not in caplog.text


async def test_probation_counts_only_accepted_messages(harness: Harness, chats: Chats) -> None:
    await on_probation(harness, NEWBIE)
    await say(harness, NEWBIE, "Hello!")
    await say(harness, NEWBIE, "https://cheap-flats-almaty.com")
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == PROBATION and member.messages == 1
