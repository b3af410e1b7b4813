"""Volunteers update a guide by sending its file: validate, preview, publish — or send a legal change for review.

The flow (issue #8): document → size, name, UTF-8 and validator checks (errors listed line by line; nothing changes)
→ a draft revision → the guide rendered exactly as readers will see it, the summary of what changed, and Publish /
Cancel (Send for review for legal guides) → published, or reviewed by a second volunteer. A guide that does not exist
yet needs an explicit "new guide" confirmation first.
"""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.changes import (
    MAX_UPLOAD_BYTES,
    SOURCE_LANGUAGE,
    Change,
    Checked,
    UploadRefused,
    check_upload,
    decode_upload,
    detect_language,
    summarize_change,
    upload_name,
)
from bot.dispatching import in_private
from bot.guides import MESSAGES, Problem
from bot.i18n import LANGUAGE_NAMES
from bot.library import Library
from bot.publishing import Outcome, Publisher
from bot.render import split_html
from bot.storage import VolunteerRepository
from bot.storage.revisions import PENDING, REVIEW, Revision
from handlers import views
from handlers.callbacks import DraftCB
from handlers.guides import bot_username
from handlers.volunteer_access import IsVolunteer

log = logging.getLogger(__name__)
PROBLEMS_SHOWN = 25


def problem_line(problem: Problem) -> str:
    return _("line {line}: {message}").format(
        line=problem.line, message=_(MESSAGES[problem.code]).format(**problem.params)
    )


def refusal(exc: UploadRefused) -> str:
    texts = {
        "not_markdown": _("This is not a guide file. Send the guide as a Markdown document (.md), as in content/."),
        "bad_name": _(
            "I cannot tell which guide this is from the file name {name}. Name the file after the guide, "
            "for example iin.md (or iin.kk.md for the Kazakh version)."
        ),
        "too_large": _("The file is larger than {limit} KB. A guide is much smaller: check that it is the right file."),
        "not_utf8": _("The file is not UTF-8 text. Save it as UTF-8 (plain text) and send it again."),
        "no_source": _(
            "There is no Russian guide '{slug}', so this cannot be its translation. Translations are made from an "
            "existing Russian guide; upload the Russian version first."
        ),
        "unchanged": _("This text is the same as the version readers see now. Nothing to publish."),
    }
    return "❌ " + escape(texts[exc.code].format(**exc.params)) + "\n" + escape(_("Nothing was changed."))


def problems_text(checked: Checked, file_name: str) -> str:
    errors = checked.errors
    lines = [
        "❌ "
        + escape(
            _("{file}: {count} problems. Nothing was changed; fix them and send the file again.").format(
                file=file_name, count=len(errors)
            )
        )
    ]
    lines += [f"• {escape(problem_line(p))}" for p in errors[:PROBLEMS_SHOWN]]
    if len(errors) > PROBLEMS_SHOWN:
        lines.append(escape(_("…and {count} more.").format(count=len(errors) - PROBLEMS_SHOWN)))
    return "\n".join(lines)


def change_text(change: Change) -> list[str]:
    if change.new_guide:
        return [escape(_("New: there is no version in this language yet."))]
    lines = [escape(_("Changes: +{added} / −{removed} lines").format(added=change.lines_added,
                                                                     removed=change.lines_removed))]  # fmt: skip
    if change.sections_added:
        lines.append(escape(_("Sections added: {names}").format(names=", ".join(change.sections_added))))
    if change.sections_removed:
        lines.append(escape(_("Sections removed: {names}").format(names=", ".join(change.sections_removed))))
    if change.fields_changed:
        lines.append(escape(_("Front matter changed: {names}").format(names=", ".join(change.fields_changed))))
    if change.sample:
        lines.append("<pre>" + escape("\n".join(change.sample)) + "</pre>")
    return lines


def revise(library: Library, publisher: Publisher, revision_text: str, slug: str, lang: str, file_name: str) -> Checked:
    return check_upload(
        revision_text,
        slug=slug,
        lang=lang,
        file_name=file_name,
        known_slugs=set(library.catalogue.guides),
        today=publisher.today(),
        disclaimer=publisher.disclaimer,
    )


