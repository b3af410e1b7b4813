"""Undo from the log chat: the ↩️ button under an audit entry reverses a ban, a mute or a warning."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.storage.moderation import ModerationRepository
from handlers.admins import RESTRICT, AdminCache
from handlers.enforcement import UNDO, Enforcer, UndoCB, refusal
from handlers.join_check import JoinCheck


async def undo_button(
    query: CallbackQuery,
    callback_data: UndoCB,
    bot: Bot,
    admins: AdminCache,
    enforcer: Enforcer,
    moderation: ModerationRepository,
    join_check: JoinCheck,
    i18n: I18n,
) -> None:
    action = await moderation.get(callback_data.action_id)
    if action is None or action.action not in UNDO:
        await query.answer(_("This action cannot be undone."), show_alert=True)
        return
    with i18n.use_locale(await enforcer.chat_language(action.chat_id)):
        chat_admins = await admins.admins(bot, action.chat_id)
        presser = chat_admins.get(query.from_user.id)
        if presser is None or not presser.can(RESTRICT):
            await query.answer(_("Only admins of that chat with the right to ban users can undo."), show_alert=True)
            return
        if action.status == "undone":
            await query.answer(_("Already undone."))
            return
        if action.action == "warn":
            await moderation.revoke_warning_of(action.id)
        name = query.from_user.full_name
        outcome = await enforcer.perform(
            bot, chat_id=action.chat_id, action=UNDO[action.action], target_id=action.target_id,
            actor_id=query.from_user.id, reason=_("undo of #{id}").format(id=action.id), undo_of=action.id,
            actor_name=name,
        )  # fmt: skip
        if outcome.refused:
            await query.answer(refusal(outcome), show_alert=True)
            return
        await moderation.set_status(action.id, "undone")
        if action.action == "mute" and action.target_id is not None:
            await join_check.let_in(action.chat_id, action.target_id)  # Telegram may not report the change to us
        await query.answer(_("Undone."))
        message = query.message
        if message is not None and hasattr(message, "html_text"):
            text = message.html_text + "\n" + escape(_("↩️ Undone by {name}").format(name=name))
            try:
                await message.edit_text(text, reply_markup=None)  # type: ignore[union-attr]
            except TelegramBadRequest:
                pass  # the log message is too old to edit; the undo itself is logged as its own entry


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(undo_button, UndoCB.filter())
    return router
