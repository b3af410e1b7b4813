"""Outer middlewares: who the user is and which language to speak to them in."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n.middleware import I18nMiddleware

from bot.i18n import resolve_language
from bot.storage import StorageError, UserRepository

log = logging.getLogger(__name__)


class UserLanguageMiddleware(I18nMiddleware):
    """Picks the locale for every update: the user's stored choice, else Telegram's language_code, else default.

    Storage failures fall back to language_code: a broken database must never stop `/emergency` from answering.
    """

    def __init__(self, i18n: I18n, users: UserRepository, tz: Any) -> None:
        super().__init__(i18n=i18n)
        self.users = users
        self.tz = tz

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        """I18nMiddleware.__call__, with the two context variables set directly instead of through its two
        generator-based context managers (every update passes here; the same variables, the same resets)."""
        locale = await self.get_locale(event=event, data=data) or self.i18n.default_locale
        if self.i18n_key:
            data[self.i18n_key] = self.i18n
        if self.middleware_key:
            data[self.middleware_key] = self
        current = I18n.set_current(self.i18n)
        try:
            chosen = self.i18n.ctx_locale.set(locale)
            try:
                return await handler(event, data)
            finally:
                self.i18n.ctx_locale.reset(chosen)
        finally:
            I18n.reset_current(current)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        default = self.i18n.default_locale
        data["user_language"] = None
        if user is None or user.is_bot:
            lang = default
        else:
            lang = resolve_language(user.language_code, default)
            chat = data.get("event_chat")
            try:
                if chat is not None and chat.type != "private":
                    # Group traffic reads a stored language but stores nothing: see PRIVACY.md, `users`.
                    record = await self.users.known(user.id)
                else:
                    record = await self.users.touch(user.id, datetime.now(self.tz).date())
            except (StorageError, sqlite3.Error, ValueError) as exc:
                log.warning("user storage unavailable, using Telegram language: %s", type(exc).__name__)
            else:
                if record is not None and record.language:
                    lang = record.language
                    data["user_language"] = record.language
        data["lang"] = lang
        return lang
