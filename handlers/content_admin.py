"""Volunteer commands over published content: /history, /rollback, /export, /reload, /audit."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import LANGUAGES
from bot.guides import Problem
from bot.library import Library
from bot.overlay import export_zip
from bot.publishing import Publisher
from bot.storage.revisions import FILE_AUTHOR, Revision
from bot.translatable import N_
from handlers.uploads import offer_text, problem_line
from handlers.volunteer_access import IsVolunteer

ERRORS_SHOWN = 25
STATUS_NAMES = {
    "pending": "📝",
    "review": "📨",
    "published": "✅",
    "superseded": "⬜",
    "rejected": "❌",
    "cancelled": "✖️",
    "conflict": "⚠️",
}


def status_label(status: str) -> str:
    names = {
        "pending": _("draft"),
        "review": _("waiting for review"),
        "published": _("published, in force"),
        "superseded": _("replaced by a later one"),
        "rejected": _("rejected"),
        "cancelled": _("cancelled"),
        "conflict": _("conflict, not published"),
    }
    return f"{STATUS_NAMES.get(status, '')} {names.get(status, status)}"


def history_line(revision: Revision) -> str:
    if revision.author_id == FILE_AUTHOR:
        who = _("the file in content/")
    else:
        who = _("volunteer {id}").format(id=revision.author_id)
    if revision.approved_by is not None:
        who += ", " + _("approved by {id}").format(id=revision.approved_by)
    line = f"#{revision.id} · {revision.lang} · {revision.created_at[:16].replace('T', ' ')} · {who} · "
    return escape(line + status_label(revision.status))


async def history_command(message: Message, command: CommandObject, publisher: Publisher) -> None:
    args = (command.args or "").split()
    if not args or len(args) > 2 or (len(args) == 2 and args[1] not in LANGUAGES):
        await message.answer(escape(_("Write the guide after the command: /history iin (or /history iin kk).")))
        return
    slug, lang = args[0].lower(), (args[1] if len(args) == 2 else None)
    revisions = await publisher.revisions.history(slug, lang)
    if not revisions:
        text = _("No revisions of '{slug}' yet: readers see the file from content/.").format(slug=slug)
        await message.answer(escape(text))
        return
    title = _("Revisions of {slug} (newest first):").format(slug=slug)
    lines = [f"<b>{escape(title)}</b>"]
    lines += [history_line(r) for r in revisions]
    lines.append(escape(_("To restore one: /rollback {slug} <number>").format(slug=slug)))
    await message.answer("\n".join(lines))


async def rollback_command(
    message: Message, command: CommandObject, bot: Bot, library: Library, publisher: Publisher, i18n: I18n
) -> None:
    args = (command.args or "").split()
    if len(args) != 2 or not args[1].lstrip("#").isdigit():
        await message.answer(escape(_("Write the guide and the revision: /rollback iin 12 (see /history iin).")))
        return
    slug, number = args[0].lower(), int(args[1].lstrip("#"))
    revision = await publisher.revisions.get(number)
    if revision is None or revision.slug != slug:
        text = _("Guide '{slug}' has no revision #{id}. See /history {slug}.").format(slug=slug, id=number)
        await message.answer(escape(text))
        return
    # A rollback is a new revision with the old text: the same checks, preview and review rule as an upload.
    await offer_text(message, bot, library, publisher, i18n, text=revision.text, slug=revision.slug,
                     lang=revision.lang, file_name=f"{revision.slug}.{revision.lang}.md",
                     rollback_of=revision.id)  # fmt: skip


async def export_command(message: Message, library: Library, publisher: Publisher) -> None:
    assert message.from_user is not None
    texts = library.texts  # what readers see now (a broken file on disk stays at its working version)
    stamp = datetime.now(publisher.tz).strftime("%Y-%m-%d-%H%M")
    await publisher.revisions.audit(message.from_user.id, "export")
    caption = _(
        "The guides as readers see them, in the layout of content/ ({count} files). Unpack the archive over the "
        "content/ folder of the repository and commit it, or run: python -m bot content export content"
    ).format(count=len(texts))
    await message.answer_document(
        BufferedInputFile(export_zip(texts), filename=f"content-{stamp}.zip"), caption=escape(caption)
    )


def problems_list(problems: list[Problem]) -> list[str]:
    lines = [f"• {escape(p.path)}: {escape(problem_line(p))}" for p in problems[:ERRORS_SHOWN]]
    if len(problems) > ERRORS_SHOWN:
        lines.append(escape(_("…and {count} more.").format(count=len(problems) - ERRORS_SHOWN)))
    return lines


async def reload_command(message: Message, publisher: Publisher) -> None:
    assert message.from_user is not None
    result = await publisher.reload(message.from_user.id)
    count = sum(1 for _guide in result.result.catalogue)
    lines = [escape(_("🔄 Reloaded: {guides} guides, {files} files.").format(
        guides=len(result.result.catalogue), files=count))]  # fmt: skip
    if result.errors:
        lines.append(escape(_("Errors ({count}):").format(count=len(result.errors))))
        lines += problems_list(result.errors)
    if result.kept:
        kept = ", ".join(f"{lang}/{slug}" for slug, lang in result.kept)
        lines.append(escape(_("Kept at their previous working version: {files}").format(files=kept)))
    if result.skipped:
        skipped = ", ".join(f"{lang}/{slug}" for slug, lang in result.skipped)
        lines.append(escape(_("Not shown to readers until fixed: {files}").format(files=skipped)))
    if result.newer_files:
        newer = ", ".join(f"{lang}/{slug}" for slug, lang in result.newer_files)
        lines.append(escape(_(
            "Newer in content/ than the revision readers see: {files}. Published revisions win over files: send "
            "the file here to publish it."
        ).format(files=newer)))  # fmt: skip
    if not result.errors:
        lines.append(escape(_("No errors.")))
    await message.answer("\n".join(lines))


# What each entry of the content audit log records, in words.
AUDIT_ACTIONS = {
    "upload": N_("uploaded a draft"),
    "rollback": N_("prepared a rollback"),
    "send_review": N_("sent for review"),
    "publish": N_("published"),
    "approve": N_("approved and published"),
    "reject": N_("rejected"),
    "cancel": N_("cancelled"),
    "conflict": N_("conflict, kept unpublished"),
    "reload": N_("reloaded content/"),
    "export": N_("exported the guides"),
    "feedback_handled": N_("marked a reader's report handled"),
    "volunteer_add": N_("added a volunteer"),
    "volunteer_remove": N_("removed a volunteer"),
}
AUDIT_SHOWN = 30


async def audit_command(message: Message, publisher: Publisher) -> None:
    """The content audit log, newest first: who did what to which guide (volunteers' ids, never readers')."""
    entries = await publisher.revisions.audit_log(AUDIT_SHOWN)
    if not entries:
        await message.answer(escape(_("Nothing in the audit log yet.")))
        return
    lines = [escape(_("What volunteers did, newest first:"))]
    for actor, action, slug, lang, revision, when in entries:
        what = _(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else action
        guide = f" · {slug} ({lang})" if slug else ""
        number = f" #{revision}" if revision else ""
        lines.append(escape(f"{when[:16].replace('T', ' ')} · {actor} · {what}{guide}{number}"))
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", IsVolunteer())
    router.message.register(history_command, Command("history"))
    router.message.register(rollback_command, Command("rollback"))
    router.message.register(export_command, Command("export"))
    router.message.register(reload_command, Command("reload"))
    router.message.register(audit_command, Command("audit"))
    return router
