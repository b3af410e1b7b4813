"""`python -m bot`: run the bot, the offline demo, and the tools for the people who maintain it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.storage.database import StorageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot for people relocating to Kazakhstan. Settings come from the environment or .env.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot against Telegram (long polling; the default)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on WEBHOOK_HOST:WEBHOOK_PORT at the path of WEBHOOK_URL instead of long polling",
    )
    backup = sub.add_parser("backup", help="copy the database consistently, also while the bot runs")
    backup.add_argument("path", help="the file to write, e.g. /data/backup-2026-01-31.db")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    sub.add_parser("healthcheck", help="exit 0 if the bot is healthy (webhook: its /healthz; polling: the database)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal: no token, no network")
    demo.add_argument(
        "--language-code",
        default=None,
        help="Telegram language_code of the demo user (ru, kk, en, …): preselects the language",
    )
    content = sub.add_parser("content", help="tools for the guides in CONTENT_DIR")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_sub.add_parser("check", help="validate every guide; exit 1 if there are errors")
    check.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    export = content_sub.add_parser(
        "export", help="write the guides in force (content/ plus revisions published in the bot) to DIR"
    )
    export.add_argument("dir", type=Path, help="target folder; `content` updates the repository's guides in place")
    search = sub.add_parser(
        "search", help="rank the guides for a question, or score questions from stdin as JSON lines"
    )
    search.add_argument("question", nargs="*", help="the question; without one, read one question per line")
    sub.add_parser("spamcheck", help="judge JSON lines {text, new_member} from stdin with a new chat's defaults")
    return parser


def search_command(settings: Settings, words: list[str]) -> int:
    from bot.guides import load_catalogue
    from bot.search import SearchIndex
    from bot.search.cli import guide_titles, run_search_cli

    catalogue = load_catalogue(settings.content_dir).catalogue
    index = SearchIndex.from_catalogue(catalogue)
    titles = guide_titles(catalogue, settings.default_language)
    question = " ".join(words) if words else None
    return run_search_cli(index, titles, question, sys.stdin, sys.stdout)


def content_check(settings: Settings, as_json: bool) -> int:
    from datetime import datetime

    from bot.content_check import check_content, print_report
    from bot.guides import LEGAL_DISCLAIMER
    from bot.i18n import Translations

    i18n = Translations()

    def disclaimer(lang: str) -> str:
        text = i18n.gettext(LEGAL_DISCLAIMER, locale=lang)
        return "" if lang != "en" and text == LEGAL_DISCLAIMER else text

    today = datetime.now(settings.tz).date()
    report = check_content(settings.content_dir, today=today, disclaimer=disclaimer)
    return print_report(report, as_json=as_json, out=sys.stdout)


def run_bot(settings: Settings, *, webhook: bool) -> int:
    """Run until stopped. Telegram failing at start-up (after the session layer's retries) is one line, not a
    traceback; the exception's own text is not printed, since it may carry a request URL with the token."""
    from aiogram.exceptions import AiogramError, TelegramNetworkError, TelegramUnauthorizedError

    from bot.app import run

    try:
        asyncio.run(run(settings, webhook=webhook))
    except TelegramUnauthorizedError:
        print("configuration error: BOT_TOKEN was refused by Telegram (Unauthorized)", file=sys.stderr)
        return 2
    except TelegramNetworkError:
        print(f"cannot reach the Bot API at {settings.bot_api_url} (network error at start-up)", file=sys.stderr)
        return 1
    except AiogramError as exc:
        print(f"Telegram error at start-up: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


def backup_command(settings: Settings, path: str, *, force: bool) -> int:
    from bot.backup import BackupError, backup

    try:
        result = backup(settings.database_path, Path(path), force=force)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {result.path} ({result.size} bytes, schema {result.schema_version})")
    return 0


def content_export(settings: Settings, target: Path) -> int:
    """The same files /export sends: content/ overlaid by the revisions volunteers published in the bot."""
    from bot.overlay import current_texts, export_dir
    from bot.publishing import load_published
    from bot.storage import Database
    from bot.storage.revisions import RevisionRepository

    async def published() -> dict[tuple[str, str], tuple[int, str]]:
        db = Database(settings.database_path)
        await db.open()
        try:
            return await load_published(RevisionRepository(db))
        finally:
            await db.close()

    overlay = asyncio.run(published()) if settings.database_path.exists() else {}
    texts = current_texts(settings.content_dir, overlay)
    written = export_dir(texts, target)
    print(f"{written} files written to {target} ({len(overlay)} from revisions published in the bot)")
    return 0


def _settings() -> Settings:
    return load_settings()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings()
        if command == "content" and args.content_command == "check":
            return content_check(settings, args.json)
        if command == "content" and args.content_command == "export":
            return content_export(settings, args.dir)
        if command == "search":
            return search_command(settings, args.question)
        if command == "spamcheck":
            from bot.protection.spamcheck import main as spamcheck_main

            return spamcheck_main()
        if command == "demo":
            from bot.demo import main as demo_main
            from bot.logs import setup_logging

            # The demo's terminal is the conversation: keep operational logging to warnings.
            setup_logging("WARNING", settings.log_format)
            return demo_main(settings, language_code=args.language_code)
        if command == "backup":
            return backup_command(settings, args.path, force=args.force)
        if command == "healthcheck":
            from bot.healthcheck import check

            healthy, why = check(settings)
            print(why, file=sys.stdout if healthy else sys.stderr)
            return 0 if healthy else 1
        if command == "run":
            from bot.logs import setup_logging

            token = settings.require_token()
            webhook = bool(getattr(args, "webhook", False))
            secrets = [token]
            if webhook:
                secrets.append(settings.require_webhook()[1])
            setup_logging(settings.log_level, settings.log_format, secrets=secrets)
            return run_bot(settings, webhook=webhook)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
