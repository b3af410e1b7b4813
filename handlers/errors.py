"""The last line of defence: a failed update is logged (type only, never text) and the user gets an apology."""

from __future__ import annotations

import logging
import traceback

from aiogram import Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    # The exception's message may quote user input, so only its type and the code locations are logged.
    frames = "".join(traceback.format_tb(event.exception.__traceback__))
    log.error("update %s failed: %s\n%s", update.update_id, type(event.exception).__name__, frames)
    text = _("Sorry, something went wrong. Please try again in a minute.")
    try:
        if update.message and update.message.chat.type == "private":
            await update.message.answer(text)
        elif update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
    except Exception as exc:  # the apology itself failed (Telegram down?): nothing more to do than log it
        log.error("could not tell the user about the failure: %s", type(exc).__name__)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
