"""Privacy by design: /privacy, /forget_me (checked against the real schema), evidence retention, PRIVACY.md."""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import start_background, stop_background
from bot.config import ConfigError, load_settings
from bot.feedback import VoteChange
from bot.storage import Database
from bot.storage.moderation import iso
from bot.storage.privacy import (
    EXPIRING_TEXT,
    KEEP,
    NOT_PEOPLE,
    OTHER_TEXT,
    PEOPLE,
    Column,
    purge_expired,
    schema,
    undeclared,
)
from handlers.enforcement import LOG_CHAT
from tests.builders import Person
from tests.conftest import Harness
from tests.moderation_chat import GROUP, LOG_GROUP, OTHER_GROUP, Chats, admin_member

REPO = Path(__file__).resolve().parent.parent
VICTIM = 4242421  # digits that appear in no chat id, message id or date the test creates
ME = Person(user_id=VICTIM, first_name="Zarina", language_code="en")
ME_ADMIN = Person(user_id=VICTIM, first_name="Zarina", chat_id=GROUP, chat_type="supergroup", language_code="en")
ME_LOG = Person(user_id=VICTIM, first_name="Zarina", chat_id=LOG_GROUP, chat_type="supergroup", language_code="en")
ME_MEMBER = Person(user_id=VICTIM, first_name="Zarina", chat_id=OTHER_GROUP, chat_type="supergroup")
ADMIN = Person(user_id=10, first_name="Asel", chat_id=OTHER_GROUP, chat_type="supergroup", language_code="en")
TROLL = Person(user_id=20, first_name="Troll", chat_id=GROUP, chat_type="supergroup", language_code="en")
TROLL_PRIVATE = Person(user_id=20, first_name="Troll", language_code="en")


@pytest.fixture
async def chats(harness: Harness) -> Chats:
    c = Chats(harness.session)
    c.add(GROUP, admin_member(10), admin_member(VICTIM))
    c.add(OTHER_GROUP, admin_member(10))
    c.add(LOG_GROUP, admin_member(10), admin_member(VICTIM))
    for chat_id in (GROUP, OTHER_GROUP, LOG_GROUP):
        await harness.services.chats.set_language(chat_id, "en")
    await harness.services.chats.set_value(GROUP, LOG_CHAT, LOG_GROUP)
    await harness.services.chats.set_value(OTHER_GROUP, LOG_CHAT, LOG_GROUP)
    return c


# -- the registries against the real schema ------------------------------------------------------------------------
async def test_every_user_id_and_text_column_is_declared(harness: Harness) -> None:
    columns = await schema(harness.services.db)
    assert undeclared(columns) == []
    assert not set(PEOPLE) & set(NOT_PEOPLE)
    assert not set(EXPIRING_TEXT) & set(OTHER_TEXT)
    # The heuristic itself: the names the issue lists are recognised as possible user ids.
    for name in ("user_id", "target_id", "actor_id", "added_by", "decided_by", "author_id", "approved_by"):
        assert Column("t", name, "INTEGER", False).id_like
    assert not Column("t", "count", "INTEGER", False).id_like


async def test_an_undeclared_table_is_reported(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.db")
    await db.open()
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, author_id INTEGER, body TEXT)")
    problems = undeclared(await schema(db))
    await db.close()
    assert "notes.author_id: may hold a user id; declare it in PEOPLE or NOT_PEOPLE" in problems
    assert "notes.body: text; declare it in EXPIRING_TEXT or OTHER_TEXT" in problems
    assert "notes.id: may hold a user id; declare it in PEOPLE or NOT_PEOPLE" in problems


# -- /forget_me ------------------------------------------------------------------------------------------------------
_counter = itertools.count(1)


