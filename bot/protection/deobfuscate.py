"""Undo the tricks spammers use to slip words past filters, and count how hard they tried.

bot.textnorm.normalize() already folds case, ё, invisible characters and mixed-script words. Spam needs more:
- look-alike letters from Greek, small capitals, Cherokee and Armenian ("Пᴏддᴇᴧьнᴀя", "мaлο") that NFKC keeps;
- mixed words whose Latin letters outnumber the Cyrillic ones ("pa6oтy": textnorm folds it by the word's own majority,
  so it stays Latin) — here the message decides, by the letters only one script has (я, ж, ы… against s, f, w…);
- digits standing in for letters inside words ("pa6oтy", "зар4боток" is left alone: 4→ч is too ambiguous);
- letters spread out with spaces or dots ("з а р а б о т о к", "з.а.р.а.б.о.т.о.к", "л.с"), and spread digits;
- stretched letters ("зааааработок").

The result is a *matching key*, not text for people: doubled letters are squeezed ("ссылка" → "сылка") and "і" is read
as "и", the same way for the text and for every phrase (phrases are compiled through key()), so a rule written once in
plain Russian matches every variant. The counts are evidence of obfuscation in their own right: honest people
do not type "Пpивeт" with Latin p and e.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.textnorm import normalize, strip_invisible

# Characters from other scripts that imitate Cyrillic or Latin letters. Mapped to the Cyrillic letter they imitate
# when one exists (the script fold below turns them Latin again inside Latin words), else to the Latin one.
_EXOTIC = str.maketrans(
    {
        # Greek (after casefold; uppercase Greek folds to these)
        "α": "а", "β": "в", "γ": "у", "ε": "е", "η": "н", "ι": "i", "κ": "к", "μ": "м", "ν": "v",
        "ο": "о", "ρ": "р", "τ": "т", "υ": "u", "χ": "х", "ω": "w", "ϲ": "с", "σ": "о", "ς": "с",
        # Latin small capitals and other IPA letters
        "ᴀ": "а", "ʙ": "в", "ᴄ": "с", "ᴅ": "д", "ᴇ": "е", "ɢ": "г", "ʜ": "н", "ɪ": "i", "ᴊ": "j",
        "ᴋ": "к", "ʟ": "l", "ᴍ": "м", "ɴ": "n", "ᴏ": "о", "ᴘ": "р", "ʀ": "r", "ꜱ": "s", "ᴛ": "т",
        "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "у", "ᴢ": "z", "ᴦ": "г", "ᴧ": "л", "ᴨ": "п", "ᴩ": "р",
        "ᴫ": "л", "ɜ": "з", "ʍ": "м", "ɯ": "ш", "ɸ": "ф", "ᴣ": "з", "ᴎ": "и", "ᴙ": "я", "ɑ": "а",
        "ɡ": "g", "ı": "i", "ȷ": "j", "ɵ": "о",
        # Cherokee capitals (casefold leaves them as they are)
        "Ꭺ": "а", "Ᏼ": "в", "Ꮯ": "с", "Ꭼ": "е", "Ꮋ": "н", "Ꮶ": "к", "Ꮇ": "м", "Ꮻ": "о", "Ꮲ": "р",
        "Ꭲ": "т", "Ꮪ": "s", "Ꭹ": "у", "Ꮃ": "w", "Ꮮ": "l", "Ꮓ": "z", "Ꮤ": "w",
        # Armenian
        "օ": "о", "ս": "u", "հ": "h", "ո": "n", "ց": "g",
        # Cyrillic letters of other languages that imitate Latin ones (not Kazakh or Ukrainian letters)
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѕ": "s", "ј": "j", "ӏ": "l",
    }
)  # fmt: skip
_EXOTIC_RE = re.compile("[" + re.escape("".join(chr(c) for c in _EXOTIC)) + "]")

# Latin look-alikes of Cyrillic letters and back. Digits count only between two letters ("pa6oтy"), so that
# "5000р" and "18лет" stay numbers.
_LAT_TO_CYR = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п", "o": "о",
    "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у", "i": "і",
}  # fmt: skip
_DIGIT_TO_CYR = {"0": "о", "3": "з", "6": "б"}
_CYR_TO_LAT = {
    "а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "к": "k", "м": "m", "о": "o", "р": "p",
    "т": "t", "х": "x", "у": "y", "і": "i", "п": "n", "и": "u", "г": "r",
}  # fmt: skip

_WORD = re.compile(r"[^\W_]+")
_CYR = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіїєґ")
_LAT = frozenset("abcdefghijklmnopqrstuvwxyz")
# Four or more single letters in a row, split by a space, dot, dash or similar: "з а р а б о т о к".
_SPACED = re.compile(r"(?<![^\W_])(?:[^\W\d_][ .\-_*·•|/]{1,2}){3,}[^\W\d_](?![^\W_])")
_SPACED_SEP = re.compile(r"[ .\-_*·•|/]+")
# Once a message spreads letters out, shorter runs are tricks too ("о т", "л.с") and so are spread digits ("5 0 0").
_SPACED_SHORT = re.compile(r"(?<![^\W_])[^\W\d_](?:[ .][^\W\d_])+(?![^\W_])")
_SPACED_DIGITS = re.compile(r"(?<![^\W_])\d(?: \d){2,}(?![^\W_])")
# Dotted abbreviations of two or three letters ("л.с", "л.с.") are read as words.
_DOTTED = re.compile(r"(?<![^\W_.])[^\W\d_](?:\.[^\W\d_]){1,2}\.?(?![^\W_])")
_STRETCH = re.compile(r"([^\W\d_])\1+")
# The invisible characters bot.textnorm.strip_invisible() removes, to skip the call when there are none.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
PREFIX_LEN = 4
_CYR_RE = re.compile("[абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіїєґ]")
_LAT_RE = re.compile("[a-z]")
_CYR_ONLY = re.compile("[" + "".join(sorted(_CYR - set(_CYR_TO_LAT))) + "]")
_LAT_ONLY = re.compile("[" + "".join(sorted(_LAT - set(_LAT_TO_CYR))) + "]")
# A Latin letter touching a non-ASCII letter (or a digit between them, "pa6oтy"): without one, no word mixes scripts.
_SCRIPT_SWITCH = re.compile(r"[a-z][0-9]?[^\x00-\x7f\W\d_]|[^\x00-\x7f\W\d_][0-9]?[a-z]")
# Non-ASCII words with a Latin letter in them: the only ones the script fold can change.
_MIXED = re.compile(r"(?<![^\W_])(?=[^\W_]*[a-z])(?=[^\W_]*[^\x00-\x7f])[^\W_]+")
# Some exports lose the backslash of "\n", leaving "вопрос?nВозможно" or "себеnnно". A Latin "n" glued before a
# capital Cyrillic letter, or doubled between letters, is such a lost line break, not a look-alike "п".
_LOST_NEWLINE = re.compile(r"n(?:(?<=\Sn)n?(?=[А-ЯЁӘҒҚҢӨҰҮҺІ])|(?<=[а-яё]n)n(?=[а-яё]))|\\n")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message made ready for matching, with the evidence of obfuscation found on the way."""

    key: str  # the matching key (see module doc)
    words: tuple[str, ...]  # words of the key
    word_set: frozenset[str]  # the same, as a set (phrase lookup)
    prefixes: frozenset[str]  # the first 3 and 4 letters of every word (stem lookup; stems have 3 letters or more)
    obfuscated_words: int  # words that mix scripts in a way honest typing does not
    exotic_letters: int  # look-alike letters from Greek, small capitals, Cherokee, Armenian
    spaced_runs: int  # letters spread out with spaces or dots


