"""What the database holds about people, and the two operations privacy needs: purge old text, forget a person.

Two registries are the single declaration of where personal data lives:

- `PEOPLE` names every column that holds a Telegram user id, and what forgetting that person does to it;
  `NOT_PEOPLE` names the id-like columns that never hold one (chat ids, row ids).
- `EXPIRING_TEXT` names every text column that can hold what someone wrote, and when it is purged;
  `OTHER_TEXT` names the remaining text columns and why they are not anyone's words.

Tests compare these registries with the real schema (PRAGMA table_info after all migrations): a new table with a
user id or a text column fails them until it is declared here (and in PRIVACY.md). The operations themselves find
the tables from the registry, so forgetting and purging cover a new table as soon as it is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bot.storage.database import Database
from bot.storage.moderation import iso

DEFAULT_RETENTION_DAYS = 30


class Forget(Enum):
    DELETE = "delete"  # the row is about the person: delete it
    CLEAR = "clear"  # the row is someone else's and only names the person (as the admin who acted): clear the id


# (table, column) → what /forget_me does to rows that hold the person's id there.
PEOPLE: dict[tuple[str, str], Forget] = {
    ("users", "user_id"): Forget.DELETE,
    ("volunteers", "user_id"): Forget.DELETE,  # forgetting yourself ends the volunteer role
    ("volunteers", "added_by"): Forget.CLEAR,  # another volunteer stays; who added them is forgotten (0)
    ("mod_actions", "target_id"): Forget.DELETE,  # except active bans, see KEEP
    ("mod_actions", "actor_id"): Forget.CLEAR,  # the chat keeps its audit entry, without the admin's id
    ("warnings", "user_id"): Forget.DELETE,
    ("network_owners", "user_id"): Forget.DELETE,
    ("appeals", "user_id"): Forget.DELETE,
    ("appeals", "decided_by"): Forget.CLEAR,
    # Volunteers' published work stays (readers rely on it); only the link to the person goes.
    ("guide_revisions", "author_id"): Forget.CLEAR,
    ("guide_revisions", "approved_by"): Forget.CLEAR,
    ("content_audit", "actor_id"): Forget.CLEAR,
    ("content_audit", "target_id"): Forget.CLEAR,
    ("outdated_reports", "handled_by"): Forget.CLEAR,
    ("members", "user_id"): Forget.DELETE,  # probation in progress; an open join check is kept, see KEEP
}

# Columns whose names look like they could hold a user id but never do; each says what it holds instead.
NOT_PEOPLE: dict[tuple[str, str], str] = {
    ("chats", "chat_id"): "a group chat",
    ("mod_actions", "id"): "row id",
    ("mod_actions", "chat_id"): "the group the action happened in",
    ("mod_actions", "message_id"): "the message acted on, within that group",
    ("mod_actions", "network_id"): "networks.id",
    ("mod_actions", "undo_of"): "mod_actions.id",
    ("warnings", "id"): "row id",
    ("warnings", "chat_id"): "a group chat",
    ("warnings", "action_id"): "mod_actions.id",
    ("networks", "id"): "row id",
    ("network_chats", "network_id"): "networks.id",
    ("network_chats", "chat_id"): "a group chat",
    ("network_owners", "network_id"): "networks.id",
    ("appeals", "id"): "row id",
    ("appeals", "chat_id"): "a group chat",
    ("appeals", "action_id"): "mod_actions.id",
    ("guide_revisions", "id"): "row id",
    ("content_audit", "id"): "row id",
    ("outdated_reports", "id"): "row id",
    ("members", "chat_id"): "a group chat",
    ("members", "prompt_id"): "the bot's challenge message, within that group",
}


@dataclass(frozen=True)
class Keep:
    """Rows kept when their person is forgotten, stripped to what they must keep working with."""

    where: str  # SQL condition on the table's rows (named parameter :now is the current time, ISO, UTC)
    cleared: dict[str, Any]  # column → value written in the kept row


# An active ban outlives /forget_me: otherwise forgetting yourself would be a way around a ban (network bans and
# re-joins check these rows). It keeps the person's id and what the ban needs; the reason, the evidence, the
# message id and any error text go.
ACTIVE_BAN = (
    "action = 'ban' AND status IN ('pending', 'done') AND (until IS NULL OR until > :now) "
    "AND NOT EXISTS (SELECT 1 FROM mod_actions AS later WHERE later.chat_id = mod_actions.chat_id "
    "AND later.target_id = mod_actions.target_id AND later.id > mod_actions.id AND later.action = 'unban' "
    "AND later.status = 'done')"
)
# A join check still open (or failed, and so kept read-only or removed) is a restriction like a ban: the person is
# restricted in Telegram, and only the check can end it (by the answer, the sweep, or an admin letting them in).
# Deleting it would leave them muted for good with no way through. Probation rows go.
OPEN_CHECK = "state IN ('challenge', 'request', 'failed')"
KEEP: dict[tuple[str, str], Keep] = {
    ("mod_actions", "target_id"): Keep(ACTIVE_BAN, {"reason": "", "evidence": None, "error": None, "message_id": None}),
    ("members", "user_id"): Keep(OPEN_CHECK, {"messages": 0}),
}


@dataclass(frozen=True)
class Expiry:
    """When a text column is purged: older than the retention (by `age_column`), or as soon as `also_when` holds."""

    age_column: str
    day: bool = False  # the age column holds a day (YYYY-MM-DD) rather than an ISO time
    also_when: str = ""  # SQL condition that purges earlier, e.g. a decided appeal
    delete_row: bool = False  # the row exists only for its text: delete it instead of clearing the column


# Text columns that can hold what someone wrote.
EXPIRING_TEXT: dict[tuple[str, str], Expiry] = {
    ("mod_actions", "evidence"): Expiry("created_at"),
    # The appeal is shown to the admins in the log chat when it is sent; once decided the text has no further use.
    ("appeals", "text"): Expiry("created_at", also_when="status <> 'open'"),
    # Normalised questions, no ids; a question nobody asked again within the retention is dropped.
    ("unanswered", "query"): Expiry("last_day", day=True, delete_row=True),
    # A reader's optional comment on an out-of-date guide (no reader id): kept until handled, at most the retention.
    ("outdated_reports", "comment"): Expiry("created_at", also_when="status <> 'open'"),
}

# Text columns that never hold anyone's words, and what they hold.
OTHER_TEXT: dict[tuple[str, str], str] = {
    ("users", "language"): "ru, kk or en",
    ("users", "first_seen"): "a day",
    ("users", "last_seen"): "a day",
    ("chats", "language"): "ru, kk or en",
    ("chats", "settings"): "JSON of switches set by the chat's admins",
    ("volunteers", "added_on"): "a day",
    ("unanswered", "last_day"): "a day",
    ("mod_actions", "action"): "ban, mute, warn…",
    ("mod_actions", "reason"): "the reason an admin gave, or the rule that acted (cut to 500 characters)",
    ("mod_actions", "created_at"): "a time",
    ("mod_actions", "until"): "a time",
    ("mod_actions", "status"): "pending, done, failed, undone",
    ("mod_actions", "error"): "Telegram's error description",
    ("warnings", "created_at"): "a time",
    ("networks", "name"): "the name an admin gave the network",
    ("networks", "created_at"): "a time",
    ("appeals", "status"): "open, lifted, kept, undelivered",
    ("appeals", "created_at"): "a time",
    ("guide_revisions", "slug"): "a guide's id",
    ("guide_revisions", "lang"): "ru, kk or en",
    ("guide_revisions", "created_at"): "a time",
    ("guide_revisions", "text"): "a guide as a volunteer wrote it for publication: content, not a conversation",
    ("guide_revisions", "status"): "pending, review, published…",
    ("guide_revisions", "base_hash"): "a hash of the text the revision was based on",
    ("guide_revisions", "decided_at"): "a time",
    ("content_audit", "action"): "upload, publish, approve…",
    ("content_audit", "slug"): "a guide's id",
    ("content_audit", "lang"): "ru, kk or en",
    ("content_audit", "created_at"): "a time",
    ("guide_votes", "slug"): "a guide's id",
    ("guide_votes", "lang"): "ru, kk or en",
    ("guide_views", "slug"): "a guide's id",
    ("guide_views", "lang"): "ru, kk or en",
    ("guide_views", "day"): "a day",
    ("outdated_reports", "slug"): "a guide's id",
    ("outdated_reports", "lang"): "ru, kk or en",
    ("outdated_reports", "created_at"): "a time",
    ("outdated_reports", "status"): "open or handled",
    ("members", "state"): "challenge, request, probation or failed",
    ("members", "answer"): "a random token of the right button, made by the bot",
}

# Column names that may hold a user id: user_id, anything_id, anything_by (added_by, decided_by, approved_by…).
_ID_LIKE = re.compile(r"^(id|.+_id|.+_by|user|author|owner|actor|target)$")
_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str
    notnull: bool

    @property
    def holds_text(self) -> bool:
        """SQLite's affinity rules: CHAR, CLOB or TEXT in the declared type, or no type at all (anything goes)."""
        declared = self.type.upper()
        return not declared or any(word in declared for word in ("CHAR", "CLOB", "TEXT"))

    @property
    def id_like(self) -> bool:
        return bool(_ID_LIKE.match(self.name.lower()))


