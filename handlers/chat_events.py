"""Changes to chats and their members: admin list refreshes, the bot's own rights, supergroup migration."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import ChatMemberUpdated, Message

from bot.storage import ChatRepository
from bot.storage.members import MemberRepository
from bot.storage.moderation import ModerationRepository
from handlers.admins import AdminCache

log = logging.getLogger(__name__)


async def member_changed(event: ChatMemberUpdated, admins: AdminCache) -> None:
    # Any promotion, demotion or rights change makes the cached admin list stale.
    old, new = event.old_chat_member, event.new_chat_member
    if old.status != new.status or new.status in ("administrator", "creator"):
        admins.invalidate(event.chat.id)


async def migrated(
    message: Message,
    moderation: ModerationRepository,
    chats: ChatRepository,
    admins: AdminCache,
    members: MemberRepository,
) -> None:
    old_id, new_id = message.chat.id, message.migrate_to_chat_id
    if new_id is None:
        return
    await moderation.migrate_chat(old_id, new_id)
    await members.migrate_chat(old_id, new_id)
    chats.forget(old_id)
    chats.forget(new_id)
    admins.invalidate(old_id)
    log.info("chat %d became supergroup %d: settings and history moved", old_id, new_id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.chat_member.register(member_changed)
    router.my_chat_member.register(member_changed)
    router.message.register(migrated, F.migrate_to_chat_id)
    return router
