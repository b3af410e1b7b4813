"""Commands for the volunteers who keep the guides current. Private chat only; volunteers and owners only."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.commands import clear_volunteer_menu, set_volunteer_menu
from bot.config import Settings
from bot.i18n import Translations
from bot.storage import UnansweredRepository, VolunteerRepository
from bot.storage.revisions import RevisionRepository
from handlers.volunteer_access import VOLUNTEER_COMMANDS, IsVolunteer

UNANSWERED_SHOWN = 20


async def unanswered_command(
    message: Message, volunteers: VolunteerRepository, unanswered: UnansweredRepository
) -> None:
    if message.from_user is None or not await volunteers.is_volunteer(message.from_user.id):
        await message.answer(_("This command is for the bot's volunteers."))
        return
    top = await unanswered.top(UNANSWERED_SHOWN)
    if not top:
        await message.answer(_("No unanswered questions so far."))
        return
    lines = [_("Questions without a confident answer (normalised, most frequent first):")]
    lines += [f"{count} × {escape(query)}" for query, count in top]
    await message.answer("\n".join(lines))


async def volunteers_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    volunteers: VolunteerRepository,
    revisions: RevisionRepository,
    settings: Settings,
    i18n: Translations,
) -> None:
    """Owners add and remove volunteers; every volunteer may see who is on the team (ids only)."""
    assert message.from_user is not None
    args = (command.args or "").split()
    if not args:
        owners = ", ".join(str(o) for o in sorted(volunteers.owners)) or "—"
        team = ", ".join(str(v) for v in await volunteers.all()) or "—"
        text = _(
            "Owners: {owners}\nVolunteers: {team}\nOwners add or remove volunteers: /volunteers add <id>, "
            "/volunteers remove <id>. A person's id: ask them to forward you a message from @userinfobot."
        )
        await message.answer(escape(text.format(owners=owners, team=team)))
        return
    if not volunteers.is_owner(message.from_user.id):
        await message.answer(escape(_("Only the bot's owners can add or remove volunteers.")))
        return
    if len(args) != 2 or args[0] not in ("add", "remove") or not re.fullmatch(r"\d{1,20}", args[1]):
        await message.answer(
            escape(_("Write it like this: /volunteers add 123456789 or /volunteers remove 123456789."))
        )
        return
    user_id = int(args[1])
    if args[0] == "add":
        added = await volunteers.add(user_id, message.from_user.id, datetime.now(settings.tz).date())
        text = _("{id} is now a volunteer.") if added else _("{id} is already a volunteer or an owner.")
        if added:
            await revisions.audit(message.from_user.id, "volunteer_add", target_id=user_id)
            await set_volunteer_menu(bot, i18n, settings.default_language, user_id)
    else:
        if volunteers.is_owner(user_id):
            text = _("{id} is an owner (BOT_OWNERS); owners are changed in the configuration.")
        elif await volunteers.remove(user_id):
            text = _("{id} is no longer a volunteer.")
            await revisions.audit(message.from_user.id, "volunteer_remove", target_id=user_id)
            await clear_volunteer_menu(bot, user_id)
        else:
            text = _("{id} is not a volunteer.")
    await message.answer(escape(text.format(id=user_id)))


async def not_for_you(message: Message) -> None:
    await message.answer(_("This command is for the bot's volunteers."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(unanswered_command, Command("unanswered"))
    router.message.register(volunteers_command, Command("volunteers"), IsVolunteer())
    # Volunteer commands that no volunteer router took: the sender is not a volunteer.
    router.message.register(not_for_you, Command(*VOLUNTEER_COMMANDS))
    return router