async def schema(db: Database) -> list[Column]:
    """Every column of every table, from SQLite itself."""
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    columns = []
    for (table,) in tables:
        for row in await db.fetchall(f"PRAGMA table_info({_quote(table)})"):
            columns.append(Column(table, row[1], row[2] or "", bool(row[3])))
    return columns


def undeclared(columns: list[Column]) -> list[str]:
    """Columns that the registries do not account for: what a test (and the operator's log) reports."""
    problems = []
    for col in columns:
        key = (col.table, col.name)
        if col.id_like and key not in PEOPLE and key not in NOT_PEOPLE:
            problems.append(f"{col.table}.{col.name}: may hold a user id; declare it in PEOPLE or NOT_PEOPLE")
        if col.holds_text and key not in EXPIRING_TEXT and key not in OTHER_TEXT:
            problems.append(f"{col.table}.{col.name}: text; declare it in EXPIRING_TEXT or OTHER_TEXT")
    known = {(c.table, c.name) for c in columns}
    for key in [*PEOPLE, *NOT_PEOPLE, *EXPIRING_TEXT, *OTHER_TEXT]:
        if key not in known:
            problems.append(f"{key[0]}.{key[1]}: declared but not in the schema")
    return problems


def _quote(name: str) -> str:
    if not _SAFE_NAME.match(name):  # names come from the registries and sqlite_master, never from users
        raise ValueError(f"unexpected identifier {name!r}")
    return f'"{name}"'


