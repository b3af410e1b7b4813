"""Shared fixtures: settings on a temporary database, a small content folder, and a bot wired to the stand-in."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Services, build_bot, build_dispatcher, build_services, startup
from bot.config import Settings
from bot.dispatching import provided
from bot.guides import Catalogue, load_catalogue
from bot.search import SearchIndex
from bot.standin import StandInSession
from bot.storage import Database
from tests.builders import Person

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token-for-the-stand-in-session"

GUIDE = """---
title: {title}
summary: Short summary of {slug}.
category: {category}
order: {order}
keywords: [{slug}, word]
reviewed: 2026-11-01
legal: {legal}
sources:
  - title: Official page
    url: https://www.gov.kz/situations/497
    date: 2025-01-14
---
{body}
"""


def write_guide(
    root: Path,
    lang: str,
    slug: str,
    *,
    title: str | None = None,
    category: str = "first-steps",
    order: int = 10,
    legal: bool = False,
    body: str = "Some **text** with a [link](https://egov.kz).",
) -> Path:
    path = root / lang / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = GUIDE.format(
        title=title or f"{slug} ({lang})",
        slug=slug,
        category=category,
        order=order,
        legal=str(legal).lower(),
        body=body,
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """An open database in a temporary file (a file, not :memory:, so the inline reader is used too)."""
    database = Database(tmp_path / "bot.db")
    await database.open()
    yield database
    await database.close()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for lang in ("ru", "kk", "en"):
        write_guide(root, lang, "iin", title={"ru": "Как получить ИИН", "kk": "ЖСН алу", "en": "Getting an IIN"}[lang])
        write_guide(root, lang, "emergency", category="help", body="- **112** — emergency\n- **102** — police")
    write_guide(root, "ru", "detention", category="legal", legal=True, body="1. Stay calm.\n2. Ask for a lawyer.")
    return root


@pytest.fixture
def settings(tmp_path: Path, content_dir: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        content_dir=content_dir,
        default_language="ru",
    )


@dataclass
class Harness:
    """The real dispatcher and handlers, with the stand-in session recording every Bot API request."""

    services: Services
    session: StandInSession
    dp: object
    bot: object

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    async def send(self, person: Person, text: str, **kwargs: object) -> None:
        update = person.message_update(next(self._ids), text, self.session, **kwargs)
        await self.dp.feed_update(self.bot, update)  # type: ignore[attr-defined]

    async def press(self, person: Person, button_text: str) -> None:
        """Press the button with this text (or containing it) on the latest bot message that has it."""
        for msg in reversed(list(self.session.messages.values())):
            for button in msg.buttons():
                if button_text in button.text and button.callback_data:
                    update = person.callback_update(next(self._ids), msg, button.callback_data, self.session)
                    await self.dp.feed_update(self.bot, update)  # type: ignore[attr-defined]
                    return
        shown = [b.text for m in self.session.messages.values() for b in m.buttons()]
        raise AssertionError(f"no button {button_text!r} in {shown}")

    def last(self) -> str:
        """Visible text of the latest message the bot sent or edited."""
        events = [e for e in self.session.events if e.message is not None and e.kind in ("send", "edit")]
        assert events, "the bot showed nothing"
        return events[-1].message.text  # type: ignore[union-attr]

    @property
    def provided(self) -> dict[str, Any]:
        """The services the handlers are given (bot.dispatching.provide): the guard, the join check, the enforcer…"""
        return provided(self.dp)  # type: ignore[arg-type]

    def popups(self) -> list[str]:
        return [e.text for e in self.session.events if e.kind == "popup"]


def daytime_clock() -> Callable[[], float]:
    """Real time, shifted so that it is noon in Asia/Almaty when the test starts. Protection's night mode (00:00–07:00
    there by default) would otherwise judge a newcomer's message differently depending on when the suite runs; the
    tests of night mode set a night-time clock themselves."""
    local = datetime.now(ZoneInfo("Asia/Almaty"))
    offset = (12 - local.hour) * 3600 - local.minute * 60 - local.second
    return lambda: time.time() + offset


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    session = StandInSession()
    services = build_services(settings)
    await startup(services)
    bot = build_bot(settings, session=session, token=TOKEN)
    h = Harness(services, session, build_dispatcher(services), bot)
    h.provided["guard"].clock = daytime_clock()  # type: ignore[index]
    yield h
    await services.db.close()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The real guides, loaded once for every test that measures search or content against them."""
    return load_catalogue(REPO / "content").catalogue


@pytest.fixture(scope="session")
def index(catalogue: Catalogue) -> SearchIndex:
    return SearchIndex.from_catalogue(catalogue)
