"""Inline mode: `@bot <question>` in any chat offers guide cards with a button to the full guide."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from aiogram.utils.i18n import gettext as _

from bot.guides import Guide
from bot.library import Library, deep_link
from bot.limits import INLINE_QUERY_MAX_RESULTS
from handlers.guides import bot_username
from handlers.views import locale

# Shown for an empty query: what people need first, in the order they need it.
FEATURED = ("emergency", "detention", "iin", "registration", "bank-account", "legal-risks", "asylum")
RESULTS = 10


def card(guide: Guide) -> str:
    return f"<b>{escape(guide.title)}</b>\n{escape(guide.summary)}"


def open_button(username: str, slug: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=_("📖 Open the full guide"), url=deep_link(username, slug))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def inline_query(query: InlineQuery, bot: Bot, library: Library, lang: str) -> None:
    text = query.query.strip()
    username = await bot_username(bot)
    # Inline queries come with every keystroke and many people type the same few words: the cards for a query are
    # built once per catalogue (Library clears them on reload), language and interface locale.
    key = ("inline", lang, locale(), username, text)
    results = library.cached_recent(key, lambda: cards(text, library, lang, username))
    # Personal: results depend on the asker's language. Short cache: guides change without a redeploy.
    await query.answer(results, cache_time=60, is_personal=True)


def cards(text: str, library: Library, lang: str, username: str) -> list[InlineQueryResultArticle]:
    if text:
        slugs = [hit.slug for hit in library.index.search(text, limit=RESULTS)]
    else:
        slugs = [s for s in FEATURED if s in library.catalogue]
        slugs += [g.slug for _cat, guides in library.catalogue.by_category(lang) for g in guides if g.slug not in slugs]
    results = []
    for slug in slugs[: min(RESULTS, INLINE_QUERY_MAX_RESULTS)]:
        found = library.find(slug, lang)
        if not found:
            continue
        guide = found[0]
        results.append(
            InlineQueryResultArticle(
                id=f"{slug}:{guide.lang}",
                title=guide.title,
                description=guide.summary,
                input_message_content=InputTextMessageContent(message_text=card(guide), parse_mode="HTML"),
                reply_markup=open_button(username, slug),
            )
        )
    return results


def create_router() -> Router:
    router = Router(name=__name__)
    router.inline_query.register(inline_query)
    return router
