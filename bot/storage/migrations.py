"""Versioned schema migrations, applied in order at start-up.

Append new migrations; never edit one that has shipped (a deployed database has already run it). Every table and
column is listed with its reason in PRIVACY.md: store only what a feature needs.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: people who opened the bot. Only the id Telegram gives us, the chosen language and two dates (a day, not a
    # time: enough to purge inactive users, too coarse to track anyone).
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        language    TEXT CHECK (language IN ('ru', 'kk', 'en')),
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL
    );
    """,
    # 2: group chats the bot serves: their language and settings (a JSON object of switches that admins set with
    # /settings; unknown keys are ignored, missing keys take defaults). Volunteers who maintain the guides (owners
    # come from BOT_OWNERS and are not stored). Questions nobody could answer, counted after normalisation, with no
    # user or chat ids: volunteers see what content is missing.
    """
    CREATE TABLE chats (
        chat_id   INTEGER PRIMARY KEY,
        language  TEXT CHECK (language IN ('ru', 'kk', 'en')),
        settings  TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE volunteers (
        user_id   INTEGER PRIMARY KEY,
        added_by  INTEGER NOT NULL,
        added_on  TEXT NOT NULL
    );
    CREATE TABLE unanswered (
        query     TEXT PRIMARY KEY,
        count     INTEGER NOT NULL DEFAULT 1,
        last_day  TEXT NOT NULL
    );
    """,
    # 3: moderation. Every action, manual or automatic, is an audit entry written *before* it is executed
    # (status pending → done / failed / undone), so nothing is lost if the bot stops midway. `evidence` keeps the
    # text of the message acted on, only as evidence, and is purged after the retention period. Warnings count
    # towards escalation until they expire or are revoked. Networks join several chats for shared bans. Appeals
    # come from banned or muted people in the private chat.
    """
    CREATE TABLE mod_actions (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        target_id   INTEGER,
        actor_id    INTEGER,
        action      TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        until       TEXT,
        message_id  INTEGER,
        status      TEXT NOT NULL DEFAULT 'pending',
        error       TEXT,
        undo_of     INTEGER REFERENCES mod_actions(id),
        automatic   INTEGER NOT NULL DEFAULT 0,
        network_id  INTEGER,
        evidence    TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX mod_actions_chat ON mod_actions (chat_id, id);
    CREATE INDEX mod_actions_target ON mod_actions (target_id, id);
    CREATE TABLE warnings (
        id          INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        user_id     INTEGER NOT NULL,
        action_id   INTEGER NOT NULL REFERENCES mod_actions(id),
        created_at  TEXT NOT NULL,
        revoked     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX warnings_user ON warnings (chat_id, user_id);
    CREATE TABLE networks (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE network_chats (
        network_id  INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
        chat_id     INTEGER NOT NULL UNIQUE,
        PRIMARY KEY (network_id, chat_id)
    );
    CREATE TABLE network_owners (
        network_id  INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
        user_id     INTEGER NOT NULL,
        PRIMARY KEY (network_id, user_id)
    );
    CREATE TABLE appeals (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL,
        chat_id     INTEGER NOT NULL,
        action_id   INTEGER NOT NULL REFERENCES mod_actions(id),
        text        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open',
        created_at  TEXT NOT NULL,
        decided_by  INTEGER
    );
    """,
)
