"""Composition root: builds the Bot, the Dispatcher and the services; the only module that imports handlers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeDefault, LinkPreviewOptions

from bot.config import LANGUAGES, Settings
from bot.i18n import Translations
from bot.library import Library
from bot.sending import SendLimitMiddleware
from bot.storage import ChatRepository, Database, UnansweredRepository, UserRepository, VolunteerRepository
from bot.storage.moderation import ModerationRepository
from bot.translatable import N_

log = logging.getLogger(__name__)

# (command, description) — descriptions are translated per language for setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("guides", N_("All guides by topic")),
    ("emergency", N_("Emergency numbers and help contacts")),
    ("search", N_("Find a guide by your question")),
    ("language", N_("Change the language")),
    ("appeal", N_("Appeal a ban or mute in a chat")),
)


@dataclass
class Services:
    settings: Settings
    db: Database
    users: UserRepository
    chats: ChatRepository
    unanswered: UnansweredRepository
    volunteers: VolunteerRepository
    moderation: ModerationRepository
    library: Library
    i18n: Translations


def build_services(settings: Settings) -> Services:
    db = Database(settings.database_path)
    library = Library(settings.content_dir, settings.default_language)
    return Services(
        settings=settings,
        db=db,
        users=UserRepository(db),
        chats=ChatRepository(db),
        unanswered=UnansweredRepository(db),
        volunteers=VolunteerRepository(db, settings.bot_owners),
        moderation=ModerationRepository(db),
        library=library,
        i18n=Translations(default_locale=settings.default_language),
    )


def build_dispatcher(services: Services) -> Dispatcher:
    from handlers import (
        appeals,
        chat_events,
        chat_settings,
        emergency,
        errors,
        fallback,
        groups,
        guides,
        inline,
        moderation,
        modlog,
        networks,
        reports,
        search,
        start,
        volunteers,
    )
    from handlers.admins import AdminCache
    from handlers.enforcement import Enforcer
    from handlers.groups import Cooldowns
    from handlers.middlewares import UserLanguageMiddleware
    from handlers.reports import ReportLimiter
    from handlers.usernames import Usernames, UsernamesMiddleware

    usernames = Usernames()
    dp = Dispatcher(
        settings=services.settings,
        db=services.db,
        users=services.users,
        chats=services.chats,
        unanswered=services.unanswered,
        volunteers=services.volunteers,
        moderation=services.moderation,
        library=services.library,
        cooldowns=Cooldowns(),
        admins=AdminCache(),
        enforcer=Enforcer(services.moderation, services.chats, services.i18n, services.settings.default_language),
        usernames=usernames,
        limiter=ReportLimiter(),
    )
    dp.message.outer_middleware(UsernamesMiddleware(usernames))
    UserLanguageMiddleware(services.i18n, services.users, services.settings.tz).setup(dp)
    # Order matters: emergency first (it must answer whatever else is broken), the catch-all fallback last.
    dp.include_routers(
        errors.create_router(),
        chat_events.create_router(),
        emergency.create_router(),
        start.create_router(),
        guides.create_router(),
        inline.create_router(),
        volunteers.create_router(),
        appeals.create_router(),
        moderation.create_router(),
        networks.create_router(),
        reports.create_router(),
        chat_settings.create_router(),
        modlog.create_router(),
        groups.create_router(),
        search.create_router(),
        fallback.create_router(),
    )
    return dp


def build_bot(settings: Settings, session: BaseSession | None = None, token: str | None = None) -> Bot:
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
        session.middleware(SendLimitMiddleware())
    return Bot(
        token=token or settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)),
    )


def command_list(i18n: Translations, lang: str) -> list[BotCommand]:
    return [BotCommand(command=cmd, description=i18n.gettext(desc, locale=lang)) for cmd, desc in COMMANDS]


async def register_commands(bot: Bot, i18n: Translations, default_language: str) -> None:
    """Commands per language, so Telegram shows each user the menu in their app's language."""
    await bot.set_my_commands(command_list(i18n, default_language), scope=BotCommandScopeDefault())
    for lang in LANGUAGES:
        await bot.set_my_commands(command_list(i18n, lang), scope=BotCommandScopeDefault(), language_code=lang)


async def startup(services: Services) -> None:
    """Open storage and load content. Content problems are logged; they never stop the bot."""
    await services.db.open()
    result = services.library.load()
    log.info(
        "loaded %d guides (%d files) with %d problems",
        len(result.catalogue),
        sum(1 for _ in result.catalogue),
        len(result.problems),
    )


async def run_polling(settings: Settings) -> None:
    services = build_services(settings)
    await startup(services)
    bot = build_bot(settings)
    dp = build_dispatcher(services)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await register_commands(bot, services.i18n, settings.default_language)
        await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types(), handle_signals=True)
    finally:
        await bot.session.close()
        await services.db.close()
