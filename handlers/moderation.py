"""Admin commands in groups: /ban /unban /kick /mute /unmute /warn /unwarn /warns /del /modlog.

Targets: the author of the replied-to message, or `@username` / a numeric id / a text mention as the first
argument. Only admins with the matching Telegram right may act; nobody can act on admins, the owner or the bot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.moderation.durations import format_duration, split_duration_and_reason
from bot.moderation.warnings import WarnPolicy
from bot.storage import ChatRepository, ChatSettings
from bot.storage.moderation import ModerationRepository, now_utc
from handlers.admins import DELETE, RESTRICT, Actor, AdminCache
from handlers.cleanup import Later
from handlers.enforcement import Enforcer, describe, refusal, until_from
from handlers.usernames import Usernames

log = logging.getLogger(__name__)

WARN_LIMIT = "warn_limit"
WARN_ACTION = "warn_action"
WARN_WINDOW_DAYS = "warn_window_days"
CONFIRM_DELETE_SECONDS = "confirm_delete_seconds"
RIGHT_NAMES = {RESTRICT: "Ban users", DELETE: "Delete messages"}
COMMAND_RIGHTS = {
    "ban": RESTRICT, "unban": RESTRICT, "kick": RESTRICT, "mute": RESTRICT, "unmute": RESTRICT,
    "warn": RESTRICT, "unwarn": RESTRICT, "del": DELETE,
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    user_id: int
    name: str


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def policy_for(values: ChatSettings) -> WarnPolicy:
    limit = max(2, min(10, values.get(WARN_LIMIT, 3)))
    action = values.get(WARN_ACTION, "mute")
    days = max(1, min(365, values.get(WARN_WINDOW_DAYS, 30)))
    return WarnPolicy(limit=limit, window=timedelta(days=days), action=action if action in ("mute", "ban") else "mute")


def resolve_target(message: Message, command: CommandObject, usernames: Usernames) -> tuple[Target | None, str]:
    """The target and the remaining argument text (duration and reason)."""
    args = (command.args or "").strip()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and not reply.is_automatic_forward:
        return Target(reply.from_user.id, display_name(reply.from_user)), args
    for entity in message.entities or []:
        if entity.type == "text_mention" and entity.user is not None:
            mention = entity.extract_from(message.text or "")
            rest = args.replace(mention, "", 1).strip()
            return Target(entity.user.id, display_name(entity.user)), rest
    first, _, rest = args.partition(" ")
    if first.startswith("@") and len(first) > 1:
        user_id = usernames.lookup(first[1:])
        return (Target(user_id, first) if user_id else None), rest.strip()
    if first.lstrip("-").isdigit() and len(first) >= 5:
        return Target(int(first), first), rest.strip()
    return None, args


class ModerationCommands:
    """The command handlers share one flow: check the actor, the target and the bot's rights, then act."""

    def __init__(self) -> None:
        self.later = Later()

    async def _confirm(self, bot: Bot, message: Message, text: str, seconds: int) -> None:
        try:
            sent = await message.answer(text)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            log.warning("cannot confirm a moderation action: %s", exc.message)
            return
        if seconds > 0:
            self.later.delete_after(bot, sent.chat.id, sent.message_id, seconds)

    async def handle(
        self,
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
        name = command.command.lower()
        chat = await chats.get(message.chat.id)
        with i18n.use_locale(chat.language or settings.default_language):
            await self._handle(message, command, name, bot, admins, enforcer, moderation, chats, usernames, chat)

    async def _handle(self, message, command, name, bot, admins, enforcer, moderation, chats, usernames, chat):  # type: ignore[no-untyped-def]
        right = COMMAND_RIGHTS.get(name)
        actor: Actor | None = await admins.actor(bot, message)
        if actor is None:
            return  # a non-admin typed an admin command: silence, so the command cannot be used to spam
        if right and not actor.info.can(right):
            await message.reply(_("You need the admin right “{right}” for this.").format(right=_(RIGHT_NAMES[right])))
            return
        bot_info = await admins.bot_rights(bot, message.chat.id)
        if right and (bot_info is None or not bot_info.can(right)):
            await message.reply(
                _("I cannot do this: make me an admin with the right “{right}”.").format(right=_(RIGHT_NAMES[right]))
            )
            return
        seconds = chat.get(CONFIRM_DELETE_SECONDS, 0)

        if name == "del":
            await self._delete(message, bot, enforcer, actor, seconds)
            return
        target, rest = resolve_target(message, command, usernames)
        if target is None:
            await message.reply(
                _("Reply to the person's message, or give their @username or numeric id: /{command} @name").format(
                    command=name
                )
            )
            return
        if await admins.is_protected(bot, message.chat.id, target.user_id):
            await message.reply(_("Admins, the owner and the bot itself cannot be moderated."))
            return
        if name == "warns":
            await self._list_warns(message, moderation, chat, target)
            return
        duration, reason = split_duration_and_reason(rest) if name in ("ban", "mute") else (None, rest)
        evidence = message.reply_to_message.text if message.reply_to_message else None
        actor_name = display_name(message.from_user) if actor.user_id and message.from_user else ""
        common = {"target_id": target.user_id, "actor_id": actor.user_id, "reason": reason,
                  "target_name": target.name, "actor_name": actor_name}  # fmt: skip

        if name == "unwarn":
            if not await moderation.revoke_last_warning(message.chat.id, target.user_id):
                await message.reply(_("{name} has no warnings.").format(name=target.name))
                return
            await enforcer.perform(bot, chat_id=message.chat.id, action="unwarn", **common)
            await self._confirm(
                bot, message, _("↩️ Removed the last warning of {name}.").format(name=escape(target.name)), seconds
            )
            return
        if name == "warn":
            await self._warn(message, bot, enforcer, moderation, chat, target, reason, evidence, common, seconds)
            return
        action = {"ban": "ban", "unban": "unban", "kick": "kick", "mute": "mute", "unmute": "unmute"}[name]
        outcome = await enforcer.perform(
            bot, chat_id=message.chat.id, action=action, until=until_from(duration), evidence=evidence, **common
        )
        if not outcome.done:
            await message.reply(refusal(outcome))
            return
        await self._confirm(bot, message, confirmation(action, escape(target.name), duration, reason), seconds)

    async def _delete(self, message: Message, bot: Bot, enforcer: Enforcer, actor: Actor, seconds: int) -> None:
        reply = message.reply_to_message
        if reply is None:
            await message.reply(_("Reply to the message you want to delete with /del."))
            return
        target_id = reply.from_user.id if reply.from_user else None
        outcome = await enforcer.perform(
            bot, chat_id=message.chat.id, action="delete", target_id=target_id, actor_id=actor.user_id,
            message_id=reply.message_id, evidence=reply.text or reply.caption,
        )  # fmt: skip
        if not outcome.done:
            await message.reply(refusal(outcome))
            return
        try:
            await message.delete()  # the /del command itself is noise too
        except (TelegramBadRequest, TelegramForbiddenError):
            pass

    async def _warn(self, message, bot, enforcer, moderation, chat, target, reason, evidence, common, seconds):  # type: ignore[no-untyped-def]
        policy = policy_for(chat)
        warned = await enforcer.perform(bot, chat_id=message.chat.id, action="warn", evidence=evidence, **common)
        await moderation.add_warning(message.chat.id, target.user_id, warned.action.id)
        active = len(await moderation.warnings(message.chat.id, target.user_id, policy.window))
        text = _("⚠️ {name}, this is warning {count} of {limit}.").format(
            name=escape(target.name), count=active, limit=policy.limit
        )
        if reason:
            text += "\n" + _("Reason:") + " " + escape(reason)
        if not policy.escalates(active):
            await message.reply(text)
            return
        until = now_utc() + policy.mute_for if policy.action == "mute" else None
        escalation_reason = _("{limit} warnings").format(limit=policy.limit)
        escalated = await enforcer.perform(
            bot, chat_id=message.chat.id, action=policy.action, target_id=target.user_id, actor_id=None,
            reason=escalation_reason, until=until, automatic=True, target_name=target.name,
        )  # fmt: skip
        if not escalated.done:
            await message.reply(text + "\n" + refusal(escalated))
            return
        await moderation.revoke_warnings(message.chat.id, target.user_id)  # the count starts again
        if policy.action == "mute":
            text += "\n" + _("🔇 Muted for {duration}.").format(duration=format_duration(policy.mute_for))
        else:
            text += "\n" + _("🔨 Banned.")
        await message.reply(text)

    async def _list_warns(self, message, moderation, chat, target) -> None:  # type: ignore[no-untyped-def]
        policy = policy_for(chat)
        active = await moderation.warnings(message.chat.id, target.user_id, policy.window)
        if not active:
            await message.reply(_("{name} has no warnings.").format(name=escape(target.name)))
            return
        lines = [_("Warnings of {name}: {count} of {limit}").format(
            name=escape(target.name), count=len(active), limit=policy.limit)]  # fmt: skip
        lines += [f"• {when:%Y-%m-%d}: {escape(reason) or '—'}" for _id, when, reason in active]
        await message.reply("\n".join(lines))


def confirmation(action: str, name: str, duration: timedelta | None, reason: str) -> str:
    texts = {
        "ban": _("🔨 {name} is banned."),
        "unban": _("🕊 {name} is unbanned."),
        "kick": _("👢 {name} is removed from the chat."),
        "mute": _("🔇 {name} is muted."),
        "unmute": _("🔊 {name} can write again."),
    }
    text = texts[action].format(name=name)
    if duration is not None:
        text += " " + _("For {duration}.").format(duration=format_duration(duration))
    if reason:
        text += "\n" + _("Reason:") + " " + escape(reason)
    return text


async def modlog_command(
    message: Message, bot: Bot, admins: AdminCache, moderation: ModerationRepository, chats: ChatRepository,
    settings: Settings, i18n: I18n,
) -> None:  # fmt: skip
    if await admins.actor(bot, message) is None:
        return
    chat = await chats.get(message.chat.id)
    with i18n.use_locale(chat.language or settings.default_language):
        actions = await moderation.latest(message.chat.id, 10)
        if not actions:
            text = _("No moderation actions yet.")
        else:
            text = "\n\n".join(
                describe(a) + f"\n<i>{a.created_at:%Y-%m-%d %H:%M} UTC · {a.status}</i>" for a in actions
            )
        # Answer privately when possible: the log is for admins, not for the whole chat.
        if message.from_user and not message.sender_chat:
            try:
                await bot.send_message(message.from_user.id, text)
                await message.reply(_("I sent the moderation log to you privately."))
                return
            except (TelegramBadRequest, TelegramForbiddenError):
                pass  # the admin has not started the bot: answer in the chat
        await message.reply(text)


def create_router() -> Router:
    commands = ModerationCommands()
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(
        commands.handle, Command("ban", "unban", "kick", "mute", "unmute", "warn", "unwarn", "warns", "del")
    )
    router.message.register(modlog_command, Command("modlog"))
    return router
