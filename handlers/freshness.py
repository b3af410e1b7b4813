"""/stale and /translations: which guides need a volunteer's attention, by the validator's own thresholds."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.changes import SOURCE_LANGUAGE
from bot.config import LANGUAGES, Settings
from bot.content_check import STALE_DAYS, STALE_DAYS_LEGAL
from bot.library import Library
from handlers.volunteer_access import IsVolunteer

SHOWN = 40


async def stale_command(message: Message, library: Library, settings: Settings) -> None:
    today = datetime.now(settings.tz).date()
    rows = []
    for guide in library.catalogue:
        limit = STALE_DAYS_LEGAL if guide.legal else STALE_DAYS
        age = (today - guide.reviewed).days
        if age > limit:
            rows.append((age - limit, guide, age, limit))
    if not rows:
        text = _("Every guide was reviewed recently enough ({days} days, {legal} for legal guides).").format(
            days=STALE_DAYS, legal=STALE_DAYS_LEGAL
        )
        await message.answer(escape(text))
        return
    rows.sort(key=lambda r: (-r[0], r[1].slug, r[1].lang))
    lines = [escape(_("Guides to re-check against their sources (most overdue first):"))]
    for _over, guide, age, limit in rows[:SHOWN]:
        line = _("{slug} ({lang}): reviewed {days} days ago, limit {limit}").format(
            slug=guide.slug, lang=guide.lang, days=age, limit=limit
        )
        lines.append("• " + escape(line) + (" ⚖️" if guide.legal else ""))
    if len(rows) > SHOWN:
        lines.append(escape(_("…and {count} more.").format(count=len(rows) - SHOWN)))
    await message.answer("\n".join(lines))


async def translations_command(message: Message, library: Library) -> None:
    missing: list[str] = []
    older: list[str] = []
    for slug, versions in sorted(library.catalogue.guides.items()):
        absent = [lang for lang in LANGUAGES if lang not in versions]
        if absent:
            missing.append(f"{slug}: {', '.join(absent)}")
        source = versions.get(SOURCE_LANGUAGE)
        if source is None:
            continue
        for lang, guide in sorted(versions.items()):
            if lang != SOURCE_LANGUAGE and guide.reviewed < source.reviewed:
                older.append(
                    _("{slug} ({lang}): reviewed {date}, the Russian version {source}").format(
                        slug=slug, lang=lang, date=guide.reviewed.isoformat(), source=source.reviewed.isoformat()
                    )
                )
    if not missing and not older:
        await message.answer(escape(_("Every guide exists in all three languages, and no translation is older than "
                                      "its Russian version.")))  # fmt: skip
        return
    lines: list[str] = []
    if missing:
        lines.append("<b>" + escape(_("Missing translations:")) + "</b>")
        lines += ["• " + escape(item) for item in missing[:SHOWN]]
    if older:
        lines.append("<b>" + escape(_("Translations older than the Russian version:")) + "</b>")
        lines += ["• " + escape(item) for item in older[:SHOWN]]
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", IsVolunteer())
    router.message.register(stale_command, Command("stale"))
    router.message.register(translations_command, Command("translations"))
    return router
