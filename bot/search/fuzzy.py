"""Typo tolerance: vocabulary terms within a small edit distance of an unknown question term.

A SymSpell-style deletion neighbourhood is built once with the index: every term is stored under each string
obtained by deleting up to one letter (two for long terms). A query term is looked up the same way, and the
candidates that share a deletion are checked with the real (Damerau–Levenshtein, adjacent swaps count as one)
distance. Lookups are a handful of dict hits, so typo tolerance costs microseconds per word.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

MIN_LEN = 4  # shorter terms are not corrected: too many neighbours ("иин" → "инн" is a keyword anyway)
LONG_LEN = 8  # from this length two edits are allowed
MAX_LEN = 24  # longer "words" are pasted junk (long Kazakh forms stay below): their neighbourhood is huge


def max_distance(term: str) -> int:
    if len(term) > MAX_LEN:
        return 0
    if len(term) >= LONG_LEN:
        return 2
    return 1 if len(term) >= MIN_LEN else 0


def _deletes(term: str, depth: int) -> set[str]:
    found = {term}
    frontier = {term}
    for _ in range(depth):
        frontier = {t[:i] + t[i + 1 :] for t in frontier for i in range(len(t))}
        found |= frontier
    return found


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or limit + 1 when it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


class FuzzyIndex:
    """Deletion neighbourhood of a vocabulary."""

    def __init__(self, vocabulary: Iterable[str], long_edits: Container[str] | None = None) -> None:
        """`long_edits`: the terms that get a two-deletion neighbourhood when long (default: all). Limiting it to
        the words of titles and keywords keeps a large catalogue fast to index; a long body word with two typos
        is then still found when one of them is an extra letter."""
        table: dict[str, str | list[str]] = {}  # a single term, or a list when several share the key
        for term in vocabulary:
            size = len(term)
            if size < MIN_LEN - 1 or size > MAX_LEN:
                continue
            if size >= LONG_LEN - 1 and (long_edits is None or term in long_edits):
                keys: Iterable[str] = _deletes(term, 2)
            else:
                keys = {term, *(term[:i] + term[i + 1 :] for i in range(size))}
            for key in keys:
                bucket = table.get(key)
                if bucket is None:
                    table[key] = term
                elif bucket.__class__ is str:
                    table[key] = [bucket, term]
                else:
                    bucket.append(term)
        self._table = table

    def lookup(self, term: str) -> list[tuple[str, int]]:
        """Vocabulary terms at the smallest distance found (1 or 2) from `term`, with that distance."""
        limit = max_distance(term)
        if not limit:
            return []
        best: dict[str, int] = {}
        table = self._table
        for key in _deletes(term, limit):
            found = table.get(key)
            if found is None:
                continue
            for candidate in (found,) if isinstance(found, str) else found:
                if candidate == term or candidate in best:
                    continue
                d = distance(term, candidate, limit)
                if d <= limit:
                    best[candidate] = d
        if not best:
            return []
        nearest = min(best.values())
        return sorted((c, d) for c, d in best.items() if d == nearest)
