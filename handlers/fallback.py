"""Anything in a private chat that no other router took: say what the bot can do instead of staying silent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers import views


async def unknown_message(message: Message) -> None:
    await message.answer(
        _("I did not understand that. Open /guides for the topics or /emergency for help numbers."),
        reply_markup=views.main_menu(),
    )


async def stale_button(query: CallbackQuery) -> None:
    # Buttons from an older version of the bot or of the content: answer so the phone stops spinning.
    await query.answer(_("This button is out of date. Please open /guides again."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_message, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router
