"""Volunteer tools: /export and `content export`, /reload, /stale, /translations, /volunteers, reader feedback."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import DeleteMyCommands, SendDocument, SetMyCommands

from bot.config import Settings
from tests.builders import Person
from tests.conftest import Harness, write_guide
from tests.volunteering import OWNER, VOLUNTEER, guide_text, press, upload, volunteer_settings, with_team

REPO = Path(__file__).resolve().parent.parent
READER = Person(user_id=60, first_name="Reader", language_code="en")


@pytest.fixture
def settings(tmp_path: Path, content_dir: Path) -> Settings:
    return volunteer_settings(tmp_path, content_dir)


@pytest.fixture
async def team(harness: Harness) -> Harness:
    return await with_team(harness)


async def publish(h: Harness, body: str) -> None:
    await upload(h, VOLUNTEER, "iin.md", guide_text(body=body), caption="ru")
    await press(h, VOLUNTEER, "Publish")


# -- export ---------------------------------------------------------------------------------------------------------
async def test_export_sends_a_zip_in_the_layout_of_content(team: Harness, content_dir: Path) -> None:
    await publish(team, "Опубликовано в боте.")
    await team.send(VOLUNTEER, "/export")
    document = team.session.sent(SendDocument)[-1]
    assert document.document.filename.startswith("content-") and document.document.filename.endswith(".zip")  # type: ignore[union-attr]
    archive = zipfile.ZipFile(io.BytesIO(document.document.data))  # type: ignore[union-attr]
    names = sorted(archive.namelist())
    assert names == [*(f"{lang}/{slug}.md" for lang in ("en", "kk") for slug in ("emergency", "iin")),
                     "ru/detention.md", "ru/emergency.md", "ru/iin.md"]  # fmt: skip
    assert "Опубликовано в боте." in archive.read("ru/iin.md").decode()
    assert archive.read("kk/iin.md").decode() == (content_dir / "kk" / "iin.md").read_text(encoding="utf-8")
    assert "python -m bot content export content" in (document.caption or "")
    assert "export" in [r[1] for r in await team.services.revisions.audit_log()]


async def test_cli_export_writes_the_same_files(team: Harness, settings: Settings, tmp_path: Path) -> None:
    await publish(team, "Опубликовано в боте.")
    target = tmp_path / "exported"
    env = {**{k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}, "DATABASE_URL": settings.database_url,
           "CONTENT_DIR": str(settings.content_dir)}  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "content", "export", str(target), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, stderr.decode()
    assert "7 files written" in stdout.decode() and "1 from revisions" in stdout.decode()
    assert "Опубликовано в боте." in (target / "ru" / "iin.md").read_text(encoding="utf-8")
    assert (target / "en" / "emergency.md").read_text(encoding="utf-8") == (
        settings.content_dir / "en" / "emergency.md"
    ).read_text(encoding="utf-8")


# -- reload ---------------------------------------------------------------------------------------------------------
async def test_reload_keeps_the_working_version_of_a_broken_file(team: Harness, content_dir: Path) -> None:
    h = team
    write_guide(content_dir, "en", "iin", title="Getting an IIN", body="Fresh English text.")  # a good change
    (content_dir / "kk" / "iin.md").write_text("no front matter at all", encoding="utf-8")  # broken
    write_guide(content_dir, "ru", "emergency", category="help", body="Call <b>112</b>")  # raw HTML: an error
    write_guide(content_dir, "ru", "visa", body="[x](http://example.com)")  # new and broken: not shown
    await h.send(VOLUNTEER, "/reload")
    reply = h.last()
    assert reply.startswith("🔄 Reloaded:")
    assert "content/kk/iin.md: line 1: the file must start with front matter" in reply
    assert "raw HTML is not allowed" in reply and "links must use https://" in reply
    assert "Kept at their previous working version: ru/emergency, kk/iin" in reply
    assert "Not shown to readers until fixed: ru/visa" in reply
    library = h.services.library
    assert library.find("iin", "en")[0].body == "Fresh English text."  # type: ignore[index]
    assert library.find("iin", "kk")[0].title == "ЖСН алу"  # type: ignore[index]
    assert "<b>" not in library.find("emergency", "ru")[0].body  # type: ignore[index]
    assert library.find("visa", "ru") is None
    assert "reload" in [r[1] for r in await h.services.revisions.audit_log()]


async def test_reload_keeps_published_revisions_over_files(team: Harness, content_dir: Path) -> None:
    await publish(team, "Опубликовано в боте.")
    write_guide(content_dir, "ru", "iin", body="Changed in the repository.")
    await team.send(VOLUNTEER, "/reload")
    assert team.last().endswith("No errors.")
    assert team.services.library.find("iin", "ru")[0].body == "Опубликовано в боте."  # type: ignore[index]
    # A file reviewed later than the revision in force is named, not silently hidden.
    newer = (content_dir / "ru" / "iin.md").read_text(encoding="utf-8").replace("2026-11-01", "2026-12-01")
    (content_dir / "ru" / "iin.md").write_text(newer, encoding="utf-8")
    await team.send(VOLUNTEER, "/reload")
    assert "Newer in content/ than the revision readers see: ru/iin." in team.last()
    assert team.services.library.find("iin", "ru")[0].body == "Опубликовано в боте."  # type: ignore[index]


# -- freshness ------------------------------------------------------------------------------------------------------
def redate(folder: Path, old: str, new: str) -> None:
    for path in folder.rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


async def test_stale_uses_the_validators_thresholds(team: Harness, content_dir: Path) -> None:
    # Dates relative to today (in the bot's time zone), so the test means the same whenever it runs.
    today = datetime.now(team.services.settings.tz).date()
    redate(content_dir, "2026-11-01", today.isoformat())
    team.services.library.load()
    await team.send(VOLUNTEER, "/stale")
    assert team.last().startswith("Every guide was reviewed recently enough (180 days, 90 for legal guides)")
    old = (content_dir / "en" / "iin.md").read_text(encoding="utf-8")
    (content_dir / "en" / "iin.md").write_text(old.replace(today.isoformat(), str(today - timedelta(days=327))))
    legal = (content_dir / "ru" / "detention.md").read_text(encoding="utf-8")
    (content_dir / "ru" / "detention.md").write_text(legal.replace(today.isoformat(), str(today - timedelta(days=91))))
    team.services.library.load()
    await team.send(VOLUNTEER, "/stale")
    lines = team.last().split("\n")
    assert lines[0] == "Guides to re-check against their sources (most overdue first):"
    assert lines[1] == "• iin (en): reviewed 327 days ago, limit 180"
    assert lines[2] == "• detention (ru): reviewed 91 days ago, limit 90 ⚖️"


async def test_translations_lists_missing_and_older_ones(team: Harness, content_dir: Path) -> None:
    newer = (content_dir / "ru" / "iin.md").read_text(encoding="utf-8").replace("2026-11-01", "2026-11-10")
    (content_dir / "ru" / "iin.md").write_text(newer, encoding="utf-8")
    team.services.library.load()
    await team.send(VOLUNTEER, "/translations")
    text = team.last()
    assert "Missing translations:\n• detention: kk, en" in text
    assert "Translations older than the Russian version:" in text
    assert "iin (en): reviewed 2026-11-01, the Russian version 2026-11-10" in text
    assert "iin (kk): reviewed 2026-11-01" in text
    assert "emergency" not in text


# -- the team -------------------------------------------------------------------------------------------------------
async def test_owners_add_and_remove_volunteers(harness: Harness) -> None:
    newcomer = Person(user_id=70, language_code="en")
    await harness.send(newcomer, "/history iin")
    assert harness.last() == "This command is for the bot's volunteers."
    await harness.send(OWNER, "/volunteers add 70")
    assert harness.last() == "70 is now a volunteer."
    # Their private chat's menu now lists the volunteer commands, in each language.
    menus = [m for m in harness.session.sent(SetMyCommands) if getattr(m.scope, "chat_id", None) == 70]
    assert {m.language_code for m in menus} == {None, "ru", "kk", "en"}
    en = next(m for m in menus if m.language_code == "en")
    assert {"review", "history", "rollback", "export"} <= {c.command for c in en.commands}
    await harness.send(newcomer, "/history iin")
    assert harness.last().startswith("No revisions of 'iin' yet")
    await harness.send(newcomer, "/volunteers add 71")  # volunteers cannot add others
    assert harness.last() == "Only the bot's owners can add or remove volunteers."
    await harness.send(newcomer, "/volunteers")
    assert harness.last().startswith("Owners: 1\nVolunteers: 70")
    await harness.send(OWNER, "/volunteers add abc")
    assert harness.last().startswith("Write it like this")
    await harness.send(OWNER, "/volunteers remove 1")
    assert harness.last().startswith("1 is an owner")
    await harness.send(OWNER, "/volunteers remove 70")
    assert harness.last() == "70 is no longer a volunteer."
    removed = [m for m in harness.session.sent(DeleteMyCommands) if getattr(m.scope, "chat_id", None) == 70]
    assert len(removed) == 4
    await harness.send(newcomer, "/history iin")
    assert harness.last() == "This command is for the bot's volunteers."
    audit = [(r[0], r[1]) for r in await harness.services.revisions.audit_log()]
    assert audit == [(1, "volunteer_remove"), (1, "volunteer_add")]
    await harness.send(OWNER, "/audit")
    lines = harness.last().split("\n")
    assert lines[0] == "What volunteers did, newest first:"
    assert lines[1].endswith(" · 1 · removed a volunteer") and lines[2].endswith(" · 1 · added a volunteer")
    await harness.send(newcomer, "/audit")  # no longer a volunteer
    assert harness.last() == "This command is for the bot's volunteers."


# -- reader feedback ------------------------------------------------------------------------------------------------
async def test_votes_reports_and_comments_reach_volunteers_as_counts(team: Harness) -> None:
    h = team
    await h.send(READER, "/start iin")
    await h.press(READER, "👍")
    await h.press(READER, "👍")  # a repeat does not count twice
    other = Person(user_id=61, language_code="en")
    await h.send(other, "/start iin")
    await h.press(other, "👍")
    await h.press(other, "👎")  # a change of mind moves the vote
    await h.press(READER, "Outdated?")
    assert h.last().startswith("Thank you: volunteers will re-check this guide. What is out of date?")
    await h.send(READER, "The fee changed in 2026")
    assert h.last() == "Thank you! Your comment was passed on to the volunteers."
    await h.send(READER, "как получить ИИН")  # the next message is a question again, not a comment
    assert not h.last().startswith("Thank you")
    await h.press(other, "Outdated?")
    await h.press(other, "Skip")
    await h.press(other, "Outdated?")  # once per reader and guide
    assert h.popups()[-1] == "You have already reported this guide. Thank you!"

    await h.send(VOLUNTEER, "/feedback")
    text = h.last()
    assert "Reports of outdated information (oldest first):" in text
    assert "#1 · iin (en)" in text and "The fee changed in 2026" in text
    assert "#2 · iin (en)" in text and "(no comment)" in text
    assert "iin: 👍 1 · 👎 1 · ⚠️ 2" in text
    assert str(READER.user_id) not in text and "Reader" not in text
    await h.press(VOLUNTEER, "Handled #1")
    assert h.popups()[-1] == "Marked as handled."
    await h.send(VOLUNTEER, "/feedback")
    assert "#1 ·" not in h.last() and "⚠️ 1" in h.last()
    # No reader id anywhere in the feedback tables.
    for table in ("guide_votes", "guide_views", "outdated_reports"):
        rows = await h.services.db.fetchall(f"SELECT * FROM {table}")
        assert rows and all(READER.user_id not in tuple(r) and other.user_id not in tuple(r) for r in rows), table


async def test_stats_shows_views_and_unanswered_questions(team: Harness) -> None:
    await team.send(READER, "/start iin")
    await team.send(READER, "/start iin")
    await team.send(READER, "/start emergency")
    await team.send(READER, "where to buy a cheap bicycle")
    await team.send(VOLUNTEER, "/stats")
    lines = team.last().split("\n")
    assert lines[0] == "Guide views: last 30 days / all time"
    assert lines[1:3] == ["iin: 2 / 2", "emergency: 1 / 1"]
    assert "Most frequent questions without an answer:" in lines
    assert "1 × bicycl buy cheap" in lines  # normalised words, as /unanswered shows them
    await team.send(READER, "/stats")
    assert team.last() == "This command is for the bot's volunteers."
