"""Logging set-up: plain text or one JSON object per line, and never the bot token.

Handlers log event types and ids, never message text. Redaction happens on the final formatted line, so a token
inside an exception message or traceback (aiohttp puts request URLs there) is masked too.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Plain text lines; a logged exception shows its type and code locations, never its message (which may quote
    what someone wrote: a parse error of their text, a Telegram error echoing a parameter)."""

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def,override]
        frames = "".join(traceback.format_tb(ei[2])).rstrip("\n")
        return f"Traceback (most recent call last):\n{frames}\n{ei[0].__name__}" if ei[0] else ""


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter, secrets: list[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, "[REDACTED]")
        return line


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: list[str] | None = None) -> None:
    inner = JsonFormatter() if fmt == "json" else TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(inner, secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs every handled update at INFO; keep the operator's log about the bot, not the framework.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: that would put evidence and appeal text in the
    # log. Its warnings and errors still come through.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
