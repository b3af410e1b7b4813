"""Automatic protection of group messages: every message from a non-admin is judged before any other handler sees it.

The verdict (bot.protection.check_message) decides; this module acts through the Enforcer, so every automatic
action is in the audit log and the log chat: removed messages get a ↩️ Restore button, held ones Publish / Discard,
mutes Undo. In dry-run mode the same entries are written, marked as such, and nothing happens in the chat.

The author of a removed or held message is told why in the private chat. Someone who never started the bot cannot
be written to first, so the group gets a short self-deleting notice with a button that opens the explanation (and,
for personal data, their own text) in the private chat; that text waits in memory only, for an hour.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, TelegramObject, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.protection import DEFAULT, FloodTracker, ProtectionConfig, RepeatTracker, Verdict, check_message
from bot.protection.deobfuscate import prepare
from bot.protection.pii import PiiMatch
from bot.render import split_html
from bot.storage import ChatRepository, ChatSettings
from bot.storage.members import CHALLENGE, FAILED, REQUEST, MemberRepository
from bot.storage.moderation import Action, ModerationRepository, now_utc
from handlers.admins import RESTRICT, AdminCache
from handlers.cleanup import Later
from handlers.enforcement import LOG_CHAT, Enforcer, ReleaseCB
from handlers.moderation import display_name, policy_for
from handlers.protection_texts import reason_labels, why_removed

log = logging.getLogger(__name__)

PROTECTION = "protection"  # the chat settings key holding the chat's ProtectionConfig changes (a partial dict)
WHY_PREFIX = "why_"
NOTICE_SECONDS = 90  # the group notice for someone the bot cannot write to privately
RETURN_SECONDS = 3600  # how long their explanation (and text) waits in memory for them
FLOOD_MUTE = timedelta(hours=1)
TROLL_MUTE = timedelta(hours=24)
MEDIA = frozenset({"photo", "video", "animation", "document", "audio", "voice", "video_note", "contact", "location"})
CHECKED = MEDIA | {"text", "sticker", "poll", "dice", "venue", "story"}


def mask_pii(text: str, found: tuple[PiiMatch, ...]) -> str:
    """The text with personal data replaced, so that evidence never keeps what the guard protects."""
    out = text
    for match in sorted(found, key=lambda m: m.start, reverse=True):
        out = out[: match.start] + "▒▒▒" + out[match.end :]
    return out


class Returns:
    """Explanations waiting for people the bot could not write to first; memory only, bounded, expiring."""

    def __init__(self, ttl: float = RETURN_SECONDS, max_items: int = 2000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._items: OrderedDict[str, tuple[int, str, float]] = OrderedDict()

    def put(self, user_id: int, html: str) -> str:
        self.expire()
        token = secrets.token_urlsafe(12)
        self._items[token] = (user_id, html, time.monotonic() + self.ttl)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return token

    def take(self, token: str, user_id: int) -> str | None:
        item = self._items.get(token)
        if item is None or item[0] != user_id:
            return None
        del self._items[token]
        return item[1] if item[2] > time.monotonic() else None

    def forget_user(self, user_id: int) -> None:
        for token in [t for t, item in self._items.items() if item[0] == user_id]:
            del self._items[token]

    def expire(self) -> None:
        """Drop what waited too long: entries are in the order they expire, so only the front needs looking at."""
        now = time.monotonic()
        while self._items and next(iter(self._items.values()))[2] <= now:
            self._items.popitem(last=False)


class Guard:
    """Judges group messages and acts on the verdicts; holds the little state the filters need (in memory)."""

    def __init__(
        self,
        *,
        chats: ChatRepository,
        members: MemberRepository,
        moderation: ModerationRepository,
        enforcer: Enforcer,
        admins: AdminCache,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        self.chats = chats
        self.members = members
        self.moderation = moderation
        self.enforcer = enforcer
        self.admins = admins
        self.settings = settings
        self.i18n = i18n
        self.flood = FloodTracker()
        self.repeat = RepeatTracker()
        self.returns = Returns()
        self._configs: dict[int, tuple[int, ProtectionConfig, dict[str, Any]]] = {}
        self.later = Later()
        self.clock: Callable[[], float] = time.time  # tests move time forward

    # -- configuration ------------------------------------------------------------------------------------------
    def config(self, chat: ChatSettings) -> ProtectionConfig:
        """The chat's protection settings: the defaults (night in TIMEZONE) with the chat's own changes."""
        changes = chat.get(PROTECTION, {})
        # ChatRepository replaces a chat's ChatSettings on every write, so the object identifies the version; a
        # JSON dump on every group message would cost more than the rest of the lookup.
        key = id(chat.values)
        cached = self._configs.get(chat.chat_id)
        if cached and cached[0] == key and cached[2] is chat.values:
            return cached[1]
        base = {"timezone": self.settings.timezone}
        try:
            config = ProtectionConfig.from_dict({**base, **changes})
        except ValueError as exc:
            # Only /protection writes these, and it validates; a hand-edited database must not stop protection.
            log.warning("chat %d has invalid protection settings, using defaults: %s", chat.chat_id, exc)
            config = DEFAULT.with_changes(**base)
        self._configs[chat.chat_id] = (key, config, chat.values)
        return config

    async def chat_config(self, chat_id: int) -> tuple[ChatSettings, ProtectionConfig]:
        chat = await self.chats.get(chat_id)
        return chat, self.config(chat)

    # -- judging ------------------------------------------------------------------------------------------------
    async def inspect(self, message: Message, bot: Bot, *, edited: bool) -> bool:
        """Judge one group message; True if it was dealt with (removed or held) and must go no further."""
        user = message.from_user
        if user is None or user.is_bot or message.sender_chat is not None or message.is_automatic_forward:
            return False  # bots, anonymous admins, channels and the linked channel's posts
        if message.content_type not in CHECKED:
            return False  # service messages: joins, pins, migrations
        chat, config = await self.chat_config(message.chat.id)
        if not config.enabled:
            return False
        try:
            if user.id in await self.admins.admins(bot, message.chat.id):
                return False
        except TelegramAPIError as exc:
            log.warning("cannot read the admins of %d, protection skipped: %s", message.chat.id, exc.message)
            return False
        now = self.clock()
        member = await self.members.get(message.chat.id, user.id)
        if member is not None and member.state in (CHALLENGE, FAILED, REQUEST):
            # Restricted members cannot write; if they can, the bot lacks rights or the restriction was lifted by
            # hand. Either way their messages wait for the join check.
            verdict = Verdict("spam", ("join:pending",), "delete")
            return await self.act(bot, message, chat, config, verdict, notify_author=False)
        probation = False
        if member is not None:
            probation = config.on_probation(joined_at=member.joined_at, now=now, messages_sent=member.messages)
            if not probation:
                await self.members.remove(message.chat.id, user.id)  # probation is over: nothing kept about them
        night = config.is_night(datetime.fromtimestamp(now, UTC))
        text = message.text or message.caption or ""
        flooding = repeated = False
        prepared = None  # the repeat tracker and the verdict read the same prepared text: prepared once
        if not edited:
            flooding = self.flood.hit(message.chat.id, user.id, now, config.flood_limit(night))
            if text:
                prepared = prepare(text)
                seen_in = self.repeat.observe(text, message.chat.id, now, config.repeat_window_seconds, prepared)
                repeated = seen_in >= config.repeat_chats
        origin = message.forward_origin
        verdict = check_message(
            text,
            new_member=probation,
            config=config,
            is_forward_from_channel=origin is not None and origin.type == "channel",
            has_media=message.content_type in MEDIA,
            night=night,
            flooding=flooding,
            repeated_across_chats=repeated,
            prepared=prepared,
        )
        if verdict.verdict == "ok":
            if probation and not edited:
                await self.members.count_message(message.chat.id, user.id)
            return False
        return await self.act(bot, message, chat, config, verdict)

    # -- acting -------------------------------------------------------------------------------------------------
    async def act(
        self,
        bot: Bot,
        message: Message,
        chat: ChatSettings,
        config: ProtectionConfig,
        verdict: Verdict,
        *,
        notify_author: bool = True,
    ) -> bool:
        user = message.from_user
        assert user is not None
        if verdict.action == "hold" and not chat.get(LOG_CHAT, 0):
            # Held messages are reviewed in the log chat; without one nobody could ever publish them, so they are
            # removed instead, and the author is told to write again rather than to wait.
            reasons = tuple("night:read_only" if r == "night:hold" else r for r in verdict.reasons)
            verdict = replace(verdict, action="delete", reasons=reasons)
        text = message.text or message.caption or ""
        evidence = mask_pii(text, verdict.pii) if verdict.pii else text
        name = display_name(user)
        dry = config.dry_run
        with self.i18n.use_locale(chat.language or self.settings.default_language):
            reason = reason_labels(verdict.reasons)
        common: dict[str, Any] = {
            "chat_id": message.chat.id, "target_id": user.id, "actor_id": None, "automatic": True,
            "target_name": name, "dry_run": dry, "reason": reason,
        }  # fmt: skip
        # Reason codes only, without their details (a domain is a piece of the message): no message text in logs.
        codes = ",".join(dict.fromkeys(":".join(r.split(":")[:2]) for r in verdict.reasons))
        dry_note = " [dry run]" if dry else ""
        log.info("protection in %d: %s %s (%s)%s", message.chat.id, verdict.verdict, verdict.action, codes, dry_note)
        if verdict.action == "hold":
            outcome = await self.enforcer.perform(
                bot, action="hold", message_id=message.message_id, evidence=evidence, **common
            )
        else:
            # The removal carries the evidence; a mute that follows is its own entry (with Undo).
            restorable = verdict.verdict != "pii"
            outcome = await self.enforcer.perform(
                bot, action="delete", message_id=message.message_id, evidence=evidence,
                buttons=restore_button if restorable else None, **common,
            )  # fmt: skip
            if verdict.action == "mute":
                await self.enforcer.perform(bot, action="mute", until=mute_until(verdict), **common)
            elif verdict.action == "delete_warn":
                await self.warn(bot, chat, common)
        if dry:
            return False
        if notify_author and outcome.done:
            pii_text = text if verdict.verdict == "pii" else None
            await self.tell_author(bot, message, user, verdict, pii_text)
        return outcome.done or outcome.pending

    async def warn(self, bot: Bot, chat: ChatSettings, common: dict[str, Any]) -> None:
        """An automatic warning counts towards the chat's escalation like an admin's /warn."""
        chat_id, user_id = common["chat_id"], common["target_id"]
        warned = await self.enforcer.perform(bot, action="warn", **common)
        if common["dry_run"] or not warned.done:
            return
        await self.moderation.add_warning(chat_id, user_id, warned.action.id)
        policy = policy_for(chat)
        active = len(await self.moderation.warnings(chat_id, user_id, policy.window))
        if not policy.escalates(active):
            return
        until = now_utc() + policy.mute_for if policy.action == "mute" else None
        with self.i18n.use_locale(chat.language or self.settings.default_language):
            reason = _("{limit} warnings").format(limit=policy.limit)
        escalated = await self.enforcer.perform(bot, action=policy.action, **{**common, "reason": reason}, until=until)
        if escalated.done:
            await self.moderation.revoke_warnings(chat_id, user_id)

    async def tell_author(self, bot: Bot, message: Message, user: User, verdict: Verdict, pii_text: str | None) -> None:
        """Privately: why, and their own text if it held personal data. If the bot may not write to them first,
        a short notice in the group (only for honest-looking cases: never amplify spam) links to it."""
        title = escape(message.chat.title or "")
        held = verdict.action == "hold"
        head = (
            _("⏸ Your message in «{chat}» is waiting for the admins' review.")
            if held
            else _("🗑 I removed your message in «{chat}».")
        ).format(chat=title)
        body = escape(why_removed(verdict.reasons))
        html = f"{head}\n{body}"
        if pii_text:
            html += f"\n\n<blockquote>{escape(pii_text)}</blockquote>"
        elif not held:
            html += "\n\n" + escape(_("If this is a mistake, write to the chat's admins or use /appeal."))
        try:
            await bot.send_message(user.id, html)
            return
        except (TelegramBadRequest, TelegramForbiddenError):
            pass  # they never started the bot
        if verdict.verdict == "spam" and not any(r.startswith(("probation:", "night:")) for r in verdict.reasons):
            return
        token = self.returns.put(user.id, html)
        me = await bot.me()
        url = f"https://t.me/{me.username}?start={WHY_PREFIX}{token}"
        mention = f'<a href="tg://user?id={user.id}">{escape(display_name(user))}</a>'
        notice = (
            _("{name}, I removed your message: it contained personal data. Tap the button to get your text back.")
            if pii_text
            else _("{name}, I removed your message. Tap the button to see why.")
        ).format(name=mention)
        button = InlineKeyboardButton(text=_("Why? Open the bot"), url=url)
        try:
            sent = await bot.send_message(
                message.chat.id, notice, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
            )
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            log.warning("cannot post a protection notice in %d: %s", message.chat.id, exc.message)
            return
        self.later.delete_after(bot, sent.chat.id, sent.message_id, NOTICE_SECONDS)

    def forget_user(self, user_id: int) -> None:
        """For /forget_me: what is held in memory about the person (repeat digests are keyed by text, not person)."""
        self.returns.forget_user(user_id)
        self.flood.forget_user(user_id)

    def housekeeping(self) -> None:
        self.returns.expire()
        now = self.clock()
        self.flood.forget_idle(now)
        self.repeat.forget_old(now)


def mute_until(verdict: Verdict) -> datetime | None:
    """Flooding cools off in an hour, trolling in a day; scams stay muted until an admin lifts it (Undo)."""
    kinds = {r.split(":", 1)[0] for r in verdict.reasons}
    if kinds <= {"flood"}:
        return now_utc() + FLOOD_MUTE
    if kinds <= {"troll", "flood"}:
        return now_utc() + TROLL_MUTE
    return None


def restore_button(action: Action) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=_("↩️ Restore"), callback_data=ReleaseCB(action_id=action.id, op="p").pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


class ProtectionMiddleware(BaseMiddleware):
    """Runs the guard before the routers; a message it dealt with reaches no handler. A failure in the guard is
    logged and lets the message through: a bug in a filter must not silence a chat."""

    def __init__(self, guard: Guard, *, edited: bool) -> None:
        self.guard = guard
        self.edited = edited

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.chat.type in ("group", "supergroup"):
            try:
                if await self.guard.inspect(event, data["bot"], edited=self.edited):
                    return None
            except Exception:
                log.exception("protection failed on a message in %d; letting it through", event.chat.id)
        return await handler(event, data)


async def release_button(
    query: CallbackQuery,
    callback_data: ReleaseCB,
    bot: Bot,
    admins: AdminCache,
    enforcer: Enforcer,
    moderation: ModerationRepository,
    guard: Guard,
    i18n: I18n,
) -> None:
    """Publish a held (or wrongly removed) message in the chat on its author's behalf, or discard it."""
    action = await moderation.get(callback_data.action_id)
    if action is None or action.action not in ("hold", "delete") or callback_data.op not in ("p", "d"):
        await query.answer(_("This action cannot be undone."), show_alert=True)
        return
    with i18n.use_locale(await enforcer.chat_language(action.chat_id)):
        presser = (await admins.admins(bot, action.chat_id)).get(query.from_user.id)
        if presser is None or not presser.can(RESTRICT):
            await query.answer(_("Only admins of that chat with the right to ban users can undo."), show_alert=True)
            return
        if callback_data.op == "p" and not action.evidence:
            await query.answer(_("The text is no longer kept, so it cannot be published."), show_alert=True)
            return
        # Claim the entry first: of two admins pressing at once (or a double tap), exactly one acts.
        claimed = "discarded" if callback_data.op == "d" else "undone"
        if not await moderation.claim(action.id, claimed, unless=("undone", "discarded")):
            await query.answer(_("Already undone."))
            return
        if callback_data.op == "d":
            note = _("🗑 Discarded by {name}").format(name=query.from_user.full_name)
        else:
            author = f'<a href="tg://user?id={action.target_id}">{action.target_id}</a>'
            header = _("💬 Message from {author}, approved by the admins:").format(author=author)
            try:
                for part in split_html(f"{header}\n{escape(action.evidence or '')}"):
                    await bot.send_message(action.chat_id, part)
            except (TelegramBadRequest, TelegramForbiddenError) as exc:
                await moderation.set_status(action.id, action.status)  # not published: it can be tried again
                await query.answer(_("❌ Telegram refused: {reason}").format(reason=exc.message), show_alert=True)
                return
            await moderation.record(
                chat_id=action.chat_id, action="release", target_id=action.target_id, actor_id=query.from_user.id,
                reason=_("undo of #{id}").format(id=action.id), undo_of=action.id, status="done",
            )  # fmt: skip
            note = _("✅ Published by {name}").format(name=query.from_user.full_name)
        await query.answer(_("Done."))
        message = query.message
        if message is not None and hasattr(message, "html_text"):
            try:
                await message.edit_text(message.html_text + "\n" + escape(note), reply_markup=None)  # type: ignore[union-attr]
            except TelegramBadRequest:
                pass  # too old to edit; the release is its own audit entry


async def why_link(message: Message, command: CommandObject, guard: Guard) -> None:
    token = (command.args or "").removeprefix(WHY_PREFIX)
    html = guard.returns.take(token, message.from_user.id) if message.from_user else None
    if html is None:
        await message.answer(_("This link has expired or is meant for someone else."))
        return
    await message.answer(html)


async def edit_judged(message: Message) -> None:
    """Edits are judged by ProtectionMiddleware before this; the handler exists so that Telegram sends edits at all
    (allowed_updates is computed from the registered handlers), since a spammer edits an honest message later."""


def create_router() -> Router:
    router = Router(name=__name__)
    router.edited_message.register(edit_judged, F.chat.type.in_({"group", "supergroup"}))
    router.message.register(
        why_link, F.chat.type == "private", CommandStart(deep_link=True, magic=F.args.startswith(WHY_PREFIX))
    )
    router.callback_query.register(release_button, ReleaseCB.filter())
    return router
