"""Reader feedback on guides (👍 / 👎 / "outdated" with an optional comment) and what volunteers see of it.

Volunteers see counts and comments, never who sent them: the database has no reader ids (bot/storage/feedback.py),
and the in-memory guard against repeated votes forgets everything on restart (bot/feedback.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.dispatching import in_private, plain_text
from bot.feedback import ReaderFeedback
from bot.library import Library
from bot.storage import UnansweredRepository
from bot.storage.feedback import FeedbackRepository
from bot.storage.revisions import RevisionRepository
from handlers.callbacks import FeedbackCB, ReportCB
from handlers.volunteer_access import IsVolunteer

REPORTS_SHOWN = 10
STATS_SHOWN = 20
STATS_DAYS = 30


class AwaitingComment(Filter):
    """The reader pressed "Outdated?" a few minutes ago: their next text message is the comment."""

    async def __call__(self, message: Message, reader_feedback: ReaderFeedback) -> bool:
        return message.from_user is not None and reader_feedback.waiting_comment(message.from_user.id) is not None


async def feedback_button(
    query: CallbackQuery, callback_data: FeedbackCB, library: Library, feedback: FeedbackRepository,
    reader_feedback: ReaderFeedback,
) -> None:  # fmt: skip
    slug, lang, user_id = callback_data.slug, callback_data.lang, query.from_user.id
    if slug not in library.catalogue:
        await query.answer(_("This button is out of date. Please open /guides again."))
        return
    if callback_data.action in ("up", "down"):
        change = reader_feedback.vote(user_id, slug, lang, callback_data.action)
        if not change.repeated:
            await feedback.vote(slug, lang, up=change.up, down=change.down)
        await query.answer(_("Thank you! Volunteers see how useful each guide is."))
        return
    if callback_data.action == "skip":
        reader_feedback.stop_waiting(user_id)
        await query.answer(_("Thank you!"))
        return
    if callback_data.action != "old":
        await query.answer()
        return
    if reader_feedback.already_reported(user_id, slug, lang) is not None:
        await query.answer(_("You have already reported this guide. Thank you!"))
        return
    report_id = await feedback.report(slug, lang)
    reader_feedback.reported(user_id, slug, lang, report_id)
    await query.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=FeedbackCB(action="skip", slug=slug, lang=lang))
    text = _(
        "Thank you: volunteers will re-check this guide. What is out of date? Write it in your next message (within "
        "5 minutes), or press Skip. Do not write personal details."
    )
    if query.message is not None:
        await query.bot.send_message(query.from_user.id, escape(text), reply_markup=kb.as_markup())  # type: ignore[union-attr]


async def comment_message(message: Message, feedback: FeedbackRepository, reader_feedback: ReaderFeedback) -> None:
    assert message.from_user is not None
    report_id = reader_feedback.stop_waiting(message.from_user.id)
    if report_id is not None:
        await feedback.add_comment(report_id, message.text or "")
    await message.answer(escape(_("Thank you! Your comment was passed on to the volunteers.")))


# -- volunteers ---------------------------------------------------------------------------------------------------
async def feedback_command(message: Message, feedback: FeedbackRepository) -> None:
    reports = await feedback.open_reports(REPORTS_SHOWN)
    votes = await feedback.votes()
    open_counts = await feedback.open_report_counts()
    lines: list[str] = []
    kb = InlineKeyboardBuilder()
    if reports:
        lines.append("<b>" + escape(_("Reports of outdated information (oldest first):")) + "</b>")
        for report in reports:
            comment = report.comment or _("(no comment)")
            lines.append(f"#{report.id} · {escape(report.slug)} ({escape(report.lang)}) · "
                         f"{escape(report.created_at[:10])}\n    {escape(comment)}")  # fmt: skip
            kb.button(text=_("✅ Handled #{id}").format(id=report.id), callback_data=ReportCB(id=report.id))
    else:
        lines.append(escape(_("No open reports of outdated information.")))
    if votes or open_counts:
        lines.append("")
        lines.append("<b>" + escape(_("Per guide: 👍 / 👎 / open reports")) + "</b>")
        slugs = sorted({slug for slug, _lang in votes} | set(open_counts))
        for slug in slugs:
            up = sum(v[0] for (s, _lang), v in votes.items() if s == slug)
            down = sum(v[1] for (s, _lang), v in votes.items() if s == slug)
            lines.append(f"{escape(slug)}: 👍 {up} · 👎 {down} · ⚠️ {open_counts.get(slug, 0)}")
    kb.adjust(2)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup() if reports else None)


async def report_handled(
    query: CallbackQuery, callback_data: ReportCB, feedback: FeedbackRepository, revisions: RevisionRepository
) -> None:
    if await feedback.mark_handled(callback_data.id, query.from_user.id):
        await revisions.audit(query.from_user.id, "feedback_handled", target_id=callback_data.id)
        await query.answer(_("Marked as handled."))
    else:
        await query.answer(_("Already handled."))


async def stats_command(
    message: Message, feedback: FeedbackRepository, unanswered: UnansweredRepository, library: Library
) -> None:
    since = datetime.now(feedback.tz).date() - timedelta(days=STATS_DAYS)
    recent = dict(await feedback.views(since))
    total = await feedback.views()
    lines = ["<b>" + escape(_("Guide views: last {days} days / all time").format(days=STATS_DAYS)) + "</b>"]
    if total:
        lines += [f"{escape(slug)}: {recent.get(slug, 0)} / {count}" for slug, count in total[:STATS_SHOWN]]
    else:
        lines.append(escape(_("No views counted yet.")))
    top = await unanswered.top(10)
    lines.append("")
    lines.append("<b>" + escape(_("Most frequent questions without an answer:")) + "</b>")
    if top:
        lines += [f"{count} × {escape(query)}" for query, count in top]
    else:
        lines.append(escape(_("No unanswered questions so far.")))
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(feedback_button, FeedbackCB.filter())
    router.callback_query.register(report_handled, ReportCB.filter(), IsVolunteer())
    router.message.register(comment_message, in_private, plain_text, AwaitingComment())
    router.message.register(feedback_command, in_private, Command("feedback"), IsVolunteer())
    router.message.register(stats_command, in_private, Command("stats"), IsVolunteer())
    return router
