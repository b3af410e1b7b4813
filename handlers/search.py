"""Questions in the private chat: any text that is not a command, and /search <question>."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.dispatching import in_private, plain_text
from bot.library import Library
from bot.search.question import normalize_query
from bot.storage import UnansweredRepository
from bot.storage.feedback import FeedbackRepository
from handlers import views
from handlers.callbacks import GuideCB, MenuCB
from handlers.guides import send_guide

# Longer "questions" are pasted documents or forwarded posts, not something to look up.
QUESTION_MAX_CHARS = 1000


async def record_unanswered(unanswered: UnansweredRepository, text: str, settings: Settings) -> None:
    # Counted in memory; a failed write of the counts is logged there and never stops the answer.
    await unanswered.record(normalize_query(text), datetime.now(settings.tz).date())


async def answer_question(
    message: Message,
    bot: Bot,
    library: Library,
    unanswered: UnansweredRepository,
    settings: Settings,
    lang: str,
    feedback: FeedbackRepository | None = None,
    command: CommandObject | None = None,
) -> None:
    """A question in the private chat: plain text, or the words after /search (aiogram passes `command` then)."""
    if command is not None and not (command.args or "").strip():
        await message.answer(_("Write your question after the command, for example: /search how to get an IIN"))
        return
    text = (command.args if command is not None else message.text) or ""
    text = text[:QUESTION_MAX_CHARS]
    hits = library.index.search(text)
    if hits and library.index.is_confident(hits):
        await send_guide(message, bot, library, hits[0].slug, lang, feedback)
        return
    await record_unanswered(unanswered, text, settings)
    # Buttons built directly: InlineKeyboardBuilder deep-copies the keyboard on every button (see views.rows).
    buttons = []
    for hit in hits:
        found = library.find(hit.slug, lang)
        if found:
            buttons.append(InlineKeyboardButton(text=found[0].title, callback_data=GuideCB(slug=hit.slug).pack()))
    buttons.append(InlineKeyboardButton(text=_("📚 All topics"), callback_data=MenuCB(action="guides").pack()))
    if hits:
        await message.answer(_("These guides may help:"), reply_markup=views.rows(buttons, 1))
        return
    await message.answer(
        _(
            "I could not find a guide for that. Try other words, or pick a topic. "
            "Volunteers see which questions have no guide yet."
        ),
        reply_markup=views.rows(buttons, 1),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(in_private)
    router.message.register(answer_question, Command("search"))
    router.message.register(answer_question, plain_text)
    return router
