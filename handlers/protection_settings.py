"""/protection: a chat's own filter lists and limits, from an admin's phone.

    /protection                              what is set now
    /protection add spam|insult|hate|threat <phrase>
    /protection remove spam|insult|hate|threat <phrase>
    /protection allow <domain>  ·  /protection disallow <domain>
    /protection set <setting> <value>        e.g. probation_hours 48, night_start 23:00
    /protection reset                        back to the defaults

The answer goes to the admin privately when possible: the chat does not need to read its blocklist, and
spammers should not either. The command message itself is removed for the same reason.
"""

from __future__ import annotations

from contextlib import suppress
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.protection import DEFAULT, ProtectionConfig
from bot.storage import ChatRepository
from bot.translatable import N_
from handlers.admins import AdminCache
from handlers.protection import PROTECTION, Guard

LISTS = {
    "spam": "extra_spam_phrases",
    "insult": "extra_insult_phrases",
    "hate": "extra_hate_phrases",
    "threat": "extra_threat_phrases",
}
# Settings an admin may set with /protection set, with the form a value must take.
SETTABLE: dict[str, str] = {
    "probation_hours": N_("hours, from 0 to 8760"),
    "probation_messages": N_("a whole number from 0 to 1000"),
    "join_timeout_seconds": N_("seconds, from 30 to 3600"),
    "night_start": N_("a time like 00:00"),
    "night_end": N_("a time like 07:00"),
    "repeat_chats": N_("a whole number from 2 to 1000"),
    "insult_action": N_("none, delete, delete_warn, mute or hold"),
    "hate_action": N_("none, delete, delete_warn, mute or hold"),
    "threat_action": N_("none, delete, delete_warn, mute or hold"),
}


def parse_value(name: str, raw: str) -> Any:
    """The text an admin typed, as the setting's type (ValueError if it is not one)."""
    default = getattr(DEFAULT, name)
    if isinstance(default, bool):
        raise ValueError(name)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw.replace(",", "."))
    return raw


def summary(config: ProtectionConfig, changes: dict[str, Any]) -> str:
    lines = ["<b>" + escape(_("🛡 Protection settings")) + "</b>"]
    for key, field in LISTS.items():
        phrases = getattr(config, field)
        shown = ", ".join(escape(p) for p in phrases) if phrases else "—"
        lines.append(f"{escape(key)}: {shown}")
    extra = [d for d in config.allowed_domains if d not in DEFAULT.allowed_domains]
    lines.append(escape(_("Allowed sites: the official list")) + (f" + {escape(', '.join(extra))}" if extra else ""))
    for name in SETTABLE:
        mark = " ✎" if name in changes else ""
        lines.append(f"{name}: <code>{escape(str(getattr(config, name)))}</code>{mark}")
    lines.append("")
    lines.append(escape(_("Change: /protection add spam <phrase>, /protection set probation_hours 48, …")))
    return "\n".join(lines)


def apply(command: str, rest: str, changes: dict[str, Any], config: ProtectionConfig) -> dict[str, Any] | str:
    """The new changes dict, or an error message (current locale)."""
    kind, _sep, value = rest.partition(" ")
    value = value.strip()
    if command in ("add", "remove"):
        if kind not in LISTS or not value:
            return _("Write: /protection {command} spam|insult|hate|threat <phrase>").format(command=command)
        field = LISTS[kind]
        phrases = list(getattr(config, field))
        if command == "add":
            if value not in phrases:
                phrases.append(value)
        elif value in phrases:
            phrases.remove(value)
        else:
            return _("There is no such phrase in the list.")
        return {**changes, field: phrases}
    if command in ("allow", "disallow"):
        domain = kind.lower().removeprefix("https://").removeprefix("http://").strip("/")
        if not domain:
            return _("Write: /protection {command} example.kz").format(command=command)
        domains = list(config.allowed_domains)
        if command == "allow" and domain not in domains:
            domains.append(domain)
        elif command == "disallow":
            if domain not in domains:
                return _("This site is not in the list.")
            domains.remove(domain)
        return {**changes, "allowed_domains": domains}
    if command == "set":
        if kind not in SETTABLE or not value:
            names = ", ".join(SETTABLE)
            return _("Write: /protection set <setting> <value>. Settings: {names}").format(names=names)
        try:
            return {**changes, kind: parse_value(kind, value)}
        except ValueError:
            return _("Not saved: {name} must be {form}.").format(name=kind, form=_(SETTABLE[kind]))
    if command == "reset":
        return {}
    return _("Unknown command. Write /protection to see the settings and how to change them.")


async def protection_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminCache,
    chats: ChatRepository,
    settings: Settings,
    guard: Guard,
    i18n: I18n,
) -> None:
    actor = await admins.actor(bot, message)
    if actor is None:
        return  # not an admin: silence, so the command cannot be used to make noise
    chat = await chats.get(message.chat.id)
    changes: dict[str, Any] = dict(chat.get(PROTECTION, {}))
    with i18n.use_locale(chat.language or settings.default_language):
        config = guard.config(chat)  # the settings in force (the defaults if the stored ones were ever invalid)
        sub, _sep, rest = (command.args or "").strip().partition(" ")
        if not sub:
            reply = summary(config, changes)
        else:
            result = apply(sub.lower(), rest.strip(), changes, config)
            if isinstance(result, str):
                reply = escape(result)
            else:
                try:
                    config = ProtectionConfig.from_dict({"timezone": settings.timezone, **result})
                except ValueError:
                    name = next((k for k in result if result[k] != changes.get(k)), "")
                    form = _(SETTABLE[name]) if name in SETTABLE else _("a short phrase or a domain like example.kz")
                    reply = escape(_("Not saved: {name} must be {form}.").format(name=name, form=form))
                else:
                    await chats.set_value(message.chat.id, PROTECTION, result)
                    reply = escape(_("Saved.")) + "\n\n" + summary(config, result)
        await answer_privately(bot, message, actor.user_id, reply)


async def answer_privately(bot: Bot, message: Message, user_id: int | None, text: str) -> None:
    if user_id is not None:
        try:
            await bot.send_message(user_id, text)
        except (TelegramBadRequest, TelegramForbiddenError):
            pass  # they have not started the bot: answer in the chat
        else:
            with suppress(TelegramBadRequest, TelegramForbiddenError):
                await message.delete()
            return
    await message.reply(text)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(protection_command, F.chat.type.in_({"group", "supergroup"}), Command("protection"))
    return router
