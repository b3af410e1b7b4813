"""Carrying out moderation actions: record first, then execute, then report — for manual and automatic actions alike.

Every action is written to the audit log as `pending` before Telegram is asked, so an action is never lost: if the
call fails for a reason that may pass (flood limit, network), it stays pending and is retried; if Telegram refuses
(no rights, user gone), it is marked failed with Telegram's reason, which the admin is told.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters.callback_data import CallbackData
from aiogram.types import ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.moderation.durations import format_duration
from bot.storage import ChatRepository
from bot.storage.moderation import Action, ModerationRepository, now_utc
from bot.translatable import N_

log = logging.getLogger(__name__)

LOG_CHAT = "log_chat_id"
MAX_RETRIES = 3
RETRY_AFTER_CAP_SECONDS = 30.0

MUTED = ChatPermissions(
    can_send_messages=False, can_send_audios=False, can_send_documents=False, can_send_photos=False,
    can_send_videos=False, can_send_video_notes=False, can_send_voice_notes=False, can_send_polls=False,
    can_send_other_messages=False, can_add_web_page_previews=False,
)  # fmt: skip
UNMUTED = ChatPermissions(
    can_send_messages=True, can_send_audios=True, can_send_documents=True, can_send_photos=True,
    can_send_videos=True, can_send_video_notes=True, can_send_voice_notes=True, can_send_polls=True,
    can_send_other_messages=True, can_add_web_page_previews=True, can_invite_users=True,
)  # fmt: skip

ACTION_NAMES = {
    "ban": N_("🔨 Ban"),
    "unban": N_("🕊 Unban"),
    "kick": N_("👢 Kick"),
    "mute": N_("🔇 Mute"),
    "unmute": N_("🔊 Unmute"),
    "warn": N_("⚠️ Warning"),
    "unwarn": N_("↩️ Warning removed"),
    "delete": N_("🗑 Message deleted"),
}
# What undoes what; kicks and deletions cannot be undone (a kicked person may simply rejoin).
UNDO = {"ban": "unban", "mute": "unmute", "warn": "unwarn"}


class UndoCB(CallbackData, prefix="u"):
    action_id: int


@dataclass(frozen=True)
class Outcome:
    """What became of an action: done, refused by Telegram (with its reason), or still pending (will be retried)."""

    action: Action
    refused: str | None = None
    pending: bool = False

    @property
    def done(self) -> bool:
        return not self.refused and not self.pending


def refusal(outcome: Outcome) -> str:
    """The admin-facing line for an action that is not done (current locale)."""
    if outcome.pending:
        return _("⏳ Telegram did not confirm yet; I will retry.")
    return _("❌ Telegram refused: {reason}").format(reason=escape(outcome.refused or ""))


class Enforcer:
    def __init__(self, moderation: ModerationRepository, chats: ChatRepository, i18n: I18n, default_language: str):
        self.moderation = moderation
        self.chats = chats
        self.i18n = i18n
        self.default_language = default_language

    async def chat_language(self, chat_id: int) -> str:
        return (await self.chats.get(chat_id)).language or self.default_language

    async def perform(
        self,
        bot: Bot,
        *,
        chat_id: int,
        action: str,
        target_id: int | None,
        actor_id: int | None,
        reason: str = "",
        until: datetime | None = None,
        message_id: int | None = None,
        evidence: str | None = None,
        automatic: bool = False,
        network_id: int | None = None,
        undo_of: int | None = None,
        target_name: str = "",
        actor_name: str = "",
    ) -> Outcome:
        """Record, execute and log one action."""
        record = await self.moderation.record(
            chat_id=chat_id, action=action, target_id=target_id, actor_id=actor_id, reason=reason, until=until,
            message_id=message_id, evidence=evidence, automatic=automatic, network_id=network_id, undo_of=undo_of,
        )  # fmt: skip
        outcome = await self.execute(bot, record)
        await self.post_log(bot, outcome, target_name=target_name, actor_name=actor_name)
        return outcome

    async def execute(self, bot: Bot, action: Action) -> Outcome:
        """Ask Telegram to do it; mark done, failed (refused) or leave pending (may pass)."""
        for attempt in range(MAX_RETRIES):
            try:
                await self._call(bot, action)
            except TelegramRetryAfter as exc:
                await asyncio.sleep(min(float(exc.retry_after), RETRY_AFTER_CAP_SECONDS))
            except (TelegramNetworkError, TelegramServerError):
                await asyncio.sleep(0.5 * 2**attempt)
            except (TelegramBadRequest, TelegramForbiddenError) as exc:
                await self.moderation.set_status(action.id, "failed", exc.message)
                log.warning("action %d (%s) refused by Telegram: %s", action.id, action.action, exc.message)
                return Outcome(action, refused=exc.message)
            else:
                await self.moderation.set_status(action.id, "done")
                return Outcome(action)
        log.warning("action %d (%s) still pending after %d attempts", action.id, action.action, MAX_RETRIES)
        return Outcome(action, pending=True)

    async def _call(self, bot: Bot, action: Action) -> None:
        chat, target = action.chat_id, action.target_id
        if action.action == "ban" and target is not None:
            await bot.ban_chat_member(chat, target, until_date=action.until)
        elif action.action == "unban" and target is not None:
            await bot.unban_chat_member(chat, target, only_if_banned=True)
        elif action.action == "kick" and target is not None:
            await bot.ban_chat_member(chat, target)
            await bot.unban_chat_member(chat, target, only_if_banned=True)
        elif action.action == "mute" and target is not None:
            await bot.restrict_chat_member(chat, target, permissions=MUTED, until_date=action.until)
        elif action.action == "unmute" and target is not None:
            await bot.restrict_chat_member(chat, target, permissions=UNMUTED)
        elif action.action == "delete" and action.message_id is not None:
            await bot.delete_message(chat, action.message_id)
        # warn / unwarn change only our own records.

    async def post_log(self, bot: Bot, outcome: Outcome, *, target_name: str = "", actor_name: str = "") -> None:
        """Post the action to the chat's log chat, with Undo where it can be undone."""
        action = outcome.action
        settings = await self.chats.get(action.chat_id)
        log_chat = settings.get(LOG_CHAT, 0)
        if not log_chat:
            return
        with self.i18n.use_locale(settings.language or self.default_language):
            text = describe(action, target_name=target_name, actor_name=actor_name)
            if not outcome.done:
                text += "\n" + refusal(outcome)
            markup = None
            if action.action in UNDO and outcome.done:
                button = InlineKeyboardButton(text=_("↩️ Undo"), callback_data=UndoCB(action_id=action.id).pack())
                markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        try:
            await bot.send_message(log_chat, text, reply_markup=markup)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            log.warning("cannot post to the log chat of %d: %s", action.chat_id, exc.message)


