"""SQLite storage: one connection, WAL mode, versioned migrations, small repositories."""

from bot.storage.database import Database, StorageError
from bot.storage.users import UserRepository

__all__ = ["Database", "StorageError", "UserRepository"]
