"""/start, deep links and the language choice."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.i18n import resolve_language
from bot.library import Library
from bot.storage import UserRepository
from bot.storage.feedback import FeedbackRepository
from handlers import views
from handlers.callbacks import LanguageCB, MenuCB
from handlers.guides import GUIDES_PAYLOAD, send_guide


async def start_deep_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    library: Library,
    users: UserRepository,
    settings: Settings,
    lang: str,
    user_language: str | None,
    feedback: FeedbackRepository,
) -> None:
    slug = (command.args or "").strip()
    if user_language is None and message.from_user:
        # Someone who follows a link to a guide wants the guide now, not a language quiz: keep the language that
        # the picker would have preselected; /language changes it.
        await users.set_language(message.from_user.id, lang, datetime.now(settings.tz).date())
    if slug == GUIDES_PAYLOAD:
        text, kb = views.categories(library, lang)
        await message.answer(text, reply_markup=kb)
    elif not await send_guide(message, bot, library, slug, lang, feedback):
        text, kb = views.categories(library, lang)
        await message.answer(views.not_found() + "\n\n" + text, reply_markup=kb)


async def start(message: Message, settings: Settings, user_language: str | None) -> None:
    if user_language is None:
        code = message.from_user.language_code if message.from_user else None
        text, kb = views.language_picker(resolve_language(code, settings.default_language))
    else:
        text, kb = views.welcome()
    await message.answer(text, reply_markup=kb)


async def language_command(message: Message, lang: str) -> None:
    text, kb = views.language_picker(lang)
    await message.answer(text, reply_markup=kb)


async def language_button(query: CallbackQuery, lang: str) -> None:
    text, kb = views.language_picker(lang)
    await query.answer()
    if query.message:
        await query.message.answer(text, reply_markup=kb)


async def language_chosen(
    query: CallbackQuery, callback_data: LanguageCB, users: UserRepository, settings: Settings, i18n: I18n
) -> None:
    code = callback_data.code
    if code not in i18n.available_locales:
        await query.answer()
        return
    await users.set_language(query.from_user.id, code, datetime.now(settings.tz).date())
    with i18n.use_locale(code):
        await query.answer(_("Language saved"))
        text, kb = views.welcome()
        if query.message:
            await query.message.edit_text(text, reply_markup=kb)  # type: ignore[union-attr]


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start_deep_link, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(language_command, Command("language"))
    router.callback_query.register(language_button, MenuCB.filter(F.action == "language"))
    router.callback_query.register(language_chosen, LanguageCB.filter())
    return router
