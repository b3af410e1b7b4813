"""Composition root: builds the Bot, the Dispatcher and the services; the only module that imports handlers."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import LinkPreviewOptions

from bot import lazy_models
from bot.commands import register_commands
from bot.config import ConfigError, Settings
from bot.dispatching import (
    in_groups,
    in_private,
    inline_sync_filters,
    looks_like_command,
    prefix_checks,
    provide,
    provided,
    section,
)
from bot.i18n import Translations
from bot.library import Library
from bot.propagation import LeanDispatcher
from bot.publishing import Publisher, disclaimer_checker, load_published
from bot.retrying import RetryMiddleware
from bot.sending import SendLimitMiddleware
from bot.storage import ChatRepository, Database, UnansweredRepository, UserRepository, VolunteerRepository
from bot.storage.feedback import FeedbackRepository
from bot.storage.members import MemberRepository
from bot.storage.moderation import ModerationRepository
from bot.storage.revisions import RevisionRepository

if TYPE_CHECKING:
    from bot.housekeeping import Flush

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 25.0  # seconds updates in flight get to finish on SIGTERM (Docker's default kill delay is 10 s)


@dataclass
class Services:
    settings: Settings
    db: Database
    users: UserRepository
    chats: ChatRepository
    unanswered: UnansweredRepository
    volunteers: VolunteerRepository
    moderation: ModerationRepository
    library: Library
    i18n: Translations
    revisions: RevisionRepository
    feedback: FeedbackRepository
    publisher: Publisher
    members: MemberRepository


def build_services(settings: Settings) -> Services:
    db = Database(settings.database_path)
    library = Library(settings.content_dir, settings.default_language)
    i18n = Translations(default_locale=settings.default_language)
    revisions = RevisionRepository(db)
    return Services(
        settings=settings,
        db=db,
        users=UserRepository(db),
        chats=ChatRepository(db),
        unanswered=UnansweredRepository(db),
        volunteers=VolunteerRepository(db, settings.bot_owners),
        moderation=ModerationRepository(db),
        library=library,
        i18n=i18n,
        revisions=revisions,
        feedback=FeedbackRepository(db, settings.tz),
        publisher=Publisher(revisions, library, tz=settings.tz, disclaimer=disclaimer_checker(i18n)),
        members=MemberRepository(db),
    )


def build_dispatcher(services: Services) -> Dispatcher:
    from bot.feedback import ReaderFeedback
    from handlers import (
        appeals,
        chat_events,
        chat_settings,
        content_admin,
        emergency,
        errors,
        fallback,
        feedback,
        freshness,
        groups,
        guides,
        inline,
        join_check,
        moderation,
        modlog,
        networks,
        privacy,
        protection,
        protection_settings,
        reports,
        search,
        start,
        uploads,
        volunteers,
    )
    from handlers.admins import AdminCache
    from handlers.enforcement import Enforcer
    from handlers.groups import Cooldowns
    from handlers.middlewares import UserLanguageMiddleware
    from handlers.reports import ReportLimiter
    from handlers.usernames import Usernames, UsernamesMiddleware

    usernames = Usernames()
    admins = AdminCache()
    enforcer = Enforcer(services.moderation, services.chats, services.i18n, services.settings.default_language)
    guard = protection.Guard(
        chats=services.chats, members=services.members, moderation=services.moderation, enforcer=enforcer,
        admins=admins, settings=services.settings, i18n=services.i18n,
    )  # fmt: skip
    joins = join_check.JoinCheck(guard, services.members, enforcer, admins, services.i18n)
    reader_feedback = ReaderFeedback()
    dp = LeanDispatcher(
        disable_fsm=True,  # no handler keeps conversation state in FSM; its middleware would run on every update
        # Workflow values reach every filter, so they are only what filters ask for (IsVolunteer, AwaitingComment);
        # every value costs each update a few µs (see Provide in bot/dispatching.py).
        volunteers=services.volunteers,
        reader_feedback=reader_feedback,
    )
    # Everything else is handed to the handler that takes the update, once it is chosen.
    provide(
        dp,
        {
            "settings": services.settings,
            "db": services.db,
            "users": services.users,
            "chats": services.chats,
            "unanswered": services.unanswered,
            "volunteers": services.volunteers,
            "moderation": services.moderation,
            "library": services.library,
            "cooldowns": Cooldowns(),
            "admins": admins,
            "enforcer": enforcer,
            "members": services.members,
            "guard": guard,
            "join_check": joins,
            "usernames": usernames,
            "limiter": ReportLimiter(),
            "revisions": services.revisions,
            "feedback": services.feedback,
            "publisher": services.publisher,
            "reader_feedback": reader_feedback,
        },
    )
    dp.message.outer_middleware(UsernamesMiddleware(usernames))
    UserLanguageMiddleware(services.i18n, services.users, services.settings.tz).setup(dp)
    # Protection judges group messages before any router: what it removes reaches no handler.
    dp.message.outer_middleware(protection.ProtectionMiddleware(guard, edited=False))
    dp.edited_message.outer_middleware(protection.ProtectionMiddleware(guard, edited=True))
    # Order matters: emergency first (it must answer whatever else is broken), the catch-all fallback last. Routers
    # that only ever take group messages, or only private messages, sit in a section for that chat type, and routers
    # that only take commands in a section for commands: a message skips in one step the routers that can never take
    # it, and a section is skipped by update types none of its routers handles (each router passed costs a call and
    # its root filter; benchmarks/throughput.py). Messages that two routers could both take meet them in the original
    # order:
    # chat types do not overlap, and within a chat type the routers keep their order, except that join_check and
    # chat_events (service messages, which no other router takes) moved to the end; the commands sections are cut
    # where a router in between takes other messages too (a document captioned "/history" is an upload first).
    # Every update passes these two, and they take only commands from messages: one cheap check for other messages
    # instead of each of their Command filters parsing the text.
    everywhere = (emergency.create_router(), guides.create_router())  # /guides: also most button presses
    for router in everywhere:
        router.message.filter(looks_like_command)
    dp.include_routers(
        *everywhere,
        section(
            "groups",
            in_groups,
            section(
                "group_commands",
                lambda message: looks_like_command(message) or reports.may_call_admins(message),
                moderation.create_router(),
                networks.create_router(),
                reports.create_router(),
                chat_settings.create_router(),
                protection_settings.create_router(),
            ),
            groups.create_router(),
            join_check.create_router(joins),  # before chat_events: it answers chat_member updates of joins first
            chat_events.create_router(),
        ),
        section(
            "private",
            in_private,
            section("private_commands", looks_like_command, protection.create_router(), start.create_router()),
            feedback.create_router(),
            uploads.create_router(),
            section(
                "volunteer_commands",
                looks_like_command,
                content_admin.create_router(),
                freshness.create_router(),
                volunteers.create_router(),
                appeals.create_router(),
                privacy.create_router(),
            ),
            search.create_router(),
        ),
        inline.create_router(),
        modlog.create_router(),
        fallback.create_router(),
        errors.create_router(),  # error events only: last, so no update has to pass it on its way
    )
    inline_sync_filters(dp)  # see bot/dispatching.py: magic filters would otherwise each take a thread round trip
    prefix_checks(dp)  # and every Command and CallbackData filter an update meets would parse it to say no
    lazy_models.warm_up()  # aiogram's Update model, built now rather than while the first update waits
    return dp


def build_bot(settings: Settings, session: BaseSession | None = None, token: str | None = None) -> Bot:
    """The Bot with its session layer. Every call goes through RetryMiddleware (outermost, so each retry is spaced
    again by the send limits); a given session (the stand-in) gets the retries but not the spacing."""
    retrying = RetryMiddleware(base_delay=settings.retry_base_delay, max_wait=settings.retry_max_wait)
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
        session.middleware(retrying)
        session.middleware(SendLimitMiddleware())
    else:
        session.middleware(retrying)
    return Bot(
        token=token or settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)),
    )


async def team(services: Services) -> list[int]:
    """Owners and volunteers: they get the volunteer commands in their menu."""
    return sorted({*services.volunteers.owners, *await services.volunteers.all()})


async def startup(services: Services) -> None:
    """Open storage and load content. Content problems are logged; they never stop the bot."""
    await services.db.open()
    # Revisions volunteers published in the bot overlay the files in content/.
    result = services.library.load(await load_published(services.revisions))
    log.info(
        "loaded %d guides (%d files) with %d problems",
        len(result.catalogue),
        sum(1 for _ in result.catalogue),
        len(result.problems),
    )


def in_memory(services: Services) -> list[Flush]:
    """What the services count in memory and write in batches, with how to write it (see bot/housekeeping.py)."""
    return [
        ("guide views", services.feedback.flush),  # FeedbackRepository.record_view
        ("unanswered questions", services.unanswered.flush),  # UnansweredRepository.record
        ("days users were last seen", services.users.flush),  # UserRepository.touch
    ]


async def shutdown(services: Services) -> None:
    """Write what is counted in memory, then close the database (whatever the writes did)."""
    from bot.housekeeping import flush_once

    await flush_once(in_memory(services))
    await services.db.close()


def start_background(services: Services) -> list[asyncio.Task[None]]:
    """Start the work a running bot does besides answering updates (polling and webhook mode alike).

    The evidence purge runs at once (start-up) and then daily; what is counted in memory is written every minute.
    Cancel the tasks with `stop_background`.
    """
    from bot.housekeeping import flush_forever, purge_forever

    return [
        asyncio.create_task(purge_forever(services.db, services.settings.evidence_retention_days), name="purge"),
        asyncio.create_task(flush_forever(in_memory(services)), name="flush"),
    ]


async def stop_background(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def reload_on_sighup(services: Services) -> Callable[[], None]:
    """`kill -HUP <pid>` re-reads content/ like /reload: all validated first, broken files keep the old version.

    Returns the function that removes the handler again.
    """
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[object]] = set()  # a reference, so a reload task is not garbage-collected midway

    async def reload() -> None:
        try:
            await services.publisher.reload()
        except Exception as exc:  # a failed reload leaves the old content in force; the bot keeps running
            log.error("reload on SIGHUP failed: %s", type(exc).__name__)

    def on_signal() -> None:
        log.info("SIGHUP: reloading content")
        task = loop.create_task(reload())
        running.add(task)
        task.add_done_callback(running.discard)

    if not hasattr(signal, "SIGHUP"):  # Windows has no SIGHUP
        return lambda: None
    loop.add_signal_handler(signal.SIGHUP, on_signal)
    return lambda: loop.remove_signal_handler(signal.SIGHUP)


def allowed_updates(dp: Dispatcher) -> list[str]:
    """The update types the handlers use. chat_member updates arrive only when asked for by name, and the admin
    cache and join checks depend on them, so they are always asked for."""
    return sorted(set(dp.resolve_used_update_types()) | {"chat_member", "my_chat_member"})


async def sweep_pending_forever(enforcer: Any, bot: Bot, interval: float) -> None:
    """Retry unconfirmed moderation actions at start-up and then every `interval` seconds, until cancelled."""
    while True:
        try:
            await enforcer.retry_pending(bot)
        except Exception as exc:  # a database hiccup must not end the sweeping for the rest of the bot's life
            log.error("pending-action sweep failed: %s", type(exc).__name__)
        await asyncio.sleep(interval)


async def finish_in_flight(dp: Dispatcher, grace: float = SHUTDOWN_GRACE) -> None:
    """After polling stopped: let the updates already being handled finish (aiogram does not wait for them)."""
    tasks = list(getattr(dp, "_handle_update_tasks", ()))
    if tasks:
        log.info("stopping: finishing %d updates in flight", len(tasks))
        _, late = await asyncio.wait(tasks, timeout=grace)
        if late:
            log.warning("%d updates did not finish within %.0f s", len(late), grace)


async def run(settings: Settings, *, webhook: bool = False) -> None:
    """Run until SIGTERM or SIGINT, then finish the updates in flight, stop background work, close the database."""
    if webhook:
        settings.require_webhook()
    services = build_services(settings)
    await startup(services)
    bot = build_bot(settings)
    dp = build_dispatcher(services)
    enforcer = provided(dp)["enforcer"]
    await enforcer.mark_recovery_point()  # before any update: what is pending now is from an earlier run
    background = start_background(services)
    background.append(
        asyncio.create_task(sweep_pending_forever(enforcer, bot, settings.pending_retry_interval), name="pending")
    )
    stop_reloading = reload_on_sighup(services)
    try:
        if webhook:
            await register_commands(bot, services.i18n, settings.default_language, await team(services))
            await serve_webhook(settings, services, bot, dp)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await register_commands(bot, services.i18n, settings.default_language, await team(services))
            await dp.start_polling(
                bot, allowed_updates=allowed_updates(dp), handle_signals=True, close_bot_session=False
            )
            await finish_in_flight(dp)
    finally:
        stop_reloading()
        await stop_background(background)
        await bot.session.close()
        await shutdown(services)
        log.info("stopped; database closed")


async def serve_webhook(settings: Settings, services: Services, bot: Bot, dp: Dispatcher) -> None:
    """Listen for Telegram's POSTs, register the webhook, and serve until SIGTERM or SIGINT.

    The webhook is left registered on exit: Telegram keeps the updates that arrive during a restart and delivers
    them when the bot is back."""
    from aiogram.exceptions import TelegramBadRequest

    from bot.webhook import build_app, listening

    url, secret = settings.require_webhook()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    app = build_app(dp, bot, services.db, path=settings.webhook_path, secret=secret)
    workflow = {"dispatcher": dp, **dp.workflow_data}
    await dp.emit_startup(bot=bot, **workflow)
    try:
        async with listening(app, settings.webhook_host, settings.webhook_port, grace=SHUTDOWN_GRACE):
            try:
                await bot.set_webhook(
                    url, secret_token=secret, allowed_updates=allowed_updates(dp), drop_pending_updates=False
                )
            except TelegramBadRequest as exc:
                raise ConfigError(f"WEBHOOK_URL was refused by Telegram: {exc.message}") from None
            log.info("webhook registered; receiving updates at %s", settings.webhook_path)
            await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await dp.emit_shutdown(bot=bot, **workflow)
