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
# Telegram's rule for setWebhook's secret_token; it comes back in the X-Telegram-Bot-Api-Secret-Token header.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

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
    "WEBHOOK_URL": "the public https:// URL Telegram posts updates to, like https://bot.example.org/tg/hook",
    "WEBHOOK_SECRET": "1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's secret_token alphabet)",
    "WEBHOOK_HOST": "the address the webhook server listens on, like 0.0.0.0 or 127.0.0.1",
    "WEBHOOK_PORT": "a TCP port number from 1 to 65535",
    "RETRY_BASE_DELAY": "seconds before the first retry of a failed Telegram call, from 0.01 to 60",
    "RETRY_MAX_WAIT": "seconds one Telegram call may spend waiting and retrying, from 0 to 3600",
    "PENDING_RETRY_INTERVAL": "seconds between retries of unconfirmed moderation actions, from 1 to 3600",
    "EVIDENCE_RETENTION_DAYS": "a whole number of days from 1 to 3650",
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
    # Webhook mode (`run --webhook`): Telegram posts to WEBHOOK_URL, a reverse proxy forwards it to HOST:PORT.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # The session layer's retries (bot/retrying.py) and the pending-action sweep; tests shorten them.
    retry_base_delay: float = Field(default=0.5, ge=0.01, le=60)
    retry_max_wait: float = Field(default=60.0, ge=0, le=3600)
    pending_retry_interval: float = Field(default=30.0, ge=1, le=3600)
    # Days that message text kept as moderation evidence (and appeal text) survives; see PRIVACY.md.
    evidence_retention_days: int = Field(default=30, ge=1, le=3650)

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

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        # Telegram delivers webhooks over HTTPS only; the path is where our server listens.
        if not re.match(r"^https://[^\s/?#]+(/[^\s?#]*)?$", value.strip()):
            raise ValueError("not an https URL")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _SECRET_RE.match(value.get_secret_value()):
            raise ValueError("bad secret")  # the value is never echoed
        return value

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

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL: where the webhook server accepts Telegram's POSTs."""
        rest = (self.webhook_url or "").removeprefix("https://")
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"

    def require_webhook(self) -> tuple[str, str]:
        """(url, secret) for webhook mode; both are required, so a forged POST cannot inject updates."""
        if not self.webhook_url:
            raise ConfigError(f"WEBHOOK_URL is not set (needed by run --webhook): expected {EXPECTED['WEBHOOK_URL']}")
        if self.webhook_secret is None:
            raise ConfigError(
                f"WEBHOOK_SECRET is not set (needed by run --webhook): expected {EXPECTED['WEBHOOK_SECRET']}"
            )
        if self.webhook_path == "/healthz":
            raise ConfigError("WEBHOOK_URL is invalid: its path must not be /healthz (the health check lives there)")
        return self.webhook_url, self.webhook_secret.get_secret_value()


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
