"""Shared helpers of the volunteer tests: people, guide texts, uploading a document, pressing in one's own chat."""

from __future__ import annotations

import time
from pathlib import Path

from aiogram.types import Document, Message, Update

from bot.config import Settings
from tests.builders import Person
from tests.conftest import GUIDE, Harness

OWNER = Person(user_id=1, first_name="Owner", language_code="en")
VOLUNTEER = Person(user_id=2, first_name="Vera", language_code="en")
SECOND = Person(user_id=3, first_name="Sabina", language_code="en")
READER = Person(user_id=50, first_name="Reader", language_code="ru")


def volunteer_settings(tmp_path: Path, content_dir: Path) -> Settings:
    """Settings with an owner, on the small content folder of conftest."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        content_dir=content_dir,
        default_language="ru",
        bot_owners=(OWNER.user_id,),
    )


async def with_team(harness: Harness) -> Harness:
    """The harness with two volunteers besides the owner."""
    today = harness.services.publisher.today()
    await harness.services.volunteers.add(VOLUNTEER.user_id, OWNER.user_id, today)
    await harness.services.volunteers.add(SECOND.user_id, OWNER.user_id, today)
    return harness


def guide_text(
    *, title: str = "Как получить ИИН", body: str = "Новый текст про **ИИН**.", legal: bool = False,
    slug: str = "iin", reviewed: str = "2026-11-20", category: str = "first-steps",
) -> str:  # fmt: skip
    text = GUIDE.format(title=title, slug=slug, category=category, order=10, legal=str(legal).lower(), body=body)
    return text.replace("reviewed: 2026-11-01", f"reviewed: {reviewed}")


async def upload(
    h: Harness, person: Person, name: str, data: bytes | str, *, caption: str | None = None, size: int | None = None
) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    file_id = f"file{len(h.session.files) + 1}"
    h.session.files[file_id] = raw
    document = Document(file_id=file_id, file_unique_id=file_id, file_name=name,
                        file_size=len(raw) if size is None else size)  # fmt: skip
    message = Message(message_id=h.session.next_message_id(), date=int(time.time()), chat=person.chat,
                      from_user=person.user, document=document, caption=caption)  # fmt: skip
    await h.dp.feed_update(h.bot, Update(update_id=next(h._ids), message=message))  # type: ignore[attr-defined]


async def press(h: Harness, person: Person, button_text: str) -> None:
    """Press a button on the latest message in this person's own chat that has it."""
    for msg in reversed(list(h.session.messages.values())):
        if msg.chat_id != person.user_id:
            continue
        for button in msg.buttons():
            if button_text in button.text and button.callback_data:
                update = person.callback_update(next(h._ids), msg, button.callback_data, h.session)
                await h.dp.feed_update(h.bot, update)  # type: ignore[attr-defined]
                return
    raise AssertionError(f"no button {button_text!r} in the chat of {person.user_id}")


def texts_to(h: Harness, person: Person) -> list[str]:
    return [m.text for m in h.session.messages.values() if m.chat_id == person.user_id]


def body_of(h: Harness, slug: str, lang: str) -> str:
    found = h.services.library.find(slug, lang)
    assert found is not None
    return found[0].body


async def revisions(h: Harness) -> list[tuple[int, str, str, int, str]]:
    rows = await h.services.db.fetchall("SELECT id, slug, lang, author_id, status FROM guide_revisions ORDER BY id")
    return [tuple(r) for r in rows]  # type: ignore[misc]
