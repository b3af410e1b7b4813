"""Conversations through the real Dispatcher and handlers, with the stand-in session recording every request."""

from __future__ import annotations

import pytest
from aiogram.methods import EditMessageText, SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeDefault, Contact

from bot.commands import register_commands
from tests.builders import Person
from tests.conftest import Harness, write_guide


async def test_first_start_asks_language_with_telegram_preselection(harness: Harness) -> None:
    await harness.send(Person(language_code="kk"), "/start")
    sent = harness.session.sent(SendMessage)[-1]
    buttons = [b.text for row in sent.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert buttons == ["Русский", "✓ Қазақша", "English"]


async def test_unknown_telegram_language_preselects_default(harness: Harness) -> None:
    await harness.send(Person(language_code="de"), "/start")
    buttons = [b.text for m in harness.session.messages.values() for b in m.buttons()]
    assert buttons[0] == "✓ Русский"


@pytest.mark.parametrize(
    ("button", "saved", "welcome"),
    [("Русский", "Язык сохранён", "Здравствуйте"), ("Қазақша", "Тіл сақталды", "Сәлеметсіз бе"),
     ("English", "Language saved", "Hello")],
)  # fmt: skip
async def test_language_choice_is_stored_and_used(harness: Harness, button: str, saved: str, welcome: str) -> None:
    person = Person(language_code="en")
    await harness.send(person, "/start")
    await harness.press(person, button)
    assert harness.popups()[-1] == saved
    assert harness.last().startswith("👋 " + welcome)
    assert isinstance(harness.session.requests[-1], EditMessageText)  # the picker turns into the menu in place
    # Remembered: the next /start goes straight to the menu in that language.
    await harness.send(person, "/start")
    assert harness.last().startswith("👋 " + welcome)
    record = await harness.services.users.get(person.user_id)
    assert record is not None and record.language == {"Русский": "ru", "Қазақша": "kk", "English": "en"}[button]


async def test_language_command_changes_language(harness: Harness) -> None:
    person = Person()
    await harness.send(person, "/start")
    await harness.press(person, "Русский")
    await harness.send(person, "/language")
    assert "Choose your language" in harness.last()
    await harness.press(person, "English")
    await harness.send(person, "/guides")
    assert harness.last() == "📚 Choose a topic:"


async def choose(harness: Harness, person: Person, language: str) -> None:
    await harness.send(person, "/start")
    await harness.press(person, language)


@pytest.mark.parametrize(
    ("language", "category", "title", "reviewed"),
    [
        ("Русский", "🪪 Первые шаги", "Как получить ИИН", "🗓 Проверено: 1 ноября 2026\u202fг."),
        ("Қазақша", "🪪 Алғашқы қадамдар", "ЖСН алу", "🗓 Тексерілген күні: 2026\u202fж. 1 қараша"),
        ("English", "🪪 First steps", "Getting an IIN", "🗓 Reviewed on November 1, 2026"),
    ],
)
async def test_guides_menu_category_guide_and_back(
    harness: Harness, language: str, category: str, title: str, reviewed: str
) -> None:
    person = Person()
    await choose(harness, person, language)
    await harness.send(person, "/guides")
    sends = len(harness.session.sent(SendMessage))
    await harness.press(person, category)
    await harness.press(person, title)
    assert len(harness.session.sent(SendMessage)) == sends  # every step edits the same message in place
    text = harness.last()
    assert text.startswith(title)
    assert "Some text with a link." in text  # Markdown rendered, not shown raw
    assert reviewed in text
    assert "Official page (" in text  # sources listed with their dates
    await harness.press(person, "⬅️")
    edit = harness.session.sent(EditMessageText)[-1]
    assert title in [b.text for row in edit.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]


async def test_legal_guide_has_disclaimer_and_fallback_note(harness: Harness) -> None:
    person = Person()
    await choose(harness, person, "English")
    await harness.send(person, "/start detention")  # exists only in Russian
    text = harness.last()
    assert "not yet translated into your language; here is the Русский version" in text
    assert "⚖️ This is information, not legal advice." in text
    assert "Ask for a lawyer." in text


async def test_deep_link_opens_guide_for_a_new_user(harness: Harness) -> None:
    person = Person(language_code="kk")
    await harness.send(person, "/start iin")
    assert harness.last().startswith("ЖСН алу")
    record = await harness.services.users.get(person.user_id)
    assert record is not None and record.language == "kk"


async def test_deep_link_to_unknown_guide_shows_topics(harness: Harness) -> None:
    person = Person(language_code="en")
    await harness.send(person, "/start no-such-guide")
    assert harness.last().startswith("I could not find that guide.")
    await harness.send(person, "/start guides")
    assert harness.last() == "📚 Choose a topic:"


async def test_long_guide_paginates_in_place(harness: Harness, settings) -> None:  # type: ignore[no-untyped-def]
    paragraph = "Слово " * 150
    body = "\n\n".join(f"## Часть {i}\n\n{paragraph}" for i in range(12))
    write_guide(settings.content_dir, "ru", "long", body=body)
    harness.services.library.load()
    person = Person()
    await choose(harness, person, "Русский")
    await harness.send(person, "/start long")
    first = harness.session.sent(SendMessage)[-1]
    nav = [b.text for b in first.reply_markup.inline_keyboard[0]]  # type: ignore[union-attr]
    assert nav[0] == "1/3" and nav[1] == "▶️"
    await harness.press(person, "▶️")
    page2 = harness.last()
    assert "Часть 4" in page2 or "Часть 5" in page2
    assert isinstance(harness.session.requests[-1], EditMessageText)
    await harness.press(person, "▶️")
    assert "🗓 Проверено" in harness.last()  # review date and sources on the last page
    await harness.press(person, "◀️")
    assert harness.last() == page2


@pytest.mark.parametrize(
    ("language", "expected"), [("Русский", "112 — emergency"), ("Қазақша", "112"), ("English", "112")]
)
async def test_emergency_command_and_button(harness: Harness, language: str, expected: str) -> None:
    person = Person()
    await choose(harness, person, language)
    await harness.send(person, "/emergency")
    assert expected in harness.last()
    await harness.send(person, "/start")
    await harness.press(person, "🆘")
    assert expected in harness.last()


async def test_emergency_works_without_database(harness: Harness) -> None:
    await harness.services.db.close()
    await harness.send(Person(language_code="en", user_id=999), "/emergency")
    assert "112" in harness.last()


async def test_emergency_without_the_guide_uses_builtin_numbers(harness: Harness) -> None:
    harness.services.library.result.catalogue.guides.pop("emergency")
    await harness.send(Person(language_code="kk", user_id=5), "/emergency")
    text = harness.last()
    assert "Қазақстандағы шұғыл нөмірлер" in text and "102 — полиция" in text


async def test_emergency_in_a_group(harness: Harness) -> None:
    await harness.send(Person(chat_id=-100123, chat_type="supergroup"), "/emergency")
    assert "112" in harness.last()


async def test_guides_in_a_group_point_to_private_chat(harness: Harness) -> None:
    await harness.send(Person(chat_id=-100123, chat_type="supergroup", language_code="en"), "/guides")
    sent = harness.session.sent(SendMessage)[-1]
    assert sent.text == "The guides open in a private chat with me."
    url = sent.reply_markup.inline_keyboard[0][0].url  # type: ignore[union-attr]
    assert url == "https://t.me/relocation_demo_bot?start=guides"


async def test_message_without_text_in_private_explains(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    contact = Contact(phone_number="+77010000000", first_name="Someone")
    await harness.send(person, "", contact=contact)
    assert "/guides" in harness.last() and "/emergency" in harness.last()


async def test_stale_button_is_answered(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    msg = next(iter(harness.session.messages.values()))
    await harness.dp.feed_update(harness.bot, person.callback_update(99, msg, "zz:old", harness.session))  # type: ignore[attr-defined]
    assert harness.popups()[-1] == "This button is out of date. Please open /guides again."


async def test_a_failed_update_does_not_stop_the_next(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "Қазақша")

    def broken(_method):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    harness.session.on(SendMessage, broken)
    await harness.send(person, "/guides")
    harness.session.handlers.clear()
    # Both the reply and the apology failed (Telegram was "down" for that update); nothing crashed, and the next
    # update is served normally, in the user's language.
    await harness.send(person, "/guides")
    assert harness.last() == "📚 Тақырыпты таңдаңыз:"


async def test_error_handler_sends_apology(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    calls = {"n": 0}
    original = harness.session._send

    def fail_once(method):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(method)

    harness.session.on(SendMessage, fail_once)
    await harness.send(person, "/guides")
    assert harness.last() == "Sorry, something went wrong. Please try again in a minute."


async def test_commands_registered_per_language(harness: Harness) -> None:
    await register_commands(harness.bot, harness.services.i18n, "ru")  # type: ignore[arg-type]
    calls = harness.session.sent(SetMyCommands)
    by_lang = {c.language_code: {x.command: x.description for x in c.commands} for c in calls}
    calls = [c for c in calls if isinstance(c.scope, BotCommandScopeDefault)]
    by_lang = {c.language_code: {x.command: x.description for x in c.commands} for c in calls}
    assert set(by_lang) == {None, "ru", "kk", "en"}
    assert by_lang["en"]["emergency"] == "Emergency numbers and help contacts"
    assert by_lang["kk"]["language"] == "Тілді ауыстыру"
    assert by_lang[None] == by_lang["ru"]


async def test_admins_and_volunteers_get_their_own_menus(harness: Harness) -> None:
    from aiogram.types import BotCommandScopeAllChatAdministrators, BotCommandScopeChat

    await register_commands(harness.bot, harness.services.i18n, "ru", volunteers=[42])  # type: ignore[arg-type]
    calls = harness.session.sent(SetMyCommands)
    admin = [c for c in calls if isinstance(c.scope, BotCommandScopeAllChatAdministrators)]
    assert {c.language_code for c in admin} == {None, "ru", "kk", "en"}
    assert {"ban", "mute", "warn", "settings", "protection"} <= {x.command for x in admin[0].commands}
    volunteer = [c for c in calls if isinstance(c.scope, BotCommandScopeChat) and c.scope.chat_id == 42]
    kk = next(c for c in volunteer if c.language_code == "kk")
    assert {"start", "review", "stale"} <= {x.command for x in kk.commands}
