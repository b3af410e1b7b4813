"""Text normalisation shared by search and the spam filters.

Chat text is messy on purpose (spammers hide words behind look-alike letters and spacing) and by accident
(people type Russian on a Latin keyboard, skip ё, mix scripts). Both the search index and the filters first fold
text into one canonical form so that a rule or a keyword written once matches every variant.
"""

from __future__ import annotations

import re
import unicodedata

# Latin letters that look like Cyrillic ones. Applied only inside words that also contain Cyrillic letters, so that
# honest Latin words ("iin", "kaspi") stay Latin while "пpивeт" (with Latin p, e) becomes "привет".
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
        "i": "і",
        "3": "з",
        "0": "о",
        "6": "б",
        "u": "и",
    }
)
# Cyrillic letters that look like Latin ones, for words that are mostly Latin ("kаspi" with a Cyrillic а).
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "с": "c",
        "е": "e",
        "н": "h",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "т": "t",
        "х": "x",
        "у": "y",
        "і": "i",
    }
)
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x034F,
        0x061C,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x180E,
        *range(0x200B, 0x2010),
        0x2060,
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0xFEFF,
    ],
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN = re.compile(r"[a-z]")


def strip_invisible(text: str) -> str:
    """Drop zero-width and other invisible characters used to split words past filters."""
    return text.translate(_INVISIBLE)


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    has_cyr = _CYRILLIC.search(word) is not None
    has_lat = _LATIN.search(word) is not None
    if not (has_cyr and has_lat):
        return word
    cyr = len(_CYRILLIC.findall(word))
    lat = len(_LATIN.findall(word))
    return word.translate(_LATIN_TO_CYRILLIC) if cyr >= lat else word.translate(_CYRILLIC_TO_LATIN)


def normalize(text: str) -> str:
    """Canonical form: NFKC, lower case, ё→е, invisible characters removed, mixed-script words folded."""
    text = unicodedata.normalize("NFKC", strip_invisible(text)).casefold().replace("ё", "е")
    return _WORD.sub(_fold_word, text)


def words(text: str) -> list[str]:
    """Words of already normalised text (letters and digits; punctuation and emoji dropped)."""
    return _WORD.findall(text)
