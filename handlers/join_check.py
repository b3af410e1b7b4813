"""The join check: a new member is restricted until they press the named picture; join requests are asked privately.

State lives in the `members` table, so a restart, or leaving and rejoining, neither skips nor resets a check. A
background sweep ends checks whose time is up: the member is removed (they may rejoin and try again) or kept
read-only, as the chat chose; a join request is declined. Passing starts probation (handlers/protection.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    ChatJoinRequest,
    ChatMemberRestricted,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.protection import ProtectionConfig
from bot.protection.challenge import ATTEMPTS, Challenge, new_challenge
from bot.storage.members import CHALLENGE, FAILED, PROBATION, REQUEST, Member, MemberRepository
from handlers.admins import AdminCache
from handlers.enforcement import Enforcer
from handlers.moderation import display_name
from handlers.protection import Guard

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
CLEANUP_SECONDS = 60  # the clean-up of old rows and idle counters runs about once a minute
FAILED_KEPT_SECONDS = 30 * 24 * 3600  # a failed check blocks skipping by rejoining for a month, then is forgotten
SILENT_KEPT_SECONDS = 90 * 24 * 3600  # a member on probation who never writes again is forgotten after 90 days
DUPLICATE_SECONDS = 30  # a join arrives both as a chat_member update and as a service message


class JoinCB(CallbackData, prefix="j"):
    chat_id: int
    user_id: int
    token: str


def keyboard(chat_id: int, user_id: int, challenge: Challenge) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=emoji, callback_data=JoinCB(chat_id=chat_id, user_id=user_id, token=token).pack())
        for token, emoji in challenge.options
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[:4], buttons[4:]])


class JoinCheck:
    def __init__(self, guard: Guard, members: MemberRepository, enforcer: Enforcer, admins: AdminCache, i18n: I18n):
        self.guard = guard
        self.members = members
        self.enforcer = enforcer
        self.admins = admins
        self.i18n = i18n
        self._sweeper: asyncio.Task[None] | None = None
        self._busy: set[tuple[int, int]] = set()
        self._cleaned = 0

    async def language(self, chat_id: int) -> str:
        return await self.enforcer.chat_language(chat_id)

    def question(self, name: str, challenge: Challenge, config: ProtectionConfig, *, retry: bool = False) -> str:
        """The challenge text in the current locale."""
        minutes = max(1, round(config.join_timeout_seconds / 60))
        text = _("👋 {name}, welcome! To write in this chat, press {picture} within {minutes} min.").format(
            name=escape(name), picture="<b>" + escape(_(challenge.name)) + "</b>", minutes=minutes
        )
        if retry:
            text = escape(_("That was not it. One more try:")) + "\n" + text
        return text

    # -- joining ------------------------------------------------------------------------------------------------
    async def on_join(self, bot: Bot, chat_id: int, user: User, inviter_id: int | None) -> None:
        if user.is_bot:
            return  # only admins can add bots; their bots are their business
        key = (chat_id, user.id)
        if key in self._busy:
            return  # the same join, arriving as a chat_member update and as a service message at once
        self._busy.add(key)
        try:
            await self._on_join(bot, chat_id, user, inviter_id)
        finally:
            self._busy.discard(key)

    async def _on_join(self, bot: Bot, chat_id: int, user: User, inviter_id: int | None) -> None:
        chat, config = await self.guard.chat_config(chat_id)
        if not config.enabled:
            return
        now = int(self.guard.clock())
        member = await self.members.get(chat_id, user.id)
        joined_at = member.joined_at if member else now
        if member is not None and member.state == PROBATION:
            return  # passed already (a join request, or rejoining): probation goes on from the first join
        asked_at = (member.deadline - config.join_timeout_seconds) if member and member.deadline else 0
        if member is not None and member.state == CHALLENGE and member.prompt_id and now - asked_at < DUPLICATE_SECONDS:
            return  # the same join seen twice
        admins = await self.admins.admins(bot, chat_id)
        added_by_admin = inviter_id is not None and inviter_id != user.id and inviter_id in admins
        if not config.join_check or added_by_admin or user.id in admins:
            await self.members.start_probation(chat_id, user.id, joined_at)
            return
        name = display_name(user)
        with self.i18n.use_locale(chat.language or await self.language(chat_id)):
            reason = _("join check")
        if member is not None and member.state == FAILED and config.join_fail_action == "read_only":
            # Kept read-only after failing: leaving and rejoining does not lift it.
            await self.enforcer.perform(
                bot, chat_id=chat_id, action="mute", target_id=user.id, actor_id=None, reason=reason, automatic=True,
                target_name=name, dry_run=config.dry_run, notify=False,
            )  # fmt: skip
            return
        if config.dry_run:
            # Log what would happen; the newcomer is let in and only the filters' probation applies.
            await self.enforcer.perform(
                bot, chat_id=chat_id, action="mute", target_id=user.id, actor_id=None, reason=reason, automatic=True,
                target_name=name, dry_run=True,
            )  # fmt: skip
            await self.members.start_probation(chat_id, user.id, joined_at)
            return
        # Rejoining during a check keeps its deadline and used attempts; a failed (removed) member starts over.
        renew = member is not None and member.state == CHALLENGE and (member.deadline or 0) > now
        deadline = member.deadline if renew and member and member.deadline else now + config.join_timeout_seconds
        attempts = member.attempts if renew and member else 0
        challenge = new_challenge()
        await self.members.challenge(
            chat_id, user.id, state=CHALLENGE, joined_at=joined_at, answer=challenge.answer, deadline=deadline,
            attempts=attempts,
        )  # fmt: skip
        outcome = await self.enforcer.perform(
            bot, chat_id=chat_id, action="mute", target_id=user.id, actor_id=None, reason=reason, automatic=True,
            target_name=name, notify=False,
        )  # fmt: skip
        if outcome.refused:
            # Without the right to restrict, a check would only be noise: the filters' probation still applies.
            await self.members.start_probation(chat_id, user.id, joined_at)
            return
        with self.i18n.use_locale(chat.language or await self.language(chat_id)):
            text = self.question(name, challenge, config)
        try:
            sent = await bot.send_message(chat_id, text, reply_markup=keyboard(chat_id, user.id, challenge))
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            log.warning("cannot post a join check in %d: %s", chat_id, exc.message)
            return  # the deadline still applies: they are removed or kept read-only, never silently let in
        await self.members.set_prompt(chat_id, user.id, sent.message_id)

    async def on_request(self, bot: Bot, request: ChatJoinRequest) -> None:
        chat_id, user = request.chat.id, request.from_user
        _chat, config = await self.guard.chat_config(chat_id)
        if not config.enabled or not config.join_check or user.is_bot:
            return  # the admins decide themselves
        now = int(self.guard.clock())
        member = await self.members.get(chat_id, user.id)
        challenge = new_challenge()
        await self.members.challenge(
            chat_id, user.id, state=REQUEST, joined_at=member.joined_at if member else now, answer=challenge.answer,
            deadline=now + config.join_timeout_seconds, attempts=0,
        )  # fmt: skip
        # In the chat's language, like the check in the group: it is the language they will read there.
        with self.i18n.use_locale(await self.language(chat_id)):
            intro = _("You asked to join «{chat}». Please answer one question first.").format(
                chat=escape(request.chat.title or "")
            )
            text = intro + "\n\n" + self.question(display_name(user), challenge, config)
        try:
            sent = await bot.send_message(
                request.user_chat_id, text, reply_markup=keyboard(chat_id, user.id, challenge)
            )
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            log.warning("cannot ask a join request of %d privately: %s", chat_id, exc.message)
            await self.members.remove(chat_id, user.id)  # leave the request to the admins
            return
        await self.members.set_prompt(chat_id, user.id, sent.message_id)

    # -- answering ----------------------------------------------------------------------------------------------
    async def on_answer(self, bot: Bot, query: CallbackQuery, data: JoinCB) -> None:
        if query.from_user.id != data.user_id:
            await query.answer(_("This button is for the new member."), show_alert=True)
            return
        member = await self.members.get(data.chat_id, data.user_id)
        if member is None or member.state not in (CHALLENGE, REQUEST) or not member.answer:
            await query.answer(_("This check is over."), show_alert=True)
            return
        if data.token == member.answer:
            if not await self.passed(bot, member):
                await query.answer(_("This check is over."), show_alert=True)
                return
            await query.answer(_("Thank you! Welcome to the chat."))
            return
        attempts = member.attempts + 1
        if attempts >= ATTEMPTS:
            await query.answer(_("That was not it."), show_alert=True)
            await self.failed(bot, member)
            return
        challenge = new_challenge()
        if not await self.members.renew(member.chat_id, member.user_id, member.answer, challenge.answer, attempts):
            await query.answer()  # answered twice at once, or the check just ended: the other answer decides
            return
        _chat, config = await self.guard.chat_config(member.chat_id)
        with self.i18n.use_locale(await self.language(member.chat_id)):
            text = self.question(display_name(query.from_user), challenge, config, retry=True)
        await query.answer()
        if query.message is not None:
            with suppress(TelegramBadRequest):
                await query.message.edit_text(  # type: ignore[union-attr]
                    text, reply_markup=keyboard(member.chat_id, member.user_id, challenge)
                )
            await self.members.set_prompt(member.chat_id, member.user_id, query.message.message_id)

    async def let_in(self, chat_id: int, user_id: int) -> None:
        """The restriction was lifted by an admin: whoever was being checked or had failed is now on probation."""
        member = await self.members.get(chat_id, user_id)
        if member is not None and member.state in (CHALLENGE, FAILED):
            await self.members.start_probation(chat_id, user_id, member.joined_at)

    async def passed(self, bot: Bot, member: Member) -> bool:
        """Let them in; False if the check had already ended (timed out, or this answer was already taken)."""
        assert member.answer is not None
        if not await self.members.settle(member.chat_id, member.user_id, member.answer, PROBATION, 0):
            return False
        with self.i18n.use_locale(await self.language(member.chat_id)):
            reason = _("join check passed")
            approved = _("✅ Thank you! Your request is approved.")
        if member.state == REQUEST:
            with suppress(TelegramBadRequest):
                await bot.approve_chat_join_request(member.chat_id, member.user_id)
            await self.enforcer.moderation.record(
                chat_id=member.chat_id, action="approve", target_id=member.user_id, actor_id=None, reason=reason,
                automatic=True, status="done",
            )  # fmt: skip
            if member.prompt_id:
                with suppress(TelegramBadRequest, TelegramForbiddenError):
                    await bot.edit_message_text(approved, chat_id=member.user_id, message_id=member.prompt_id)
            return True
        await self.enforcer.perform(
            bot, chat_id=member.chat_id, action="unmute", target_id=member.user_id, actor_id=None, reason=reason,
            automatic=True, notify=False,
        )  # fmt: skip
        await self.clean_prompt(bot, member)
        return True

    async def failed(self, bot: Bot, member: Member) -> None:
        """Wrong twice, or time is up (unless the check has just ended another way)."""
        chat, config = await self.guard.chat_config(member.chat_id)
        now = int(self.guard.clock())
        if not member.answer:
            return
        if not await self.members.settle(member.chat_id, member.user_id, member.answer, FAILED, now):
            return
        with self.i18n.use_locale(chat.language or await self.language(member.chat_id)):
            reason = _("did not pass the join check")
            declined = _("Your request was declined because the check was not passed. You may ask to join again.")
        common = {"chat_id": member.chat_id, "target_id": member.user_id, "actor_id": None, "reason": reason,
                  "automatic": True}  # fmt: skip
        if member.state == REQUEST:
            await self.enforcer.perform(bot, action="decline", **common)
            if member.prompt_id:
                with suppress(TelegramBadRequest, TelegramForbiddenError):
                    await bot.edit_message_text(declined, chat_id=member.user_id, message_id=member.prompt_id)
            return
        if config.join_fail_action == "remove":
            await self.enforcer.perform(bot, action="kick", **common)
        else:
            # Already restricted; this entry puts the decision in the log chat with Undo (= let them in).
            await self.enforcer.perform(bot, action="mute", **common)
        await self.clean_prompt(bot, member)

    @staticmethod
    async def clean_prompt(bot: Bot, member: Member) -> None:
        if member.prompt_id:
            with suppress(TelegramBadRequest, TelegramForbiddenError):
                await bot.delete_message(member.chat_id, member.prompt_id)

    # -- time ---------------------------------------------------------------------------------------------------
    async def sweep(self, bot: Bot) -> int:
        """End every check whose time is up; returns how many."""
        now = int(self.guard.clock())
        due = await self.members.due(now)
        for member in due:
            try:
                # Outside an update there is no locale context: set one (the chat's language is chosen inside).
                with self.i18n.context():
                    await self.failed(bot, member)
            except TelegramAPIError as exc:
                log.warning("join check of a member in %d not ended yet: %s", member.chat_id, exc.message)
        if now - self._cleaned >= CLEANUP_SECONDS:  # forgetting old rows and idle counters need not run every 5 s
            self._cleaned = now
            await self.members.forget_failed(now - FAILED_KEPT_SECONDS)
            await self.members.forget_silent(now - SILENT_KEPT_SECONDS)
            self.guard.housekeeping()
        return len(due)

    async def run_sweeper(self, bot: Bot) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep(bot)
            except Exception:
                log.exception("join check sweep failed; will try again")

    async def start(self, bot: Bot) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self.run_sweeper(bot))

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None


async def member_joined(event: ChatMemberUpdated, bot: Bot, join_check: JoinCheck, admins: AdminCache) -> None:
    if event.new_chat_member.status in ("administrator", "creator"):
        admins.invalidate(event.chat.id)
        return
    inviter = event.from_user.id if event.from_user else None
    await join_check.on_join(bot, event.chat.id, event.new_chat_member.user, inviter)


async def restriction_changed(event: ChatMemberUpdated, join_check: JoinCheck) -> None:
    """An admin let someone in by hand (in Telegram, or with Undo in the log chat): the check is over for them."""
    new = event.new_chat_member
    if isinstance(new, ChatMemberRestricted) and not new.can_send_messages:
        return  # still cannot write
    await join_check.let_in(event.chat.id, new.user.id)


async def service_joined(message: Message, bot: Bot, join_check: JoinCheck) -> None:
    inviter = message.from_user.id if message.from_user else None
    for user in message.new_chat_members or []:
        await join_check.on_join(bot, message.chat.id, user, inviter)


async def join_requested(request: ChatJoinRequest, bot: Bot, join_check: JoinCheck) -> None:
    await join_check.on_request(bot, request)


async def answered(query: CallbackQuery, callback_data: JoinCB, bot: Bot, join_check: JoinCheck) -> None:
    await join_check.on_answer(bot, query, callback_data)


def create_router(join_check: JoinCheck) -> Router:
    router = Router(name=__name__)
    groups = F.chat.type.in_({"group", "supergroup"})
    router.chat_member.register(member_joined, groups, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    # Only restricted → allowed to write; other member changes go on to chat_events (the admin cache).
    lifted = (F.old_chat_member.status == "restricted") & F.new_chat_member.status.in_({"member", "restricted"})
    router.chat_member.register(restriction_changed, groups, lifted)
    router.message.register(service_joined, groups, F.new_chat_members)
    router.chat_join_request.register(join_requested)
    router.callback_query.register(answered, JoinCB.filter())
    router.startup.register(join_check.start)
    router.shutdown.register(join_check.stop)
    return router
