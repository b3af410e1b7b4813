"""Interface translations: gettext catalogues in `locales/<lang>/LC_MESSAGES/messages.po`.

aiogram's `I18n` reads compiled `.mo` files only. A fresh clone has only `.po` files (compiled files are build
output), so `Translations` compiles a catalogue in memory whenever its `.mo` is missing or older than the `.po`.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
LANGUAGE_NAMES: dict[str, str] = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def compile_po(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=po_path.parent.parent.name)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translations(I18n):
    def __init__(self, path: Path = LOCALES_DIR, default_locale: str = "ru") -> None:
        super().__init__(path=path, default_locale=default_locale, domain=DOMAIN)

    @contextmanager
    def context(self) -> Iterator[I18n]:
        # aiogram's gettext() looks the instance up under I18n's own context variable; a subclass would otherwise
        # register itself under a variable of its own, and every translation would fail.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        found: dict[str, gettext.GNUTranslations] = {}
        for lang in LANGUAGES:
            po = self.path / lang / "LC_MESSAGES" / f"{self.domain}.po"
            mo = po.with_suffix(".mo")
            if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
                with mo.open("rb") as fp:
                    found[lang] = gettext.GNUTranslations(fp)
            elif po.exists():
                found[lang] = compile_po(po)
        return found


def resolve_language(code: str | None, default: str) -> str:
    """Map Telegram's `language_code` ("ru", "en-US", "kk") to one of ours, else the default."""
    if code:
        base = code.lower().replace("_", "-").split("-")[0]
        if base in LANGUAGES:
            return base
    return default
