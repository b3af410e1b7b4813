"""Questions in group chats: is a message a question, and a canonical key for counting unanswered ones."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.search.analysis import fold, is_cyrillic, is_latin, is_stopword, stem_english, stem_russian
from bot.search.kazakh import has_kazakh_letters, stem_kazakh
from bot.textnorm import normalize, strip_invisible, words

QUESTION_MAX_CHARS = 300
KEY_MAX_WORDS = 12
KEY_MAX_WORD_LEN = 30
_INPUT_MAX_CHARS = 1000

# Words that make a question wherever they stand (Russian, Kazakh, English, Russian in Latin letters).
_ASKING_ANYWHERE_RAW = """
где куда откуда зачем почему сколько ли подскажите подскажи подскажете посоветуйте посоветуй помогите какой какая
какие каким каких какое какую каком
қалай қайда қайдан қашан қанша неге қандай қайсы айтыңызшы айтып көмектесіңіз көмектесіңіздер калай кайда
кайдан кашан канша кандай кайсы қай кай кімге кимге
how where why help gde kuda skolko pochemu zachem podskazhite li kakoi kakie
"""
_ASKING_ANYWHERE = frozenset(_ASKING_ANYWHERE_RAW.split())
# Words that make a question at the start of a message ("как получить", but not "как обычно опоздал").
_ASKING_AT_START_RAW = """
как что кто когда чем чей можно нужно нужен нужна нужны надо есть реально правда обязательно возможно скажите
нибудь знает знаете
кім не бола болады керек
what when who which whom whose can could do does did is are should would will may might anyone any
kak chto kto kogda mozhno nuzhno nado kakoy kakaya
"""
_ASKING_AT_START = frozenset(_ASKING_AT_START_RAW.split())
_START_WINDOW = 4
# Kazakh question particles written as separate words: "алуға бола ма", "керек пе".
_PARTICLES = frozenset(("ма", "ме", "ба", "бе", "па", "пе"))
_PHRASES = (
    "что делать",
    "что будет",
    "что мне",
    "что нужно",
    "с чего начать",
    "не істеу",
    "не істейміз",
    "не істеймін",
    "не керек",
    "chto delat",
    "can i",
    "do i",
    "is it",
    "is there",
    "are there",
    "does anyone",
    "anyone know",
    "any idea",
    "what happens",
    "what should",
    "what to do",
    "what do",
    "what are",
    "what is",
)

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:kz|ru|com|org|net|info|live|gov)\b\S*", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MENTION = re.compile(r"@\w+")
_LONG_NUMBER = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_WORD_IN_RAW = re.compile(r"[^\W_]+")


def looks_like_question(text: str) -> bool:
    """Whether a group message asks something: a question mark or a question word, and not a long post."""
    text = text.strip()
    if not text or len(text) > QUESTION_MAX_CHARS:
        return False
    plain = normalize(_URL.sub(" ", text))  # a "?" inside a link asks nothing
    found = words(plain)
    if not found:
        return False
    if "?" in plain:
        return True
    if any(word in _ASKING_ANYWHERE for word in found):
        return True
    if any(word in _ASKING_AT_START for word in found[:_START_WINDOW]):
        return True
    if found[-1] in _PARTICLES or any(word in _PARTICLES for word in found[1:]):
        return True
    joined = " ".join(found)
    return any(f" {phrase} " in f" {joined} " for phrase in _PHRASES)


def normalize_query(text: str) -> str:
    """Canonical words of a question, for counting the questions the guides do not answer.

    Lower case, no punctuation, stopwords dropped, each word stemmed, duplicates removed, sorted ("как получить
    ИИН?" and "ИИН как получить" give the same key). Links, e-mail addresses, @mentions and phone or document
    numbers are removed, and so are capitalised words in mid-sentence that are not acronyms — usually names of
    people — so that a stored key does not point back to a person.
    """
    text = strip_invisible(text[:_INPUT_MAX_CHARS])
    for pattern in (_EMAIL, _URL, _MENTION, _LONG_NUMBER):
        text = pattern.sub(" ", text)
    keys: set[str] = set()
    for word in _words_but_names(text):
        key = _key(word)
        if key:
            keys.add(key)
    return " ".join(sorted(keys)[:KEY_MAX_WORDS])


def _words_but_names(text: str) -> list[str]:
    """The normalised words of the text, without capitalised words in mid-sentence (see `_looks_like_name`)."""
    out: list[str] = []
    previous_end = 0
    for match in _WORD_IN_RAW.finditer(text):
        raw = match.group()
        sentence_start = not out or any(char in ".!?\n…" for char in text[previous_end : match.start()])
        previous_end = match.end()
        if not sentence_start and _looks_like_name(raw):
            continue  # checked first, so that names never reach the caches below
        out.extend(_normalized(raw))
    return out


# People use the same few thousand words: each word's normal form and key are worked out once (a question's key
# cost ~100 µs, most of it normalising word by word; benchmarks/throughput.py). Names never get here; the other words
# of questions stay in memory (never stored, never logged) until pushed out, at most 8,192 of each.
@lru_cache(maxsize=8192)
def _normalized(raw: str) -> tuple[str, ...]:
    return tuple(words(normalize(raw)))


@lru_cache(maxsize=8192)
def _key(word: str) -> str:
    """The word's part of a question's key: its stem, a short number, or "" when it is left out."""
    if len(word) > KEY_MAX_WORD_LEN or is_stopword(word):
        return ""
    if word.isdigit():
        return word if 2 <= len(word) <= 4 else ""
    if any(char.isdigit() for char in word):
        return ""
    if is_cyrillic(word):
        return stem_kazakh(word) if has_kazakh_letters(word) else stem_russian(fold(word))
    if is_latin(word) and len(word) > 1:
        return stem_english(word)
    return ""


def _looks_like_name(raw: str) -> bool:
    """A capitalised word in mid-sentence ("Иван", "Petrov"), but not an acronym ("ИИН", "ЦОН", "IMEI")."""
    return len(raw) > 1 and raw[0].isupper() and not raw.isupper()
