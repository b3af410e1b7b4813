"""Settings from the environment and an optional `.env` file.

The variable names are the deployment interface documented in the README. Anything wrong is reported as one line
naming the variable and what it expects (see `describe_error`), never as a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")
# aiogram's own token check, repeated here so a bad token is a configuration error and not a crash at start-up.
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")

# What each setting expects, in words, for the one-line error message.
EXPECTED: dict[str, str] = {
    "BOT_TOKEN": "the bot token from @BotFather, like 123456789:AAE…",
    "BOT_API_URL": "an http:// or https:// URL of a Bot API server",
    "DATABASE_URL": "sqlite:///relative/path.db or sqlite:////absolute/path.db",
    "CONTENT_DIR": "a path to the folder with the guides",
    "DEFAULT_LANGUAGE": "one of ru, kk, en",
    "BOT_OWNERS": "comma-separated numeric Telegram user ids, like 12345,67890",
    "TIMEZONE": "an IANA time zone name, like Asia/Almaty",
    "LOG_FORMAT": "text or json",
    "LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR",
}


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    bot_token: SecretStr | None = None
    bot_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///data/bot.db"
    content_dir: Path = Path("content")
    default_language: Literal["ru", "kk", "en"] = "ru"
    bot_owners: Annotated[tuple[int, ...], NoDecode] = Field(default=())
    timezone: str = "Asia/Almaty"
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value().strip()):
            # The value itself is never echoed: it is a secret even when malformed.
            raise ValueError("malformed token")
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith("sqlite:///") or value == "sqlite:///":
            raise ValueError("not a sqlite:/// URL")
        return value

    @field_validator("bot_owners", mode="before")
    @classmethod
    def _owners(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"\d{1,20}", p) for p in parts):
                raise ValueError("not a list of numeric ids")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @property
    def database_path(self) -> Path:
        """Filesystem path of the SQLite file: three slashes relative, four absolute (SQLAlchemy's convention)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(f"BOT_TOKEN is not set: expected {EXPECTED['BOT_TOKEN']}")
        return self.bot_token.get_secret_value().strip()


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad variable and what it expects; never the (possibly secret) value."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first.get("loc") else "configuration"
    expected = EXPECTED.get(name, "a valid value")
    return f"{name} is invalid: expected {expected}"


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ConfigError with a one-line message instead of pydantic's multi-line report."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_error(exc)) from None
