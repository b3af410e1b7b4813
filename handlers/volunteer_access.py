"""Who may use the volunteer commands: volunteers and owners, in a private chat with the bot."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.storage import VolunteerRepository

# Every volunteer command: anyone else who sends one gets "This command is for the bot's volunteers."
VOLUNTEER_COMMANDS: tuple[str, ...] = (
    "unanswered",
    "volunteers",
    "review",
    "history",
    "rollback",
    "export",
    "reload",
    "stale",
    "translations",
    "feedback",
    "stats",
    "audit",
)


class IsVolunteer(Filter):
    """Passes for volunteers and owners (checked on every update: a removed volunteer loses access at once)."""

    async def __call__(self, event: Message | CallbackQuery, volunteers: VolunteerRepository) -> bool:
        user = event.from_user
        return user is not None and await volunteers.is_volunteer(user.id)


class IsOwner(Filter):
    async def __call__(self, event: Message | CallbackQuery, volunteers: VolunteerRepository) -> bool:
        return event.from_user is not None and volunteers.is_owner(event.from_user.id)