def draft_keyboard(revision: Revision, *, legal: bool, new_guide: bool, reviewer: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if reviewer:
        kb.button(text=_("✅ Approve"), callback_data=DraftCB(action="ok", id=revision.id))
        kb.button(text=_("❌ Reject"), callback_data=DraftCB(action="rej", id=revision.id))
    else:
        publish = _("📨 Send for review") if legal else _("✅ Publish")
        kb.button(text=publish, callback_data=DraftCB(action="pubn" if new_guide else "pub", id=revision.id))
        kb.button(text=_("✖️ Cancel"), callback_data=DraftCB(action="no", id=revision.id))
    kb.adjust(2)
    return kb.as_markup()


async def send_preview(
    bot: Bot,
    chat_id: int,
    library: Library,
    publisher: Publisher,
    i18n: I18n,
    revision: Revision,
    *,
    reviewer: bool = False,
    lang_note: str = "",
) -> bool:
    """The guide as readers will see it, then the summary of the change with the buttons. False if unusable."""
    checked = revise(library, publisher, revision.text, revision.slug, revision.lang, revision_name(revision))
    if checked.guide is None:
        await bot.send_message(chat_id, problems_text(checked, revision_name(revision)))
        return False
    guide = checked.guide
    current = publisher.current(revision.slug, revision.lang)
    change = summarize_change(current.text if current else None, revision.text)
    legal = publisher.is_legal(revision)
    new_guide = revision.slug not in library.catalogue
    username = await bot_username(bot)
    # Rendered in the guide's own language, as its readers get it (dates, "Sources", the legal note).
    with i18n.use_locale(revision.lang):
        document = views.guide_document(library, guide, fallback=False, lang=revision.lang, bot_username=username)
    pages = split_html(document)
    header = _("👀 Preview of {slug} ({language}), exactly as readers will see it:").format(
        slug=revision.slug, language=LANGUAGE_NAMES[revision.lang]
    )
    if reviewer:
        header = _("🔎 Review request: volunteer {author} changed {slug} ({language}).").format(
            author=revision.author_id, slug=revision.slug, language=LANGUAGE_NAMES[revision.lang]
        )
    await bot.send_message(chat_id, escape(header))
    for page in pages:
        await bot.send_message(chat_id, page)
    title = _("Draft #{id}").format(id=revision.id)
    lines = [f"<b>{escape(title)}</b>"]
    if lang_note:
        lines.append(escape(lang_note))
    if revision.rollback_of:
        lines.append(escape(_("Restores revision #{id}.").format(id=revision.rollback_of)))
    lines += change_text(change)
    lines += [f"⚠️ {escape(problem_line(p))}" for p in checked.warnings]
    if legal:
        lines.append(escape(_("⚖️ A legal guide: another volunteer must approve the change before readers see it.")))
    kb = draft_keyboard(revision, legal=legal, new_guide=new_guide, reviewer=reviewer)
    await bot.send_message(chat_id, "\n".join(lines), reply_markup=kb)
    return True


def revision_name(revision: Revision) -> str:
    return f"{revision.slug}.{revision.lang}.md"


async def offer_text(
    message: Message,
    bot: Bot,
    library: Library,
    publisher: Publisher,
    i18n: I18n,
    *,
    text: str,
    slug: str,
    lang: str,
    file_name: str,
    lang_note: str = "",
    rollback_of: int | None = None,
) -> Revision | None:
    """Validate a text for a guide and, if it is usable, store it as a draft and offer it. Shared by upload and
    /rollback, so both follow the same rules."""
    assert message.from_user is not None
    try:
        if lang != SOURCE_LANGUAGE and slug not in library.catalogue:
            raise UploadRefused("no_source", slug=slug)
        current = publisher.current(slug, lang)
        if current is not None and current.text == text:
            raise UploadRefused("unchanged")
    except UploadRefused as exc:
        await message.answer(refusal(exc))
        return None
    checked = revise(library, publisher, text, slug, lang, file_name)
    if checked.guide is None:
        await message.answer(problems_text(checked, file_name))
        return None
    revision = await publisher.create_draft(message.from_user.id, slug, lang, text, rollback_of=rollback_of)
    if slug not in library.catalogue:
        kb = InlineKeyboardBuilder()
        kb.button(text=_("🆕 Yes, a new guide"), callback_data=DraftCB(action="new", id=revision.id))
        kb.button(text=_("✖️ Cancel"), callback_data=DraftCB(action="no", id=revision.id))
        question = _("There is no guide '{slug}' yet. Create a new guide? Check the name: a typo here makes a second "
                     "guide instead of fixing the first.").format(slug=slug)  # fmt: skip
        await message.answer(escape(question), reply_markup=kb.as_markup())
        return revision
    await send_preview(bot, message.chat.id, library, publisher, i18n, revision, lang_note=lang_note)
    return revision


async def document_upload(message: Message, bot: Bot, library: Library, publisher: Publisher, i18n: I18n) -> None:
    document = message.document
    assert document is not None
    file_name = document.file_name or ""
    try:
        slug, lang = upload_name(file_name, message.caption)
        # Telegram tells the size up front: a large file is refused without downloading it.
        if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
            raise UploadRefused("too_large", limit=MAX_UPLOAD_BYTES // 1024)
        downloaded = await bot.download(document)
        assert downloaded is not None
        text = decode_upload(downloaded.read())
    except UploadRefused as exc:
        await message.answer(refusal(exc))
        return
    note = ""
    if lang is None:
        lang = detect_language(text)
        note = _("Language: {language}, recognised from the text. To choose another, write ru, kk or en in the "
                 "caption when you send the file.").format(language=LANGUAGE_NAMES[lang])  # fmt: skip
    await offer_text(message, bot, library, publisher, i18n, text=text, slug=slug, lang=lang, file_name=file_name,
                     lang_note=note)  # fmt: skip


# -- buttons ------------------------------------------------------------------------------------------------------
async def replace_text(query: CallbackQuery, text: str) -> None:
    """Show the outcome in place of the pressed message's buttons (or as a new message if it cannot be edited)."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        await query.bot.send_message(query.from_user.id, text)  # type: ignore[union-attr]
        return
    try:
        await message.edit_text(text, reply_markup=None)
    except TelegramBadRequest:
        await message.answer(text)


async def tell(bot: Bot, user_id: int, text: str) -> None:
    """A message to another volunteer; one who never opened the bot (or blocked it) is skipped and logged."""
    try:
        await bot.send_message(user_id, text)
    except TelegramAPIError as exc:
        log.warning("could not message volunteer: %s", type(exc).__name__)


def guide_label(revision: Revision) -> str:
    return f"{revision.slug} ({LANGUAGE_NAMES.get(revision.lang, revision.lang)})"


async def report_outcome(query: CallbackQuery, bot: Bot, outcome: Outcome, library: Library, publisher: Publisher,
                         i18n: I18n, volunteers: VolunteerRepository) -> None:  # fmt: skip
    revision = outcome.revision
    label = guide_label(revision)
    if outcome.kind == "published":
        await query.answer()
        text = _("✅ Published: {guide}, revision #{id}. Readers see it now.").format(guide=label, id=revision.id)
        await replace_text(query, escape(text))
        if revision.approved_by is not None and revision.author_id != query.from_user.id:
            note = _("✅ Your change to {guide} (revision #{id}) was approved and published.")
            await tell(bot, revision.author_id, escape(note.format(guide=label, id=revision.id)))
    elif outcome.kind == "review":
        await query.answer()
        reviewers = [v for v in {*volunteers.owners, *await volunteers.all()} if v != revision.author_id]
        text = _("📨 Sent for review: {guide}, revision #{id}. Another volunteer must approve it; readers still see "
                 "the current version.").format(guide=label, id=revision.id)  # fmt: skip
        if not reviewers:
            text += "\n" + _("There is no other volunteer yet: ask an owner to add one with /volunteers add <id>.")
        await replace_text(query, escape(text))
        for reviewer in sorted(reviewers):
            try:
                await send_preview(bot, reviewer, library, publisher, i18n, revision, reviewer=True)
            except TelegramAPIError as exc:
                log.warning("could not send a review request: %s", type(exc).__name__)
    elif outcome.kind == "conflict":
        await query.answer()
        text = _(
            "⚠️ Conflict: {guide} was changed by someone else after you sent your file. Nothing was published and "
            "nothing is lost: your text is kept as revision #{id} and comes back to you as a file. Compare it with "
            "the current version (/history {slug}) and send it again."
        ).format(guide=label, id=revision.id, slug=revision.slug)
        await replace_text(query, escape(text))
        await bot.send_document(
            revision.author_id,
            BufferedInputFile(revision.text.encode("utf-8"), filename=revision_name(revision)),
            caption=escape(_("Your text of {guide}, revision #{id}").format(guide=label, id=revision.id)),
        )
        if revision.author_id != query.from_user.id:
            await tell(bot, revision.author_id, escape(text))
    elif outcome.kind == "rejected":
        await query.answer()
        await replace_text(
            query, escape(_("❌ Rejected: {guide}, revision #{id}.").format(guide=label, id=revision.id))
        )
        note = _("❌ Your change to {guide} (revision #{id}) was not approved by another volunteer. The text is kept: "
                 "/history {slug}.").format(guide=label, id=revision.id, slug=revision.slug)  # fmt: skip
        await tell(bot, revision.author_id, escape(note))
    elif outcome.kind == "cancelled":
        await query.answer()
        await replace_text(query, escape(_("Cancelled. Nothing was changed.")))
    elif outcome.kind == "own":
        await query.answer(_("You cannot approve your own change: another volunteer must review it."), show_alert=True)
    else:
        await query.answer(_("This draft is no longer open."), show_alert=True)


async def draft_button(
    query: CallbackQuery,
    callback_data: DraftCB,
    bot: Bot,
    library: Library,
    publisher: Publisher,
    i18n: I18n,
    volunteers: VolunteerRepository,
) -> None:
    action, user_id = callback_data.action, query.from_user.id
    outcome: Outcome | None
    if action == "new":
        revision = await publisher.revisions.get(callback_data.id)
        if revision is None or revision.status != PENDING or revision.author_id != user_id:
            await query.answer(_("This draft is no longer open."), show_alert=True)
            return
        await query.answer()
        await replace_text(query, escape(_("🆕 New guide: {slug}.").format(slug=revision.slug)))
        await send_preview(bot, user_id, library, publisher, i18n, revision)
        return
    if action == "show":
        revision = await publisher.revisions.get(callback_data.id)
        if revision is None or revision.status != REVIEW:
            await query.answer(_("This draft is no longer open."), show_alert=True)
            return
        await query.answer()
        await send_preview(bot, user_id, library, publisher, i18n, revision, reviewer=revision.author_id != user_id)
        return
    if action in ("pub", "pubn"):
        revision = await publisher.revisions.get(callback_data.id)
        if revision is not None and action == "pub" and revision.slug not in library.catalogue:
            # A new guide is only ever published from the preview that follows its explicit confirmation.
            await query.answer(_("Confirm the new guide first: send the file again."), show_alert=True)
            return
        outcome = await publisher.submit(callback_data.id, user_id)
    elif action == "ok":
        outcome = await publisher.approve(callback_data.id, user_id)
    elif action == "rej":
        outcome = await publisher.reject(callback_data.id, user_id)
    elif action == "no":
        outcome = await publisher.cancel(callback_data.id, user_id)
    else:
        outcome = None
    if outcome is None:
        await query.answer(_("This draft is no longer open."), show_alert=True)
        return
    await report_outcome(query, bot, outcome, library, publisher, i18n, volunteers)


async def review_command(message: Message, publisher: Publisher) -> None:
    waiting = await publisher.revisions.in_review()
    if not waiting:
        await message.answer(escape(_("No changes are waiting for review.")))
        return
    kb = InlineKeyboardBuilder()
    lines = [escape(_("Changes waiting for a second volunteer:"))]
    for revision in waiting:
        lines.append(escape(_("#{id} · {guide} · by volunteer {author}").format(
            id=revision.id, guide=guide_label(revision), author=revision.author_id)))  # fmt: skip
        label = f"#{revision.id} {revision.slug} ({revision.lang})"
        kb.button(text=label, callback_data=DraftCB(action="show", id=revision.id))
    kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(in_private)
    router.message.register(document_upload, F.document, IsVolunteer())
    router.message.register(review_command, Command("review"), IsVolunteer())
    router.callback_query.register(draft_button, DraftCB.filter(), IsVolunteer())
    return router
