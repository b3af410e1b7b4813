"""Every interface string must exist in Russian, Kazakh and English, and the catalogues must match the code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiogram import F
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import Translations, resolve_language
from tests.builders import Person
from tests.conftest import Harness

REPO = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "__": None}


def code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with (REPO / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_interface_string_is_translated(lang: str) -> None:
    cat = catalogue(lang)
    translated = {m.id for m in cat if m.id and m.string and not m.fuzzy}
    missing = sorted(code_messages() - translated)
    assert missing == [], f"{lang}: run `make update-locales` and translate: {missing}"


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_placeholders_survive_translation(lang: str) -> None:
    import re

    for m in catalogue(lang):
        if m.id and m.string:
            assert set(re.findall(r"\{\w+\}", m.id)) == set(re.findall(r"\{\w+\}", m.string)), m.id
            assert m.id.count("<b>") == m.string.count("<b>"), m.id


def test_translations_compile_in_memory_without_mo_files(tmp_path: Path) -> None:
    # A fresh clone has only .po files; the bot must work without a manual compile step.
    for lang in ("ru", "kk", "en"):
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes((REPO / "locales" / lang / "LC_MESSAGES" / "messages.po").read_bytes())
    i18n = Translations(path=tmp_path)
    assert set(i18n.available_locales) == {"ru", "kk", "en"}
    assert i18n.gettext("Language saved", locale="kk") == "Тіл сақталды"
    assert i18n.gettext("Language saved", locale="ru") == "Язык сохранён"


def test_kazakh_uses_the_official_terms() -> None:
    kk = {m.id: m.string for m in catalogue("kk") if m.id}
    text = " ".join(kk.values())
    assert "ЖСН" in text  # not a calque of "ИИН"
    assert "ИИН" not in text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("kk", "kk"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("uk", "ru"),
        (None, "ru"),
        ("", "ru"),
    ],
)
def test_resolve_language(code: str | None, expected: str) -> None:
    assert resolve_language(code, "ru") == expected


def test_po_files_are_valid() -> None:
    for lang in ("ru", "kk", "en"):
        data = (REPO / "locales" / lang / "LC_MESSAGES" / "messages.po").read_bytes()
        read_po(io.BytesIO(data), locale=lang)


def test_no_translated_literal_hides_inside_an_f_string() -> None:
    # Babel cannot see _("...") written inside an f-string's braces, so such a string would never be translated.
    import re

    pattern = re.compile(r"""\bf(["']).*\{[^}]*\b_\(\s*["']""")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("bot", "handlers")
        for path in (REPO / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


async def test_the_language_is_set_for_the_handler_and_reset_after_the_update(harness: Harness) -> None:
    i18n = harness.services.i18n
    seen: dict[str, object] = {}

    async def probe(message: Message) -> None:
        seen.update(current=I18n.get_current(no_error=True), locale=i18n.current_locale)

    harness.dp.message.register(probe, F.text == "probe-locale")  # type: ignore[attr-defined]
    await harness.send(Person(4243, "Probe", language_code="kk"), "probe-locale")
    assert seen == {"current": i18n, "locale": "kk"}
    assert I18n.get_current(no_error=True) is None  # both context variables are reset
    assert i18n.current_locale == i18n.default_locale != "kk"