def _script(ch: str) -> str:
    if ch in _CYR:
        return "c"
    if ch in _LAT:
        return "l"
    if ch.isdigit():
        return "d"
    return "o"


def _is_obfuscated(word: str) -> bool:
    """A mixed word is a trick when it switches script twice or more ("Пpивeт"), or once with the minority part made
    only of look-alike letters ("Oтличный", "ЛC"). One switch into a non-look-alike part is honest slang ("CRMка")."""
    runs: list[tuple[str, str]] = []
    for ch in word:
        s = _script(ch)
        if s == "d":
            continue
        if runs and runs[-1][0] == s:
            runs[-1] = (s, runs[-1][1] + ch)
        else:
            runs.append((s, ch))
    kinds = {s for s, _ in runs}
    if not ({"c", "l"} <= kinds):
        return False
    if len(runs) >= 3:
        return True
    cyr = "".join(t for s, t in runs if s == "c")
    lat = "".join(t for s, t in runs if s == "l")
    minority, table = (lat, _LAT_TO_CYR) if len(lat) <= len(cyr) else (cyr, _CYR_TO_LAT)
    if not all(ch in table for ch in minority):
        return False
    if runs[0][0] == "c":
        return True  # "ЛC": nobody ends a Russian word in Latin on purpose
    # A Latin acronym with a Russian ending ("CRMка", "APIшка", "PRом") is slang; a look-alike first letter or two
    # before a real Russian stem ("Bсем", "Oтличный", "Cpeдний") is a trick.
    return len(cyr) >= 4 or (len(lat) <= 2 and len(cyr) >= 3)


