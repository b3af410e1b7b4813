"""What the user sees: message texts and inline keyboards, phrased in the current locale.

Handlers decide *which* view to show; this module decides *how it looks*, so the same guide page is identical
whether it is opened from the menu, a deep link, search or the offline demo.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from itertools import islice

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date

from bot.config import LANGUAGES
from bot.guides import CATEGORY_TITLES, LEGAL_DISCLAIMER, Guide
from bot.i18n import LANGUAGE_NAMES
from bot.library import Library
from bot.render import split_html
from handlers.callbacks import CategoryCB, FeedbackCB, GuideCB, LanguageCB, MenuCB

View = tuple[str, InlineKeyboardMarkup]


def markup(kb: InlineKeyboardBuilder) -> InlineKeyboardMarkup:
    """The builder's keyboard without `as_markup()`'s deep copy of every button (pydantic's deepcopy was a quarter
    of the time of a /start; benchmarks/throughput.py). Safe: the builder is thrown away right after."""
    return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in kb._markup])


def rows(buttons: list[InlineKeyboardButton], *sizes: int) -> InlineKeyboardMarkup:
    """The buttons in rows of `sizes` (the last size repeats), laid out as `InlineKeyboardBuilder.adjust()` does.

    Built directly: the builder deep-copies the whole keyboard on every `button()` and `adjust()` (pydantic deepcopy
    of every button, most of the time spent on a menu; benchmarks/throughput.py)."""
    layout: list[list[InlineKeyboardButton]] = []
    it = iter(buttons)
    index = 0
    while row := list(islice(it, sizes[min(index, len(sizes) - 1)])):
        layout.append(row)
        index += 1
    return InlineKeyboardMarkup(inline_keyboard=layout)


def locale() -> str:
    return get_i18n().current_locale


# Menus depend only on the catalogue and the locale, so they are built once per locale (and, for the catalogue's,
# per reload: Library.cached), not on every button press. Nothing changes a keyboard after it is built.
def language_picker(preselected: str | None) -> View:
    # Shown before a language is known, so the prompt is in all three languages at once.
    return _language_picker(preselected)


@lru_cache(maxsize=8)
def _language_picker(preselected: str | None) -> View:
    text = "🌐 Тілді таңдаңыз · Выберите язык · Choose your language"
    buttons = [
        InlineKeyboardButton(
            text=f"{'✓ ' if code == preselected else ''}{LANGUAGE_NAMES[code]}",
            callback_data=LanguageCB(code=code).pack(),
        )
        for code in LANGUAGES
    ]
    return text, rows(buttons, 3)


def main_menu() -> InlineKeyboardMarkup:
    return _main_menu(locale())


@lru_cache(maxsize=8)  # one per locale; the interface strings do not change while the bot runs
def _main_menu(current_locale: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=_("📚 Guides"), callback_data=MenuCB(action="guides").pack()),
        InlineKeyboardButton(text=_("🆘 Emergency"), callback_data=MenuCB(action="emergency").pack()),
        InlineKeyboardButton(text=_("🌐 Language"), callback_data=MenuCB(action="language").pack()),
    ]
    return rows(buttons, 2, 1)


def welcome() -> View:
    text = _(
        "👋 Hello! I help people who have moved to Kazakhstan.\n\n"
        "Here are short, sourced guides: IIN, bank accounts, stay rules, legal risks and what to do if you are "
        "detained. Each guide says when it was last checked and where the facts come from.\n\n"
        "In an emergency call <b>112</b> or press 🆘."
    )
    return text, main_menu()


def categories(library: Library, lang: str) -> View:
    return library.cached(("categories", lang, locale()), lambda: _categories(library, lang))


def _categories(library: Library, lang: str) -> View:
    buttons = [
        InlineKeyboardButton(text=_(CATEGORY_TITLES[category]), callback_data=CategoryCB(category=category).pack())
        for category, _guides in library.catalogue.by_category(lang, library.default_language)
    ]
    buttons.append(InlineKeyboardButton(text=_("⬅️ Menu"), callback_data=MenuCB(action="home").pack()))
    if not len(library.catalogue):
        return _("The guides are not available right now. Please try again later."), rows(buttons, 1)
    return _("📚 Choose a topic:"), rows(buttons, 1)


def category(library: Library, lang: str, category_id: str) -> View | None:
    return library.cached(("category", lang, category_id, locale()), lambda: _category(library, lang, category_id))


def _category(library: Library, lang: str, category_id: str) -> View | None:
    for cat, guides in library.catalogue.by_category(lang, library.default_language):
        if cat == category_id:
            buttons = [
                InlineKeyboardButton(text=guide.title, callback_data=GuideCB(slug=guide.slug).pack())
                for guide in guides
            ]
            buttons.append(InlineKeyboardButton(text=_("⬅️ Back"), callback_data=MenuCB(action="guides").pack()))
            return f"<b>{escape(_(CATEGORY_TITLES[cat]))}</b>", rows(buttons, 1)
    return None


def _format_date(value: object, lang: str) -> str:
    return format_date(value, "long", locale=lang)  # type: ignore[arg-type]


def guide_document(library: Library, guide: Guide, *, fallback: bool, lang: str, bot_username: str) -> str:
    """The whole guide as one Telegram HTML document: title, notes, body, review date and sources."""
    parts = [f"<b>{escape(guide.title)}</b>"]
    if fallback:
        parts.append(
            "<i>"
            + escape(
                _("This guide is not yet translated into your language; here is the {language} version.").format(
                    language=LANGUAGE_NAMES[guide.lang]
                )
            )
            + "</i>"
        )
    if guide.legal:
        parts.append(f"<i>{escape(_(LEGAL_DISCLAIMER))}</i>")
    parts.append(library.body_html(guide, bot_username))
    footer = [escape(_("🗓 Reviewed on {date}").format(date=_format_date(guide.reviewed, lang)))]
    if guide.sources:
        footer.append(escape(_("Sources:")))
        for source in guide.sources:
            when = f" ({_format_date(source.date, lang)})" if source.date else ""
            footer.append(f'• <a href="{escape(source.url, quote=True)}">{escape(source.title)}</a>{escape(when)}')
    parts.append("\n".join(footer))
    return "\n\n".join(parts)


def guide_pages(library: Library, guide: Guide, *, fallback: bool, lang: str, bot_username: str) -> list[str]:
    # Every page turn needs the whole guide split into pages: split once per guide, language and reload.
    return library.cached(
        ("pages", guide, fallback, lang, bot_username),
        lambda: split_html(guide_document(library, guide, fallback=fallback, lang=lang, bot_username=bot_username)),
    )


def feedback_buttons(guide: Guide) -> list[InlineKeyboardButton]:
    """👍 / 👎 / "outdated": what readers tell volunteers (counts only; see bot/feedback.py)."""
    return [
        InlineKeyboardButton(text="👍", callback_data=FeedbackCB(action="up", slug=guide.slug, lang=guide.lang).pack()),
        InlineKeyboardButton(
            text="👎", callback_data=FeedbackCB(action="down", slug=guide.slug, lang=guide.lang).pack()
        ),
        InlineKeyboardButton(
            text=_("⚠️ Outdated?"), callback_data=FeedbackCB(action="old", slug=guide.slug, lang=guide.lang).pack()
        ),
    ]


def guide_page(library: Library, pages: list[str], guide: Guide, page: int) -> View:
    page = max(0, min(page, len(pages) - 1))
    key = ("page-buttons", guide, page, len(pages), locale())
    return pages[page], library.cached(key, lambda: _guide_page_buttons(guide, page, len(pages)))


def _guide_page_buttons(guide: Guide, page: int, count: int) -> InlineKeyboardMarkup:
    layout: list[list[InlineKeyboardButton]] = []
    if count > 1:
        nav: list[InlineKeyboardButton] = []
        if page > 0:
            nav.append(InlineKeyboardButton(text="◀️", callback_data=GuideCB(slug=guide.slug, page=page - 1).pack()))
        nav.append(InlineKeyboardButton(text=f"{page + 1}/{count}", callback_data=MenuCB(action="noop").pack()))
        if page < count - 1:
            nav.append(InlineKeyboardButton(text="▶️", callback_data=GuideCB(slug=guide.slug, page=page + 1).pack()))
        layout.append(nav)
    if page == count - 1:  # asked once the reader has read to the end
        layout.append(feedback_buttons(guide))
    layout.append(
        [
            InlineKeyboardButton(text=_("⬅️ Back"), callback_data=CategoryCB(category=guide.category).pack()),
            InlineKeyboardButton(text=_("🏠 Menu"), callback_data=MenuCB(action="home").pack()),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=layout)


def emergency_text(library: Library, lang: str, bot_username: str) -> str:
    """Emergency numbers in one short message, from the `emergency` guide, or built-in numbers if it is missing."""
    found = library.find("emergency", lang)
    if found:
        pages = guide_pages(library, found[0], fallback=found[1], lang=lang, bot_username=bot_username)
        if len(pages) == 1:
            return pages[0]
    return _(
        "🆘 <b>Emergency numbers in Kazakhstan</b> (free from any phone)\n\n"
        "• <b>112</b> — single emergency number\n"
        "• <b>101</b> — fire service\n"
        "• <b>102</b> — police\n"
        "• <b>103</b> — ambulance\n"
        "• <b>104</b> — gas emergency\n"
        "• <b>1414</b> — government contact centre"
    )


def not_found() -> str:
    return _("I could not find that guide. Here is the list of topics.")