def describe(action: Action, *, target_name: str = "", actor_name: str = "") -> str:
    """An audit entry as HTML, in the current locale."""
    lines = [f"<b>{escape(_(ACTION_NAMES.get(action.action, action.action)))}</b> · #{action.id}"]
    if action.target_id is not None:
        who = f"{escape(target_name)} " if target_name else ""
        lines.append(escape(_("Whom:")) + f' {who}<a href="tg://user?id={action.target_id}">{action.target_id}</a>')
    if action.automatic:
        lines.append(escape(_("By: the bot (automatic)")))
    elif action.actor_id is not None:
        who = f"{escape(actor_name)} " if actor_name else ""
        lines.append(escape(_("By:")) + f" {who}<code>{action.actor_id}</code>")
    else:
        lines.append(escape(_("By: an anonymous admin")))
    if action.reason:
        lines.append(escape(_("Reason:")) + " " + escape(action.reason))
    if action.until is not None:
        span = format_duration(action.until - action.created_at)
        lines.append(escape(_("For: {duration} (until {until} UTC)").format(
            duration=span, until=action.until.strftime("%Y-%m-%d %H:%M"))))  # fmt: skip
    lines.append(escape(_("Chat:")) + f" <code>{action.chat_id}</code>")
    if action.evidence:
        lines.append("<blockquote>" + escape(action.evidence[:300]) + "</blockquote>")
    return "\n".join(lines)


def until_from(duration: timedelta | None) -> datetime | None:
    return now_utc() + duration if duration is not None else None
