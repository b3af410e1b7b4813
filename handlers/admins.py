"""Who may moderate: chat admins and their Telegram rights, cached with a TTL.

Admin lists are asked from Telegram at most once per TTL per chat and refreshed at once when a `chat_member` update
says someone's status changed, so a demoted admin loses their powers immediately.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import ChatMemberAdministrator, ChatMemberOwner, Message

from bot.limits import GROUP_ANONYMOUS_BOT_ID

RESTRICT = "can_restrict_members"
DELETE = "can_delete_messages"
RIGHTS = (RESTRICT, DELETE)
CACHE_TTL_SECONDS = 600


@dataclass(frozen=True)
class AdminInfo:
    user_id: int
    owner: bool
    anonymous: bool
    rights: frozenset[str]

    def can(self, right: str) -> bool:
        return self.owner or right in self.rights


@dataclass(frozen=True)
class Actor:
    """Who issued a command: a known admin, or an anonymous admin posting as the group (id None)."""

    user_id: int | None
    info: AdminInfo


def _info(member: ChatMemberOwner | ChatMemberAdministrator) -> AdminInfo:
    if isinstance(member, ChatMemberOwner):
        return AdminInfo(member.user.id, True, bool(member.is_anonymous), frozenset(RIGHTS))
    rights = frozenset(r for r in RIGHTS if getattr(member, r, False))
    return AdminInfo(member.user.id, False, bool(member.is_anonymous), rights)


class AdminCache:
    def __init__(self, ttl: float = CACHE_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._admins: dict[int, tuple[float, dict[int, AdminInfo]]] = {}
        self._bot: dict[int, tuple[float, AdminInfo | None]] = {}

    def invalidate(self, chat_id: int) -> None:
        self._admins.pop(chat_id, None)
        self._bot.pop(chat_id, None)

    async def admins(self, bot: Bot, chat_id: int) -> dict[int, AdminInfo]:
        cached = self._admins.get(chat_id)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        members = await bot.get_chat_administrators(chat_id)
        admins = {m.user.id: _info(m) for m in members if isinstance(m, ChatMemberOwner | ChatMemberAdministrator)}
        self._admins[chat_id] = (time.monotonic(), admins)
        return admins

    async def bot_rights(self, bot: Bot, chat_id: int) -> AdminInfo | None:
        """The bot's own admin rights in the chat (None if it is not an admin)."""
        cached = self._bot.get(chat_id)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        member = await bot.get_chat_member(chat_id, bot.id)
        info = _info(member) if isinstance(member, ChatMemberOwner | ChatMemberAdministrator) else None
        self._bot[chat_id] = (time.monotonic(), info)
        return info

    async def actor(self, bot: Bot, message: Message) -> Actor | None:
        """The admin behind a message, or None if the sender is not an admin."""
        admins = await self.admins(bot, message.chat.id)
        if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
            # Posted "as the group": only an anonymous admin can do that. Which one is unknown, so they get the
            # rights that every anonymous admin of the chat shares.
            anonymous = [a for a in admins.values() if a.anonymous]
            if not anonymous:
                return None
            shared = frozenset.intersection(
                *(a.rights | (frozenset(RIGHTS) if a.owner else frozenset()) for a in anonymous)
            )
            return Actor(None, AdminInfo(GROUP_ANONYMOUS_BOT_ID, False, True, shared))
        if message.from_user is None:
            return None
        info = admins.get(message.from_user.id)
        return Actor(message.from_user.id, info) if info else None

    async def is_protected(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Admins, the owner and the bot itself cannot be acted on."""
        if user_id in (bot.id, GROUP_ANONYMOUS_BOT_ID):
            return True
        return user_id in await self.admins(bot, chat_id)
