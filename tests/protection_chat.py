"""Updates for the automatic-protection tests: joins, leaves, join requests, and a chat with a log chat."""

from __future__ import annotations

import time
from typing import Any

from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from aiogram.types import (
    Chat,
    ChatJoinRequest,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberRestricted,
    ChatMemberUpdated,
    Message,
    Update,
    User,
)

from bot.protection.challenge import PICTURES
from bot.standin import StandInSession
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP

_ids = iter(range(50_000, 10**9))


def group_chat(chat_id: int = GROUP) -> Chat:
    return Chat(id=chat_id, type="supergroup", title="Relocation chat")


def _restricted(user: User, is_member: bool) -> ChatMemberRestricted:
    return ChatMemberRestricted(
        user=user, is_member=is_member, can_send_messages=False, can_send_audios=False, can_send_documents=False,
        can_send_photos=False, can_send_videos=False, can_send_video_notes=False, can_send_voice_notes=False,
        can_send_polls=False, can_send_other_messages=False, can_add_web_page_previews=False, can_change_info=False,
        can_invite_users=False, can_pin_messages=False, can_manage_topics=False, can_react_to_messages=False,
        can_edit_tag=False, until_date=0,
    )  # fmt: skip


def joined(person: Person, *, by: Person | None = None, chat_id: int = GROUP, restricted: bool = False) -> Update:
    """A chat_member update: the person joined (by themselves, or added by `by`). `restricted`: they were
    restricted when they left, as Telegram keeps it."""
    user = person.user
    old: Any = _restricted(user, False) if restricted else ChatMemberLeft(user=user)
    new: Any = _restricted(user, True) if restricted else ChatMemberMember(user=user)
    event = ChatMemberUpdated(
        chat=group_chat(chat_id), from_user=(by or person).user, date=int(time.time()),
        old_chat_member=old, new_chat_member=new,
    )  # fmt: skip
    return Update(update_id=next(_ids), chat_member=event)


def left(person: Person, chat_id: int = GROUP) -> Update:
    user = person.user
    event = ChatMemberUpdated(
        chat=group_chat(chat_id), from_user=user, date=int(time.time()),
        old_chat_member=_restricted(user, True), new_chat_member=_restricted(user, False),
    )  # fmt: skip
    return Update(update_id=next(_ids), chat_member=event)


def lifted(person: Person, *, by: Person, chat_id: int = GROUP) -> Update:
    """An admin lifted the person's restriction in Telegram's own interface."""
    user = person.user
    event = ChatMemberUpdated(
        chat=group_chat(chat_id), from_user=by.user, date=int(time.time()),
        old_chat_member=_restricted(user, True), new_chat_member=ChatMemberMember(user=user),
    )  # fmt: skip
    return Update(update_id=next(_ids), chat_member=event)


def join_service_message(person: Person, session: StandInSession, chat_id: int = GROUP) -> Update:
    message = Message(
        message_id=session.next_message_id(), date=int(time.time()), chat=group_chat(chat_id),
        from_user=person.user, new_chat_members=[person.user],
    )  # fmt: skip
    return Update(update_id=next(_ids), message=message)


def join_request(person: Person, chat_id: int = GROUP) -> Update:
    request = ChatJoinRequest(
        chat=group_chat(chat_id), from_user=person.user, user_chat_id=person.user_id, date=int(time.time())
    )
    return Update(update_id=next(_ids), chat_join_request=request)


async def feed(harness: Harness, update: Update) -> None:
    await harness.dp.feed_update(harness.bot, update)  # type: ignore[attr-defined]


def challenge_message(harness: Harness, chat_id: int):  # type: ignore[no-untyped-def]
    """The latest message with the eight picture buttons in that chat."""
    for msg in reversed(list(harness.session.messages.values())):
        if msg.chat_id == chat_id and len(msg.buttons()) == 8:
            return msg
    raise AssertionError("no join check was posted")


def picture_asked(html: str, options: list[str]) -> str:
    """Which of the button pictures the English question names in bold — what a person reads and does."""
    named = [emoji for emoji in options if f"<b>{PICTURES[emoji]}</b>" in html]
    assert len(named) == 1, (html, options)
    return named[0]


def block_private(session: StandInSession, *user_ids: int) -> None:
    """These people never started the bot: Telegram refuses to let it write to them first."""

    def send(method: SendMessage):  # type: ignore[no-untyped-def]
        if int(method.chat_id) in user_ids:
            raise TelegramForbiddenError(method, "Forbidden: bot can't initiate conversation with a user")
        return session._send(method)

    session.on(SendMessage, send)
