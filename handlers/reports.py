"""Reports from members: /report in reply, or @admin. Admins get the message in the log chat with action buttons."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from datetime import timedelta
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.storage import ChatRepository
from bot.storage.moderation import ModerationRepository, now_utc
from handlers.admins import DELETE, RESTRICT, AdminCache
from handlers.enforcement import LOG_CHAT, Enforcer, refusal

REPORTS_PER_WINDOW = 3
WINDOW_SECONDS = 600
REPORT_MUTE = timedelta(hours=24)


class ReportCB(CallbackData, prefix="r"):
    op: str  # del | warn | mute | ban | dis
    chat_id: int
    message_id: int
    user_id: int


class ReportLimiter:
    """At most N reports per reporter per chat within the window: reports must not become a spam channel."""

    def __init__(self, limit: int = REPORTS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[tuple[int, int], deque[float]] = defaultdict(deque)

    def allow(self, chat_id: int, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self._seen[(chat_id, user_id)]
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


def message_link(chat_id: int, message_id: int, username: str | None) -> str:
    if username:
        return f"https://t.me/{username}/{message_id}"
    internal = str(chat_id).removeprefix("-100")
    return f"https://t.me/c/{internal}/{message_id}"


CALL_ADMINS = r"(?i)(^|\s)@admins?\b"  # "@admin" or "@admins" anywhere in a message calls the chat's admins


def may_call_admins(message: Message) -> bool:
    """A cheap first check for CALL_ADMINS, for routing: a text without "@" cannot call the admins."""
    return "@" in (message.text or "")


def report_buttons(chat_id: int, message_id: int, user_id: int) -> InlineKeyboardMarkup:
    def b(text: str, op: str) -> InlineKeyboardButton:
        data = ReportCB(op=op, chat_id=chat_id, message_id=message_id, user_id=user_id).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [b(_("🗑 Delete"), "del"), b(_("⚠️ Warn"), "warn")],
            [b(_("🔇 Mute 24h"), "mute"), b(_("🔨 Ban"), "ban")],
            [b(_("✖️ Dismiss"), "dis")],
        ]
    )


async def report(
    message: Message,
    bot: Bot,
    admins: AdminCache,
    chats: ChatRepository,
    limiter: ReportLimiter,
    settings: Settings,
    i18n: I18n,
) -> None:
    reported = message.reply_to_message
    reporter = message.from_user
    if reporter is None or reporter.is_bot:
        return
    chat = await chats.get(message.chat.id)
    with i18n.use_locale(chat.language or settings.default_language):
        calling = reported is None or reported.from_user is None
        if calling and (message.text or "").startswith("/"):
            await message.reply(_("Reply to the message you want to report with /report."))
            return
        if not calling and await admins.is_protected(bot, message.chat.id, reported.from_user.id):  # type: ignore[union-attr]
            return  # reporting an admin (or the bot) is ignored
        if not limiter.allow(message.chat.id, reporter.id):
            await message.reply(_("You have sent several reports recently. Please wait a few minutes."))
            return
        # "@admin" on its own is a call for help: the admins get the caller's own message, with nothing to punish.
        shown = message if calling else reported
        assert shown is not None and shown.from_user is not None
        link = message_link(message.chat.id, shown.message_id, message.chat.username)
        lines = [
            "<b>" + escape(_("🚩 Report")) + "</b> · " + escape(message.chat.title or str(message.chat.id)),
            escape(_("From:")) + f' <a href="tg://user?id={reporter.id}">{escape(reporter.full_name)}</a>',
        ]
        if not calling:
            about = f'<a href="tg://user?id={shown.from_user.id}">{escape(shown.from_user.full_name)}</a>'
            lines.append(escape(_("About:")) + " " + about)
        lines += [
            f'<a href="{link}">' + escape(_("Open the message")) + "</a>",
            "<blockquote>" + escape((shown.text or shown.caption or "")[:500]) + "</blockquote>",
        ]
        text = "\n".join(lines)
        if calling:
            dismiss = ReportCB(op="dis", chat_id=message.chat.id, message_id=shown.message_id, user_id=reporter.id)
            markup = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text=_("✖️ Dismiss"), callback_data=dismiss.pack())]]
            )
        else:
            markup = report_buttons(message.chat.id, shown.message_id, shown.from_user.id)
        delivered = await deliver_to_admins(bot, admins, message.chat.id, chat.get(LOG_CHAT, 0), text, markup)
        if delivered:
            await message.reply(_("Thank you. The admins have been notified."))
        else:
            await message.reply(
                _("I could not reach the admins: the chat has no log chat and no admin has started me.")
            )


async def deliver_to_admins(
    bot: Bot, admins: AdminCache, chat_id: int, log_chat: int, text: str, markup: InlineKeyboardMarkup
) -> bool:
    """To the log chat if there is one, else privately to each admin who has started the bot."""
    if log_chat:
        try:
            await bot.send_message(log_chat, text, reply_markup=markup)
            return True
        except (TelegramBadRequest, TelegramForbiddenError):
            pass  # the log chat is gone or the bot was removed from it: fall back to private messages
    delivered = False
    for admin in (await admins.admins(bot, chat_id)).values():
        if admin.user_id == bot.id:
            continue
        try:
            await bot.send_message(admin.user_id, text, reply_markup=markup)
            delivered = True
        except (TelegramBadRequest, TelegramForbiddenError):
            continue
    return delivered


async def report_button(
    query: CallbackQuery,
    callback_data: ReportCB,
    bot: Bot,
    admins: AdminCache,
    enforcer: Enforcer,
    moderation: ModerationRepository,
    i18n: I18n,
) -> None:
    data = callback_data
    with i18n.use_locale(await enforcer.chat_language(data.chat_id)):
        presser = (await admins.admins(bot, data.chat_id)).get(query.from_user.id)
        needed = DELETE if data.op == "del" else RESTRICT
        if presser is None or (data.op != "dis" and not presser.can(needed)):
            await query.answer(_("Only admins of that chat with the matching right can do this."), show_alert=True)
            return
        common = {"chat_id": data.chat_id, "target_id": data.user_id, "actor_id": query.from_user.id,
                  "reason": _("report"), "actor_name": query.from_user.full_name}  # fmt: skip
        result = None
        if data.op == "del":
            result = await enforcer.perform(bot, action="delete", message_id=data.message_id, **common)
            label = _("🗑 Deleted")
        elif data.op == "warn":
            result = await enforcer.perform(bot, action="warn", **common)
            await moderation.add_warning(data.chat_id, data.user_id, result.action.id)
            label = _("⚠️ Warned")
        elif data.op == "mute":
            result = await enforcer.perform(bot, action="mute", until=now_utc() + REPORT_MUTE, **common)
            label = _("🔇 Muted for 24 hours")
        elif data.op == "ban":
            result = await enforcer.perform(bot, action="ban", **common)
            label = _("🔨 Banned")
        else:
            label = _("✖️ Dismissed")
        if result is not None and result.refused:
            await query.answer(refusal(result), show_alert=True)
            return
        await query.answer(label)
        message = query.message
        if message is not None and hasattr(message, "html_text"):
            text = message.html_text + "\n\n" + escape(f"{label} · {query.from_user.full_name}")
            try:
                await message.edit_text(text, reply_markup=None)  # type: ignore[union-attr]
            except TelegramBadRequest:
                pass  # too old to edit; the action itself is in the audit log


def create_router() -> Router:
    router = Router(name=__name__)
    groups = F.chat.type.in_({"group", "supergroup"})
    router.message.register(report, groups, Command("report"))
    router.message.register(report, groups, F.text.regexp(CALL_ADMINS))
    router.callback_query.register(report_button, ReportCB.filter())
    return router
