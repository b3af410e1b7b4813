"""Careful automatic answers in groups: a short card with a button, only when the bot is sure.

A wrong automatic answer in a crowded chat is worse than none, so the bot answers only questions that match a guide
with high confidence, never the same guide twice within the cooldown, and never a reply in someone else's
conversation — unless it is mentioned or replied to, when it always answers.
"""

from __future__ import annotations

import time
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.dispatching import in_groups, plain_text
from bot.library import Library, deep_link
from bot.search.question import looks_like_question
from bot.storage import ChatRepository, UnansweredRepository
from handlers.admins import AdminCache
from handlers.guides import GUIDES_PAYLOAD, bot_username
from handlers.search import QUESTION_MAX_CHARS, record_unanswered

AUTO_ANSWER = "auto_answer"
COOLDOWN_MINUTES = "answer_cooldown_minutes"
DEFAULT_COOLDOWN_MINUTES = 10


class Cooldowns:
    """When each guide was last posted in each chat; kept in memory (a restart at worst repeats one answer)."""

    def __init__(self) -> None:
        self._posted: dict[tuple[int, str], float] = {}

    def ready(self, chat_id: int, slug: str, minutes: int, now: float) -> bool:
        last = self._posted.get((chat_id, slug))
        return last is None or now - last >= minutes * 60

    def mark(self, chat_id: int, slug: str, now: float) -> None:
        if len(self._posted) > 10_000:  # bounded: drop the oldest half
            for key, _ in sorted(self._posted.items(), key=lambda kv: kv[1])[:5_000]:
                del self._posted[key]
        self._posted[(chat_id, slug)] = now


def addressed_to_bot(message: Message, username: str, bot_id: int) -> bool:
    reply = message.reply_to_message
    if reply and reply.from_user and reply.from_user.id == bot_id:
        return True
    text = message.text or message.caption or ""
    return f"@{username.lower()}" in text.lower()


def strip_mention(text: str, username: str) -> str:
    lowered = text.lower()
    mention = f"@{username.lower()}"
    start = lowered.find(mention)
    return (text[:start] + text[start + len(mention) :]).strip() if start >= 0 else text


async def chat_language(chats: ChatRepository, chat_id: int, settings: Settings) -> str:
    return (await chats.get(chat_id)).language or settings.default_language


async def group_message(
    message: Message,
    bot: Bot,
    library: Library,
    chats: ChatRepository,
    unanswered: UnansweredRepository,
    settings: Settings,
    cooldowns: Cooldowns,
    i18n: I18n,
) -> None:
    text = (message.text or "")[:QUESTION_MAX_CHARS]
    if not text or message.from_user is None or message.from_user.is_bot:
        return
    chat = await chats.get(message.chat.id)
    username = await bot_username(bot)
    addressed = addressed_to_bot(message, username, bot.id)
    if not addressed:
        if not chat.get(AUTO_ANSWER, True):
            return
        reply = message.reply_to_message
        if reply is not None and not (reply.from_user and reply.from_user.id == message.from_user.id):
            return  # part of someone else's conversation
        if not looks_like_question(text):
            return
    question = strip_mention(text, username)
    hits = library.index.search(question)
    confident = bool(hits) and library.index.is_confident(hits)
    lang = chat.language or settings.default_language
    with i18n.use_locale(lang):
        if confident:
            slug = hits[0].slug
            now = time.monotonic()
            minutes = chat.get(COOLDOWN_MINUTES, DEFAULT_COOLDOWN_MINUTES)
            if not addressed and not cooldowns.ready(message.chat.id, slug, minutes, now):
                return
            found = library.find(slug, lang)
            if not found:
                return
            guide = found[0]
            cooldowns.mark(message.chat.id, slug, now)
            button = InlineKeyboardButton(text=_("📖 Open the full guide"), url=deep_link(username, slug))
            await message.reply(
                f"<b>{escape(guide.title)}</b>\n{escape(guide.summary)}",
                reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
            )
            return
        await record_unanswered(unanswered, question, settings)
        if not addressed:
            return  # unsure and not asked directly: silence is better than a wrong answer
        button = InlineKeyboardButton(text=_("📚 Open the guides"), url=deep_link(username, GUIDES_PAYLOAD))
        await message.reply(
            _("I have no guide that answers this for sure. Have a look at the topics:"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
        )


async def autoanswer_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminCache,
    chats: ChatRepository,
    settings: Settings,
    i18n: I18n,
) -> None:
    lang = await chat_language(chats, message.chat.id, settings)
    with i18n.use_locale(lang):
        if await admins.actor(bot, message) is None:
            await message.reply(_("Only the chat's admins can change this."))
            return
        arg = (command.args or "").strip().lower()
        if arg not in ("on", "off"):
            state = (await chats.get(message.chat.id)).get(AUTO_ANSWER, True)
            await message.reply(
                (_("Automatic answers are on.") if state else _("Automatic answers are off."))
                + "\n"
                + _("Use /autoanswer on or /autoanswer off.")
            )
            return
        await chats.set_value(message.chat.id, AUTO_ANSWER, arg == "on")
        await message.reply(_("Automatic answers are on.") if arg == "on" else _("Automatic answers are off."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(in_groups)
    router.message.register(autoanswer_command, Command("autoanswer"))
    router.message.register(group_message, plain_text)
    return router
