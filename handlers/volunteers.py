"""Commands for the volunteers who keep the guides current. Private chat only; volunteers and owners only."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.storage import UnansweredRepository, VolunteerRepository

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


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(unanswered_command, Command("unanswered"))
    return router
