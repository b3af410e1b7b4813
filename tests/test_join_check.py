"""The join check through the real dispatcher: restrict, ask, pass or fail, time out, rejoin, join requests."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.methods import (
    ApproveChatJoinRequest,
    BanChatMember,
    DeclineChatJoinRequest,
    DeleteMessage,
    RestrictChatMember,
    SendMessage,
    UnbanChatMember,
)
from aiogram.types import Update

from bot.storage.members import CHALLENGE, FAILED, PROBATION
from handlers.enforcement import LOG_CHAT
from handlers.protection import PROTECTION
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, Chats, admin_member
from tests.protection_chat import (
    challenge_message,
    feed,
    join_request,
    join_service_message,
    joined,
    left,
    lifted,
    picture_asked,
)

NEWBIE = Person(user_id=501, first_name="Dana", chat_id=GROUP, chat_type="supergroup", language_code="en")
NEWBIE_PRIVATE = Person(user_id=501, first_name="Dana", language_code="en")
OTHER = Person(user_id=502, first_name="Erlan", chat_id=GROUP, chat_type="supergroup", language_code="en")
ADMIN = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup", language_code="en")
LOG_ADMIN = Person(user_id=10, first_name="Asel", chat_id=LOG_GROUP, chat_type="supergroup", language_code="en")


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    c.add(GROUP, admin_member(10))
    c.add(LOG_GROUP, admin_member(10))
    for chat_id in (GROUP, LOG_GROUP):
        await harness.services.chats.set_language(chat_id, "en")
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    return c


def restrictions(harness: Harness, user_id: int) -> list[bool]:
    """can_send_messages of each restrictChatMember for this user, in order."""
    return [
        bool(r.permissions.can_send_messages) for r in harness.session.sent(RestrictChatMember) if r.user_id == user_id
    ]


def button(msg, emoji: str) -> str:  # type: ignore[no-untyped-def]
    return next(b.text for b in msg.buttons() if b.text == emoji)


async def answer_right(harness: Harness, person: Person, chat_id: int) -> None:
    msg = challenge_message(harness, chat_id)
    emoji = picture_asked(msg.html, [b.text for b in msg.buttons()])
    await harness.press(person, button(msg, emoji))


async def answer_wrong(harness: Harness, person: Person, chat_id: int) -> None:
    msg = challenge_message(harness, chat_id)
    emoji = picture_asked(msg.html, [b.text for b in msg.buttons()])
    await harness.press(person, next(b.text for b in msg.buttons() if b.text != emoji))


async def test_new_member_is_restricted_until_they_press_the_named_picture(harness: Harness, chats: Chats) -> None:
    await feed(harness, joined(NEWBIE))
    assert restrictions(harness, NEWBIE.user_id) == [False]
    msg = challenge_message(harness, GROUP)
    assert "Dana, welcome! To write in this chat, press" in msg.text and "within 3 min" in msg.text
    # The buttons show pictures only, in an order that changes, and their data says nothing about being right.
    data = [b.callback_data for b in msg.buttons()]
    assert len(set(data)) == 8 and all(len(d) <= 64 for d in data)
    # Someone else cannot answer for them.
    await harness.press(OTHER, msg.buttons()[0].text)
    assert harness.popups()[-1] == "This button is for the new member."
    assert restrictions(harness, NEWBIE.user_id) == [False]

    await answer_right(harness, NEWBIE, GROUP)
    assert restrictions(harness, NEWBIE.user_id) == [False, True]
    assert harness.popups()[-1] == "Thank you! Welcome to the chat."
    assert (GROUP, msg.message_id) not in harness.session.messages  # the challenge is cleaned up
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == PROBATION and member.answer is None
    # Passing is routine: in the audit log, not in the log chat.
    audit = await harness.services.moderation.latest(GROUP)
    assert [a.action for a in audit] == ["unmute", "mute"] and all(a.automatic for a in audit)
    assert not [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP]


async def test_the_order_of_buttons_changes_between_challenges(harness: Harness, chats: Chats) -> None:
    positions = set()
    for user_id in range(600, 612):
        person = Person(user_id=user_id, first_name="N", chat_id=GROUP, chat_type="supergroup", language_code="en")
        await feed(harness, joined(person))
        msg = challenge_message(harness, GROUP)
        emoji = picture_asked(msg.html, [b.text for b in msg.buttons()])
        positions.add([b.text for b in msg.buttons()].index(emoji))
    assert len(positions) >= 3  # 12 challenges: a fixed place would give one


async def test_two_wrong_answers_remove_the_member_and_the_log_chat_is_told(harness: Harness, chats: Chats) -> None:
    await feed(harness, joined(NEWBIE))
    first = challenge_message(harness, GROUP).html
    await answer_wrong(harness, NEWBIE, GROUP)
    assert harness.session.sent(BanChatMember) == []
    retry = challenge_message(harness, GROUP)
    assert retry.html != first and "That was not it. One more try:" in retry.text
    await answer_wrong(harness, NEWBIE, GROUP)
    assert [b.user_id for b in harness.session.sent(BanChatMember)] == [NEWBIE.user_id]
    assert [u.user_id for u in harness.session.sent(UnbanChatMember)] == [NEWBIE.user_id]  # removed, may rejoin
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == FAILED
    log_entry = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP][-1]
    assert "👢 Kick" in log_entry.text and "did not pass the join check" in log_entry.text


async def test_timeout_removes_by_default(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    joins = harness.provided["join_check"]
    await feed(harness, joined(NEWBIE))
    assert await joins.sweep(harness.bot) == 0  # not yet
    start = guard.clock()
    guard.clock = lambda: start + 181
    assert await joins.sweep(harness.bot) == 1
    assert [b.user_id for b in harness.session.sent(BanChatMember)] == [NEWBIE.user_id]
    assert any(isinstance(r, DeleteMessage) for r in harness.session.requests)  # the challenge is removed
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == FAILED and member.answer is None
    assert await joins.sweep(harness.bot) == 0  # ended once


async def test_timeout_can_keep_the_member_read_only_and_rejoining_does_not_lift_it(
    harness: Harness, chats: Chats
) -> None:
    await harness.services.chats.set_value(GROUP, PROTECTION, {"join_fail_action": "read_only"})
    guard, joins = harness.provided["guard"], harness.provided["join_check"]
    await feed(harness, joined(NEWBIE))
    start = guard.clock()
    guard.clock = lambda: start + 200
    await joins.sweep(harness.bot)
    assert harness.session.sent(BanChatMember) == []
    assert restrictions(harness, NEWBIE.user_id) == [False, False]
    log_entry = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP][-1]
    assert "🔇 Mute" in log_entry.text and "↩️ Undo" in str(log_entry.reply_markup)
    posted = len(harness.session.sent(SendMessage))
    await feed(harness, left(NEWBIE))
    await feed(harness, joined(NEWBIE, restricted=True))
    assert restrictions(harness, NEWBIE.user_id) == [False, False, False]
    assert len(harness.session.sent(SendMessage)) == posted  # no new challenge: the decision stands
    # The admin lets them in with one tap; from then on they are a newcomer on probation, not a failed check.
    await harness.press(LOG_ADMIN, "↩️ Undo")
    assert restrictions(harness, NEWBIE.user_id)[-1] is True
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == PROBATION
    hello = NEWBIE.message("Hello, thank you for letting me in", harness.session)
    await feed(harness, Update(update_id=77_777, message=hello))
    assert hello.message_id not in [d.message_id for d in harness.session.sent(DeleteMessage)]


async def test_an_admin_lifting_the_restriction_in_telegram_ends_the_check(harness: Harness, chats: Chats) -> None:
    await feed(harness, joined(NEWBIE))
    await feed(harness, lifted(NEWBIE, by=ADMIN))
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == PROBATION


async def test_leaving_and_rejoining_keeps_the_deadline_and_attempts(harness: Harness, chats: Chats) -> None:
    guard = harness.provided["guard"]
    await feed(harness, joined(NEWBIE))
    await answer_wrong(harness, NEWBIE, GROUP)
    before = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert before is not None and before.attempts == 1
    start = guard.clock()
    guard.clock = lambda: start + 60
    await feed(harness, left(NEWBIE))
    await feed(harness, joined(NEWBIE, restricted=True))
    after = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert after is not None and after.state == CHALLENGE
    assert after.deadline == before.deadline and after.attempts == 1 and after.joined_at == before.joined_at
    assert restrictions(harness, NEWBIE.user_id)[-1] is False
    await answer_wrong(harness, NEWBIE, GROUP)  # the second wrong answer in total
    assert [b.user_id for b in harness.session.sent(BanChatMember)] == [NEWBIE.user_id]


async def test_a_join_seen_twice_gets_one_challenge(harness: Harness, chats: Chats) -> None:
    await feed(harness, join_service_message(NEWBIE, harness.session))
    await feed(harness, joined(NEWBIE))
    challenges = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP and m.reply_markup]
    assert len(challenges) == 1
    assert restrictions(harness, NEWBIE.user_id) == [False]


async def test_a_join_seen_twice_at_the_same_time_gets_one_challenge(harness: Harness, chats: Chats) -> None:
    await asyncio.gather(feed(harness, join_service_message(NEWBIE, harness.session)), feed(harness, joined(NEWBIE)))
    challenges = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP and m.reply_markup]
    assert len(challenges) == 1


async def test_a_right_answer_and_the_timeout_at_once_settle_the_check_once(harness: Harness, chats: Chats) -> None:
    guard, joins = harness.provided["guard"], harness.provided["join_check"]
    await feed(harness, joined(NEWBIE))
    start = guard.clock()
    guard.clock = lambda: start + 181
    await asyncio.gather(answer_right(harness, NEWBIE, GROUP), joins.sweep(harness.bot))
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    kicked = [b.user_id for b in harness.session.sent(BanChatMember)]
    lifted = restrictions(harness, NEWBIE.user_id)[1:]
    # Either they passed (let in, never kicked) or they timed out (kicked, never let in): never both.
    assert (member.state, kicked, lifted) in ((PROBATION, [], [True]), (FAILED, [NEWBIE.user_id], []))  # type: ignore[union-attr]


async def test_a_double_tap_on_the_right_picture_lets_in_once(harness: Harness, chats: Chats) -> None:
    await feed(harness, joined(NEWBIE))
    await asyncio.gather(answer_right(harness, NEWBIE, GROUP), answer_right(harness, NEWBIE, GROUP))
    assert restrictions(harness, NEWBIE.user_id) == [False, True]
    assert [a.action for a in await harness.services.moderation.latest(GROUP)].count("unmute") == 1


async def test_members_added_by_an_admin_and_checks_switched_off_skip_the_challenge(
    harness: Harness, chats: Chats
) -> None:
    await feed(harness, joined(NEWBIE, by=ADMIN))
    assert restrictions(harness, NEWBIE.user_id) == []
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == PROBATION  # the filters still watch their first day
    await harness.services.chats.set_value(GROUP, PROTECTION, {"join_check": False})
    await feed(harness, joined(OTHER))
    assert restrictions(harness, OTHER.user_id) == []


async def test_without_the_right_to_restrict_no_challenge_is_posted(harness: Harness) -> None:
    chats = Chats(harness.session)
    chats.add(GROUP, admin_member(10), bot_restrict=False)

    def refuse(method):  # type: ignore[no-untyped-def]
        from aiogram.exceptions import TelegramBadRequest

        raise TelegramBadRequest(method, "Bad Request: not enough rights to restrict/unrestrict chat member")

    harness.session.on(RestrictChatMember, refuse)
    await feed(harness, joined(NEWBIE))
    assert not [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == GROUP]
    failed = (await harness.services.moderation.latest(GROUP))[0]
    assert failed.status == "failed" and "not enough rights" in (failed.error or "")


async def test_join_request_is_asked_privately_and_approved(harness: Harness, chats: Chats) -> None:
    await feed(harness, join_request(NEWBIE))
    asked = challenge_message(harness, NEWBIE.user_id)
    assert "You asked to join «Relocation chat»" in asked.text
    assert restrictions(harness, NEWBIE.user_id) == []  # nothing to restrict: they are not in yet
    await answer_right(harness, NEWBIE_PRIVATE, NEWBIE.user_id)
    approved = harness.session.sent(ApproveChatJoinRequest)
    assert [(int(a.chat_id), a.user_id) for a in approved] == [(GROUP, NEWBIE.user_id)]
    assert harness.last() == "✅ Thank you! Your request is approved."
    # When Telegram then reports the join, there is no second check.
    await feed(harness, joined(NEWBIE))
    assert restrictions(harness, NEWBIE.user_id) == []


async def test_join_request_times_out_and_is_declined(harness: Harness, chats: Chats) -> None:
    guard, joins = harness.provided["guard"], harness.provided["join_check"]
    await feed(harness, join_request(NEWBIE))
    start = guard.clock()
    guard.clock = lambda: start + 181
    await joins.sweep(harness.bot)
    declined = harness.session.sent(DeclineChatJoinRequest)
    assert [(int(d.chat_id), d.user_id) for d in declined] == [(GROUP, NEWBIE.user_id)]
    assert "declined because the check was not passed" in harness.last()


async def test_dry_run_logs_the_restriction_and_does_nothing(harness: Harness, chats: Chats) -> None:
    await harness.services.chats.set_value(GROUP, PROTECTION, {"dry_run": True})
    await feed(harness, joined(NEWBIE))
    assert restrictions(harness, NEWBIE.user_id) == []
    entry = [m for m in harness.session.sent(SendMessage) if int(m.chat_id) == LOG_GROUP][-1]
    assert "🧪 Dry run: nothing was done." in entry.text
    assert (await harness.services.moderation.latest(GROUP))[0].status == "dry_run"


async def test_the_sweep_forgets_old_failures_and_silent_newcomers(harness: Harness, chats: Chats) -> None:
    guard, joins = harness.provided["guard"], harness.provided["join_check"]
    await feed(harness, joined(NEWBIE))
    await feed(harness, joined(OTHER, by=ADMIN))  # on probation, then silent
    start = guard.clock()
    guard.clock = lambda: start + 200
    await joins.sweep(harness.bot)
    assert (await harness.services.members.get(GROUP, NEWBIE.user_id)).state == FAILED  # type: ignore[union-attr]
    guard.clock = lambda: start + 31 * 24 * 3600
    await joins.sweep(harness.bot)
    assert await harness.services.members.get(GROUP, NEWBIE.user_id) is None
    assert await harness.services.members.get(GROUP, OTHER.user_id) is not None
    guard.clock = lambda: start + 91 * 24 * 3600
    await joins.sweep(harness.bot)
    assert await harness.services.members.get(GROUP, OTHER.user_id) is None


async def test_forget_me_during_a_check_keeps_the_check_so_it_can_still_end(harness: Harness, chats: Chats) -> None:
    guard, joins = harness.provided["guard"], harness.provided["join_check"]
    await feed(harness, joined(NEWBIE))
    await harness.send(NEWBIE_PRIVATE, "/forget_me")
    await harness.press(NEWBIE_PRIVATE, "Delete everything")
    member = await harness.services.members.get(GROUP, NEWBIE.user_id)
    assert member is not None and member.state == CHALLENGE  # they are muted in Telegram: only the check ends it
    start = guard.clock()
    guard.clock = lambda: start + 181
    assert await joins.sweep(harness.bot) == 1
    assert [b.user_id for b in harness.session.sent(BanChatMember)] == [NEWBIE.user_id]
