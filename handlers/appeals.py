"""Appeals: a banned or muted person writes /appeal to the bot; admins decide in the log chat; the person is told."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.storage import ChatRepository, UserRepository
from bot.storage.moderation import ModerationRepository
from handlers.admins import RESTRICT, AdminCache
from handlers.enforcement import LOG_CHAT, Enforcer, refusal


class AppealCB(CallbackData, prefix="ap"):
    op: str  # lift | keep
    appeal_id: int


async def appeal_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    moderation: ModerationRepository,
    chats: ChatRepository,
    enforcer: Enforcer,
    users: UserRepository,
    settings: Settings,
    lang: str,
    user_language: str | None,
) -> None:
    if message.from_user is None:
        return
    if user_language is None:
        # The outcome is told later, outside this conversation: remember the language it should be told in.
        await users.set_language(message.from_user.id, lang, datetime.now(settings.tz).date())
    text = (command.args or "").strip()
    action = await moderation.active_restriction(message.from_user.id)
    if action is None:
        await message.answer(_("I found no active ban or mute of yours in the chats I moderate."))
        return
    if not text:
        await message.answer(_("Write /appeal and, in the same message, why the decision should be reconsidered."))
        return
    log_chat = (await chats.get(action.chat_id)).get(LOG_CHAT, 0)
    if not log_chat:
        await message.answer(_("That chat has not set up appeals. Please contact its admins directly."))
        return
    appeal_id = await moderation.open_appeal(message.from_user.id, action, text)
    if appeal_id is None:
        await message.answer(_("Your appeal is already with the admins. You will get an answer here."))
        return
    with enforcer.i18n.use_locale(await enforcer.chat_language(action.chat_id)):
        kind = _("ban") if action.action == "ban" else _("mute")
        body = "\n".join([
            "<b>" + escape(_("📨 Appeal")) + f"</b> #{appeal_id} · " + escape(_("against {kind} #{id}").format(
                kind=kind, id=action.id)),
            escape(_("From:")) + f' <a href="tg://user?id={message.from_user.id}">{escape(message.from_user.full_name)}</a>',
            escape(_("Reason given then:")) + " " + escape(action.reason or "—"),
            "<blockquote>" + escape(text[:1000]) + "</blockquote>",
        ])  # fmt: skip
        lift = _("🕊 Unban") if action.action == "ban" else _("🔊 Unmute")
        markup = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=lift, callback_data=AppealCB(op="lift", appeal_id=appeal_id).pack()),
            InlineKeyboardButton(text=_("Keep"), callback_data=AppealCB(op="keep", appeal_id=appeal_id).pack()),
        ]])  # fmt: skip
    try:
        await bot.send_message(log_chat, body, reply_markup=markup)
    except (TelegramBadRequest, TelegramForbiddenError):
        await moderation.decide_appeal(appeal_id, "undelivered", None)
        await message.answer(_("I could not deliver your appeal. Please contact the chat's admins directly."))
        return
    await message.answer(_("Your appeal was sent to the admins. You will get their answer here."))


async def appeal_button(
    query: CallbackQuery,
    callback_data: AppealCB,
    bot: Bot,
    admins: AdminCache,
    enforcer: Enforcer,
    moderation: ModerationRepository,
    users: UserRepository,
    settings: Settings,
    i18n: I18n,
) -> None:
    appeal = await moderation.appeal(callback_data.appeal_id)
    if appeal is None:
        await query.answer()
        return
    user_id, chat_id, action_id, status = appeal
    with i18n.use_locale(await enforcer.chat_language(chat_id)):
        presser = (await admins.admins(bot, chat_id)).get(query.from_user.id)
        if presser is None or not presser.can(RESTRICT):
            await query.answer(_("Only admins of that chat with the right to ban users can decide."), show_alert=True)
            return
        if status != "open" or not await moderation.decide_appeal(
            callback_data.appeal_id, "lifted" if callback_data.op == "lift" else "kept", query.from_user.id
        ):
            await query.answer(_("This appeal has already been decided."))
            return
        action = await moderation.get(action_id)
        if callback_data.op == "lift" and action is not None:
            outcome = await enforcer.perform(
                bot, chat_id=chat_id, action="unban" if action.action == "ban" else "unmute", target_id=user_id,
                actor_id=query.from_user.id, reason=_("appeal #{id}").format(id=callback_data.appeal_id),
                undo_of=action.id, actor_name=query.from_user.full_name,
            )  # fmt: skip
            if outcome.refused:
                await query.answer(refusal(outcome), show_alert=True)
                return
            await moderation.set_status(action.id, "undone")
        outcome = _("Lifted") if callback_data.op == "lift" else _("Kept")
        await query.answer(outcome)
        if query.message is not None and hasattr(query.message, "html_text"):
            try:
                await query.message.edit_text(  # type: ignore[union-attr]
                    query.message.html_text + "\n\n" + escape(f"{outcome} · {query.from_user.full_name}"),
                    reply_markup=None,
                )
            except TelegramBadRequest:
                pass  # too old to edit; the decision is recorded
    record = await users.get(user_id)
    with i18n.use_locale(record.language if record and record.language else settings.default_language):
        text = (
            _("Your appeal was accepted: the restriction is lifted.")
            if callback_data.op == "lift"
            else _("The admins reviewed your appeal and kept their decision.")
        )
    try:
        await bot.send_message(user_id, text)
    except (TelegramBadRequest, TelegramForbiddenError):
        pass  # the person blocked the bot since; the decision stands and is recorded


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(appeal_command, F.chat.type == "private", Command("appeal"))
    router.callback_query.register(appeal_button, AppealCB.filter())
    return router
