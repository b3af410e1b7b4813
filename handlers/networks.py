"""Linked chats: several city chats of one community form a network, and a network ban applies in all of them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.moderation.durations import split_duration_and_reason
from bot.storage import ChatRepository
from bot.storage.moderation import ModerationRepository
from handlers.admins import RESTRICT, AdminCache
from handlers.enforcement import Enforcer, until_from
from handlers.moderation import display_name, resolve_target
from handlers.usernames import Usernames


async def network_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminCache,
    moderation: ModerationRepository,
    chats: ChatRepository,
    usernames: Usernames,
    settings: Settings,
    i18n: I18n,
) -> None:
    actor = await admins.actor(bot, message)
    if actor is None:
        return
    chat = await chats.get(message.chat.id)
    with i18n.use_locale(chat.language or settings.default_language):
        verb, _sep, rest = (command.args or "").strip().partition(" ")
        current = await moderation.network_of(message.chat.id)
        user_id = actor.user_id
        if verb == "create":
            if user_id is None:
                await message.reply(_("Anonymous admins cannot own a network: write as yourself."))
            elif current is not None:
                await message.reply(_("This chat is already in network #{id}.").format(id=current))
            else:
                name = rest.strip() or (message.chat.title or "network")
                network_id = await moderation.create_network(name, message.chat.id, user_id)
                await message.reply(
                    _("Network #{id} “{name}” created; you own it. In another chat, an admin who is also an owner "
                      "of this network can send: /network join {id}").format(id=network_id, name=name)
                )  # fmt: skip
        elif verb == "join":
            if not rest.strip().isdigit():
                await message.reply(_("Usage: /network join NETWORK_ID"))
            elif current is not None:
                await message.reply(_("This chat is already in network #{id}.").format(id=current))
            elif user_id is None or not await moderation.is_network_owner(int(rest), user_id):
                await message.reply(_("Only an owner of that network can add a chat to it."))
            else:
                await moderation.join_network(int(rest), message.chat.id)
                await message.reply(_("This chat joined network #{id}.").format(id=int(rest)))
        elif verb == "leave":
            if await moderation.leave_network(message.chat.id):
                await message.reply(_("This chat left its network."))
            else:
                await message.reply(_("This chat is not in a network."))
        elif verb == "addowner":
            target, _rest = resolve_target(message, CommandObject(args=rest), usernames)
            if current is None or user_id is None or not await moderation.is_network_owner(current, user_id):
                await message.reply(_("Only an owner of this chat's network can add owners."))
            elif target is None:
                await message.reply(_("Reply to the person's message, or give their @username or numeric id."))
            else:
                await moderation.add_network_owner(current, target.user_id)
                await message.reply(_("{name} is now an owner of network #{id}.").format(name=target.name, id=current))
        elif current is None:
            await message.reply(_("This chat is not in a network. Create one: /network create NAME"))
        else:
            name = await moderation.network_name(current) or ""
            chats_in = await moderation.network_chats(current)
            await message.reply(
                _("Network #{id} “{name}”: {count} chats.").format(id=current, name=name, count=len(chats_in))
                + "\n"
                + "\n".join(f"• <code>{c}</code>" for c in chats_in)
            )


async def nban_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminCache,
    enforcer: Enforcer,
    moderation: ModerationRepository,
    chats: ChatRepository,
    usernames: Usernames,
    settings: Settings,
    i18n: I18n,
) -> None:
    actor = await admins.actor(bot, message)
    if actor is None:
        return
    chat = await chats.get(message.chat.id)
    with i18n.use_locale(chat.language or settings.default_language):
        if not actor.info.can(RESTRICT):
            await message.reply(_("You need the admin right “{right}” for this.").format(right=_("Ban users")))
            return
        network_id = await moderation.network_of(message.chat.id)
        if network_id is None:
            await message.reply(_("This chat is not in a network. Create one: /network create NAME"))
            return
        target, rest = resolve_target(message, command, usernames)
        if target is None:
            await message.reply(_("Reply to the person's message, or give their @username or numeric id."))
            return
        duration, reason = split_duration_and_reason(rest)
        actor_name = display_name(message.from_user) if message.from_user and actor.user_id else ""
        done, skipped = 0, []
        members = await moderation.network_chats(network_id)
        for chat_id in members:
            try:
                if await admins.is_protected(bot, chat_id, target.user_id):
                    skipped.append(chat_id)
                    continue
                bot_info = await admins.bot_rights(bot, chat_id)
            except (TelegramBadRequest, TelegramForbiddenError):
                skipped.append(chat_id)
                continue
            if bot_info is None or not bot_info.can(RESTRICT):
                skipped.append(chat_id)
                continue
            outcome = await enforcer.perform(
                bot, chat_id=chat_id, action="ban", target_id=target.user_id, actor_id=actor.user_id, reason=reason,
                until=until_from(duration), network_id=network_id, target_name=target.name, actor_name=actor_name,
            )  # fmt: skip
            if outcome.refused:
                skipped.append(chat_id)
            else:
                done += 1
        text = _("🔨 {name} is banned in {done} of {total} chats of the network.").format(
            name=target.name, done=done, total=len(members)
        )
        if skipped:
            text += "\n" + _("Not banned in (no rights, or an admin there): {chats}").format(
                chats=", ".join(str(c) for c in skipped)
            )
        await message.reply(text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(network_command, Command("network"))
    router.message.register(nban_command, Command("nban"))
    return router
