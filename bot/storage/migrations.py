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
)
