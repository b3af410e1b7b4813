"""The search index: BM25F over every translation of every guide, one answer per guide, a calibrated confidence.

Each guide translation is a document with four fields weighted title ≈ keywords > summary > body. Document
frequencies are counted per *guide* (a word in all three translations of one guide is still rare), so a Russian
question ranks the Russian translations the same way an English question ranks the English ones, and a guide's
score is the best of its translations: a question in any language finds the guide whatever the reader's
interface language.

A question word becomes a group of alternative terms (its Russian, Kazakh and English stems, transliterations,
synonyms, typo corrections, a weak prefix term); a document scores the best alternative of each group, so a word
counts once however many ways it can be read.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING

from bot.search import confidence as conf
from bot.search.analysis import (
    chunk_terms,
    doc_terms_of,
    fold,
    is_cyrillic,
    is_latin,
    prefix_pairs,
    query_forms,
    query_words,
    stem_english,
    stem_russian,
    tokens,
)
from bot.search.fuzzy import FuzzyIndex
from bot.search.kazakh import stem_kazakh
from bot.search.synonyms import EXTRA_KEYWORDS, OFF_TOPIC, SYNONYMS

if TYPE_CHECKING:
    from bot.guides import Catalogue

FIELDS = ("title", "keywords", "summary", "body")
FIELD_WEIGHT = {"title": 4.0, "keywords": 3.0, "summary": 1.5, "body": 1.0}
# A guide that only mentions a word in passing (body) counts this much towards the word's document frequency.
BODY_DF = 0.35
FIELD_B = {"title": 0.3, "keywords": 0.3, "summary": 0.5, "body": 0.75}
K1 = 1.2

# A word in a guide's title or keywords is what the guide is about, not a mention: it earns this on top of the
# saturated frequency (which stays below 1), so that three mentions in a short body do not outweigh a title.
STRONG_BONUS = 0.6
# The title says it most plainly: a related guide may list the word among its keywords ("убежище" in the
# emergency contacts), but the guide that has it in its title is about it.
TITLE_BONUS = 0.4
# A keyword phrase of two or more words found whole in the question ("вид на жительство", "открыть ип").
PHRASE_BONUS = 0.5

SYNONYM_WEIGHT = 0.9
FUZZY_WEIGHT = {1: 0.8, 2: 0.6}
PREFIX_WEIGHT = 0.5
MAX_PREFIX_STEMS = 8  # a prefix key stands for at most this many stems (the most widespread ones)
MAX_FUZZY = 3
_CACHE_LIMIT = 50_000
OFF_TOPIC_MIN_KAZAKH_STEM = 5


@dataclass(frozen=True)
class SearchDoc:
    """One translation of a guide, as the index sees it. `body` is plain text (see `markdown_to_plain`)."""

    slug: str
    lang: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class Hit:
    slug: str
    score: float
    confidence: float  # calibrated estimate of P(this is the right guide), in [0, 1]


@dataclass(frozen=True, slots=True)
class _Group:
    """One question word resolved against the index."""

    word: str
    importance: float  # how much the word says: idf of its usual reading, or a fixed weight when nothing matches
    off_topic: bool  # a word that points outside every guide: never counts as covered
    # (term in the index, weight ≤ 1 of this reading, weight × the term's idf capped at `importance`)
    scored: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True, slots=True)
class Match:
    """How one guide matched a question: the figures the confidence is computed from."""

    slug: str
    score: float
    doc: int
    coverage: float  # share of the question's importance matched by this guide's best translation
    strong: float  # share matched by what the guide is about: title, keywords of its own, whole keyword phrases
    off_topic: bool = False  # the question also names something no guide is about


class SearchIndex:
    def __init__(
        self,
        docs: Sequence[SearchDoc],
        postings: dict[str, dict[int, float]],
        core: dict[str, frozenset[int]],
        idf: dict[str, float],
        synonyms: dict[str, tuple[str, ...]],
        phrases: dict[str, list[tuple[int, tuple[str, ...]]]],
        prefixes: dict[str, tuple[str, ...]],
        fuzzy: FuzzyIndex,
    ) -> None:
        self._docs = docs
        self._slug_of = [doc.slug for doc in docs]
        self._postings = postings
        self._core = core
        self._idf = idf
        self._synonyms = synonyms
        self._phrases = phrases
        self._prefixes = prefixes
        self._fuzzy = fuzzy
        self._groups: dict[str, _Group | None] = {}
        self._off_topic = off_topic_terms()

    # ----------------------------------------------------------------------------------------------------------
    # Building

    @classmethod
    def build(cls, docs: Iterable[SearchDoc]) -> SearchIndex:
        # The build allocates hundreds of thousands of small containers and none of them in a reference cycle:
        # the cyclic garbage collector would re-scan them (and every cache) again and again. Paused, it scans them
        # once, at its next run after the build.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(docs)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _build(cls, docs: Iterable[SearchDoc]) -> SearchIndex:
        docs = [_with_extra_keywords(doc) for doc in docs]
        # Each distinct chunk of text is analysed once per language (see `chunk_terms`): a word of the body with
        # its punctuation, a whole title, summary or keyword phrase.
        bodies = [doc.body.split() for doc in docs]
        chunks: dict[str, set[str]] = {}
        for doc, body in zip(docs, bodies, strict=True):
            seen = chunks.setdefault(doc.lang, set())
            seen.update(body, doc.keywords, (doc.title, doc.summary))
        terms_of = {lang: chunk_terms(seen, lang).__getitem__ for lang, seen in chunks.items()}

        counted: list[tuple[Counter[str], ...]] = []  # per document, per field: term → count
        lengths: list[tuple[int, ...]] = []
        title_terms: list[tuple[str, ...]] = []
        keyword_terms: list[list[tuple[str, ...]]] = []  # per document, per keyword phrase
        for doc, body in zip(docs, bodies, strict=True):
            of = terms_of[doc.lang]
            title = of(doc.title)
            keywords = list(map(of, doc.keywords))
            title_terms.append(title)
            keyword_terms.append(keywords)
            counts = (
                Counter(title),
                Counter(chain.from_iterable(keywords)),
                Counter(of(doc.summary)),
                Counter(chain.from_iterable(map(of, body))),
            )
            counted.append(counts)
            lengths.append(tuple(sum(c.values()) for c in counts))
        average = [max(1.0, sum(row[f] for row in lengths) / max(1, len(docs))) for f in range(len(FIELDS))]
        weights = [FIELD_WEIGHT[name] for name in FIELDS]
        b = [FIELD_B[name] for name in FIELDS]

        postings: dict[str, dict[int, float]] = {}
        get = postings.get
        strong: set[str] = set()  # terms of a title or keywords
        named_by_slug: dict[str, set[str]] = {}  # terms of a guide's titles, keywords and summaries
        all_by_slug: dict[str, set[str]] = {}
        for index, fields in enumerate(counted):
            norms = [weights[f] / (1.0 - b[f] + b[f] * lengths[index][f] / average[f]) for f in range(len(fields))]
            title, keywords, _, body = fields
            # Weighted term frequency: the body's, plus the other fields' (the same sums, in the same order, as
            # adding the fields one by one to the body's).
            norm = norms[3]
            for term, count in body.items():
                tf = count * norm
                bucket = get(term)
                if bucket is None:
                    postings[term] = {index: tf / (K1 + tf)}
                else:
                    bucket[index] = tf / (K1 + tf)
            local: dict[str, float] = {}
            for f in range(len(fields) - 1):
                norm = norms[f]
                for term, count in fields[f].items():
                    tf = local.get(term)
                    if tf is None:
                        in_body = body.get(term)
                        tf = 0.0 if in_body is None else in_body * norms[3]
                    local[term] = tf + count * norm
            for term, tf in local.items():
                value = (
                    tf / (K1 + tf)
                    + (STRONG_BONUS if term in title or term in keywords else 0.0)
                    + (TITLE_BONUS if term in title else 0.0)
                )
                bucket = get(term)
                if bucket is None:
                    postings[term] = {index: value}
                else:
                    bucket[index] = value
            strong.update(title, keywords)
            slug = docs[index].slug
            named = named_by_slug.get(slug)
            if named is None:
                named_by_slug[slug] = named = set()
                all_by_slug[slug] = set()
            named.update(local)
            all_by_slug[slug].update(body, local)

        df: Counter[str] = Counter()
        mentions: Counter[str] = Counter()
        for slug, named in named_by_slug.items():
            df.update(named)
            mentions.update(all_by_slug[slug] - named)
        for term, n in mentions.items():
            df[term] += BODY_DF * n
        n_slugs = len(named_by_slug) or 1
        # At least one whole guide: a word mentioned once in one body is not rarer than a title word.
        idf = {term: math.log(1.0 + (n_slugs - max(1.0, d) + 0.5) / (max(1.0, d) + 0.5)) for term, d in df.items()}
        stems_by_prefix: dict[str, set[str]] = {}
        for lang, seen in chunks.items():
            for prefix, term in prefix_pairs(seen, lang):
                found = stems_by_prefix.get(prefix)
                if found is None:
                    stems_by_prefix[prefix] = {term}
                else:
                    found.add(term)
        prefixes = {
            prefix: tuple(sorted(terms, key=lambda t: (-len(postings[t]), t))[:MAX_PREFIX_STEMS])
            if len(terms) > 1
            else tuple(terms)
            for prefix, terms in stems_by_prefix.items()
        }
        phrases = _keyword_phrases(keyword_terms)
        synonyms = _synonym_table(postings)
        core = _core_terms(title_terms, keyword_terms)
        fuzzy = FuzzyIndex((t for t in postings if not t.isdigit()), long_edits=strong)
        return cls(docs, postings, {t: frozenset(d) for t, d in core.items()}, idf, synonyms, phrases, prefixes, fuzzy)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> SearchIndex:
        from bot.render import markdown_to_plain

        return cls.build(
            SearchDoc(
                slug=guide.slug,
                lang=guide.lang,
                title=guide.title,
                summary=guide.summary,
                keywords=guide.keywords,
                body=markdown_to_plain(guide.body),
            )
            for guide in catalogue
        )

    # ----------------------------------------------------------------------------------------------------------
    # Searching

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """Guides for a question, best first, one hit per guide; [] when nothing in it matches any guide."""
        if limit <= 0:
            return []
        ranked = self._ranked(query, 8)
        if ranked is None:
            return []
        groups, scores, phrase_docs, best = ranked
        # The confidence reads the coverage of the best guide only, and the scores of the others: the others'
        # coverage (a pass over every question word for each) is left out.
        first_slug, first_doc = best[0]
        first = self._match(groups, scores, phrase_docs, first_slug, first_doc)
        rest = [Match(slug, scores[doc], doc, 0.0, 0.0, first.off_topic) for slug, doc in best[1:]]
        return conf.hits([first, *rest])[:limit]

    def answer(self, query: str) -> str | None:
        """The guide to post automatically in a group, or None when the search is not sure enough."""
        hits = self.search(query, limit=2)
        return hits[0].slug if self.is_confident(hits) else None

    def is_confident(self, hits: list[Hit]) -> bool:
        """The rule `answer` uses: the best hit is likely enough to be right to post it unasked."""
        return bool(hits) and hits[0].confidence >= conf.ANSWER_THRESHOLD

    def matches(self, query: str, depth: int = 8) -> list[Match]:
        """The best-scoring guides with the figures behind their confidence (for tuning and debugging)."""
        ranked = self._ranked(query, depth)
        if ranked is None:
            return []
        groups, scores, phrase_docs, best = ranked
        return [self._match(groups, scores, phrase_docs, slug, doc) for slug, doc in best]

    def _ranked(
        self, query: str, depth: int
    ) -> tuple[list[_Group], dict[int, float], dict[int, float], list[tuple[str, int]]] | None:
        """The question's words, every document's score, the phrase bonuses, and the best document of each of the
        `depth` best guides; None when nothing matches."""
        groups = self._query_groups(query)
        scores: dict[int, float] = {}
        postings = self._postings
        for group in groups:
            scored = group.scored
            if len(scored) == 1:  # the usual case: one reading, no maximum to take
                term, _, value_weight = scored[0]
                for doc, value in postings[term].items():
                    scores[doc] = scores.get(doc, 0.0) + value * value_weight
                continue
            best: dict[int, float] = {}
            for term, _, value_weight in scored:
                for doc, value in postings[term].items():
                    value *= value_weight
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] = scores.get(doc, 0.0) + value
        if not scores:
            return None
        phrase_docs = self._phrase_bonus(groups, scores)

        best_doc: dict[str, int] = {}
        slug_of = self._slug_of
        for doc, score in scores.items():
            slug = slug_of[doc]
            current = best_doc.get(slug)
            if current is None or score > scores[current]:
                best_doc[slug] = doc
        ranked = heapq.nsmallest(depth, best_doc.items(), key=lambda item: (-scores[item[1]], item[0]))
        return groups, scores, phrase_docs, ranked

    def _match(
        self, groups: list[_Group], scores: dict[int, float], phrase_docs: dict[int, float], slug: str, doc: int
    ) -> Match:
        """How much of the question a document covers, and how much of it strongly."""
        total = sum(g.importance for g in groups)
        off_topic = any(g.off_topic for g in groups)
        covered = 0.0
        strong = 0.0
        for group in groups:
            quality = 0.0 if group.off_topic else self._quality(group, doc)
            if not quality:
                continue
            covered += group.importance * quality
            if doc in phrase_docs or self._is_strong(group, doc):
                strong += group.importance * quality
        return Match(slug, scores[doc], doc, covered / total, strong / total, off_topic)

    def _quality(self, group: _Group, doc: int) -> float:
        """How well a question word matched a document: the weight of its best-scoring reading there, squared.

        A synonym, a typo correction or a prefix is weaker evidence that the guide is about this word
        (exact 1, synonym 0.81, one typo 0.64, prefix 0.25).
        """
        best_value = 0.0
        best_weight = 0.0
        for term, weight, value_weight in group.scored:
            value = self._postings[term].get(doc)
            if value is not None and value * value_weight > best_value:
                best_value = value * value_weight
                best_weight = weight
        return best_weight * best_weight

    # ----------------------------------------------------------------------------------------------------------
    # Query analysis

    def _phrase_bonus(self, groups: list[_Group], scores: dict[int, float]) -> dict[int, float]:
        """Add the best whole keyword phrase of each document to its score; return the bonuses."""
        found: dict[str, tuple[int, float, float]] = {}  # term → (group, weight, capped idf)
        for number, group in enumerate(groups):
            for term, weight, value_weight in group.scored:
                if weight >= FUZZY_WEIGHT[2]:
                    old = found.get(term)
                    if old is None or value_weight > old[2]:
                        found[term] = (number, weight, value_weight)
        bonus: dict[int, float] = {}
        for term in found:
            for doc, phrase in self._phrases.get(term, ()):
                if doc not in scores or not all(t in found for t in phrase):
                    continue
                if len({found[t][0] for t in phrase}) < len(phrase):
                    continue  # one question word cannot stand for two words of the phrase
                value = PHRASE_BONUS * sum(found[t][2] for t in phrase)
                if value > bonus.get(doc, 0.0):
                    bonus[doc] = value
        for doc, value in bonus.items():
            scores[doc] += value
        return bonus

    def _is_strong(self, group: _Group, doc: int) -> bool:
        core = self._core
        return any(weight >= SYNONYM_WEIGHT and doc in core.get(term, ()) for term, weight, _ in group.scored)

    def _query_groups(self, query: str) -> list[_Group]:
        groups: list[_Group] = []
        seen: set[str] = set()
        for word in query_words(query):
            if word in seen:
                continue
            seen.add(word)
            group = self._group(word)
            if group is not None:
                groups.append(group)
        return groups

    def _group(self, word: str) -> _Group | None:
        cache = self._groups
        if word in cache:
            return cache[word]
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        group = cache[word] = self._resolve(word)
        return group

    def _resolve(self, word: str) -> _Group | None:
        """The index terms a question word may stand for, and how much the word matters.

        Its own stems first (Russian, Kazakh, English, and for Latin words the transliterations), then synonyms;
        typo corrections only when nothing matched exactly; prefix keys always, as the weakest reading.
        """
        forms = query_forms(word)
        if forms is None:
            return None
        postings, idf = self._postings, self._idf
        alts: dict[str, float] = {}
        off_topic = not self._off_topic.isdisjoint(off_topic_readings(word))

        def add(term: str, weight: float) -> None:
            if term in postings and weight > alts.get(term, 0.0):
                alts[term] = weight

        for term, weight in forms.primary:
            add(term, weight)
        if not alts:
            for term, weight in forms.stems:
                add(term, weight)
        # The word means as much as its most common reading: a rare accidental reading (a Kazakh stem that happens
        # to be a Russian keyword) must not make a common word look decisive.
        readings = [idf[t] for t in alts]
        for term, weight in forms.stems:
            add(term, weight)
        for term, weight in forms.stems:
            for target in self._synonyms.get(term, ()):
                add(target, weight * SYNONYM_WEIGHT)
        if not alts:
            for key in forms.fuzzy_keys:
                for candidate, dist in self._fuzzy.lookup(key)[:MAX_FUZZY]:
                    add(candidate, FUZZY_WEIGHT[dist])
        if not readings:
            readings = [idf[t] for t in alts]
        for key, weight in forms.prefixes:
            for term in self._prefixes.get(key, ()):
                add(term, weight * PREFIX_WEIGHT)
        if not alts:
            return _Group(word, conf.OFF_TOPIC_IMPORTANCE if off_topic else conf.UNKNOWN_IMPORTANCE, off_topic, ())
        importance = min(readings) if readings else min(conf.UNKNOWN_IMPORTANCE, *(idf[t] for t in alts))
        if word.isdigit():
            importance = min(importance, conf.NUMBER_IMPORTANCE)
        scored = tuple((t, w, w * min(idf[t], importance)) for t, w in alts.items())
        if off_topic:
            importance = max(importance, conf.OFF_TOPIC_IMPORTANCE)
        return _Group(word, importance, off_topic, scored)


def off_topic_readings(word: str) -> set[str]:
    """The readings of a normalised word that may mark it off-topic: its native stems only.

    No transliterations and no short Kazakh stems: "taxi" must not catch "tax" through "такси", nor "кошка" catch
    "көші" through the over-stripped "кош".
    """
    if is_cyrillic(word):
        readings = {stem_russian(fold(word))}
        kazakh = stem_kazakh(word)
        if len(kazakh) >= OFF_TOPIC_MIN_KAZAKH_STEM:
            readings.add(kazakh)
        return readings
    if is_latin(word):
        return {stem_english(word)}
    return set()


@cache
def off_topic_terms() -> frozenset[str]:
    """The readings of the words in `synonyms.OFF_TOPIC`."""
    return frozenset(reading for word in OFF_TOPIC for normal in tokens(word) for reading in off_topic_readings(normal))


def _with_extra_keywords(doc: SearchDoc) -> SearchDoc:
    extra = EXTRA_KEYWORDS.get(doc.slug)
    if not extra:
        return doc
    return replace(doc, keywords=(*doc.keywords, *(k for k in extra if k not in doc.keywords)))


def _core_terms(titles: Sequence[tuple[str, ...]], keywords: Sequence[list[tuple[str, ...]]]) -> dict[str, set[int]]:
    """Terms that say what a guide is about: its title, its one-word keywords, words repeated across its keywords.

    A word that occurs in a single keyword phrase ("купить" in "купить симку") is not: the phrase is about the
    SIM card, and "где купить велосипед" must not look like a question about it. Arguments: per document, the
    terms of its title and of each keyword phrase.
    """
    core: dict[str, set[int]] = {}
    for index, (title, phrases) in enumerate(zip(titles, keywords, strict=True)):
        terms = set(title)
        seen: Counter[str] = Counter()
        for keyword in phrases:
            phrase = set(keyword)
            if len(phrase) == 1:
                terms |= phrase
            seen.update(phrase)
        terms.update(t for t, n in seen.items() if n >= 2)
        for term in terms:
            found = core.get(term)
            if found is None:
                core[term] = {index}
            else:
                found.add(index)
    return core


def _keyword_phrases(keywords: Sequence[list[tuple[str, ...]]]) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """Keyword phrases of two or more index terms, listed under their first term (given: per document, the terms
    of each keyword phrase)."""
    phrases: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for index, doc_phrases in enumerate(keywords):
        for keyword in doc_phrases:
            if len(keyword) < 2:
                continue
            unique = tuple(dict.fromkeys(keyword))
            if len(unique) >= 2:
                entry = (index, unique)
                bucket = phrases.setdefault(unique[0], [])
                if entry not in bucket:
                    bucket.append(entry)
    return phrases


def _synonym_table(postings: dict[str, dict[int, float]]) -> dict[str, tuple[str, ...]]:
    """Synonyms as term → terms, keeping only targets that occur in the index."""
    table: dict[str, set[str]] = {}
    for source, targets in SYNONYMS.items():
        target_terms: set[str] = set()
        for target in targets:
            for word in tokens(target):
                for lang in ("ru", "kk", "en"):
                    target_terms.update(doc_terms_of(word, lang))
        target_terms &= postings.keys()
        if not target_terms:
            continue
        for word in tokens(source):
            forms = query_forms(word)
            if forms is None:
                continue
            for term, _ in forms.stems:
                table.setdefault(term, set()).update(target_terms - {term})
    return {term: tuple(sorted(targets)) for term, targets in table.items() if targets}
