"""Carrying out moderation actions: record first, then execute, then report — for manual and automatic actions alike.

Every action is written to the audit log as `pending` before Telegram is asked, so an action is never lost: if the
call fails for a reason that may pass (flood limit, network), it stays pending and is retried; if Telegram refuses
(no rights, user gone), it is marked failed with Telegram's reason, which the admin is told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
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
from bot.retrying import already_done
from bot.storage import ChatRepository
from bot.storage.moderation import Action, ModerationRepository, now_utc
from bot.translatable import N_

log = logging.getLogger(__name__)

LOG_CHAT = "log_chat_id"
# Faults that may pass: the action stays pending and the sweep retries it (after the session layer's own retries).
TRANSIENT = (TelegramRetryAfter, TelegramServerError, TelegramNetworkError, ClientDecodeError)
SWEEP_MIN_AGE = timedelta(seconds=10)  # an action of this process younger than this may be about to be executed
GIVE_UP_AFTER = timedelta(hours=24)  # a day without Telegram's confirmation: failed, an admin can redo it
MAX_SWEEP_ATTEMPTS = 200  # an action Telegram keeps failing on must not be hammered forever
# Telegram treats a restriction ending less than 30 s from now as permanent; such an action is not sent late.
MIN_RESTRICTION = timedelta(seconds=30)

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
    "hold": N_("⏸ Message held for review"),
    "release": N_("✅ Held message published"),
    "approve": N_("🚪 Join request approved"),
    "decline": N_("🚪 Join request declined"),
}
DRY_RUN = "dry_run"  # the status of an action that a chat in dry-run mode only logged
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


# Why the sweep gave up on an action (stored as the action's error): these are ours, not Telegram's refusals.
GIVEN_UP: dict[str, str] = {
    "expired": N_("⌛ Not done: it would have ended before Telegram confirmed it."),
    "gave_up": N_("⌛ Not done: Telegram did not confirm it in time."),
    "superseded": N_("⏭ Not done: a later action on the same person replaced it."),
}


def refusal(outcome: Outcome) -> str:
    """The admin-facing line for an action that is not done (current locale)."""
    if outcome.pending:
        return _("⏳ Telegram did not confirm yet; I will retry.")
    if outcome.refused in GIVEN_UP:
        return _(GIVEN_UP[outcome.refused])
    return _("❌ Telegram refused: {reason}").format(reason=escape(outcome.refused or ""))


class ReleaseCB(CallbackData, prefix="hr"):
    """Publish (op "p") or discard (op "d") a held or removed message, from the log chat."""

    action_id: int
    op: str


def hold_buttons(action: Action) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("✅ Publish"), callback_data=ReleaseCB(action_id=action.id, op="p").pack()),
        InlineKeyboardButton(text=_("🗑 Discard"), callback_data=ReleaseCB(action_id=action.id, op="d").pack()),
    ]])  # fmt: skip


class Enforcer:
    def __init__(self, moderation: ModerationRepository, chats: ChatRepository, i18n: I18n, default_language: str):
        self.moderation = moderation
        self.chats = chats
        self.i18n = i18n
        self.default_language = default_language
        self._in_flight: set[int] = set()  # ids being executed right now, which the sweep must not touch
        self._recovered_upto = 0  # see mark_recovery_point

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
        dry_run: bool = False,
        notify: bool = True,
        buttons: Callable[[Action], InlineKeyboardMarkup] | None = None,
    ) -> Outcome:
        """Record, execute and log one action. dry_run: record and log what would be done, do nothing.
        notify=False keeps routine automatic steps (a join check passed) out of the log chat; they stay in the
        audit log. `buttons` replaces the Undo button (a held message gets Publish / Discard)."""
        record = await self.moderation.record(
            chat_id=chat_id, action=action, target_id=target_id, actor_id=actor_id, reason=reason, until=until,
            message_id=message_id, evidence=evidence, automatic=automatic, network_id=network_id, undo_of=undo_of,
            status=DRY_RUN if dry_run else "pending",
        )  # fmt: skip
        outcome = Outcome(record) if dry_run else await self.execute(bot, record)
        if notify:
            await self.post_log(bot, outcome, target_name=target_name, actor_name=actor_name, buttons=buttons)
        return outcome

    async def execute(self, bot: Bot, action: Action, *, retry: bool = False) -> Outcome:
        """Ask Telegram once — the session layer (bot/retrying.py) already retries passing faults — and mark the
        action done, failed (refused), or leave it pending for the sweep (`retry_pending`).

        retry: an earlier attempt (maybe in a process that crashed) may already have worked, so a deletion that
        finds no message is done, not refused."""
        self._in_flight.add(action.id)
        try:
            await self._call(bot, action)
        except TelegramBadRequest as exc:
            if retry and already_done(exc.method, exc):
                await self.moderation.set_status(action.id, "done")
                return Outcome(action)
            return await self._refused(action, exc.message)
        except TelegramForbiddenError as exc:
            return await self._refused(action, exc.message)
        except TRANSIENT as exc:
            await self.moderation.note_attempt(action.id, type(exc).__name__)
            log.warning("action %d (%s) not confirmed (%s); it stays pending", action.id, action.action,
                        type(exc).__name__)  # fmt: skip
            return Outcome(action, pending=True)
        else:
            await self.moderation.set_status(action.id, "done")
            return Outcome(action)
        finally:
            self._in_flight.discard(action.id)

    async def _refused(self, action: Action, reason: str) -> Outcome:
        await self.moderation.set_status(action.id, "failed", reason)
        log.warning("action %d (%s) refused by Telegram: %s", action.id, action.action, reason)
        return Outcome(action, refused=reason)

    async def mark_recovery_point(self) -> None:
        """Call once at start-up, before updates flow: actions up to here were recorded by an earlier run, so none
        of them can be in flight in this process and the sweep may retry them at once."""
        self._recovered_upto = await self.moderation.last_action_id()

    async def retry_pending(self, bot: Bot, *, now: datetime | None = None) -> int:
        """One sweep over the actions Telegram has not confirmed; returns how many were settled (done or failed).

        An action recorded by this process is left alone while a handler may still be executing it (in flight, or
        younger than SWEEP_MIN_AGE). A mute or ban whose end has passed is not sent any more: Telegram reads an
        until_date in the past as "forever". After GIVE_UP_AFTER or MAX_SWEEP_ATTEMPTS an action is marked failed
        and logged. Two passing faults in a row end the sweep: Telegram is still unreachable."""
        now = now or now_utc()
        settled = faults = 0
        for action in await self.moderation.pending():
            if action.id in self._in_flight:
                continue
            if action.id > self._recovered_upto and now - action.created_at < SWEEP_MIN_AGE:
                continue
            attempts = await self.moderation.attempts(action.id)
            if action.until is not None and action.until <= now + MIN_RESTRICTION:
                reason = "expired"
            elif now - action.created_at > GIVE_UP_AFTER or attempts >= MAX_SWEEP_ATTEMPTS:
                reason = "gave_up"
            elif action.target_id is not None and await self.moderation.superseded(action):
                reason = "superseded"
            else:
                outcome = await self.execute(bot, action, retry=True)
                if outcome.pending:
                    faults += 1
                    if faults >= 2:
                        break
                    continue
                faults = 0
                settled += 1
                log.info("pending action %d (%s) settled on retry", action.id, action.action)
                await self._post_log_quietly(bot, outcome)
                continue
            await self.moderation.set_status(action.id, "failed", reason)
            log.error("action %d (%s) not done: %s (after %d attempts)", action.id, action.action, reason, attempts)
            settled += 1
            await self._post_log_quietly(bot, Outcome(action, refused=reason))
        return settled

    async def _post_log_quietly(self, bot: Bot, outcome: Outcome) -> None:
        """The sweep reports what became of an action in the log chat; a failure to post must not stop it."""
        action = await self.moderation.get(outcome.action.id) or outcome.action
        try:
            with self.i18n.context():  # the sweep runs outside any update, where no I18n is current
                await self.post_log(bot, Outcome(action, refused=outcome.refused, pending=outcome.pending))
        except Exception as exc:  # the log chat is a courtesy; the audit log in the database is the record
            log.warning("cannot post action %d to the log chat: %s", action.id, type(exc).__name__)

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
        elif action.action == "decline" and target is not None:
            await bot.decline_chat_join_request(chat, target)
        elif action.action in ("delete", "hold") and action.message_id is not None:
            await bot.delete_message(chat, action.message_id)
        # warn / unwarn / release change only our own records.

    async def post_log(
        self,
        bot: Bot,
        outcome: Outcome,
        *,
        target_name: str = "",
        actor_name: str = "",
        buttons: Callable[[Action], InlineKeyboardMarkup] | None = None,
    ) -> None:
        """Post the action to the chat's log chat, with Undo where it can be undone."""
        action = outcome.action
        settings = await self.chats.get(action.chat_id)
        log_chat = settings.get(LOG_CHAT, 0)
        if not log_chat:
            return
        with self.i18n.use_locale(settings.language or self.default_language):
            text = describe(action, target_name=target_name, actor_name=actor_name)
            markup = None
            if action.status == DRY_RUN:
                text += "\n" + escape(_("🧪 Dry run: nothing was done."))
            elif not outcome.done:
                text += "\n" + refusal(outcome)
            elif buttons is not None:
                markup = buttons(action)
            elif action.action == "hold":
                markup = hold_buttons(action)  # also when the sweep settles it: a held message must stay publishable
            elif action.action in UNDO:
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
