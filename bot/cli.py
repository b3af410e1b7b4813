"""`python -m bot`: run the bot, the offline demo, and the tools for the people who maintain it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings
from bot.storage.database import StorageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot for people relocating to Kazakhstan. Settings come from the environment or .env.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot against Telegram (long polling; the default)")
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


def _settings() -> Settings:
    return load_settings()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings()
        if command == "content" and args.content_command == "check":
            return content_check(settings, args.json)
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
        if command == "run":
            from bot.app import run_polling
            from bot.logs import setup_logging

            token = settings.require_token()
            setup_logging(settings.log_level, settings.log_format, secrets=[token])
            asyncio.run(run_polling(settings))
            return 0
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
