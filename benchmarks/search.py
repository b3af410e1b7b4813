"""Search speed: index build time and per-query latency (p50/p99), on the real catalogue and a synthetic one.

    python benchmarks/search.py [--content content] [--synthetic 1000] [--seed 7]

The synthetic catalogue has `--synthetic` guide translations (ru, kk, en in turn) made from the real guides'
sentences, with about one word in eight replaced by a made-up word from a pool of 15,000 per language, so that
its vocabulary grows roughly the way a catalogue of a few hundred more guides would (≈ 20,000 distinct words
against ≈ 4,000 in the real one). Queries are the labelled questions of tests/data and, for the synthetic
catalogue, the same questions plus ones built from its own titles and keywords.

"index build" starts from cold caches (the stemming caches are cleared), as in a new process; "rebuild" keeps
them, as when the bot reloads its content. Pure-Python snowball stemming of words not seen before is most of the
difference. A query is what the bot and the CLI do per question: `search` then `is_confident`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.guides import load_catalogue  # noqa: E402
from bot.render import markdown_to_plain  # noqa: E402
from bot.search import SearchDoc, SearchIndex  # noqa: E402
from bot.search.analysis import clear_caches  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "search_questions.jsonl"
LANGS = ("ru", "kk", "en")
POOL = 15_000


def real_docs(content: Path) -> list[SearchDoc]:
    catalogue = load_catalogue(content).catalogue
    return [SearchDoc(g.slug, g.lang, g.title, g.summary, g.keywords, markdown_to_plain(g.body)) for g in catalogue]


def synthetic_docs(real: Sequence[SearchDoc], count: int, rng: random.Random) -> list[SearchDoc]:
    by_lang = {lang: [d for d in real if d.lang == lang] or list(real) for lang in LANGS}
    sentences = {
        lang: [s.strip() for d in docs for s in d.body.replace("\n", ". ").split(". ") if len(s.split()) > 3]
        for lang, docs in by_lang.items()
    }
    syllables = {
        "ru": ["ка", "ро", "ми", "ен", "та", "ош", "ул", "ба", "ту", "лы", "ни", "пер", "ств", "ова"],
        "kk": ["қа", "өр", "ұл", "ба", "тің", "ғы", "ке", "ла", "сы", "ды", "мен", "тар"],
        "en": ["ka", "ro", "mi", "en", "ta", "sh", "ul", "ba", "tion", "ing", "er", "ly", "pre", "con"],
    }
    pools = {lang: ["".join(rng.choices(syllables[lang], k=rng.randint(2, 5))) for _ in range(POOL)] for lang in LANGS}
    weights = [(rank + 1) ** -0.5 for rank in range(POOL)]  # a few invented words are frequent, most are rare

    def mutate(text: str, lang: str) -> str:
        out = []
        for word in text.split():
            if rng.random() < 0.12 and len(word) > 3:
                word = rng.choices(pools[lang], weights)[0]
            out.append(word)
        return " ".join(out)

    docs: list[SearchDoc] = []
    for number in range(count):
        lang = LANGS[number % len(LANGS)]
        slug = f"guide-{number // len(LANGS)}"
        template = rng.choice(by_lang[lang])
        picked = rng.sample(sentences[lang], min(len(sentences[lang]), 45))
        body = "\n".join(mutate(sentence, lang) + "." for sentence in picked)
        keywords = tuple(mutate(k, lang) for k in rng.sample(template.keywords, min(len(template.keywords), 20)))
        title, summary = mutate(template.title, lang), mutate(template.summary, lang)
        docs.append(SearchDoc(slug, lang, title, summary, keywords, body))
    return docs


def timed_build(docs: Sequence[SearchDoc], repeat: int, cold: bool = True) -> tuple[SearchIndex, list[float]]:
    times = []
    index = None
    for _ in range(repeat):
        if cold:
            clear_caches()
        start = time.perf_counter()
        index = SearchIndex.build(docs)
        times.append(time.perf_counter() - start)
    assert index is not None
    return index, times


def latencies(run: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(name: str, docs: Sequence[SearchDoc], queries: Sequence[str], repeat: int) -> None:
    index, builds = timed_build(docs, repeat)
    _, rebuilds = timed_build(docs, repeat, cold=False)
    vocabulary = len(index._postings)
    # First sight of every question (nothing about its words remembered yet), then the same questions again.
    cold = latencies(lambda q: index.is_confident(index.search(q)), queries)
    warm = latencies(lambda q: index.is_confident(index.search(q)), queries)
    print(f"{name}: {len(docs)} guide translations, {vocabulary} index terms, {len(queries)} queries")
    print(f"  index build, new process: median {ms(statistics.median(builds))}, max {ms(max(builds))}")
    print(f"  rebuild, words already stemmed (content reload): median {ms(statistics.median(rebuilds))}")
    print(
        f"  query, first time: p50 {percentile(cold, 50):.3f} ms, p99 {percentile(cold, 99):.3f} ms,"
        f" max {cold[-1]:.3f} ms"
    )
    print(f"  query, repeated:   p50 {percentile(warm, 50):.3f} ms, p99 {percentile(warm, 99):.3f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--synthetic", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    questions = [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    real = real_docs(args.content)
    report("real catalogue", real, questions, args.repeat)

    synthetic = synthetic_docs(real, args.synthetic, rng)
    generated = [" ".join(rng.sample(d.title.split(), min(3, len(d.title.split())))) for d in synthetic[:300]]
    generated += [rng.choice(d.keywords) + " " + rng.choice(d.keywords) for d in synthetic[300:600] if d.keywords]
    report("synthetic catalogue", synthetic, questions + generated, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
