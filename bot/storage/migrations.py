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
    # Volunteer publishing (issue #8). `guide_revisions`: every uploaded guide text, so nothing published is ever
    # lost: who uploaded it (a volunteer's id, never a reader's), when, the full text, its status (pending: waiting
    # for its author's Publish; review: a legal change waiting for a second volunteer; published; superseded by a
    # later publish; rejected by a reviewer; cancelled by its author; conflict: someone else published first), who
    # approved it, and what it was based on (base_revision, or NULL for the file in content/; base_hash of that
    # text, so a publish that lands in between is detected). The latest published revision of a guide overlays the
    # file in content/. `content_audit`: what volunteers and owners did (upload, publish, approve, reload, export,
    # adding or removing a volunteer…), by whom; target_id is the volunteer added or removed. Reader feedback stores
    # counts only: `guide_votes` (👍/👎 per guide and language), `guide_views` (openings per guide, language and
    # day), and `outdated_reports` (a report that a guide is out of date, with the reader's optional comment, but
    # no reader id). Readers' ids are never written here.
    """
    CREATE TABLE guide_revisions (
        id             INTEGER PRIMARY KEY,
        slug           TEXT NOT NULL,
        lang           TEXT NOT NULL,
        author_id      INTEGER NOT NULL,
        created_at     TEXT NOT NULL,
        text           TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'pending',
        base_revision  INTEGER REFERENCES guide_revisions(id),
        base_hash      TEXT NOT NULL DEFAULT '',
        approved_by    INTEGER,
        decided_at     TEXT,
        rollback_of    INTEGER REFERENCES guide_revisions(id)
    );
    CREATE INDEX guide_revisions_guide ON guide_revisions (slug, lang, status, id);
    CREATE TABLE content_audit (
        id          INTEGER PRIMARY KEY,
        actor_id    INTEGER NOT NULL,
        action      TEXT NOT NULL,
        slug        TEXT,
        lang        TEXT,
        revision    INTEGER,
        target_id   INTEGER,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE guide_votes (
        slug  TEXT NOT NULL,
        lang  TEXT NOT NULL,
        up    INTEGER NOT NULL DEFAULT 0,
        down  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (slug, lang)
    );
    CREATE TABLE guide_views (
        slug   TEXT NOT NULL,
        lang   TEXT NOT NULL,
        day    TEXT NOT NULL,
        count  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (slug, lang, day)
    );
    CREATE TABLE outdated_reports (
        id          INTEGER PRIMARY KEY,
        slug        TEXT NOT NULL,
        lang        TEXT NOT NULL,
        comment     TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open',
        handled_by  INTEGER
    );
    """,
    # Members who joined a group while the bot protects it, only while that matters: during the join check
    # (`answer` is the right button's random token, `deadline` when the check expires, `attempts` answers used,
    # `prompt_id` the challenge message to clean up) and during probation (`joined_at`, epoch seconds of the first
    # join seen, and `messages`, accepted messages so far). The row is deleted when probation ends, so a regular
    # member has none. state: challenge | request (asked privately for a join request) | probation | failed.
    """
    CREATE TABLE members (
        chat_id    INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        state      TEXT NOT NULL,
        joined_at  INTEGER NOT NULL,
        messages   INTEGER NOT NULL DEFAULT 0,
        answer     TEXT,
        deadline   INTEGER,
        attempts   INTEGER NOT NULL DEFAULT 0,
        prompt_id  INTEGER,
        PRIMARY KEY (chat_id, user_id)
    );
    CREATE INDEX members_deadline ON members (deadline) WHERE deadline IS NOT NULL;
    """,
)
