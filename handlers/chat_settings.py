"""/settings for admins (an inline keyboard, in the private chat when possible) and /setlog for the log chat."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import LANGUAGES, Settings
from bot.i18n import LANGUAGE_NAMES
from bot.protection import DEFAULT, ProtectionConfig
from bot.storage import ChatRepository, ChatSettings
from handlers.admins import AdminCache
from handlers.enforcement import LOG_CHAT
from handlers.groups import AUTO_ANSWER
from handlers.moderation import CONFIRM_DELETE_SECONDS, WARN_ACTION, WARN_LIMIT
from handlers.protection import PROTECTION

WARN_LIMITS = (2, 3, 4, 5)
CONFIRM_CHOICES = (0, 30, 120)
# Protection switches: button key → (ProtectionConfig field, the values the button cycles through).
PROTECTION_SWITCHES: dict[str, tuple[str, tuple[object, ...]]] = {
    "p_on": ("enabled", (True, False)),
    "p_join": ("join_check", (True, False)),
    "p_fail": ("join_fail_action", ("remove", "read_only")),
    "p_night": ("night_mode", (True, False)),
    "p_nact": ("night_action", ("hold", "read_only")),
    "p_dry": ("dry_run", (False, True)),
}


def protection_values(chat: ChatSettings) -> dict[str, object]:
    changes = chat.get(PROTECTION, {})
    return {name: changes.get(name, getattr(DEFAULT, name)) for name, _values in PROTECTION_SWITCHES.values()}


def protection_rows(chat: ChatSettings, button) -> list[list[InlineKeyboardButton]]:  # type: ignore[no-untyped-def]
    v = protection_values(chat)

    def switch(key: str, text: str) -> list[InlineKeyboardButton]:
        name, values = PROTECTION_SWITCHES[key]
        return [button(text, key, values.index(_next(values, v[name])))]

    on_off = {True: _("on"), False: _("off")}
    rows = [switch("p_on", _("🛡 Protection: {state}").format(state=on_off[bool(v["enabled"])]))]
    if v["enabled"]:
        rows += [
            switch("p_join", _("Join check: {state}").format(state=on_off[bool(v["join_check"])])),
            switch("p_fail", _("No answer in time: remove") if v["join_fail_action"] == "remove"
                   else _("No answer in time: keep read-only")),
            switch("p_night", _("Night mode: {state}").format(state=on_off[bool(v["night_mode"])])),
            switch("p_nact", _("At night newcomers: held for review") if v["night_action"] == "hold"
                   else _("At night newcomers: read-only")),
            switch("p_dry", _("Dry run (log only): {state}").format(state=on_off[bool(v["dry_run"])])),
        ]  # fmt: skip
    return rows


class SettingsCB(CallbackData, prefix="s"):
    chat_id: int
    key: str
    value: str


def _next(options: tuple, current: object) -> object:  # type: ignore[type-arg]
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


def settings_view(chat: ChatSettings, title: str, default_language: str) -> tuple[str, InlineKeyboardMarkup]:
    cid = chat.chat_id
    lang = chat.language or default_language
    limit = chat.get(WARN_LIMIT, 3)
    action = chat.get(WARN_ACTION, "mute")
    auto = chat.get(AUTO_ANSWER, True)
    confirm = chat.get(CONFIRM_DELETE_SECONDS, 0)
    log_chat = chat.get(LOG_CHAT, 0)

    def button(text: str, key: str, value: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=SettingsCB(chat_id=cid, key=key, value=str(value)).pack())

    rows = [
        [button(("✓ " if code == lang else "") + LANGUAGE_NAMES[code], "lang", code) for code in LANGUAGES],
        [button(_("Warnings before action: {n}").format(n=limit), "warn_limit", _next(WARN_LIMITS, limit))],
        [button(_("Then: mute for 24 h") if action == "mute" else _("Then: ban"), "warn_action",
                "ban" if action == "mute" else "mute")],
        [button(_("Automatic answers: on") if auto else _("Automatic answers: off"), "auto", int(not auto))],
        [button(_("Confirmations: keep") if not confirm else _("Confirmations: delete after {s} s").format(s=confirm),
                "confirm", _next(CONFIRM_CHOICES, confirm))],
        *protection_rows(chat, button),
    ]  # fmt: skip
    log_line = (
        _("Log chat: {id}").format(id=log_chat)
        if log_chat
        else _("Log chat: not set. Add me to your admins' group and send there: /setlog {id}").format(id=cid)
    )
    heading = _("⚙️ Settings")
    text = f"<b>{escape(heading)}</b> · {escape(title)}\n{escape(log_line)}"
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def settings_command(
    message: Message, bot: Bot, admins: AdminCache, chats: ChatRepository, settings: Settings, i18n: I18n
) -> None:
    actor = await admins.actor(bot, message)
    if actor is None:
        return
    chat = await chats.get(message.chat.id)
    with i18n.use_locale(chat.language or settings.default_language):
        text, markup = settings_view(chat, message.chat.title or str(message.chat.id), settings.default_language)
        if actor.user_id is not None:
            try:
                await bot.send_message(actor.user_id, text, reply_markup=markup)
                await message.reply(_("I sent the settings to you privately."))
                return
            except (TelegramBadRequest, TelegramForbiddenError):
                pass  # the admin has not started the bot yet: show the settings in the chat
        await message.reply(text, reply_markup=markup)


async def settings_button(
    query: CallbackQuery,
    callback_data: SettingsCB,
    bot: Bot,
    admins: AdminCache,
    chats: ChatRepository,
    settings: Settings,
    i18n: I18n,
) -> None:
    cid, key, value = callback_data.chat_id, callback_data.key, callback_data.value
    if query.from_user.id not in await admins.admins(bot, cid):
        await query.answer(_("Only the chat's admins can change this."), show_alert=True)
        return
    if key == "lang" and value in LANGUAGES:
        await chats.set_language(cid, value)
    elif key == "warn_limit" and value.isdigit() and int(value) in WARN_LIMITS:
        await chats.set_value(cid, WARN_LIMIT, int(value))
    elif key == "warn_action" and value in ("mute", "ban"):
        await chats.set_value(cid, WARN_ACTION, value)
    elif key == "auto" and value in ("0", "1"):
        await chats.set_value(cid, AUTO_ANSWER, value == "1")
    elif key == "confirm" and value.isdigit() and int(value) in CONFIRM_CHOICES:
        await chats.set_value(cid, CONFIRM_DELETE_SECONDS, int(value))
    elif key in PROTECTION_SWITCHES and value.isdigit() and int(value) < len(PROTECTION_SWITCHES[key][1]):
        name, values = PROTECTION_SWITCHES[key]
        changes = {**(await chats.get(cid)).get(PROTECTION, {}), name: values[int(value)]}
        ProtectionConfig.from_dict(changes)  # the switches only offer valid values; this keeps it so
        await chats.set_value(cid, PROTECTION, changes)
    else:
        await query.answer()
        return
    chat = await chats.get(cid)
    with i18n.use_locale(chat.language or settings.default_language):
        await query.answer(_("Saved"))
        # In the private chat the group's title is not at hand; its id names it unambiguously.
        in_group = query.message is not None and query.message.chat.id == cid
        title = (query.message.chat.title if in_group and query.message else None) or str(cid)
        text, markup = settings_view(chat, title, settings.default_language)
        if query.message is not None:
            try:
                await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr]
            except TelegramBadRequest:
                pass  # unchanged or too old; the setting is saved either way


async def setlog_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminCache,
    chats: ChatRepository,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Sent in the log chat: `/setlog <id of the chat to log>`. The sender must be an admin of both chats."""
    arg = (command.args or "").strip()
    here = await chats.get(message.chat.id)
    with i18n.use_locale(here.language or settings.default_language):
        if message.from_user is None or await admins.actor(bot, message) is None:
            return
        if arg == "off":
            await chats.set_value(message.chat.id, LOG_CHAT, 0)
            await message.reply(_("This chat no longer has a log chat."))
            return
        if not arg.lstrip("-").isdigit():
            await message.reply(
                _("Send this in your admins' group: /setlog MAIN_CHAT_ID. The id of this chat is {id}.").format(
                    id=message.chat.id
                )
            )
            return
        target = int(arg)
        try:
            target_admins = await admins.admins(bot, target)
        except (TelegramBadRequest, TelegramForbiddenError):
            await message.reply(_("I am not in the chat {id}, or it does not exist.").format(id=target))
            return
        if message.from_user.id not in target_admins:
            await message.reply(_("You must be an admin of the chat {id}.").format(id=target))
            return
        await chats.set_value(target, LOG_CHAT, message.chat.id)
        await message.reply(_("Done: moderation of {id} will be logged here.").format(id=target))


def create_router() -> Router:
    router = Router(name=__name__)
    groups = F.chat.type.in_({"group", "supergroup"})
    router.message.register(settings_command, groups, Command("settings"))
    router.message.register(setlog_command, groups, Command("setlog"))
    router.callback_query.register(settings_button, SettingsCB.filter())
    return router
