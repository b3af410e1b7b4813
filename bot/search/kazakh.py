"""A small suffix stripper for Kazakh, the part of search that snowball does not cover.

It works on *folded* text: the Kazakh-specific letters are replaced by their nearest Russian ones (ә→а, ғ→г, қ→к,
ң→н, ө→о, ұ→у, ү→у, һ→х, і→и). People often type Kazakh on a Russian keyboard ("жсн калай алуга болады"), so the
index and the queries meet in that folded alphabet.

Endings are removed from the right, longest first, again and again until none fits, never leaving a stem shorter
than three letters. That over-strips some words ("карта" → "кар"), but it does so
the same way for every form ("картасы", "картаны", "картаға" → "кар"), and the same function runs on the guides
and on the questions: what matters is that inflected forms of a word meet, not that the stem is a real word.
"""

from __future__ import annotations

from functools import lru_cache

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")

MIN_STEM = 3

# Case, possessive, plural and common verb endings (folded spelling), tried longest first.
_ENDINGS: tuple[str, ...] = tuple(
    sorted(
        {
            # verbs: -ады/-еді (болады), -атын/-етін, -ған/-ген (алған), the verbal noun -у (тіркелу)
            *("айтын", "йтин", "атын", "етин", "ады", "еди", "йды", "йди", "ган", "ген", "кан", "кен", "у"),
            # cases, including the relative -дағы/-тағы and the instrumental -мен
            *("ндагы", "ндеги", "дагы", "деги", "тагы", "теги", "нан", "нен", "дан", "ден", "тан", "тен"),
            *("нын", "нин", "дын", "дин", "тын", "тин", "нда", "нде", "мен", "пен", "бен"),
            *("га", "ге", "ка", "ке", "на", "не", "да", "де", "та", "те", "ды", "ди", "ты", "ти", "ны", "ни"),
            # possessives (-сын/-ын also cover the accusative after a possessive) and -сыз "without"
            *("ымыз", "имиз", "ыныз", "иниз", "сыз", "сиз", "ныз", "низ", "сын", "син", "сы", "си"),
            *("ым", "им", "ын", "ин", "ы", "и"),
            # plural
            *("лар", "лер", "дар", "дер", "тар", "тер"),
        },
        key=lambda ending: (-len(ending), ending),
    )
)
# The same endings by length, longest first: at most one ending of each length can fit a word, so looking its
# last letters up length by length finds the ending the longest-first scan above would.
_BY_LENGTH: tuple[tuple[int, frozenset[str]], ...] = tuple(
    (size, frozenset(e for e in _ENDINGS if len(e) == size))
    for size in sorted({len(e) for e in _ENDINGS}, reverse=True)
)
_MAX_PASSES = 6
_VOICED = {"г": "к", "б": "п"}


def fold_kazakh(word: str) -> str:
    """Replace the Kazakh-specific letters by the Russian ones people type instead."""
    return word.translate(_FOLD)


def has_kazakh_letters(word: str) -> bool:
    return not KAZAKH_LETTERS.isdisjoint(word)


@lru_cache(maxsize=65536)
def stem_kazakh(word: str) -> str:
    """Stem of a lower-case Kazakh word, in folded spelling."""
    stem = fold_kazakh(word)
    stripped = False
    for _ in range(_MAX_PASSES):
        for size, endings in _BY_LENGTH:
            if len(stem) - size >= MIN_STEM and stem[-size:] in endings:
                stem = stem[:-size]
                stripped = True
                break
        else:
            break
    # Before a vowel ending қ/п turn voiced (салық → салығы, кітап → кітабы): undo that on the bare stem.
    if stripped and stem[-1] in _VOICED:
        stem = stem[:-1] + _VOICED[stem[-1]]
    return stem