# -- retention ------------------------------------------------------------------------------------------------------
async def purge_expired(db: Database, now: datetime, retention_days: int) -> dict[str, int]:
    """Clear (or delete) expired text; returns how many rows each column lost, for the log (counts, never text)."""
    cutoff = now - timedelta(days=retention_days)
    purged: dict[str, int] = {}
    conn = db.conn
    for (table, column), expiry in EXPIRING_TEXT.items():
        t, c, age = _quote(table), _quote(column), _quote(expiry.age_column)
        limit = cutoff.date().isoformat() if expiry.day else iso(cutoff)
        expired = f"{age} < :cutoff" + (f" OR ({expiry.also_when})" if expiry.also_when else "")
        if expiry.delete_row:
            sql = f"DELETE FROM {t} WHERE {expired}"
        else:
            empty = await _empty_value(db, table, column)
            sql = f"UPDATE {t} SET {c} = :empty WHERE ({expired}) AND {c} IS NOT :empty"
        cur = await conn.execute(sql, {"cutoff": limit, "empty": None if expiry.delete_row else empty})
        purged[f"{table}.{column}"] = cur.rowcount
    await conn.commit()
    return purged


async def _empty_value(db: Database, table: str, column: str) -> Any:
    """NULL where the column allows it, otherwise the empty value of its type (0 or '')."""
    for row in await db.fetchall(f"PRAGMA table_info({_quote(table)})"):
        if row[1] == column:
            if not row[3]:
                return None
            return "" if Column(table, column, row[2] or "", True).holds_text else 0
    raise ValueError(f"no column {table}.{column}")


