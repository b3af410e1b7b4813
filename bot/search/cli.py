"""`python -m bot search [QUESTION]`: try the search from a terminal or score a file of questions.

With a question: the ranked guides, one per line (rank, slug, score, confidence, title) and whether the bot
would answer automatically in a group. Without one: one question per line on stdin, one JSON object per line on
stdout — {"query": ..., "results": [{"slug": ..., "score": ...}], "answer": slug or null} — in the same order,
a blank line giving empty results, so that the output lines up with the input. The JSON is ASCII (other letters
escaped), so it survives any terminal or file encoding; every JSON reader restores the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, TextIO

from bot.search.index import SearchIndex

if TYPE_CHECKING:
    from bot.guides import Catalogue

MAX_LINE = 1000  # characters of a question line that are searched; the rest is ignored
RESULTS = 5
_MAX_CHAR_BYTES = 4


def run_search_cli(
    index: SearchIndex,
    titles: Mapping[str, str],
    argv_question: str | None,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    """Run the search command; `titles` maps slugs to the titles shown in the human-readable ranking."""
    if argv_question is not None:
        _print_ranking(index, titles, _clean(argv_question[:MAX_LINE]), stdout)
        return 0
    for query in _lines(stdin):
        hits = index.search(query, limit=RESULTS)
        record = {
            "query": query,
            "results": [{"slug": hit.slug, "score": round(hit.score, 4)} for hit in hits],
            "answer": hits[0].slug if index.is_confident(hits) else None,
        }
        stdout.write(json.dumps(record) + "\n")
        stdout.flush()
    return 0


def guide_titles(catalogue: Catalogue, lang: str = "ru") -> dict[str, str]:
    """Slug → title in `lang` (or the translation the catalogue falls back to), for `run_search_cli`."""
    titles: dict[str, str] = {}
    for slug in catalogue.slugs():
        found = catalogue.get(slug, lang)
        if found:
            titles[slug] = found[0].title
    return titles


def _print_ranking(index: SearchIndex, titles: Mapping[str, str], question: str, stdout: TextIO) -> None:
    hits = index.search(question, limit=RESULTS)
    if not hits:
        _write(stdout, "no matching guides\n")
        return
    width = max(len(hit.slug) for hit in hits)
    for rank, hit in enumerate(hits, 1):
        title = titles.get(hit.slug, "")
        _write(stdout, f"{rank:>2}. {hit.slug:<{width}}  {hit.score:8.3f}  {hit.confidence:4.2f}  {title}\n")
    answer = hits[0].slug if index.is_confident(hits) else "none (not confident enough)"
    _write(stdout, f"automatic answer in a group: {answer}\n")


def _lines(stdin: TextIO) -> Iterator[str]:
    """Lines without their end, each cut to MAX_LINE characters; bytes that are not UTF-8 become U+FFFD."""
    binary = getattr(stdin, "buffer", None)
    if binary is not None:
        limit = MAX_LINE * _MAX_CHAR_BYTES + _MAX_CHAR_BYTES
        while True:
            chunk = binary.readline(limit)
            if not chunk:
                return
            complete = chunk.endswith(b"\n")
            while not complete:  # skip the rest of an overlong line without holding it in memory
                rest = binary.readline(limit)
                if not rest:
                    break
                complete = rest.endswith(b"\n")
            yield _clean(chunk.decode("utf-8", errors="replace").rstrip("\r\n")[:MAX_LINE])
        return
    while True:
        line = stdin.readline(MAX_LINE + 1)
        if not line:
            return
        complete = line.endswith("\n")
        while not complete:
            rest = stdin.readline(MAX_LINE + 1)
            if not rest:
                break
            complete = rest.endswith("\n")
        yield _clean(line.rstrip("\r\n")[:MAX_LINE])


def _clean(text: str) -> str:
    """Replace lone surrogates (undecodable input) so that the text can always be written out."""
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _write(stdout: TextIO, text: str) -> None:
    try:
        stdout.write(text)
    except UnicodeEncodeError:  # a terminal that cannot show Cyrillic or Kazakh letters
        encoding = getattr(stdout, "encoding", None) or "ascii"
        stdout.write(text.encode(encoding, errors="replace").decode(encoding))
