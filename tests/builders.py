"""Builders of Telegram updates as a real client would send them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiogram.types import CallbackQuery, Chat, Message, MessageEntity, Update, User

from bot.standin import ChatMessage, StandInSession


@dataclass
class Person:
    user_id: int = 111
    first_name: str = "Aigerim"
    language_code: str | None = "ru"
    chat_id: int | None = None  # None: the private chat with the bot
    chat_type: str = "private"

    @property
    def user(self) -> User:
        return User(id=self.user_id, is_bot=False, first_name=self.first_name, language_code=self.language_code)

    @property
    def chat(self) -> Chat:
        if self.chat_id is None:
            return Chat(id=self.user_id, type="private", first_name=self.first_name)
        return Chat(id=self.chat_id, type=self.chat_type, title="Relocation chat")

    def message(self, text: str, session: StandInSession, *, reply_to: Message | None = None,
                as_group: bool = False, **extra: object) -> Message:  # fmt: skip
        entities = None
        if text.startswith("/"):
            entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
        sender = {}
        if as_group:  # an anonymous admin: Telegram sends GroupAnonymousBot with sender_chat = the group
            sender = {
                "from_user": User(id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot"),
                "sender_chat": self.chat,
            }
        return Message(
            message_id=session.next_message_id(),
            date=int(time.time()),
            chat=self.chat,
            **({"from_user": self.user} | sender),
            text=text,
            entities=entities,
            reply_to_message=reply_to,
            **extra,
        )

    def message_update(self, update_id: int, text: str, session: StandInSession, **kwargs: object) -> Update:
        return Update(update_id=update_id, message=self.message(text, session, **kwargs))  # type: ignore[arg-type]

    def callback_update(self, update_id: int, msg: ChatMessage, data: str, session: StandInSession) -> Update:
        query = CallbackQuery(
            id=str(update_id),
            from_user=self.user,
            chat_instance="ci",
            data=data,
            message=Message(
                message_id=msg.message_id,
                date=int(time.time()),
                chat=self.chat,
                from_user=session.bot_user,
                text=msg.text,
                reply_markup=msg.keyboard,
            ),
        )
        return Update(update_id=update_id, callback_query=query)
