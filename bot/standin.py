"""An in-process stand-in for the Telegram Bot API.

The offline demo runs the real Bot and Dispatcher against it instead of the network, and tests use it as the
recording session. It keeps the state a chat needs (messages, their keyboards, edits) and enforces the limits real
Telegram enforces, so content that would be rejected by Telegram is rejected here too.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageText,
    GetChatAdministrators,
    GetChatMember,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, Chat, ChatMemberMember, Document, File, InlineKeyboardMarkup, Message, User

from bot.render import html_to_text, message_problem


def check_html(text: str) -> None:
    """Raise TelegramBadRequest for what Telegram would refuse: bad markup, too long, too many entities, empty."""
    problem = message_problem(text)
    if problem:
        raise TelegramBadRequest(SendMessage(chat_id=0, text=""), f"Bad Request: {problem}")


@dataclass
class ChatMessage:
    """A message as the chat holds it: what the demo prints and tests inspect."""

    message_id: int
    chat_id: int
    html: str
    keyboard: InlineKeyboardMarkup | None = None
    from_bot: bool = True
    edits: int = 0
    document: tuple[str, bytes] | None = None  # (file name, content) of a sent document

    @property
    def text(self) -> str:
        return html_to_text(self.html)

    def buttons(self) -> list[Any]:
        return [b for row in (self.keyboard.inline_keyboard if self.keyboard else []) for b in row]


@dataclass
class Event:
    """Something the bot did that a person would see: a new message, an edit, a popup."""

    kind: str  # "send" | "edit" | "popup" | "delete"
    message: ChatMessage | None = None
    text: str = ""


Handler = Callable[[TelegramMethod[Any]], Any]


@dataclass
class StandInSession(BaseSession):
    bot_user: User = field(
        default_factory=lambda: User(
            id=123456, is_bot=True, first_name="Relocation Help", username="relocation_demo_bot"
        )
    )

    def __post_init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.events: list[Event] = []
        self.handlers: dict[type, Handler] = {}
        # Files people "uploaded": file_id → content. getFile and the download read from here.
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1)

    # -- what tests and the demo use ---------------------------------------------------------------------------
    def on(self, method: type[TelegramMethod[Any]], handler: Handler) -> None:
        """Answer a method with a custom function (for tests that need a particular response or error)."""
        self.handlers[method] = handler

    def next_message_id(self) -> int:
        return next(self._ids)

    def sent(self, method: type[TelegramMethod[Any]] | None = None) -> list[TelegramMethod[Any]]:
        return [r for r in self.requests if method is None or isinstance(r, method)]

    def take_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events

    # -- BaseSession --------------------------------------------------------------------------------------------
    async def close(self) -> None:
        return None

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30, chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # fmt: skip
        # The URL ends with the file_path getFile returned: "documents/<file_id>".
        file_id = url.rsplit("/", 1)[-1]
        if file_id not in self.files:
            raise TelegramBadRequest(GetFile(file_id=file_id), "Bad Request: file not found")
        data = self.files[file_id]
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        if self.bot_user.id != bot.id:  # the bot's id is the number before the colon in its token
            self.bot_user = self.bot_user.model_copy(update={"id": bot.id})
        custom = self.handlers.get(type(method))
        if custom is not None:
            return custom(method)
        if isinstance(method, GetMe):
            return self.bot_user  # type: ignore[return-value]
        if isinstance(method, SendMessage):
            return self._send(method)  # type: ignore[return-value]
        if isinstance(method, EditMessageText):
            return self._edit(method)  # type: ignore[return-value]
        if isinstance(method, GetFile):
            if method.file_id not in self.files:
                raise TelegramBadRequest(method, "Bad Request: invalid file_id")
            size = len(self.files[method.file_id])
            return File(file_id=method.file_id, file_unique_id=method.file_id, file_size=size,  # type: ignore[return-value]
                        file_path=f"documents/{method.file_id}")  # fmt: skip
        if isinstance(method, SendDocument):
            return self._send_document(method)  # type: ignore[return-value]
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self.events.append(Event("popup", text=method.text))
            return True  # type: ignore[return-value]
        if isinstance(method, DeleteMessage):
            msg = self.messages.pop((int(method.chat_id), method.message_id), None)
            self.events.append(Event("delete", message=msg))
            return True  # type: ignore[return-value]
        if isinstance(method, GetChatAdministrators):
            return []  # type: ignore[return-value]  # the demo chat has no admins
        if isinstance(method, GetChatMember):
            user = self.bot_user if method.user_id == self.bot_user.id else User(id=method.user_id, is_bot=False,
                                                                                    first_name="User")  # fmt: skip
            return ChatMemberMember(user=user)  # type: ignore[return-value]
        # setMyCommands, deleteWebhook, answerInlineQuery and other calls that only answer True.
        return True  # type: ignore[return-value]

    def _message(self, msg: ChatMessage) -> Message:
        return Message(
            message_id=msg.message_id,
            date=int(time.time()),
            chat=Chat(id=msg.chat_id, type="private" if msg.chat_id > 0 else "supergroup"),
            from_user=self.bot_user,
            text=msg.text,
            reply_markup=msg.keyboard,
        )

    def _send(self, method: SendMessage) -> Message:
        check_html(method.text)
        keyboard = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        msg = ChatMessage(self.next_message_id(), int(method.chat_id), method.text, keyboard)
        self.messages[(msg.chat_id, msg.message_id)] = msg
        self.events.append(Event("send", msg))
        return self._message(msg)

    def _send_document(self, method: SendDocument) -> Message:
        upload = method.document
        name, data = ("document", b"")
        if isinstance(upload, BufferedInputFile):
            name, data = upload.filename or "document", upload.data
        msg = ChatMessage(self.next_message_id(), int(method.chat_id), method.caption or "", document=(name, data))
        self.messages[(msg.chat_id, msg.message_id)] = msg
        self.events.append(Event("send", msg))
        sent = self._message(msg)
        document = Document(file_id=f"sent-{msg.message_id}", file_unique_id=f"sent-{msg.message_id}", file_name=name)
        return sent.model_copy(update={"text": None, "caption": method.caption, "document": document})

    def _edit(self, method: EditMessageText) -> Message:
        check_html(method.text)
        key = (int(method.chat_id or 0), int(method.message_id or 0))
        msg = self.messages.get(key)
        if msg is None:
            raise TelegramBadRequest(method, "Bad Request: message to edit not found")
        keyboard = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        if msg.html == method.text and msg.keyboard == keyboard:
            raise TelegramBadRequest(method, "Bad Request: message is not modified")
        msg.html, msg.keyboard, msg.edits = method.text, keyboard, msg.edits + 1
        self.events.append(Event("edit", msg))
        return self._message(msg)