def _fold(word: str, prefer_cyrillic: bool) -> str:
    """Fold a mixed word into one script: the script of a letter only one script has ("я", "s") decides, then the
    message's preference; a word whose letters cannot all be folded stays as it is."""
    if not (any(ch in _CYR for ch in word) and any(ch in _LAT for ch in word)):
        return word
    lat_ok = all(ch in _LAT_TO_CYR for ch in word if ch in _LAT)
    cyr_ok = all(ch in _CYR_TO_LAT for ch in word if ch in _CYR)
    if lat_ok and (prefer_cyrillic or not cyr_ok):
        return _to_cyrillic(word)
    if cyr_ok:
        return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
    return word


def _to_cyrillic(word: str) -> str:
    out = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if ch in _LAT_TO_CYR:
            out.append(_LAT_TO_CYR[ch])
        elif ch in _DIGIT_TO_CYR and 0 < i < last and word[i - 1].isalpha() and word[i + 1].isalpha():
            out.append(_DIGIT_TO_CYR[ch])
        else:
            out.append(ch)
    return "".join(out)


def _join_spaced(match: re.Match[str]) -> str:
    """Join letters spread out by the run's usual separator; any other separator in the run is a word break
    ("з.а.р.а.б.о.т.о.к в и.н.т.е.р.н.е.т.е" → "заработок в интернете")."""
    run = match.group(0)
    seps = _SPACED_SEP.findall(run)
    usual = max(set(seps), key=seps.count)
    return _SPACED_SEP.sub(lambda m: "" if m.group(0) == usual else " ", run)


def key(text: str) -> str:
    """The matching key of a short phrase (used to compile phrase lists); same folding as prepare()."""
    return prepare(text).key


def prepare(text: str) -> Prepared:
    """Fold a message into its matching key and count the obfuscation found on the way."""
    if "n" in text and _LOST_NEWLINE.search(text):
        text = _LOST_NEWLINE.sub("\n", text)
    if _INVISIBLE.search(text):
        text = strip_invisible(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    exotic = 0
    obfuscated = 0
    still_mixed = False
    if not text.isascii():
        exotic = len(_EXOTIC_RE.findall(text))
        if exotic:
            text = text.translate(_EXOTIC)
        mixed = list(_MIXED.finditer(text)) if _SCRIPT_SWITCH.search(text) else []
        if mixed:
            # Letters only one script has (я, ж, ы… / s, f, w…) tell the message's language even when every word
            # is disguised ("Bpeмя нa pa6oтy" has more Latin letters than Cyrillic ones).
            cyr_only, lat_only = len(_CYR_ONLY.findall(text)), len(_LAT_ONLY.findall(text))
            if cyr_only or lat_only:
                prefer_cyrillic = cyr_only >= lat_only
            else:
                prefer_cyrillic = len(_CYR_RE.findall(text)) >= len(_LAT_RE.findall(text))
            parts = []
            pos = 0
            for m in mixed:
                word = m.group(0)
                folded = _fold(word, prefer_cyrillic)
                if folded == word:
                    still_mixed = True
                    continue
                if _is_obfuscated(word):
                    obfuscated += 1
                parts.append(text[pos : m.start()])
                parts.append(folded)
                pos = m.end()
            if parts:
                parts.append(text[pos:])
                text = "".join(parts)
    # The text is already NFKC, case-folded and free of invisible characters; what normalize() adds is ё→е and its
    # per-word script fold, which can only change words still mixing Latin with non-ASCII letters. Skipping the
    # call when there are none gives the same result and saves a third of the time on long messages.
    text = normalize(text) if still_mixed else text.replace("ё", "е")
    spaced = 0
    if _SPACED.search(text):
        text, spaced = _SPACED.subn(_join_spaced, text)
        text = _SPACED_SHORT.sub(_join_spaced, text)
        text = _SPACED_DIGITS.sub(_join_spaced, text)
    if "." in text and _DOTTED.search(text):
        text = _DOTTED.sub(_join_spaced, text)
    text = _STRETCH.sub(r"\1", text)
    if "і" in text:
        text = text.replace("і", "и")
    words = _WORD.findall(text)
    word_set = frozenset(words)
    return Prepared(
        key=text,
        words=tuple(words),
        word_set=word_set,
        prefixes=frozenset([w[:3] for w in word_set] + [w[:4] for w in word_set if len(w) > 3]),
        obfuscated_words=obfuscated,
        exotic_letters=exotic,
        spaced_runs=spaced,
    )
