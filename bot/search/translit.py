"""Russian (and Kazakh) typed in Latin letters → Cyrillic spellings to try.

People on a phone without a Cyrillic keyboard write "kak poluchit iin", "vnj" or "vnzh", "propiska", "schet" or
"shchet", "ya"/"ja", "kh"/"h", "ts"/"c". There is no single scheme, so `transliterations` returns a few candidate
spellings: the most likely one first, then variants that differ in one ambiguous spot ("sch" → щ or сч, "j" → ж
or й). The search tries them all next to the Latin word itself, which still matches English.
"""

from __future__ import annotations

from functools import lru_cache

# Latin sequence → Cyrillic options, most likely first. Longest sequences are matched first.
_TABLE: dict[str, tuple[str, ...]] = {
    "shch": ("щ",),
    "sch": ("щ", "сч"),
    "zh": ("ж",),
    "kh": ("х",),
    "ch": ("ч",),
    "sh": ("ш", "щ"),
    "ts": ("ц", "тс"),
    "tc": ("ц",),
    "gh": ("г",),
    "ya": ("я",),
    "ja": ("я", "жа"),
    "ia": ("ия", "я"),
    "yu": ("ю",),
    "ju": ("ю", "жу"),
    "iu": ("ю",),
    "yo": ("е",),
    "jo": ("е", "жо"),
    "ye": ("е",),
    "je": ("е", "же"),
    "ck": ("к",),
    "ph": ("ф",),
    "a": ("а",),
    "b": ("б",),
    "c": ("ц", "к"),
    "d": ("д",),
    "e": ("е",),
    "f": ("ф",),
    "g": ("г",),
    "h": ("х",),
    "i": ("и",),
    "j": ("ж", "й"),
    "k": ("к",),
    "l": ("л",),
    "m": ("м",),
    "n": ("н",),
    "o": ("о",),
    "p": ("п",),
    "q": ("к",),
    "r": ("р",),
    "s": ("с",),
    "t": ("т",),
    "u": ("у",),
    "v": ("в",),
    "w": ("в",),
    "x": ("х", "кс"),
    "z": ("з",),
    # Kazakh Latin alphabet (2021) and common diacritics
    "ä": ("а",),
    "ö": ("о",),
    "ü": ("у",),
    "ū": ("у",),
    "ı": ("ы",),
    "ğ": ("г",),
    "ñ": ("н",),
    "ş": ("ш",),
    "ç": ("ч",),
}
_LONGEST = max(len(key) for key in _TABLE)
_VOWELS = frozenset("aeiouyäöüū")
MAX_VARIANTS = 4


def _segments(word: str) -> list[tuple[str, ...]] | None:
    """Cyrillic options for each piece of the word; None when a character cannot be transliterated."""
    out: list[tuple[str, ...]] = []
    i, n = 0, len(word)
    while i < n:
        char = word[i]
        if char == "y":
            # y: й after a vowel when no vowel follows (moy, kakoy, iy), otherwise ы (vy, byt, yazyk).
            after_vowel = i > 0 and word[i - 1] in _VOWELS
            before_vowel = i + 1 < n and word[i + 1] in _VOWELS
            if i + 1 < n and word[i + 1] in "aueo":
                pass  # ya, yu, ye, yo are in the table
            else:
                out.append(("й",) if after_vowel and not before_vowel else ("ы",))
                i += 1
                continue
        for size in range(min(_LONGEST, n - i), 0, -1):
            options = _TABLE.get(word[i : i + size])
            if options:
                out.append(options)
                i += size
                break
        else:
            if char in "'`ʼ’":
                i += 1  # soft sign
                continue
            return None
    return out


@lru_cache(maxsize=32768)
def transliterations(word: str) -> tuple[str, ...]:
    """Cyrillic spellings of a lower-case Latin word, most likely first (empty if it is not plain Latin)."""
    segments = _segments(word)
    if not segments:
        return ()
    primary = [options[0] for options in segments]
    found = ["".join(primary)]
    for index, options in enumerate(segments):
        for option in options[1:]:
            if len(found) >= MAX_VARIANTS:
                return tuple(found)
            variant = "".join([*primary[:index], option, *primary[index + 1 :]])
            if variant not in found:
                found.append(variant)
    return tuple(found)
