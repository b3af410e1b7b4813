"""/privacy: what the bot stores about the person and for how long. /forget_me: delete it, after a confirmation."""

from __future__ import annotations

import logging
import sqlite3
from html import escape

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.feedback import ReaderFeedback
from bot.i18n import LANGUAGE_NAMES
from bot.storage import Database, StorageError, UserRepository
from bot.storage.moderation import now_utc
from bot.storage.privacy import forget_user, holdings
from bot.translatable import N_
from handlers.protection import Guard
from handlers.usernames import Usernames

log = logging.getLogger(__name__)


class PrivacyCB(CallbackData, prefix="pv"):
    op: str  # forget | keep


# How /privacy names the tables that can hold a person's id; a table not named here is counted as "other records"
# (so a new table shows up honestly before anyone writes a label for it).
TABLE_LABELS: dict[str, str] = {
    "mod_actions": N_("moderation records about you or made by you"),
    "warnings": N_("warnings"),
    "appeals": N_("appeals"),
    "volunteers": N_("volunteer role"),
    "network_owners": N_("chat networks you own"),
    "guide_revisions": N_("guide revisions you wrote or approved"),
    "content_audit": N_("entries in the volunteers' log"),
    "outdated_reports": N_("out-of-date reports you handled"),
    "members": N_("join checks or probation in groups"),
}


def policy(days: int) -> str:
    return _(
        "🔒 <b>What I store about you</b>\n\n"
        "• Your Telegram id, the language you chose, and the first and the last day you used me (a day, not a "
        "time). Writing in a group leaves no such record.\n"
        "• If a chat I moderate acted on you (warning, mute, ban…): the chat, the action, the admin's reason and "
        "the dates. The text of the message acted on is kept as evidence for {days} days, then deleted.\n"
        "• Your appeals (/appeal): the text is deleted once the admins decide, or after {days} days.\n"
        "• If you recently joined a group I protect: your join check or probation, deleted when it ends (a newcomer "
        "who never writes again: after 90 days; a failed check: 30 days later, so that rejoining cannot skip it).\n"
        "• If you are a chat admin, a volunteer or a network owner: your id next to what you did in that role.\n\n"
        "Nothing else: not your name, username or phone number, not your questions, not which guides you read. "
        "Questions I could not answer are counted by their words only, with no ids, and dropped after {days} days "
        "without being asked again. My logs never contain message text.\n\n"
        "To delete everything about you: /forget_me"
    ).format(days=days)


async def privacy_command(message: Message, db: Database, settings: Settings, users: UserRepository) -> None:
    if message.from_user is None:
        return
    try:
        await users.flush()  # the day last seen may still be in memory (UserRepository.touch): show it stored
    except (StorageError, sqlite3.Error) as exc:  # then show what is stored: seeing it matters more than the day
        log.warning("could not write the days users were last seen before /privacy: %s", type(exc).__name__)
    held = await holdings(db, message.from_user.id)
    lines = [policy(settings.evidence_retention_days), "", "<b>" + escape(_("About you right now:")) + "</b>"]
    if held.first_seen:
        lines.append(
            "• "
            + escape(_("language: {language}; first seen {first}, last seen {last}")).format(
                language=LANGUAGE_NAMES.get(held.language or "", "—"), first=held.first_seen, last=held.last_seen
            )
        )
    for table, count in held.rows.items():
        if table != "users":
            label = _(TABLE_LABELS[table]) if table in TABLE_LABELS else _("other records")
            lines.append(f"• {escape(label)}: {count}")
    await message.answer("\n".join(lines))


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("🗑 Delete everything"), callback_data=PrivacyCB(op="forget").pack())],
            [InlineKeyboardButton(text=_("Cancel"), callback_data=PrivacyCB(op="keep").pack())],
        ]
    )


async def forget_command(message: Message) -> None:
    await message.answer(
        _(
            "This deletes everything I store about you: your language and dates, moderation records and warnings, "
            "appeals, and any volunteer or network owner role. Active bans in chats stay, with only your id. "
            "This cannot be undone."
        ),
        reply_markup=confirm_keyboard(),
    )


async def show(query: CallbackQuery, text: str) -> None:
    """Replace the confirmation with the outcome, so its buttons cannot be pressed again."""
    message = query.message
    if message is not None and not isinstance(message, InaccessibleMessage):
        try:
            await message.edit_text(text, reply_markup=None)
            return
        except TelegramBadRequest:
            pass  # too old to edit
    await query.bot.send_message(query.from_user.id, text)  # type: ignore[union-attr]


async def forget_button(
    query: CallbackQuery,
    callback_data: PrivacyCB,
    db: Database,
    users: UserRepository,
    usernames: Usernames,
    guard: Guard,
    reader_feedback: ReaderFeedback,
) -> None:
    if callback_data.op != "forget":
        await query.answer()
        await show(query, _("Nothing was deleted."))
        return
    user_id = query.from_user.id
    affected = await forget_user(db, user_id, now_utc())
    users.forget(user_id)
    usernames.forget(user_id)
    guard.forget_user(user_id)  # texts waiting to be returned, flood counters
    reader_feedback.forget_user(user_id)  # which guides they voted on or reported
    log.info("a user was forgotten: %d rows", sum(v for k, v in affected.items() if not k.endswith(":kept")))
    kept = sum(v for k, v in affected.items() if k.endswith(":kept"))
    text = _("Done: I deleted everything I stored about you.")
    if kept:
        text += " " + _("Active bans kept with only your id: {count}.").format(count=kept)
    text += "\n\n" + _("If you write to me again, I will store your language and the day again, as for anyone.")
    await query.answer()
    await show(query, text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(privacy_command, Command("privacy"))
    router.message.register(forget_command, Command("forget_me"))
    router.callback_query.register(forget_button, PrivacyCB.filter())
    return router
