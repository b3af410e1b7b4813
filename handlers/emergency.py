"""/emergency: numbers and contacts in one short message, in any chat, even when the database is down."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.library import Library
from handlers import views
from handlers.callbacks import MenuCB
from handlers.guides import bot_username


async def emergency_command(message: Message, bot: Bot, library: Library, lang: str) -> None:
    await message.answer(views.emergency_text(library, lang, await bot_username(bot)))


async def emergency_button(query: CallbackQuery, bot: Bot, library: Library, lang: str) -> None:
    await query.answer()
    if query.message:
        await query.message.answer(views.emergency_text(library, lang, await bot_username(bot)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(emergency_command, Command("emergency", "sos"))
    router.callback_query.register(emergency_button, MenuCB.filter(F.action == "emergency"))
    return router
