"""/guides: the catalogue by category, guide pages with buttons, all edited in place."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.library import Library
from bot.storage.feedback import FeedbackRepository
from handlers import views
from handlers.callbacks import CategoryCB, GuideCB, MenuCB

# Deep-link payload that opens the catalogue rather than one guide (so no guide may use this slug).
GUIDES_PAYLOAD = "guides"


async def bot_username(bot: Bot) -> str:
    me = await bot.me()  # cached by aiogram after the first call
    return me.username or "bot"


async def count_view(feedback: FeedbackRepository | None, slug: str, lang: str) -> None:
    """Views per guide for volunteers' /stats: a counter, no reader id; counted in memory, and a failed write of the
    counts is logged there (bot.storage.batching), so it never hides a guide."""
    if feedback is not None:
        await feedback.record_view(slug, lang)


async def send_guide(
    message: Message, bot: Bot, library: Library, slug: str, lang: str, feedback: FeedbackRepository | None = None
) -> bool:
    found = library.find(slug, lang)
    if not found:
        return False
    guide, fallback = found
    await count_view(feedback, guide.slug, guide.lang)
    pages = views.guide_pages(library, guide, fallback=fallback, lang=lang, bot_username=await bot_username(bot))
    text, kb = views.guide_page(library, pages, guide, 0)
    await message.answer(text, reply_markup=kb)
    return True


async def edit(query: CallbackQuery, text: str, kb: InlineKeyboardMarkup) -> None:
    """Edit the pressed message in place; a message too old to edit gets a fresh one instead."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        await query.bot.send_message(query.from_user.id, text, reply_markup=kb)  # type: ignore[union-attr]
        return
    try:
        await message.edit_text(text, reply_markup=kb)
    except TelegramBadRequest as exc:
        if "message is not modified" in exc.message:
            return
        await message.answer(text, reply_markup=kb)


async def guides_command(message: Message, library: Library, lang: str) -> None:
    text, kb = views.categories(library, lang)
    await message.answer(text, reply_markup=kb)


async def guides_in_group(message: Message, bot: Bot) -> None:
    # Group etiquette: the catalogue is long, so offer it in the private chat instead of flooding the group.
    button = InlineKeyboardButton(
        text=_("📚 Open the guides"), url=f"https://t.me/{await bot_username(bot)}?start={GUIDES_PAYLOAD}"
    )
    await message.reply(
        _("The guides open in a private chat with me."), reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )


async def guides_button(query: CallbackQuery, library: Library, lang: str) -> None:
    text, kb = views.categories(library, lang)
    await query.answer()
    await edit(query, text, kb)


async def home_button(query: CallbackQuery) -> None:
    text, kb = views.welcome()
    await query.answer()
    await edit(query, text, kb)


async def noop_button(query: CallbackQuery) -> None:
    await query.answer()


async def category_button(query: CallbackQuery, callback_data: CategoryCB, library: Library, lang: str) -> None:
    view = views.category(library, lang, callback_data.category)
    if view is None:  # a button from before a content reload
        view = views.categories(library, lang)
    await query.answer()
    await edit(query, *view)


async def guide_button(
    query: CallbackQuery, callback_data: GuideCB, bot: Bot, library: Library, lang: str, feedback: FeedbackRepository
) -> None:
    found = library.find(callback_data.slug, lang)
    if not found:
        await query.answer(views.not_found())
        await edit(query, *views.categories(library, lang))
        return
    guide, fallback = found
    if callback_data.page == 0:
        await count_view(feedback, guide.slug, guide.lang)
    pages = views.guide_pages(library, guide, fallback=fallback, lang=lang, bot_username=await bot_username(bot))
    await query.answer()
    await edit(query, *views.guide_page(library, pages, guide, callback_data.page))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(guides_command, Command("guides"), F.chat.type == "private")
    router.message.register(guides_in_group, Command("guides"))
    router.callback_query.register(guides_button, MenuCB.filter(F.action == "guides"))
    router.callback_query.register(home_button, MenuCB.filter(F.action == "home"))
    router.callback_query.register(noop_button, MenuCB.filter(F.action == "noop"))
    router.callback_query.register(category_button, CategoryCB.filter())
    router.callback_query.register(guide_button, GuideCB.filter())
    return router
