"""`python -m bot healthcheck`: the container's health check, for both ways of running.

Webhook mode (WEBHOOK_URL set): ask the running bot's own /healthz, which answers only if the server is up and the
database answers. Polling mode has no server to ask; the check opens the database read-only and runs a query, which
catches a lost or broken data volume and is harmless to the running bot.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import urllib.error
import urllib.request

from bot.config import Settings

TIMEOUT = 4.0  # seconds; Docker's own timeout for the check is 5 s


def check(settings: Settings) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    if settings.webhook_url:
        host = settings.webhook_host
        host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        url = f"http://{host}:{settings.webhook_port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # a local address, not user input
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return False, f"{url} answered {exc.code}"
        except (OSError, ValueError) as exc:
            return False, f"{url} did not answer: {type(exc).__name__}"
        return bool(body.get("ok")), f"webhook server: {body}"
    path = settings.database_path
    if not path.is_file():
        return False, f"no database at {path} yet"
    try:
        with contextlib.closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=TIMEOUT)) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return False, f"database {path} unreadable: {exc}"
    return True, f"database {path} readable (polling mode)"
