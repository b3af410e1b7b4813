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
