"""From text to index terms: the one place that decides what a "word" is for search.

On top of ``bot.textnorm.normalize`` (case, ё/е, invisible characters, Latin look-alikes inside Cyrillic words):

- Cyrillic words are *folded* (Kazakh letters → the Russian ones people type instead, э → е, soft and hard signs
  dropped) and stemmed with snowball Russian, or with the Kazakh suffix stripper in Kazakh guides and for words
  that contain Kazakh letters. A question does not say its language, so it gets both stems.
- Latin words are stemmed with snowball English; in questions they are also transliterated to Cyrillic, because
  "kak poluchit iin" is Russian.
- Every Cyrillic word of six letters or more also has a *prefix key* ("~задер"): the index remembers which stems
  share it, and a question word may weakly match them — that joins forms the stemmers leave apart ("задержали" /
  "задержание", "тіркеу" / "тіркелу").

Terms of different kinds never collide: Latin and Cyrillic stems differ in script, prefix keys start with "~".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import snowballstemmer

from bot.search.kazakh import has_kazakh_letters, stem_kazakh
from bot.search.synonyms import IRREGULAR
from bot.search.translit import transliterations
from bot.textnorm import normalize, words

PREFIX = "~"
PREFIX_LEN = 5
MAX_QUERY_CHARS = 1000
MAX_QUERY_TOKENS = 48
MAX_WORD_LEN = 40  # a longer "word" in a question is junk (a pasted hash, a key held down)
MAX_NUMBER_LEN = 6
MIN_NUMBER_LEN = 2  # "2 дня", "5 карт": single digits say nothing about the topic

_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")
for _stemmer in (_RUSSIAN, _ENGLISH):
    if hasattr(_stemmer, "maxCacheSize"):  # PyStemmer: its own cache only slows down the lru caches below
        _stemmer.maxCacheSize = 0
_LETTERS = {**{k: v for k, v in zip("әғқңөұүһі", "агкноуухи", strict=True)}, "э": "е"}
_FOLD = str.maketrans({**_LETTERS, "ь": "", "ъ": ""})
# Stopwords are compared with the soft sign kept: "день" is a word, "-ден" a Kazakh ending written apart.
_STOP_FOLD = str.maketrans(_LETTERS)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN_WORD = re.compile(r"^[a-zäöüūığñşç]+$")

# Function words and chat filler, Russian and Kazakh (with and without Kazakh letters), and Kazakh endings
# written apart ("ЦОН-ға"). Question words are here too: they say that something is asked, not what.
_STOP_CYRILLIC_RAW = """
а без более бы был была были было быть в вам вас ваш весь во вот все всего всем всех вы где да даже для до его
ее ей ему если есть еще же за здесь и из или им их к как какая какие каким каких каков какое какой какую ко когда
кого кто куда ли либо мне меня мной мое моей моем мои моих мой мою моя мы на над надо наш не него нее
нет ни них но ну о об однако он она они оно от откуда очень по под подскажите подскажи подскажете пожалуйста
после потом почему при про раз с сам сама сами свой свою себе себя сейчас сколько со так также там тебе тебя
то тоже той только том тот ту тут ты у уже чем через что чтоб чтобы чье чья эта эти это этого этой этом этот
эту я зачем нужно нужен нужна нужны можно могу может могут можем хочу хотим хотел хотела хотели
ребята ребят привет здравствуйте всем народ друзья добрый вечер утро спасибо плиз пжл пж знает
знаете нибудь вообще реально просто вопрос вопросик кстати тогда
который которая которые которое которую котором
сделать сделал сделала сделали сделаю делать делают делается делаю делал делали
говорят говорить говорил сказали сказал слышал слышала пишут писали читал видел думаю думаете знаю понял поняла
интересно интересует подскажет короче типа вроде кажется никто никуда ничего ничто
кз рк неден нени неше нешеу жүреді жүред
скоро давно недавно пока почти уже ещё вдруг дают дадут дали давать даете даёте
ребзя пацаны девочки девчонки коллеги уважаемые товарищи чат чате чатике
ие иә жок жоқ жане және мен сен сиз сіз биз біз олар ол бул бұл осы сол уши үшін туралы бойынша дейин дейін
бастап аркылы арқылы немесе гана ғана тек али әлі енди енді деп еди еді екен гой ғой шыгар шығар маган маған
сизге сізге менин менің сенин сенің сиздин сіздің биздин біздің онын оның калай қалай кайда қайда кашан
қашан канша қанша неге кандай қандай кай қай ма ме ба бе па пе керек бола болады болама бар ғой кім ким
сәлем салем сәлеметсіз салеметсиз рахмет айтыңызшы айтыныздаршы
ға ге қа ке на не да де та те ды ді ты ті ны ні ның нің дың дің тың тің сыз сіз дан ден тан тен нан нен
пен бен ы і ін ын сы сі лар лер тар тер дар дер
"""
_STOP_ENGLISH_RAW = """
a about an and any anyone anybody are as at be been but by can could did do does doing for from had has have
hello hi hey how i if in into is it its just me my of on or our please should so some than thanks that the their
them then there these they this those to us was we what when where which who whom why will with would you your
yours im i'm ive guys pls plz thx need needed want wanted know tell help possible here also still kz rk com www
http https say said heard think
"""
_STOP_ENGLISH = frozenset(_STOP_ENGLISH_RAW.split())


def fold(word: str) -> str:
    """Cyrillic folding used for every Cyrillic stem: Kazakh letters to Russian, э → е, no soft or hard signs."""
    return word.translate(_FOLD)


_IRREGULAR = {normalize(k): normalize(v) for k, v in IRREGULAR.items()}
# Abbreviations with a slang ending: "ипшка", "внжшку", "рвпэшка" → ип, внж, рвп.
_SLANG_ENDING = re.compile(r"е?шк(?:а|и|у|е|ой)$")
_VOWELS = frozenset("аеиоуыюя")


def slang_abbreviation(folded: str) -> str | None:
    """The abbreviation inside a slang word: внжшка → внж (2–4 letters, at most one vowel, so not "казашка")."""
    match = _SLANG_ENDING.search(folded)
    if not match:
        return None
    base = folded[: match.start()]
    if not 2 <= len(base) <= 4 or sum(char in _VOWELS for char in base) > 1:
        return None
    return base


_STOP_CYRILLIC = frozenset(w.translate(_STOP_FOLD) for w in _STOP_CYRILLIC_RAW.split())


def is_cyrillic(word: str) -> bool:
    return _CYRILLIC.search(word) is not None


def is_latin(word: str) -> bool:
    return _LATIN_WORD.match(word) is not None


@lru_cache(maxsize=131072)
def stem_russian(folded: str) -> str:
    return _RUSSIAN.stemWord(folded)


@lru_cache(maxsize=65536)
def stem_english(word: str) -> str:
    return _ENGLISH.stemWord(word)


def prefix_term(folded: str) -> str | None:
    return PREFIX + folded[:PREFIX_LEN] if len(folded) > PREFIX_LEN else None


def is_stopword(word: str) -> bool:
    """Whether a normalised word carries no topic (in any of the three languages, or Russian in Latin letters)."""
    if is_cyrillic(word):
        return word.translate(_STOP_FOLD) in _STOP_CYRILLIC
    if word in _STOP_ENGLISH:
        return True
    if is_latin(word):
        variants = transliterations(word)
        return bool(variants) and variants[0].translate(_STOP_FOLD) in _STOP_CYRILLIC
    return False


def tokens(text: str) -> list[str]:
    """Normalised words of a text, in order."""
    return words(normalize(text))


@lru_cache(maxsize=131072)
def doc_term_of(word: str, lang: str) -> tuple[str, str | None] | None:
    """Index term of one normalised word of a guide written in `lang`, with its prefix key (None: no term)."""
    if word.isdigit():
        return (word, None) if MIN_NUMBER_LEN <= len(word) <= MAX_NUMBER_LEN else None
    if is_cyrillic(word):
        if word.translate(_STOP_FOLD) in _STOP_CYRILLIC:
            return None
        word = _IRREGULAR.get(word, word)
        folded = fold(word)
        kazakh = lang == "kk" or has_kazakh_letters(word)
        return (stem_kazakh(word) if kazakh else stem_russian(folded)), prefix_term(folded)
    # Latin words in a guide are English or names; Russian in Latin letters only matters in questions.
    if is_latin(word) and len(word) > 1 and word not in _STOP_ENGLISH:
        return stem_english(word), None
    return None


def doc_terms_of(word: str, lang: str) -> tuple[str, ...]:
    """Index terms of one normalised word of a guide (at most one; empty for stopwords and noise)."""
    found = doc_term_of(word, lang)
    return (found[0],) if found else ()


# Analysis of whitespace-separated pieces of guide text, per language: piece → terms, and piece → (prefix key,
# term) pairs for pieces that have long Cyrillic words. Shared by every index built in the process.
_TERMS: dict[str, dict[str, tuple[str, ...]]] = {}
_PREFIX_PAIRS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
_CHUNKS_LIMIT = 500_000


def _normalized(chunks: list[str]) -> list[str]:
    """`normalize` of each chunk, for the words in it, done as one call.

    Normalisation never joins or moves text across a line break, so the joined text splits back chunk by chunk
    (a line break inside a chunk becomes a space: the same words).
    """
    joined = normalize("\n".join(chunk.replace("\n", " ") for chunk in chunks)).split("\n")
    return joined if len(joined) == len(chunks) else [normalize(chunk) for chunk in chunks]


def chunk_terms(chunks: Iterable[str], lang: str) -> dict[str, tuple[str, ...]]:
    """Index terms of pieces of guide text, as a mapping that has every one of `chunks`.

    A chunk is any text (a word with its punctuation, a keyword phrase, a title); its terms are
    `doc_terms(chunk, lang)`. Chunks are analysed once and remembered for every index built in the process.
    """
    cache = _TERMS.setdefault(lang, {})
    if len(cache) > _CHUNKS_LIMIT:
        cache.clear()
        _PREFIX_PAIRS.pop(lang, None)
    pairs_cache = _PREFIX_PAIRS.setdefault(lang, {})
    missing = list((chunks if isinstance(chunks, set) else set(chunks)).difference(cache))
    if not missing:
        return cache
    for chunk, text in zip(missing, _normalized(missing), strict=True):
        terms: list[str] = []
        pairs: list[tuple[str, str]] = []
        for word in words(text):
            found = doc_term_of(word, lang)
            if found:
                terms.append(found[0])
                if found[1]:
                    pairs.append((found[1], found[0]))
        cache[chunk] = tuple(terms)
        if pairs:
            pairs_cache[chunk] = tuple(pairs)
    return cache


def field_counts(text: str, lang: str, chunks: set[str] | None = None) -> tuple[Counter[str], int]:
    """Term counts of a text from a guide and its length in terms; its distinct pieces are added to `chunks`.

    Equivalent to counting `doc_terms(text, lang)`, but each distinct whitespace-separated piece is analysed
    once (and remembered), and the counting runs in C: building the index of a large catalogue stays fast.
    """
    pieces = text.split()
    cache = chunk_terms(pieces, lang)
    terms = list(chain.from_iterable(map(cache.__getitem__, pieces)))
    if chunks is not None:
        chunks.update(pieces)
    return Counter(terms), len(terms)


def prefix_pairs(chunks: set[str], lang: str) -> set[tuple[str, str]]:
    """(prefix key, term) pairs of the pieces `field_counts` saw."""
    chunk_terms(chunks, lang)
    found = _PREFIX_PAIRS.get(lang, {})
    pairs: set[tuple[str, str]] = set()
    for chunk in found.keys() & chunks:
        more = found.get(chunk)
        if more:
            pairs.update(more)
    return pairs


def clear_caches() -> None:
    """Forget every remembered analysis (for benchmarks that measure a cold start)."""
    _TERMS.clear()
    _PREFIX_PAIRS.clear()
    for function in (stem_russian, stem_english, doc_term_of, query_forms, stem_kazakh, transliterations):
        function.cache_clear()


def doc_terms(text: str, lang: str) -> list[str]:
    """Index terms of a text from a guide, in order, stopwords removed."""
    out: list[str] = []
    for word in tokens(text):
        out.extend(doc_terms_of(word, lang))
    return out


@dataclass(frozen=True, slots=True)
class TokenForms:
    """What one word of a question may mean, before looking at the index: exact stems and weak prefix terms."""

    word: str
    primary: tuple[tuple[str, float], ...]  # the usual reading: native stems (for Latin words, the English stem)
    stems: tuple[tuple[str, float], ...]  # (term, weight), exact stems in every language that may apply
    prefixes: tuple[tuple[str, float], ...]  # (prefix term, weight)
    fuzzy_keys: tuple[str, ...]  # stems worth correcting when nothing matches exactly


TRANSLIT_WEIGHT = 0.95
TRANSLIT_VARIANT_WEIGHT = 0.85


def _cyrillic_forms(word: str, weight: float) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    word = _IRREGULAR.get(word, word)
    folded = fold(word)
    stems = [(stem_russian(folded), weight), (stem_kazakh(word), weight)]
    slang = slang_abbreviation(folded)
    if slang:
        stems.append((slang, weight * 0.95))
    prefix = prefix_term(folded)
    return stems, ([(prefix, weight)] if prefix else [])


@lru_cache(maxsize=65536)
def query_forms(word: str) -> TokenForms | None:
    """Forms of one normalised question word, or None when it carries no topic."""
    if len(word) > MAX_WORD_LEN:
        return None
    if word.isdigit():
        if not MIN_NUMBER_LEN <= len(word) <= MAX_NUMBER_LEN:
            return None
        return TokenForms(word, ((word, 1.0),), ((word, 1.0),), (), ())
    if is_stopword(word):
        return None
    if is_cyrillic(word):
        stems, prefixes = _cyrillic_forms(word, 1.0)
        unique = _best(stems)
        return TokenForms(word, unique, unique, tuple(prefixes), tuple(dict.fromkeys(s for s, _ in stems)))
    if not is_latin(word) or len(word) < 2:
        return None
    stems = [(stem_english(word), 1.0)]
    prefixes: list[tuple[str, float]] = []
    fuzzy = [stems[0][0]]
    for index, variant in enumerate(transliterations(word)):
        weight = TRANSLIT_WEIGHT if index == 0 else TRANSLIT_VARIANT_WEIGHT
        more_stems, more_prefixes = _cyrillic_forms(variant, weight)
        stems.extend(more_stems)
        prefixes.extend(more_prefixes)
        if index == 0:
            fuzzy.extend(s for s, _ in more_stems)
    return TokenForms(word, (stems[0],), _best(stems), _best(prefixes), tuple(dict.fromkeys(fuzzy)))


def _best(pairs: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    best: dict[str, float] = {}
    for term, weight in pairs:
        if weight > best.get(term, 0.0):
            best[term] = weight
    return tuple(best.items())


def query_words(text: str) -> list[str]:
    """Normalised words of a question (bounded, so that a pasted novel costs no more than a long question)."""
    return tokens(text[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]
