"""The guide library the bot serves: the loaded catalogue plus rendering caches.

Rendering a guide (Markdown → HTML → pages) is the most expensive thing a reader triggers, and guides change only on
reload, so rendered bodies are cached per guide version.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from bot.guides import Catalogue, Guide, LoadResult, load_catalogue
from bot.render import markdown_to_html
from bot.search import SearchIndex

log = logging.getLogger(__name__)


def deep_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start={slug}"


class Library:
    def __init__(self, content_dir: Path, default_language: str = "ru") -> None:
        self.content_dir = content_dir
        self.default_language = default_language
        self.result = LoadResult(Catalogue(), [])
        self.index = SearchIndex.build([])

    def load(self) -> LoadResult:
        result = load_catalogue(self.content_dir)
        for problem in result.problems:
            log.warning("content problem: %s", problem)
        self.replace(result)
        return result

    def replace(self, result: LoadResult) -> None:
        # Build the new index before swapping, so readers never see a catalogue without its index.
        index = SearchIndex.from_catalogue(result.catalogue)
        self.result, self.index = result, index
        self._body_html.cache_clear()

    @property
    def catalogue(self) -> Catalogue:
        return self.result.catalogue

    def find(self, slug: str, lang: str) -> tuple[Guide, bool] | None:
        return self.catalogue.get(slug, lang, self.default_language)

    def body_html(self, guide: Guide, bot_username: str) -> str:
        return self._body_html(guide, bot_username)

    @lru_cache(maxsize=512)  # noqa: B019 - the library lives as long as the process; the cache is cleared on reload
    def _body_html(self, guide: Guide, bot_username: str) -> str:
        known = self.catalogue.guides

        def link(slug: str) -> str | None:
            return deep_link(bot_username, slug) if slug in known else None

        return markdown_to_html(guide.body, guide_link=link)
