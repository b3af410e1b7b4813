"""SQLite storage: one connection, WAL mode, versioned migrations, small repositories."""

from bot.storage.chats import ChatRepository, ChatSettings
from bot.storage.database import Database, StorageError
from bot.storage.questions import UnansweredRepository
from bot.storage.users import UserRepository
from bot.storage.volunteers import VolunteerRepository

__all__ = [
    "ChatRepository",
    "ChatSettings",
    "Database",
    "StorageError",
    "UnansweredRepository",
    "UserRepository",
    "VolunteerRepository",
]
