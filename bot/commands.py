"""The command menus Telegram shows, per language: everyone's, group admins' and volunteers'.

Admins moderate from a phone and volunteers fix guides from one, so the commands they need are in their menu
instead of in their memory: group admins get the moderation commands (scope "all chat administrators"), and each
volunteer gets the volunteer commands in their private chat with the bot (a per-chat scope, set when they are added
and removed when they are removed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeChat, BotCommandScopeDefault

from bot.config import LANGUAGES
from bot.i18n import Translations
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
    ("privacy", N_("What the bot stores about you")),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("ban", N_("Ban (reply): /ban 7d reason")),
    ("mute", N_("Mute (reply): /mute 2h reason")),
    ("warn", N_("Warn (reply)")),
    ("del", N_("Delete the replied-to message")),
    ("unban", N_("Lift a ban")),
    ("unmute", N_("Lift a mute")),
    ("modlog", N_("Latest moderation actions")),
    ("settings", N_("Chat settings and protection switches")),
    ("protection", N_("Filter phrases, allowed sites, limits")),
)
VOLUNTEER_MENU: tuple[tuple[str, str], ...] = (
    *COMMANDS,
    ("review", N_("Changes waiting for your review")),
    ("history", N_("Revisions of a guide: /history iin")),
    ("rollback", N_("Restore a revision: /rollback iin 12")),
    ("stale", N_("Guides to re-check against sources")),
    ("translations", N_("Missing and outdated translations")),
    ("feedback", N_("Readers' reports and votes")),
    ("stats", N_("Views and unanswered questions")),
    ("export", N_("All guides as a zip for the repository")),
    ("reload", N_("Re-read content/ from disk")),
    ("volunteers", N_("The team")),
    ("audit", N_("What volunteers did, newest first")),
)


def command_list(i18n: Translations, lang: str, commands: Iterable[tuple[str, str]] = COMMANDS) -> list[BotCommand]:
    return [BotCommand(command=cmd, description=i18n.gettext(desc, locale=lang)) for cmd, desc in commands]


async def register_commands(
    bot: Bot, i18n: Translations, default_language: str, volunteers: Iterable[int] = ()
) -> None:
    """Every menu in every language, so Telegram shows each person the menu in their app's language."""
    for scope, commands in (
        (BotCommandScopeDefault(), COMMANDS),
        (BotCommandScopeAllChatAdministrators(), ADMIN_COMMANDS),
    ):
        await bot.set_my_commands(command_list(i18n, default_language, commands), scope=scope)
        for lang in LANGUAGES:
            await bot.set_my_commands(command_list(i18n, lang, commands), scope=scope, language_code=lang)
    for user_id in volunteers:
        await set_volunteer_menu(bot, i18n, default_language, user_id)


async def set_volunteer_menu(bot: Bot, i18n: Translations, default_language: str, user_id: int) -> bool:
    """The volunteer commands in this person's private chat; False if Telegram refused (they never started the bot:
    their menu appears after the next restart, and the commands work anyway)."""
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        await bot.set_my_commands(command_list(i18n, default_language, VOLUNTEER_MENU), scope=scope)
        for lang in LANGUAGES:
            await bot.set_my_commands(command_list(i18n, lang, VOLUNTEER_MENU), scope=scope, language_code=lang)
    except (TelegramBadRequest, TelegramForbiddenError) as exc:
        log.info("no volunteer menu for a volunteer yet: %s", exc.message)
        return False
    return True


async def clear_volunteer_menu(bot: Bot, user_id: int) -> None:
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        await bot.delete_my_commands(scope=scope)
        for lang in LANGUAGES:
            await bot.delete_my_commands(scope=scope, language_code=lang)
    except (TelegramBadRequest, TelegramForbiddenError) as exc:
        log.info("no volunteer menu to remove: %s", exc.message)
