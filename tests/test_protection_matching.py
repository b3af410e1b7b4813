"""De-obfuscation and the phrase pattern language."""

from __future__ import annotations

import re

import pytest

from bot.protection.deobfuscate import key, prepare
from bot.protection.matcher import Phrase, PhraseSet, compile_pattern
from bot.protection.phrases import CAUTION_PHRASES, SPAM_PHRASES, TROLL_LEVELS, TROLL_PHRASES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Пpивeт, дpyг!", "привет, друг!"),  # Latin p, e, y inside Russian words
        ("Bpeмя нa pa6oтy", "время на работу"),  # more Latin than Cyrillic in a word, and 6 for б
        ("Для Вαc мaлο", "для вас мало"),  # Greek α, ο
        ("Пᴏддᴇᴧьнᴀя ʙᴀᴧюᴛᴀ", "подельная валюта"),  # small capitals (and ДД squeezed)
        ("Ꮶуᴨюᴩы", "купюры"),  # Cherokee К
        ("з а р а б о т о к на дому", "заработок на дому"),
        ("з.а.р.а.б.о.т.о.к", "заработок"),
        ("зааааработок", "заработок"),
        ("Ёлка", "елка"),
        ("при\u200bвет", "привет"),  # zero-width space
        ("Қазақстан білім", "қазақстан билим"),  # Kazakh letters kept, і read as и
        ("5000р за 18лет", "5000р за 18лет"),  # digits next to Cyrillic are not letters
        ("kаspi.kz", "kaspi.kz"),  # a Latin word with a Cyrillic а
        ("вопрос?nВозможно", "вопрос?\nвозможно"),  # a lost "\n" from an export
        ("а я в шоке", "а я в шоке"),  # three single letters are ordinary Russian
    ],
)
def test_key(text: str, expected: str) -> None:
    assert key(text) == expected


@pytest.mark.parametrize(
    ("text", "obfuscated", "exotic", "spaced"),
    [
        ("Пpивeт, дpyг! Coздaй", 3, 0, 0),
        ("Привет, друг!", 0, 0, 0),
        ("CRMка и APIшка, PRом", 0, 0, 0),  # acronyms with Russian endings are slang
        ("Bсем привет, пишите в ЛC", 2, 0, 0),
        ("Пᴏддᴇᴧьнᴀя ʙᴀᴧюᴛᴀ", 0, 9, 0),
        ("з а р а б о т о к", 0, 0, 1),
    ],
)
def test_obfuscation_counts(text: str, obfuscated: int, exotic: int, spaced: int) -> None:
    p = prepare(text)
    assert (p.obfuscated_words, p.exotic_letters, p.spaced_runs) == (obfuscated, exotic, spaced)


PHRASES = PhraseSet(
    [
        Phrase("dm", 0.5, "пиш*|напиш*|жду в? лс|личк*"),
        Phrase("team", 0.5, "набор|набираю ~2 команд*"),
        Phrase("income", 0.5, "от # usd|долар* в неделю"),
        Phrase("kk", 0.5, "жеке хат* жаз*"),
        Phrase("en", 0.5, "don't miss"),
        Phrase("raw", 0.5, r"re:\+\s*в\s+лс", needs=("+",), anchor="лс"),
    ]
)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Пишите в ЛC!!!", {"dm"}),
        ("жду в личке", {"dm"}),
        ("жду вас в личке", set()),  # "вас" is not allowed between
        ("Набираю в свою команду", {"team"}),
        ("Набираю людей в нашу новую команду", set()),  # the gap is at most two words
        ("от 1 000 долларов в неделю", {"income"}),
        ("Жеке хатқа жазыңыз", {"kk"}),
        ("Don’t miss it", {"en"}),
        ("Пишите + в лс", {"dm", "raw"}),
        ("лс + в", set()),
        ("написал", set()),  # "пиш*" must start a word: "напиш*" does, but needs "в лс" after it
        ("переписать в лс", set()),  # "пиш" inside a word is not "пиш*"
    ],
)
def test_pattern_language(text: str, codes: set[str]) -> None:
    assert {p.code for p in PHRASES.find(prepare(text))} == codes


@pytest.mark.parametrize("pattern", ["", "~2 слово", "слово? первое", "# рублей", "ab*", "!!!"])
def test_bad_patterns(pattern: str) -> None:
    with pytest.raises(ValueError):
        compile_pattern(pattern)


def test_anchor_only_on_raw_patterns() -> None:
    with pytest.raises(ValueError, match="anchor"):
        PhraseSet([Phrase("x", 1.0, "слово", anchor="слово")])


def test_default_lists_compile_and_cover_three_languages() -> None:
    PhraseSet(SPAM_PHRASES + CAUTION_PHRASES)
    PhraseSet(TROLL_PHRASES)
    assert {p.code for p in TROLL_PHRASES} == set(TROLL_LEVELS)
    text = " ".join(p.pattern for p in SPAM_PHRASES)
    assert re.search("[а-я]", text) and re.search("[a-z]", text) and re.search("[әғқңөұүһ]", text)


def test_raw_patterns_are_written_in_key_form() -> None:
    """Raw patterns run on the matching key, where doubled letters are squeezed and і is и: "will" would never
    match (the key has "wil"), so raw patterns and their `needs` must be written the way the key spells words."""
    for phrase in SPAM_PHRASES + CAUTION_PHRASES + TROLL_PHRASES:
        texts = list(phrase.needs)
        if phrase.pattern.startswith("re:"):
            texts.append(re.sub(r"\\[A-Za-z]", "", phrase.pattern[3:]))
        for t in texts:
            assert not re.search(r"([^\W\d_])\1", t), (phrase.pattern, t)
            assert "і" not in t, (phrase.pattern, t)
