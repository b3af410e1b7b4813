"""Volunteers update guides from the chat: upload, preview, publish, legal review, conflicts, history, rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.methods import GetFile, SendDocument, SendMessage

from bot.config import Settings
from bot.storage.revisions import CONFLICT, PUBLISHED, REJECTED, REVIEW, SUPERSEDED
from tests.builders import Person
from tests.conftest import Harness
from tests.volunteering import (
    OWNER,
    READER,
    SECOND,
    VOLUNTEER,
    body_of,
    guide_text,
    press,
    revisions,
    texts_to,
    upload,
    volunteer_settings,
    with_team,
)


@pytest.fixture
def settings(tmp_path: Path, content_dir: Path) -> Settings:
    return volunteer_settings(tmp_path, content_dir)


@pytest.fixture
async def team(harness: Harness) -> Harness:
    return await with_team(harness)


# -- the main flow ---------------------------------------------------------------------------------------------------
async def test_upload_previews_exactly_as_readers_see_it_then_publishes(team: Harness) -> None:
    h = team
    old_body = body_of(h, "iin", "ru")
    await upload(h, VOLUNTEER, "iin.md", guide_text(body="## Где\nНовый текст про **ИИН**.\n\n## Сроки\nОдин день."))
    sent = texts_to(h, VOLUNTEER)
    assert sent[0].startswith("👀 Preview of iin (Русский), exactly as readers will see it")
    # The preview page is the reader's guide page, in the guide's language (Russian chrome for a Russian guide).
    page = sent[1]
    assert page.startswith("Как получить ИИН") and "Новый текст про ИИН" in page and "Источники" in page
    summary = sent[-1]
    assert "Draft #1" in summary and "Language: Русский, recognised from the text" in summary
    assert "Sections added: Где, Сроки" in summary and "+" in summary
    assert body_of(h, "iin", "ru") == old_body  # nothing changes before Publish
    await press(h, VOLUNTEER, "Publish")
    assert h.last().startswith("✅ Published: iin (Русский), revision #1")
    assert "Новый текст" in body_of(h, "iin", "ru")
    # A reader now gets the new text, with the feedback buttons under it.
    await h.send(READER, "/start iin")
    assert "Новый текст про ИИН" in h.last()
    buttons = [b.text for b in list(h.session.messages.values())[-1].buttons()]
    assert "👍" in buttons and "👎" in buttons
    # The file's text became a revision too (so it can be restored), then the upload superseded it.
    assert await revisions(h) == [(1, "iin", "ru", 2, PUBLISHED), (2, "iin", "ru", -1, SUPERSEDED)]
    audit = [r[1] for r in await h.services.revisions.audit_log()]
    assert audit == ["publish", "upload"]


async def test_overlay_survives_a_restart(team: Harness, settings: Settings) -> None:
    from bot.app import build_services, startup

    await upload(team, VOLUNTEER, "iin.md", guide_text(body="Текст после перезапуска."))
    await press(team, VOLUNTEER, "Publish")
    restarted = build_services(settings)
    await startup(restarted)
    try:
        found = restarted.library.find("iin", "ru")
        assert found is not None and found[0].body == "Текст после перезапуска."
    finally:
        await restarted.db.close()


async def test_cancel_changes_nothing(team: Harness) -> None:
    before = body_of(team, "iin", "ru")
    await upload(team, VOLUNTEER, "iin.md", guide_text())
    preview = list(team.session.messages.values())[-1]
    publish = next(b.callback_data for b in preview.buttons() if "Publish" in b.text)
    await press(team, VOLUNTEER, "Cancel")
    assert team.last() == "Cancelled. Nothing was changed."
    assert body_of(team, "iin", "ru") == before
    # A Publish button of the cancelled draft (say, on another device) no longer publishes.
    await team.dp.feed_update(team.bot, VOLUNTEER.callback_update(990, preview, publish, team.session))  # type: ignore[attr-defined]
    assert team.popups()[-1] == "This draft is no longer open."
    assert body_of(team, "iin", "ru") == before


async def test_language_from_caption_and_translation_of_existing_guide(team: Harness) -> None:
    await upload(team, VOLUNTEER, "iin.md", guide_text(title="ЖСН алу", body="Жаңа мәтін."), caption="kk")
    summary = texts_to(team, VOLUNTEER)[-1]
    assert "recognised" not in summary
    await press(team, VOLUNTEER, "Publish")
    assert team.last().startswith("✅ Published: iin (Қазақша)")
    assert body_of(team, "iin", "kk") == "Жаңа мәтін."
    assert body_of(team, "iin", "ru") != "Жаңа мәтін."


async def test_language_from_file_name_and_detection(team: Harness) -> None:
    await upload(team, VOLUNTEER, "iin.en (1).md", guide_text(title="Getting an IIN", body="New text."))
    assert texts_to(team, VOLUNTEER)[0].startswith("👀 Preview of iin (English)")
    await upload(
        team, SECOND, "iin.md", guide_text(title="ЖСН алу", body="Жеке сәйкестендіру нөмірін қалай алуға болады.")
    )
    assert texts_to(team, SECOND)[0].startswith("👀 Preview of iin (Қазақша)")


async def test_new_guide_needs_confirmation(team: Harness) -> None:
    await upload(team, VOLUNTEER, "bank-card.md", guide_text(slug="bank-card", title="Банковская карта"))
    assert team.last().startswith("There is no guide 'bank-card' yet. Create a new guide?")
    buttons = [b.text for b in list(team.session.messages.values())[-1].buttons()]
    assert not any("Publish" in b for b in buttons)  # no way to publish without confirming
    assert team.services.library.find("bank-card", "ru") is None
    await press(team, VOLUNTEER, "Yes, a new guide")
    assert any(t.startswith("👀 Preview of bank-card") for t in texts_to(team, VOLUNTEER))
    await press(team, VOLUNTEER, "Publish")
    assert team.last().startswith("✅ Published: bank-card (Русский)")
    assert team.services.library.find("bank-card", "ru") is not None
    assert "bank-card" in {hit.slug for hit in team.services.library.index.search("bank-card")}


async def test_unconfirmed_new_guide_cannot_be_published_by_a_forged_button(team: Harness) -> None:
    from handlers.callbacks import DraftCB

    await upload(team, VOLUNTEER, "bank-card.md", guide_text(slug="bank-card", title="Банковская карта"))
    question = list(team.session.messages.values())[-1]
    update = VOLUNTEER.callback_update(999, question, DraftCB(action="pub", id=1).pack(), team.session)
    await team.dp.feed_update(team.bot, update)  # type: ignore[attr-defined]
    assert team.popups()[-1] == "Confirm the new guide first: send the file again."
    assert team.services.library.find("bank-card", "ru") is None


# -- bad input: each gets a clear message and changes nothing -------------------------------------------------------
BAD_UPLOADS = [
    ("not_utf8", "iin.md", "Как получить ИИН".encode("cp1251"), None, "The file is not UTF-8 text"),
    ("not_markdown", "iin.pdf", b"%PDF-1.4", None, "This is not a guide file"),
    ("binary", "iin.md", b"\x89PNG\r\n\x1a\n\x00\x00", None, "This is not a guide file"),
    ("no_front_matter", "iin.md", "Просто текст без заголовка.", None,
     "line 1: the file must start with front matter between two '---' lines"),
    ("malformed", "iin.md", "---\ntitle: [unclosed\n---\nТекст", None, "front matter is not valid YAML"),
    ("missing_key", "iin.md", guide_text().replace("summary: Short summary of iin.\n", ""), None,
     "front matter lacks 'summary'"),
    ("raw_html", "iin.md", guide_text(body="Текст <script>alert(1)</script>"), None, "raw HTML is not allowed"),
    ("http_link", "iin.md", guide_text(body="См. [сайт](http://egov.kz)."), None, "links must use https://"),
    ("bad_name", "Мой файл.md", guide_text(), None, "I cannot tell which guide this is"),
    ("translation_without_source", "visa.md", guide_text(slug="visa", title="Visa", body="Text."), "en",
     "There is no Russian guide 'visa', so this cannot be its translation"),
    ("unchanged", "iin.md", None, "ru", "This text is the same as the version readers see now"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "name", "data", "caption", "expected"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
async def test_bad_upload_is_refused_with_a_clear_message(
    team: Harness, case: str, name: str, data: bytes | str | None, caption: str | None, expected: str
) -> None:
    if data is None:  # the very text in force
        data = team.services.library.texts[("iin", "ru")].text or ""
    before = body_of(team, "iin", "ru")
    await upload(team, VOLUNTEER, name, data, caption=caption)
    reply = team.last()
    assert expected in reply, reply
    assert "Nothing was changed" in reply
    assert not [b for m in team.session.messages.values() for b in m.buttons()]  # no Publish to press
    assert await revisions(team) == []
    assert body_of(team, "iin", "ru") == before


async def test_problems_are_listed_line_by_line(team: Harness) -> None:
    text = guide_text(body="Строка.\n\n<b>жирный</b>\n\nСм. [сайт](http://egov.kz).")
    await upload(team, VOLUNTEER, "iin.md", text)
    lines = team.last().split("\n")
    assert lines[0] == "❌ iin.md: 2 problems. Nothing was changed; fix them and send the file again."
    assert lines[1].startswith("• line 16: raw HTML is not allowed")
    assert lines[2] == "• line 18: links must use https://: http://egov.kz"


async def test_too_large_file_is_refused_before_download(team: Harness) -> None:
    await upload(team, VOLUNTEER, "iin.md", guide_text(), size=300 * 1024)
    assert team.last().startswith("❌ The file is larger than 256 KB.")
    assert team.session.sent(GetFile) == []  # not downloaded at all
    await upload(team, VOLUNTEER, "iin.md", guide_text() + "x" * (257 * 1024), size=0)  # a lying size: still refused
    assert team.last().startswith("❌ The file is larger than 256 KB.")
    assert await revisions(team) == []


async def test_readers_cannot_upload_or_use_volunteer_commands(team: Harness) -> None:
    await upload(team, READER, "iin.md", guide_text(body="Взлом"))
    assert await revisions(team) == []
    assert "Взлом" not in body_of(team, "iin", "ru")
    for command in ("/history iin", "/rollback iin 1", "/export", "/reload", "/review", "/volunteers add 50"):
        await team.send(READER, command)
        assert team.last() == "Эта команда — для волонтёров бота.", command
    assert not await team.services.volunteers.is_volunteer(READER.user_id)


async def test_volunteer_commands_only_in_private_chat(team: Harness) -> None:
    in_group = Person(user_id=VOLUNTEER.user_id, language_code="en", chat_id=-100123, chat_type="supergroup")
    await team.send(in_group, "/reload")
    assert not [m for m in team.session.sent(SendMessage) if int(m.chat_id) == -100123 and "Reloaded" in m.text]


# -- legal guides need a second volunteer ---------------------------------------------------------------------------
async def test_legal_change_needs_another_volunteers_approval(team: Harness) -> None:
    h = team
    text = guide_text(slug="detention", title="Если задержали", body="1. Молчите.\n2. Требуйте адвоката.", legal=True,
                      category="legal")  # fmt: skip
    await upload(h, VOLUNTEER, "detention.md", text)
    assert "⚖️ A legal guide: another volunteer must approve" in texts_to(h, VOLUNTEER)[-1]
    await press(h, VOLUNTEER, "Send for review")
    assert texts_to(h, VOLUNTEER)[-1].startswith("📨 Sent for review: detention (Русский), revision #1")
    assert "Молчите" not in body_of(h, "detention", "ru")  # not yet
    # The other volunteers and the owner get the same preview and diff, with Approve / Reject.
    for reviewer in (OWNER, SECOND):
        got = texts_to(h, reviewer)
        assert got[0].startswith("🔎 Review request: volunteer 2 changed detention (Русский)")
        assert any("Молчите" in t for t in got)
        assert "Changes: +" in got[-1]
    # The author cannot approve their own change (even with a button meant for a reviewer).
    from handlers.callbacks import DraftCB

    review_msg = next(m for m in reversed(h.session.messages.values()) if m.chat_id == SECOND.user_id)
    forged = VOLUNTEER.callback_update(998, review_msg, DraftCB(action="ok", id=1).pack(), h.session)
    await h.dp.feed_update(h.bot, forged)  # type: ignore[attr-defined]
    assert h.popups()[-1] == "You cannot approve your own change: another volunteer must review it."
    assert (await h.services.revisions.get(1)).status == REVIEW  # type: ignore[union-attr]
    await press(h, SECOND, "Approve")
    assert h.last() == "✅ Your change to detention (Русский) (revision #1) was approved and published."
    assert "Молчите" in body_of(h, "detention", "ru")
    revision = await h.services.revisions.get(1)
    assert revision is not None and revision.status == PUBLISHED and revision.approved_by == SECOND.user_id
    # /review lists nothing more.
    await h.send(OWNER, "/review")
    assert h.last() == "No changes are waiting for review."


async def test_making_a_guide_legal_also_needs_review_and_reject_tells_the_author(team: Harness) -> None:
    await upload(team, VOLUNTEER, "iin.md", guide_text(legal=True))  # the current version is not legal
    await press(team, VOLUNTEER, "Send for review")
    await team.send(SECOND, "/review")
    assert "#1 · iin (Русский) · by volunteer 2" in team.last()
    await press(team, SECOND, "#1 iin")
    await press(team, SECOND, "Reject")
    assert texts_to(team, VOLUNTEER)[-1].startswith("❌ Your change to iin (Русский) (revision #1) was not approved")
    assert (await team.services.revisions.get(1)).status == REJECTED  # type: ignore[union-attr]
    assert "Новый текст" not in body_of(team, "iin", "ru")


# -- conflicts ----------------------------------------------------------------------------------------------------
async def test_two_volunteers_publishing_at_once_second_sees_conflict_and_keeps_text(team: Harness) -> None:
    h = team
    await upload(h, VOLUNTEER, "iin.md", guide_text(body="Версия Веры."))
    await upload(h, SECOND, "iin.md", guide_text(body="Версия Сабины."))
    await press(h, VOLUNTEER, "Publish")
    assert body_of(h, "iin", "ru") == "Версия Веры."
    await press(h, SECOND, "Publish")  # her draft was based on the text Vera has just replaced
    assert texts_to(h, SECOND)[-2].startswith("⚠️ Conflict: iin (Русский) was changed by someone else")
    assert body_of(h, "iin", "ru") == "Версия Веры."  # the second publish changed nothing
    # Nothing is lost: her text is stored with status conflict, and comes back to her as a file.
    rows = await revisions(h)
    assert [r[4] for r in rows if r[3] == SECOND.user_id] == [CONFLICT]
    document = h.session.sent(SendDocument)[-1]
    assert int(document.chat_id) == SECOND.user_id
    assert document.document.filename == "iin.ru.md"  # type: ignore[union-attr]
    assert "Версия Сабины." in document.document.data.decode()  # type: ignore[union-attr]
    # She can send that file again: now it is based on Vera's version and publishes.
    await upload(h, SECOND, "iin.ru.md", document.document.data)  # type: ignore[union-attr]
    await press(h, SECOND, "Publish")
    assert body_of(h, "iin", "ru") == "Версия Сабины."


# -- history and rollback -----------------------------------------------------------------------------------------
async def test_history_and_rollback(team: Harness) -> None:
    h = team
    original = body_of(h, "iin", "ru")
    await upload(h, VOLUNTEER, "iin.md", guide_text(body="Первая правка."))
    await press(h, VOLUNTEER, "Publish")
    await upload(h, VOLUNTEER, "iin.md", guide_text(body="Вторая правка."))
    await press(h, VOLUNTEER, "Publish")
    await h.send(VOLUNTEER, "/history iin")
    history = h.last()
    assert history.startswith("Revisions of iin (newest first):")
    assert "#3 · ru ·" in history and "published, in force" in history
    assert "#1 · ru ·" in history and "replaced by a later one" in history
    assert "#2 · ru ·" in history and "the file in content/" in history
    await h.send(VOLUNTEER, "/history iin kk")
    assert h.last() == "No revisions of 'iin' yet: readers see the file from content/."
    # Roll back to the original file's text: a new revision with the same preview and Publish.
    await h.send(VOLUNTEER, "/rollback iin 2")
    assert "Restores revision #2." in h.last()
    await press(h, VOLUNTEER, "Publish")
    assert h.last().startswith("✅ Published: iin (Русский), revision #4")
    assert body_of(h, "iin", "ru") == original
    await h.send(VOLUNTEER, "/rollback iin 99")
    assert h.last() == "Guide 'iin' has no revision #99. See /history iin."
    await h.send(VOLUNTEER, "/rollback iin")
    assert h.last().startswith("Write the guide and the revision")


async def test_rollback_of_a_legal_guide_follows_the_review_rule(team: Harness) -> None:
    text = guide_text(slug="detention", title="Если задержали", body="1. Молчите.", legal=True, category="legal")
    await upload(team, VOLUNTEER, "detention.md", text, caption="ru")
    await press(team, VOLUNTEER, "Send for review")
    await press(team, SECOND, "Approve")
    await team.send(VOLUNTEER, "/rollback detention 2")  # revision 2: the original file
    await press(team, VOLUNTEER, "Send for review")
    assert texts_to(team, VOLUNTEER)[-1].startswith("📨 Sent for review: detention (Русский), revision #3")
    assert "Молчите" in body_of(team, "detention", "ru")