# -- forgetting -----------------------------------------------------------------------------------------------------
async def forget_user(db: Database, user_id: int, now: datetime) -> dict[str, int]:
    """Delete everything about the person; returns rows affected per column (and `table.column:kept`).

    Active bans are kept with only what they need (see KEEP). Tables are visited children first (by their foreign
    keys), so that every intermediate state is consistent: the repositories share one connection and another
    update's commit may land in between. One commit at the end; running it again finishes an interrupted run.
    """
    conn = db.conn
    affected: dict[str, int] = {}
    params: dict[str, Any] = {"user": user_id, "now": iso(now)}
    order = await _children_first(db, {table for table, _ in PEOPLE})
    clears = [(key, how) for key, how in PEOPLE.items() if how is Forget.CLEAR]
    deletes = sorted((key for key, how in PEOPLE.items() if how is Forget.DELETE), key=lambda k: order.index(k[0]))
    for table, column in [key for key, _ in clears]:
        empty = await _empty_value(db, table, column)
        t, c = _quote(table), _quote(column)
        cur = await conn.execute(f"UPDATE {t} SET {c} = :empty WHERE {c} = :user", {**params, "empty": empty})
        affected[f"{table}.{column}"] = cur.rowcount
    for table, column in deletes:
        t, c = _quote(table), _quote(column)
        keep = KEEP.get((table, column))
        kept: list[int] = []
        if keep is not None:
            # Which rows to keep is decided before anything is deleted (the condition may look at sibling rows).
            async with conn.execute(f"SELECT rowid FROM {t} WHERE {c} = :user AND ({keep.where})", params) as q:
                kept = [r[0] for r in await q.fetchall()]
            affected[f"{table}.{column}:kept"] = len(kept)
        marks = ", ".join("?" * len(kept))
        if kept:
            sets = ", ".join(f"{_quote(k)} = ?" for k in keep.cleared)  # type: ignore[union-attr]
            await conn.execute(f"UPDATE {t} SET {sets} WHERE rowid IN ({marks})", [*keep.cleared.values(), *kept])  # type: ignore[union-attr]
        spare = f" AND rowid NOT IN ({marks})" if kept else ""
        cur = await conn.execute(f"DELETE FROM {t} WHERE {c} = ?{spare}", [user_id, *kept])
        affected[f"{table}.{column}"] = cur.rowcount
    await conn.commit()
    return affected


async def _children_first(db: Database, tables: set[str]) -> list[str]:
    """The tables ordered so that a table referencing another (a foreign key) comes before it."""
    parents: dict[str, set[str]] = {}
    for table in tables:
        rows = await db.fetchall(f"PRAGMA foreign_key_list({_quote(table)})")
        parents[table] = {str(r[2]) for r in rows if str(r[2]) != table}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(table: str) -> None:
        # Everything that references `table` must come first.
        if table in order or table in visiting:
            return
        visiting.add(table)
        for child in sorted(t for t, refs in parents.items() if table in refs):
            visit(child)
        order.append(table)

    for table in sorted(tables):
        visit(table)
    return order


@dataclass(frozen=True)
class Holdings:
    """What the database holds about one person right now, for /privacy."""

    language: str | None
    first_seen: str | None
    last_seen: str | None
    rows: dict[str, int]  # table → rows naming the person (any column in PEOPLE)


async def holdings(db: Database, user_id: int) -> Holdings:
    user = await db.fetchone("SELECT language, first_seen, last_seen FROM users WHERE user_id = ?", (user_id,))
    rows: dict[str, int] = {}
    for table in dict.fromkeys(t for t, _ in PEOPLE):
        columns = [c for t, c in PEOPLE if t == table]
        where = " OR ".join(f"{_quote(c)} = ?" for c in columns)
        row = await db.fetchone(f"SELECT count(*) FROM {_quote(table)} WHERE {where}", [user_id] * len(columns))
        if row and row[0]:
            rows[table] = int(row[0])
    if user is None:
        return Holdings(None, None, None, rows)
    return Holdings(user[0], user[1], user[2], rows)
