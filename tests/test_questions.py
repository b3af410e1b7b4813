"""Questions answered with guides: private chat, /search, inline mode, careful group answers, unanswered counts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiogram.methods import AnswerInlineQuery, SendMessage
from aiogram.types import InlineQuery, Update

from bot.config import Settings
from bot.guides import Catalogue, LoadResult
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, OTHER_GROUP, Chats, admin_member

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The real catalogue: search quality depends on the real guides and their keywords."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        content_dir=REPO / "content",
        default_language="ru",
        bot_owners=(1,),
    )


async def choose(harness: Harness, person: Person, language: str) -> None:
    await harness.send(person, "/start")
    await harness.press(person, language)


async def test_private_question_opens_the_guide(harness: Harness) -> None:
    person = Person(language_code="ru")
    await choose(harness, person, "Русский")
    await harness.send(person, "как получить ИИН?")
    assert harness.last().startswith("Как получить ИИН")


async def test_kazakh_question_finds_the_guide_in_the_interface_language(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    await harness.send(person, "ЖСН қалай алуға болады?")
    text = harness.last()
    assert "IIN" in text.split("\n")[0]


async def test_search_command(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    await harness.send(person, "/search")
    assert harness.last().startswith("Write your question after the command")
    await harness.send(person, "/search what to do if police detain me")
    assert "detain" in harness.last().split("\n")[0].lower()


async def test_unanswerable_question_is_counted_without_ids(harness: Harness) -> None:
    person = Person(language_code="en")
    await choose(harness, person, "English")
    await harness.send(person, "where to buy a cheap bicycle")
    await harness.send(person, "Where to buy a cheap bicycle?")
    # Not confident: weak matches are offered as buttons (or none), and the question is counted.
    assert harness.session.sent(SendMessage)[-1].text in (
        "These guides may help:",
        "I could not find a guide for that. Try other words, or pick a topic. "
        "Volunteers see which questions have no guide yet.",
    )
    top = await harness.services.unanswered.top()
    assert len(top) == 1 and top[0][1] == 2
    assert str(person.user_id) not in top[0][0]
    columns = [r[1] for r in await harness.services.db.fetchall("PRAGMA table_info(unanswered)")]
    assert columns == ["query", "count", "last_day"]


async def test_volunteers_see_unanswered_questions(harness: Harness) -> None:
    asker = Person(user_id=55, language_code="en")
    await choose(harness, asker, "English")
    await harness.send(asker, "best pizza in Almaty")
    await harness.send(asker, "/unanswered")
    assert harness.last() == "This command is for the bot's volunteers."
    owner = Person(user_id=1, language_code="en")
    await choose(harness, owner, "English")
    await harness.send(owner, "/unanswered")
    assert harness.last().startswith("Questions without a confident answer")
    assert "1 ×" in harness.last() and "pizza" in harness.last()


async def inline(harness: Harness, person: Person, query: str) -> AnswerInlineQuery:
    event = InlineQuery(id="q1", from_user=person.user, query=query, offset="")
    await harness.dp.feed_update(harness.bot, Update(update_id=8000, inline_query=event))  # type: ignore[attr-defined]
    return harness.session.sent(AnswerInlineQuery)[-1]


async def test_inline_query_offers_guide_cards(harness: Harness) -> None:
    person = Person(language_code="en")
    answer = await inline(harness, person, "bank card for foreigners")
    assert answer.results[0].id.startswith("bank-account:")
    first = answer.results[0]
    assert first.title and first.description
    button = first.reply_markup.inline_keyboard[0][0]  # type: ignore[union-attr]
    assert button.url == "https://t.me/relocation_demo_bot?start=bank-account"
    assert answer.is_personal is True


async def test_empty_inline_query_shows_the_most_useful_guides(harness: Harness) -> None:
    answer = await inline(harness, Person(language_code="kk"), "")
    ids = [r.id.split(":")[0] for r in answer.results]
    assert ids[:3] == ["emergency", "detention", "iin"]
    assert all(r.id.endswith(":kk") for r in answer.results)  # in the asker's language


async def test_inline_cards_are_reused_until_the_guides_change(harness: Harness) -> None:
    person = Person(language_code="en")
    first = await inline(harness, person, "bank card for foreigners")
    again = await inline(harness, person, "bank card for foreigners")
    assert again.results[0] is first.results[0]  # built once, served again
    other_language = await inline(harness, Person(language_code="kk"), "bank card for foreigners")
    assert other_language.results[0] is not first.results[0]
    library = harness.services.library
    renamed = [replace(g, title="Opening a bank account, updated") if (g.slug, g.lang) == ("bank-account", "en") else g
               for g in library.catalogue]  # fmt: skip
    library.replace(LoadResult(Catalogue.of(renamed), []))  # what a reload or a volunteer's publish does
    after = await inline(harness, person, "bank card for foreigners")
    assert after.results[0].title == "Opening a bank account, updated"


# -- groups ---------------------------------------------------------------------------------------------------------
def member(user_id: int = 70, chat_id: int = GROUP) -> Person:
    return Person(user_id=user_id, first_name="Newcomer", chat_id=chat_id, chat_type="supergroup")


def replies(harness: Harness) -> list[SendMessage]:
    return [m for m in harness.session.sent(SendMessage) if int(m.chat_id) in (GROUP, OTHER_GROUP)]


async def test_group_question_gets_a_card_then_cooldown(harness: Harness) -> None:
    await harness.send(member(), "Подскажите, как получить ИИН иностранцу?")
    card = replies(harness)[-1]
    assert card.reply_parameters is not None or card.reply_to_message_id is not None
    assert "ИИН" in card.text
    assert card.reply_markup.inline_keyboard[0][0].url.endswith("?start=iin")  # type: ignore[union-attr]
    await harness.send(member(71), "а где получить иин?")
    assert len(replies(harness)) == 1  # the same guide is not posted again within the cooldown
    await harness.send(member(72, OTHER_GROUP), "как получить ИИН?")
    assert len(replies(harness)) == 2  # another chat has its own cooldown


async def test_group_stays_silent_when_unsure_or_not_a_question(harness: Harness) -> None:
    await harness.send(member(), "всем привет, хорошего дня")
    await harness.send(member(), "кто-нибудь знает хорошего стоматолога?")
    assert replies(harness) == []


async def test_group_does_not_join_other_peoples_conversations(harness: Harness) -> None:
    someone = member(80).message("я завтра иду в ЦОН", harness.session)
    await harness.send(member(81), "а как получить ИИН там?", reply_to=someone)
    assert replies(harness) == []
    await harness.send(member(81), "@relocation_demo_bot как получить ИИН?", reply_to=someone)
    assert len(replies(harness)) == 1  # mentioned: always answers


async def test_mention_without_a_confident_match_still_answers(harness: Harness) -> None:
    await harness.send(member(), "@relocation_demo_bot где купить велосипед?")
    assert replies(harness)[-1].text == "Справки, которая точно отвечает на это, у меня нет. Посмотрите темы:"


async def test_autoanswer_switch_is_for_admins(harness: Harness) -> None:
    Chats(harness.session).add(GROUP, admin_member(10))
    await harness.send(member(), "/autoanswer off")
    assert harness.last() == "Это могут изменить только админы чата."
    admin = Person(user_id=10, first_name="Asel", chat_id=GROUP, chat_type="supergroup")
    await harness.send(admin, "/autoanswer off")
    assert harness.last() == "Автоответы выключены."
    before = len(replies(harness))
    await harness.send(member(90), "как получить ИИН?")
    assert len(replies(harness)) == before
    await harness.send(member(90), "@relocation_demo_bot как получить ИИН?")
    assert len(replies(harness)) == before + 1