async def insert_generic(db: Database, table: str, person: int | None) -> None:
    """A row with the person's id in every user-id column of the table (or none), valid for its constraints."""
    values: dict[str, Any] = {}
    fks = {r[3]: (r[2], r[4]) for r in await db.fetchall(f'PRAGMA foreign_key_list("{table}")')}
    info = await db.fetchall(f'PRAGMA table_info("{table}")')
    rowid_alias = sum(1 for r in info if r[5]) == 1
    for row in info:
        name, declared, notnull, default, pk = row[1], (row[2] or "").upper(), row[3], row[4], row[5]
        if (table, name) in PEOPLE:
            values[name] = person if person is not None else 7
        elif name in fks:
            parent, parent_col = fks[name]
            ref = await db.fetchone(f'SELECT "{parent_col or "rowid"}" FROM "{parent}" LIMIT 1')
            values[name] = ref[0] if ref else None
        elif pk and declared == "INTEGER" and rowid_alias:
            continue  # rowid alias
        elif "TEXT" in declared:
            values[name] = "ru" if name in ("language", "lang") else f"t{next(_counter)}"
        elif (notnull and default is None) or pk:
            values[name] = next(_counter)
    names = ", ".join(f'"{n}"' for n in values)
    marks = ", ".join("?" * len(values))
    await db.execute(f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', list(values.values()))


async def traces(db: Database, user_id: int) -> list[tuple[str, dict[str, Any]]]:
    """Every row anywhere that holds the id, as an integer or inside text."""
    found = []
    needle = str(user_id)
    for (table,) in await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        for row in await db.fetchall(f'SELECT * FROM "{table}"'):
            record = dict(zip(row.keys(), tuple(row), strict=True))
            if any(v == user_id or (isinstance(v, str) and needle in v) for v in record.values()):
                found.append((table, record))
    return found


async def populate(harness: Harness) -> None:
    """The person in every role the bot knows, through the real handlers where there are any."""
    h, services = harness, harness.services
    await h.send(ME, "/start")
    await h.press(ME, "English")
    # As an admin: mutes a troll, who appeals; decides the appeal; creates a network.
    spam = TROLL.message("buy followers", h.session)
    await h.send(ME_ADMIN, "/mute 1d flooding", reply_to=spam)
    await h.send(TROLL_PRIVATE, "/appeal sorry")
    await h.press(ME_LOG, "Keep")
    await h.send(ME_ADMIN, "/network create Zarina's chats")
    # As a member of another chat: warned, muted and unmuted, then banned, with their message kept as evidence.
    mine = ME_MEMBER.message(f"call me, I am {VICTIM}", h.session)
    await h.send(ADMIN, "/warn rude", reply_to=mine)
    await h.send(ADMIN, "/mute 2h", reply_to=mine)
    await h.send(ADMIN, "/unmute", reply_to=mine)
    await h.send(ADMIN, "/ban spam", reply_to=mine)
    await h.send(ME, f"/appeal please, my id is {VICTIM}")
    assert h.last() == "Your appeal was sent to the admins. You will get their answer here."
    # Roles without a command in the bot.
    await services.volunteers.add(VICTIM, added_by=1, today=date.today())
    await services.volunteers.add(555, added_by=VICTIM, today=date.today())
    db = services.db
    # Every other table gets a row: naming the person where it has a user-id column, so nothing goes unchecked.
    people_tables = {t for t, _ in PEOPLE}
    for (table,) in await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        await insert_generic(db, table, VICTIM if table in people_tables else None)
    # Precondition: the person is really everywhere a person can be.
    for table in people_tables:
        columns = [c for t, c in PEOPLE if t == table]
        where = " OR ".join(f'"{c}" = ?' for c in columns)
        row = await db.fetchone(f'SELECT count(*) FROM "{table}" WHERE {where}', [VICTIM] * len(columns))
        assert row is not None and row[0] > 0, table


async def test_forget_me_leaves_no_trace_in_any_table(harness: Harness, chats: Chats) -> None:
    await populate(harness)
    db = harness.services.db
    before = await traces(db, VICTIM)
    assert {t for t, _ in before} >= {t for t, _ in PEOPLE}
    guard = harness.provided["guard"]
    token = guard.returns.put(VICTIM, "their text with an IIN, waiting to be returned")
    guard.flood.hit(OTHER_GROUP, VICTIM, 0.0, guard.config(await harness.services.chats.get(OTHER_GROUP)).flood_day)
    assert len(guard.flood) == 1
    reader_feedback = harness.provided["reader_feedback"]
    reader_feedback.vote(VICTIM, "iin", "ru", "up")

    await harness.send(ME, "/forget_me")
    assert "This cannot be undone." in harness.last()
    await harness.press(ME, "Delete everything")
    assert harness.last().startswith("Done: I deleted everything I stored about you. Active bans kept with only")

    left = await traces(db, VICTIM)
    # Only the active ban survives, holding the id and nothing the person wrote or did.
    assert [t for t, _ in left] == ["mod_actions"], left
    ban = left[0][1]
    assert (ban["action"], ban["target_id"], ban["chat_id"]) == ("ban", VICTIM, OTHER_GROUP)
    assert (ban["reason"], ban["evidence"], ban["message_id"], ban["error"]) == ("", None, None, None)
    assert ban["status"] == "done" and ban["actor_id"] == 10
    # Other people's records stay, without the person's id.
    mute = await db.fetchone("SELECT actor_id, reason FROM mod_actions WHERE target_id = 20 AND action = 'mute'")
    assert mute is not None and tuple(mute) == (None, "flooding")
    appeal = await db.fetchone("SELECT decided_by, status FROM appeals WHERE user_id = 20")
    assert appeal is not None and tuple(appeal) == (None, "kept")
    assert tuple(await db.fetchone("SELECT added_by FROM volunteers WHERE user_id = 555") or ()) == (0,)
    assert await db.fetchone("SELECT 1 FROM users WHERE user_id = 20") is not None
    assert tuple(await db.fetchone("SELECT name FROM networks") or ()) == ("Zarina's chats",)
    # In-memory caches forget too: the text waiting for them, flood counters, and the next /start asks again.
    assert guard.returns.take(token, VICTIM) is None and len(guard.flood) == 0
    assert reader_feedback.vote(VICTIM, "iin", "ru", "up") == VoteChange(1, 0)  # the earlier vote is not remembered
    await harness.send(ME, "/start")
    assert "Choose your language" in harness.last()
    # The active ban still counts: an appeal finds it.
    await harness.send(ME, "/appeal again")
    assert harness.last() == "Your appeal was sent to the admins. You will get their answer here."


async def test_forget_me_cancel_changes_nothing(harness: Harness, chats: Chats) -> None:
    await harness.send(ME, "/start")
    await harness.press(ME, "English")
    await harness.send(ME, "/forget_me")
    await harness.press(ME, "Cancel")
    assert harness.last() == "Nothing was deleted."
    row = await harness.services.db.fetchone("SELECT language FROM users WHERE user_id = ?", (VICTIM,))
    assert row is not None and tuple(row) == ("en",)
    assert [b.text for m in harness.session.messages.values() for b in m.buttons() if "Delete" in b.text] == []


async def test_forget_me_only_in_private(harness: Harness, chats: Chats) -> None:
    await harness.send(ME, "/start")
    await harness.press(ME, "English")
    await harness.send(ME_ADMIN, "/forget_me")
    assert "This cannot be undone." not in harness.last()
    assert await harness.services.db.fetchone("SELECT 1 FROM users WHERE user_id = ?", (VICTIM,)) is not None


# -- /privacy --------------------------------------------------------------------------------------------------------
async def test_privacy_explains_and_counts_in_the_users_language(harness: Harness, chats: Chats) -> None:
    await populate(harness)
    await harness.send(ME, "/privacy")
    text = harness.last()
    assert "What I store about you" in text
    assert "kept as evidence for 30 days" in text and "/forget_me" in text
    assert "language: English; first seen" in text
    assert "• warnings: 2" in text  # one from the warn, one generic row
    assert "• appeals:" in text and "• volunteer role:" in text
    await harness.send(Person(user_id=77, first_name="Ivan", language_code="ru"), "/privacy")
    assert "Что я храню о вас" in harness.last()


async def test_privacy_shows_today_as_the_last_day_even_before_it_is_written(harness: Harness) -> None:
    # The record is from another day; today's visit waits in memory (UserRepository.touch) until /privacy writes it.
    await harness.services.db.execute(
        "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (?, 'en', '2026-01-05', '2026-01-06')",
        (VICTIM,),
    )
    harness.services.users.forget(VICTIM)
    await harness.send(ME, "/privacy")
    today = datetime.now(harness.services.settings.tz).date().isoformat()
    assert f"first seen 2026-01-05, last seen {today}" in harness.last()
    row = await harness.services.db.fetchone("SELECT last_seen FROM users WHERE user_id = ?", (VICTIM,))
    assert row is not None and row[0] == today


async def test_privacy_answers_even_if_the_last_day_cannot_be_written(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.send(ME, "/start")
    await harness.press(ME, "English")

    async def disk_full() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(harness.services.users, "flush", disk_full)
    await harness.send(ME, "/privacy")
    assert "language: English; first seen" in harness.last()


async def test_privacy_is_a_registered_command() -> None:
    from bot.commands import COMMANDS

    assert "privacy" in {c for c, _ in COMMANDS}


# -- evidence retention ----------------------------------------------------------------------------------------------
async def old_and_new_rows(db: Database, now: datetime) -> None:
    old, new = iso(now - timedelta(days=31)), iso(now - timedelta(days=29))
    for created, evidence in ((old, "old words"), (new, "new words")):
        await db.execute(
            "INSERT INTO mod_actions (chat_id, target_id, action, created_at, status, evidence) "
            "VALUES (-1, 5, 'warn', ?, 'done', ?)",
            (created, evidence),
        )
    first = (await db.fetchone("SELECT min(id) FROM mod_actions"))[0]  # type: ignore[index]
    for created, status, text in ((old, "open", "old open"), (new, "open", "new open"), (new, "kept", "new kept")):
        await db.execute(
            "INSERT INTO appeals (user_id, chat_id, action_id, text, status, created_at) VALUES (5, -1, ?, ?, ?, ?)",
            (first, text, status, created),
        )
    for query, day in (("old question", now - timedelta(days=31)), ("new question", now - timedelta(days=2))):
        await db.execute(
            "INSERT INTO unanswered (query, count, last_day) VALUES (?, 3, ?)", (query, day.date().isoformat())
        )


async def test_purge_clears_expired_text_only(harness: Harness) -> None:
    db = harness.services.db
    now = datetime.now(UTC)
    await old_and_new_rows(db, now)
    purged = await purge_expired(db, now, 30)
    assert purged["mod_actions.evidence"] == 1 and purged["appeals.text"] == 2 and purged["unanswered.query"] == 1
    assert [tuple(r) for r in await db.fetchall("SELECT evidence FROM mod_actions ORDER BY id")] == [
        (None,),
        ("new words",),
    ]
    assert [r[0] for r in await db.fetchall("SELECT text FROM appeals ORDER BY id")] == ["", "new open", ""]
    assert [r[0] for r in await db.fetchall("SELECT query FROM unanswered")] == ["new question"]
    # The audit entries themselves stay: only the words go.
    assert (await db.fetchone("SELECT count(*) FROM mod_actions"))[0] == 2  # type: ignore[index]
    assert sum((await purge_expired(db, now, 30)).values()) == 0  # nothing left to purge


async def test_every_expiring_column_has_its_age_column() -> None:
    db = Database(":memory:")
    await db.open()
    columns = {(c.table, c.name) for c in await schema(db)}
    await db.close()
    for (table, _column), expiry in EXPIRING_TEXT.items():
        assert (table, expiry.age_column) in columns
    for (table, _column), keep in KEEP.items():
        assert all((table, c) in columns for c in keep.cleared)


async def test_background_purge_runs_at_start_up(harness: Harness) -> None:
    db = harness.services.db
    await old_and_new_rows(db, datetime.now(UTC))
    tasks = start_background(harness.services)
    try:
        for _ in range(100):
            if (await db.fetchone("SELECT count(*) FROM mod_actions WHERE evidence IS NOT NULL"))[0] == 1:  # type: ignore[index]
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the start-up purge did not run")
    finally:
        await stop_background(tasks)
    assert all(t.done() for t in tasks)


def test_retention_setting() -> None:
    assert load_settings(_env_file=None).evidence_retention_days == 30
    assert load_settings(_env_file=None, evidence_retention_days="7").evidence_retention_days == 7
    with pytest.raises(ConfigError, match="EVIDENCE_RETENTION_DAYS is invalid: expected a whole number of days"):
        load_settings(_env_file=None, evidence_retention_days="0")


# -- PRIVACY.md ------------------------------------------------------------------------------------------------------
async def test_privacy_md_lists_every_table_and_column() -> None:
    text = (REPO / "PRIVACY.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^### |^## |\Z)", text, flags=re.M | re.S))
    db = Database(":memory:")
    await db.open()
    columns = await schema(db)
    await db.close()
    missing = [f"{c.table}.{c.name}" for c in columns if f"`{c.name}`" not in sections.get(c.table, "")]
    assert missing == []
    assert set(sections) == {c.table for c in columns}  # no table described that does not exist
