"""The guide library the bot serves: the loaded catalogue plus rendering caches.

Rendering a guide (Markdown → HTML → pages) is the most expensive thing a reader triggers, and guides change only on
reload, so rendered bodies are cached per guide version.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from bot.guides import Catalogue, Guide, LoadResult, Problem
from bot.overlay import (
    GuideText,
    Key,
    Published,
    ReloadResult,
    newer_files,
    overlay,
    parse_text,
    parse_texts,
    read_files,
    validate_reload,
)
from bot.render import markdown_to_html
from bot.search import SearchIndex

log = logging.getLogger(__name__)
T = TypeVar("T")
MEMO_SIZE = 2048
# Values for what readers type (inline queries): unbounded in variety, so only the most recent are kept.
RECENT_SIZE = 256


def deep_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start={slug}"


class Library:
    def __init__(self, content_dir: Path, default_language: str = "ru") -> None:
        self.content_dir = content_dir
        self.default_language = default_language
        self.result = LoadResult(Catalogue(), [])
        self.index = SearchIndex.build([])
        # The text behind every guide in force (content/ overlaid by published revisions): the base of a
        # volunteer's change, the "before" of its diff, and what a conflict is detected against.
        self.texts: dict[Key, GuideText] = {}
        self._memo: dict[Hashable, Any] = {}
        self._recent: OrderedDict[Hashable, Any] = OrderedDict()

    def load(self, published: Published | None = None) -> LoadResult:
        """Start-up: load content/ overlaid by published revisions; broken files are logged and skipped."""
        files = read_files(self.content_dir)
        texts = overlay(files, published or {})
        result = parse_texts(texts)
        for problem in result.problems:
            log.warning("content problem: %s", problem)
        for slug, lang in newer_files(files, published or {}):
            log.warning("content/%s/%s.md is newer than the published revision readers see", lang, slug)
        self.texts = texts
        self.replace(result)
        return result

    def reload(
        self, published: Published, *, today: date, disclaimer: Callable[[str], str] | None = None
    ) -> ReloadResult:
        """Re-read everything, validate it all, then swap at once; a broken text never replaces a working one."""
        files = read_files(self.content_dir)
        reload = validate_reload(
            overlay(files, published), self.texts, self.catalogue, today=today, disclaimer=disclaimer
        )
        reload.newer_files = newer_files(files, published)
        for problem in reload.errors:
            log.warning("content problem on reload: %s", problem)
        for slug, lang in reload.newer_files:
            log.warning("content/%s/%s.md is newer than the published revision readers see", lang, slug)
        self.texts = reload.texts
        self.replace(reload.result)
        return reload

    def put(self, source: GuideText) -> list[Problem]:
        """Swap one validated guide text in (a publish), leaving every other guide as it is."""
        guide, problems = parse_text(source)
        if guide is None:
            return problems
        guides = [g for g in self.catalogue if (g.slug, g.lang) != source.key]
        self.texts = {**self.texts, source.key: source}
        self.replace(LoadResult(Catalogue.of([*guides, guide]), self.result.problems))
        return problems

    def replace(self, result: LoadResult) -> None:
        # Build the new index before swapping, so readers never see a catalogue without its index.
        index = SearchIndex.from_catalogue(result.catalogue)
        self.result, self.index = result, index
        self._body_html.cache_clear()
        self._memo.clear()
        self._recent.clear()

    @property
    def catalogue(self) -> Catalogue:
        return self.result.catalogue

    def find(self, slug: str, lang: str) -> tuple[Guide, bool] | None:
        return self.catalogue.get(slug, lang, self.default_language)

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """A value derived from the current catalogue (rendered pages…), computed once until the next reload."""
        if key not in self._memo:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[no-any-return]

    def cached_recent(self, key: Hashable, make: Callable[[], T]) -> T:
        """Like `cached`, for keys that come from what people type: the least recently used go first."""
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]  # type: ignore[no-any-return]
        value = self._recent[key] = make()
        if len(self._recent) > RECENT_SIZE:
            self._recent.popitem(last=False)
        return value

    def body_html(self, guide: Guide, bot_username: str) -> str:
        return self._body_html(guide, bot_username)

    @lru_cache(maxsize=512)  # noqa: B019 - the library lives as long as the process; the cache is cleared on reload
    def _body_html(self, guide: Guide, bot_username: str) -> str:
        known = self.catalogue.guides

        def link(slug: str) -> str | None:
            return deep_link(bot_username, slug) if slug in known else None

        return markdown_to_html(guide.body, guide_link=link)
