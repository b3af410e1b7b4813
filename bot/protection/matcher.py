"""Phrase lists written in a small pattern language, compiled once and matched fast.

A pattern is a sequence of tokens separated by spaces; between two tokens any run of spaces, punctuation or emoji
may stand in the text:

    word     the whole word                    пишите
    stem*    any word starting with the stem   заработ*
    a|b*|c   one of several (each may be a stem)
    tok?     the token may be missing          пиши в? лс
    ~ / ~N   up to 3 (or N) arbitrary words    набор ~2 команд*
    #        a number                          от # в неделю

Literal parts go through deobfuscate.key(), so "удалённо", "удаленно" and "yдaлeннo" are the same pattern.
Patterns starting with "re:" are raw regular expressions over the matching key, for the few rules that need
symbols ("пиши +", "18+"); each names the substrings it `needs` ("+", "$") and, where it can, an `anchor` token
of words it cannot match without; it runs only when they are present.

Speed: a pattern's regex runs only when every required token can be in the message — an exact word is among its
words, a stem among the 1–4 letter beginnings of its words — checked with set lookups through an index on each
pattern's most selective token. Hundreds of patterns cost about as much as a dozen regex searches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.protection.deobfuscate import PREFIX_LEN, Prepared, key

_WORD_CHAR = r"[^\W_]"
_SEP = r"[\W_]+"
_NUMBER = r"\d+(?:[ .,]\d{3})*(?:[.,]\d+)?"
_STEM_TAIL = r"[^\W_]*"
_WORD_END = rf"(?!{_WORD_CHAR})"
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One rule: a pattern and what a match says about the message."""

    code: str  # reason code without its family prefix, e.g. "dm_offer"
    weight: float  # evidence of spam (or the troll level's certainty); 1.0 decides alone
    pattern: str
    needs: tuple[str, ...] = ()  # raw patterns only: run when the key contains one of these substrings
    anchor: str = ""  # raw patterns only: a token ("пиш*|жду") one of whose words must be in the message


# A requirement is a set of alternatives; each is ("w", word) — the exact word — or ("p", beginning) — a word
# starting so. A message can match a pattern only if every requirement has an alternative present.
_Alt = tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Requirement:
    words: frozenset[str]
    prefixes: frozenset[str]

    def met(self, prep: Prepared) -> bool:
        return not self.words.isdisjoint(prep.word_set) or not self.prefixes.isdisjoint(prep.prefixes)


@dataclass(frozen=True, slots=True)
class _Compiled:
    phrase: Phrase
    regex: re.Pattern[str]
    requirements: tuple[_Requirement, ...]
    needs: re.Pattern[str] | None
    word_start: bool  # the match must begin a word (checked here: a look-behind would slow every search)

    def search(self, text: str) -> bool:
        m = self.regex.search(text)
        if not self.word_start:
            return m is not None
        while m is not None:
            start = m.start()
            if start == 0 or not text[start - 1].isalnum():
                return True
            m = self.regex.search(text, start + 1)
        return False


def _alternative(alt: str) -> tuple[str, _Alt]:
    """Regex of one alternative inside a token, and how to tell it may be present."""
    stem = alt.endswith("*")
    words = _WORDS.findall(key(alt[:-1] if stem else alt))
    if not words:
        raise ValueError(f"empty word in pattern alternative {alt!r}")
    body = _SEP.join(re.escape(w) for w in words)
    first = words[0]
    if stem and len(words) == 1 and len(first) < 3:
        raise ValueError(f"stem {alt!r} is too short: a stem needs at least 3 letters")
    probe = ("p", first[:PREFIX_LEN]) if stem and len(words) == 1 else ("w", first)
    return body + (_STEM_TAIL if stem else _WORD_END), probe


def compile_pattern(pattern: str) -> tuple[re.Pattern[str], tuple[frozenset[_Alt], ...]]:
    """Regex for a pattern, and its requirements (empty for raw patterns)."""
    if pattern.startswith("re:"):
        return re.compile(pattern[3:]), ()
    tokens = pattern.split()
    if not tokens:
        raise ValueError("empty pattern")
    regex = ""
    requirements: list[frozenset[_Alt]] = []
    for i, token in enumerate(tokens):
        optional = token.endswith("?") and len(token) > 1
        if optional:
            token = token[:-1]
        if token.startswith("~"):
            if i == 0:
                raise ValueError("a pattern cannot start with a gap")
            regex += rf"(?:{_SEP}{_WORD_CHAR}+){{0,{int(token[1:] or 3)}}}"
            continue
        if token == "#":
            if i == 0:
                raise ValueError("a pattern must start with a word")
            body = _NUMBER + _WORD_END
        else:
            alts = [_alternative(a) for a in token.split("|")]
            body = "(?:" + "|".join(r for r, _ in alts) + ")"
            if not optional:
                requirements.append(frozenset(probe for _, probe in alts))
        if i == 0:
            if optional:
                raise ValueError("a pattern must start with a word")
            regex = body
        elif optional:
            regex += rf"(?:{_SEP}{body})?"
        else:
            regex += _SEP + body
    return re.compile(regex), tuple(requirements)


def _selectivity(req: frozenset[_Alt]) -> tuple[int, int]:
    """How rare a requirement is likely to be: few alternatives, long ones, exact words first."""
    return (-len(req), min(len(v) + (2 if k == "w" else 0) for k, v in req))


class PhraseSet:
    """Compiled phrases with an index; find() returns the phrases a prepared message matches."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._raw: list[_Compiled] = []
        self._by_word: dict[str, list[_Compiled]] = {}
        self._by_prefix: dict[str, list[_Compiled]] = {}
        self.phrases: tuple[Phrase, ...] = tuple(phrases)
        for phrase in self.phrases:
            try:
                regex, requirements = compile_pattern(phrase.pattern)
            except (re.error, ValueError) as exc:
                raise ValueError(f"bad pattern {phrase.pattern!r} ({phrase.code}): {exc}") from exc
            needs = re.compile("|".join(map(re.escape, phrase.needs))) if phrase.needs else None
            if phrase.anchor:
                if not phrase.pattern.startswith("re:") or " " in phrase.anchor.strip():
                    raise ValueError(f"anchor {phrase.anchor!r}: only raw patterns take one single-token anchor")
                requirements = compile_pattern(phrase.anchor)[1]
            if not requirements:
                self._raw.append(_Compiled(phrase, regex, (), needs, False))
                continue
            best = max(requirements, key=_selectivity)
            rest = tuple(
                _Requirement(frozenset(v for k, v in r if k == "w"), frozenset(v for k, v in r if k == "p"))
                for r in requirements
                if r is not best
            )
            compiled = _Compiled(phrase, regex, rest, needs, not phrase.pattern.startswith("re:"))
            for kind, value in best:
                index = self._by_word if kind == "w" else self._by_prefix
                index.setdefault(value, []).append(compiled)

    def find(self, prep: Prepared) -> list[Phrase]:
        text = prep.key
        found = [c.phrase for c in self._raw if (c.needs is None or c.needs.search(text)) and c.regex.search(text)]
        candidates: dict[int, _Compiled] = {}
        by_word, by_prefix = self._by_word, self._by_prefix
        for value in prep.word_set & by_word.keys():
            for c in by_word[value]:
                candidates[id(c)] = c
        for value in prep.prefixes & by_prefix.keys():
            for c in by_prefix[value]:
                candidates[id(c)] = c
        for c in candidates.values():
            if (
                all(req.met(prep) for req in c.requirements)
                and (c.needs is None or c.needs.search(text))
                and c.search(text)
            ):
                found.append(c.phrase)
        return found
