"""The offline demo: the real dispatcher and handlers, a terminal instead of Telegram.

Type text or commands as a user would; the bot's replies print as a phone would show them, inline buttons are
numbered, and typing a number presses one. Works interactively and with piped input (it exits at end of input),
so volunteers can preview content and scripts can test conversations. No token, no network.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
import textwrap
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TextIO

from aiogram.types import CallbackQuery, Chat, InlineKeyboardButton, Message, Update, User

from bot.app import Services, build_bot, build_dispatcher, build_services, shutdown, startup
from bot.config import Settings
from bot.standin import ChatMessage, Event, StandInSession

DEMO_TOKEN = "123456:DEMO-offline-token-not-used-anywhere"


class _TerminalHTML(HTMLParser):
    """Telegram HTML → terminal text: bold/italic as ANSI when colour is on, links with their address."""

    def __init__(self, colour: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.colour = colour
        self.out: list[str] = []
        self.href: list[str | None] = []
        self.quote = False

    def _style(self, code: str) -> None:
        if self.colour:
            self.out.append(f"\x1b[{code}m")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self._style("1")
        elif tag in ("i", "em"):
            self._style("3")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self._style("4")
        elif tag == "blockquote":
            self.quote = True
            self.out.append("▍ ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong", "i", "em", "a"):
            self._style("0")
        if tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f" ({href})")
        elif tag == "blockquote":
            self.quote = False

    def handle_data(self, data: str) -> None:
        self.out.append(data.replace("\n", "\n▍ ") if self.quote else data)


def to_terminal(html: str, *, colour: bool, width: int) -> str:
    parser = _TerminalHTML(colour)
    parser.feed(html)
    parser.close()
    lines: list[str] = []
    for line in "".join(parser.out).split("\n"):
        prefix = "▍ " if line.startswith("▍ ") else ""
        body = line[len(prefix) :]
        # Continuation lines of a list item line up under its text, as on a phone.
        hang = " " * (len(body) - len(body.lstrip())) + ("  " if body.lstrip()[:1] in "•◦" else "")
        wrapped = textwrap.wrap(
            body, width=width - len(prefix), subsequent_indent=prefix + hang, break_long_words=False,
            break_on_hyphens=False,
        ) or [""]  # fmt: skip
        wrapped[0] = prefix + wrapped[0]
        lines.extend(wrapped)
    return "\n".join(lines)


@dataclass
class DemoUser:
    user: User
    chat: Chat


class Demo:
    def __init__(self, settings: Settings, out: TextIO, *, colour: bool = False, width: int = 60,
                 language_code: str | None = None) -> None:  # fmt: skip
        # Every demo starts as a first visit and leaves nothing behind: the database lives in memory.
        settings = settings.model_copy(update={"database_url": "sqlite:///:memory:"})
        self.settings = settings
        self.out = out
        self.colour = colour
        self.width = width
        self.session = StandInSession()
        self.bot = build_bot(settings, session=self.session, token=DEMO_TOKEN)
        self.services: Services = build_services(settings)
        self.dp = build_dispatcher(self.services)
        self.person = DemoUser(
            User(id=42, is_bot=False, first_name="Demo", language_code=language_code),
            Chat(id=42, type="private", first_name="Demo"),
        )
        self._update_ids = itertools.count(1)
        self.buttons: list[tuple[ChatMessage, InlineKeyboardButton]] = []

    async def start(self) -> None:
        await startup(self.services)

    async def stop(self) -> None:
        await shutdown(self.services)

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")

    # -- input ----------------------------------------------------------------------------------------------------
    async def handle_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.isdigit() and self.buttons:
            index = int(line) - 1
            if 0 <= index < len(self.buttons):
                await self.press(*self.buttons[index])
            else:
                self.write(f"  (there is no button {line})")
            return
        await self.send_text(line)

    async def send_text(self, text: str) -> None:
        message = Message(
            message_id=self.session.next_message_id(),
            date=int(time.time()),
            chat=self.person.chat,
            from_user=self.person.user,
            text=text,
        )
        await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def press(self, message: ChatMessage, button: InlineKeyboardButton) -> None:
        if button.url:
            username = self.session.bot_user.username
            match = re.fullmatch(rf"https://t\.me/{username}\?start=([A-Za-z0-9_-]+)", button.url)
            if match:
                await self.send_text(f"/start {match.group(1)}")
            else:
                self.write(f"  (opens {button.url})")
            return
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.person.user,
            chat_instance="demo",
            message=Message(
                message_id=message.message_id,
                date=int(time.time()),
                chat=self.person.chat,
                from_user=self.session.bot_user,
                text=message.text,
                reply_markup=message.keyboard,
            ),
            data=button.callback_data,
        )
        await self.feed(Update(update_id=next(self._update_ids), callback_query=query))

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)
        self.show(self.session.take_events())

    # -- output ---------------------------------------------------------------------------------------------------
    def show(self, events: list[Event]) -> None:
        for event in events:
            if event.kind == "popup":
                self.write(f"  ⟨{event.text}⟩")
            elif event.kind in ("send", "edit") and event.message is not None:
                mark = "bot ›" if event.kind == "send" else "bot ✎"
                body = to_terminal(event.message.html, colour=self.colour, width=self.width)
                self.write(textwrap.indent(body, "      ").replace("      ", f"{mark} ", 1))
                self.show_buttons(event.message)
        self.write()

    def show_buttons(self, message: ChatMessage) -> None:
        buttons = message.buttons()
        if not buttons:
            return
        self.buttons = [(message, b) for b in buttons]
        number = 1
        for row in message.keyboard.inline_keyboard if message.keyboard else []:
            cells = []
            for button in row:
                cells.append(f"[{number}] {button.text}")
                number += 1
            self.write("      " + "   ".join(cells))


async def run_demo(settings: Settings, stdin: TextIO, stdout: TextIO, *, language_code: str | None = None) -> int:
    interactive = stdin.isatty()
    demo = Demo(settings, stdout, colour=stdout.isatty(), language_code=language_code)
    await demo.start()
    demo.write("Offline demo: you are chatting with the bot. Type /start; numbers press buttons; Ctrl-D quits.")
    demo.write()
    try:
        while True:
            if interactive:
                stdout.write("you › ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive and line.strip():
                demo.write(f"you › {line.strip()}")
            await demo.handle_line(line)
    finally:
        await demo.stop()
        await demo.bot.session.close()
    return 0


def main(settings: Settings, language_code: str | None = None) -> int:
    return asyncio.run(run_demo(settings, sys.stdin, sys.stdout, language_code=language_code))
