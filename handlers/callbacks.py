"""Callback data of inline buttons. Short ASCII prefixes and fields keep every button under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCB(CallbackData, prefix="lang"):
    code: str


class MenuCB(CallbackData, prefix="m"):
    action: str  # home | guides | emergency | language | noop


class CategoryCB(CallbackData, prefix="c"):
    category: str


class GuideCB(CallbackData, prefix="g"):
    slug: str
    page: int = 0


class DraftCB(CallbackData, prefix="dr"):
    """A volunteer's guide revision: pub(lish) | new (confirm a new guide) | no (cancel) | ok / rej (review) | show."""

    action: str
    id: int


class FeedbackCB(CallbackData, prefix="fb"):
    """A reader's feedback on a guide: up | down | old (report outdated) | skip (no comment)."""

    action: str
    slug: str
    lang: str


class ReportCB(CallbackData, prefix="rp"):
    """A volunteer marks an outdated-information report handled."""

    id: int
