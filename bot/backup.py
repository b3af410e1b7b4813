"""`python -m bot backup PATH`: a consistent copy of the SQLite database, safe to take while the bot runs.

SQLite's online backup API copies the database as one snapshot: in WAL mode the bot keeps writing while it runs,
and the copy holds every committed transaction up to the moment the copy started, none half. The copy is written to
a temporary file next to PATH, checked with `PRAGMA integrity_check`, and only then moved into place, so PATH is
never a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """The copy could not be made; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    schema_version: int


def backup(source: Path, target: Path, *, force: bool = False) -> BackupResult:
    if not source.is_file():
        raise BackupError(f"no database at {source} (check DATABASE_URL)")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; pass --force to overwrite it")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        # mode=ro: the backup never writes to the live database, whatever happens.
        source_uri = source.resolve().as_uri() + "?mode=ro"
        with (
            contextlib.closing(sqlite3.connect(source_uri, uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # pages=-1: the whole database in one step, i.e. one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
            (check,) = dst.execute("PRAGMA integrity_check").fetchone()
            (version,) = dst.execute("PRAGMA user_version").fetchone()
        if check != "ok":
            raise BackupError(f"the copy failed its integrity check: {check}")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, int(version))
