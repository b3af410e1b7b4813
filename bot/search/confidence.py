"""Confidence: how likely a ranked guide is the right answer, from how it matched.

The best guide's confidence is a logistic model over four figures of its match:

- coverage: the share of the question's informative words the guide matched (typos and prefixes count less);
- strong: the share matched by what the guide is about — its title, its own keywords, whole keyword phrases;
- margin: how far ahead of the next guide it is (relative), saturating at MARGIN_FULL — below that, ranking
  mistakes happen (measured: top-1 accuracy ≈ 0.6 under a 0.2 margin, ≈ 1 above 0.3);
- score: the BM25F score itself (log), which grows with the number of matched words.

A question with a word from `synonyms.OFF_TOPIC` gets a fraction of that.

The coefficients were fitted (plain logistic regression) on labelled questions in Russian, Kazakh and English,
including ones no guide answers, and checked on questions held out from the fit; see tests/test_search_quality.py.
The other guides share what is left, in proportion to their scores (capped at the best guide's confidence), so
the confidences of one question's hits never add up to more than 1 and never grow down the ranking.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.search.index import Hit, Match

# Importance of a question word the guides do not contain at all (close to the idf of a word found in two guides
# out of fifteen): an unknown word usually names what the question is really about ("велосипед", "погода").
UNKNOWN_IMPORTANCE = 1.8
# Numbers ("80 дней", "2026") are often incidental; a rare one must not decide the match.
NUMBER_IMPORTANCE = 1.0
# A word from `synonyms.OFF_TOPIC` says even more clearly that the question is about something else.
OFF_TOPIC_IMPORTANCE = 2 * UNKNOWN_IMPORTANCE
# Confidence needed for an automatic answer in a group. A wrong answer in a crowded chat is worse than none.
ANSWER_THRESHOLD = 0.9
MARGIN_FULL = 0.3

# Fitted on 658 answerable and 162 unanswerable labelled questions (tests/data plus a held-out set); the margin
# coefficient is set, not fitted, above the fit (0.6) because held-out ranking mistakes come with low margins.
BIAS = -3.84
COEFFICIENTS = {"coverage": 1.36, "strong": 1.89, "margin": 1.5, "score": 1.18}
# A question that names something no guide is about (`synonyms.OFF_TOPIC`: a dentist, a sofa, English lessons)
# is almost never answered by the guide it matches best; in the labelled questions, none was.
OFF_TOPIC_FACTOR = 0.3


def features(match: Match, runner_up: float) -> dict[str, float]:
    """The model's inputs for the best match, given the score of the next guide (0 if none)."""
    margin = (match.score - runner_up) / match.score if match.score > 0 else 0.0
    return {
        "coverage": match.coverage,
        "strong": match.strong,
        "margin": max(-1.0, min(margin, MARGIN_FULL) / MARGIN_FULL),
        "score": math.log1p(match.score),
    }


def probability(feats: dict[str, float]) -> float:
    z = BIAS + sum(COEFFICIENTS[name] * value for name, value in feats.items())
    return 1.0 / (1.0 + math.exp(-z))


def hits(matches: Sequence[Match]) -> list[Hit]:
    """Hits with confidences for matches ranked best first."""
    from bot.search.index import Hit

    if not matches:
        return []
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    top = probability(features(best, runner_up))
    if best.off_topic:
        top *= OFF_TOPIC_FACTOR
    out = [Hit(best.slug, best.score, top)]
    rest = sum(m.score for m in matches[1:])
    for match in matches[1:]:
        # What the best guide leaves, shared by score — and never more than the best guide's own confidence: a
        # guide ranked lower is not more likely to be the right one.
        share = (1.0 - top) * match.score / rest if rest > 0 else 0.0
        out.append(Hit(match.slug, match.score, min(share, top)))
    return out
