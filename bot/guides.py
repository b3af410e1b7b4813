"""Guides: Markdown files with YAML front matter → validated `Guide` objects → an in-memory `Catalogue`.

A broken file is reported with its path and line and skipped; the other guides still load, so one volunteer's typo
never takes the whole bot down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.config import LANGUAGES
from bot.translatable import N_

CATEGORIES: tuple[str, ...] = ("help", "legal", "first-steps", "stay", "life")
CATEGORY_TITLES: dict[str, str] = {
    "help": N_("🆘 Emergency help"),
    "legal": N_("⚖️ Legal risks and protection"),
    "first-steps": N_("🪪 First steps: documents, bank, phone"),
    "stay": N_("🏠 Stay, registration, housing"),
    "life": N_("💼 Work, health, daily life"),
}
# Shown above every legal guide; the validator checks each language has it.
LEGAL_DISCLAIMER = N_("⚖️ This is information, not legal advice. For your case, ask a lawyer.")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 40
TITLE_MAX = 60
SUMMARY_MAX = 200
REQUIRED_KEYS = ("title", "summary", "category", "order", "keywords", "reviewed", "legal", "sources")
SOURCE_KEYS = ("title", "url", "date")

# Problem messages: English here (the CLI prints them as they are), translated by gettext where volunteers see them.
MESSAGES: dict[str, str] = {
    "unreadable": N_("cannot read the file: {detail}"),
    "not_utf8": N_("the file is not UTF-8 text"),
    "no_front_matter": N_("the file must start with front matter between two '---' lines"),
    "yaml": N_("front matter is not valid YAML: {detail}"),
    "not_mapping": N_("front matter must be a list of 'key: value' lines"),
    "missing_key": N_("front matter lacks '{key}'"),
    "unknown_key": N_("unknown front matter key '{key}'"),
    "bad_type": N_("'{key}' must be {expected}"),
    "too_long": N_("'{key}' is longer than {limit} characters"),
    "bad_category": N_("'category' must be one of: {choices}"),
    "bad_slug": N_("the file name must be a slug of lowercase Latin letters, digits and dashes: {detail}"),
    "bad_language": N_("the folder must be one of ru, kk, en: {detail}"),
    "bad_url": N_("source URL must be an absolute https:// address: {detail}"),
    "empty_body": N_("the guide has no text after the front matter"),
    # Checks of the content validator (bot/content_check.py).
    "missing_translation": N_("guide '{slug}' has no {language} version"),
    "table": N_("tables do not display in Telegram; use a list instead"),
    "raw_html": N_("raw HTML is not allowed: {detail}"),
    "image": N_("images are not shown in guides: {detail}"),
    "heading_h1": N_("use '##' for headings; the title comes from the front matter"),
    "insecure_link": N_("links must use https://: {detail}"),
    "bad_link": N_("this link cannot be opened from Telegram: {detail}"),
    "deep_nesting": N_("lists may be nested one level deep at most"),
    "unknown_guide": N_("link to a guide that does not exist: guide:{detail}"),
    "render": N_("the guide cannot be sent to Telegram: {detail}"),
    "reviewed_future": N_("'reviewed' is in the future: {detail}"),
    "stale": N_("last reviewed {days} days ago; check it against its sources (limit: {limit} days)"),
    "legal_no_source": N_("a legal guide needs at least one source"),
    "emergency_too_long": N_("the emergency guide must fit in one message ({parts} parts now)"),
    "no_disclaimer": N_("the 'information, not legal advice' line is missing in {language}"),
}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file. `code` selects the message; `params` fill it."""

    path: str
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"  # or "warning"

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class Problems:
    """Errors and warnings of anything that carries a `problems` list (a load, a content check, an upload)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    date: date | None = None


@dataclass(frozen=True)
class Guide:
    slug: str
    lang: str
    title: str
    summary: str
    category: str
    order: int
    keywords: tuple[str, ...]
    reviewed: date
    legal: bool
    sources: tuple[Source, ...]
    body: str
    path: str = ""
    body_line: int = 1  # line of the file where the body starts, to map body line numbers back to the file


class FrontMatterError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(Problem(path, 1, "no_front_matter"))
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    raise FrontMatterError(Problem(path, 1, "no_front_matter"))


def _key_lines(front: str) -> tuple[dict[str, int], list[dict[str, int]]]:
    """Lines (1-based, within the front matter) of each top-level key and of each source's keys."""
    node = yaml.compose(front, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}, []
    keys = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    sources: list[dict[str, int]] = []
    for key, value in node.value:
        if key.value == "sources" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                lines = {"": item.start_mark.line + 1}
                if isinstance(item, yaml.MappingNode):
                    lines.update({str(k.value): k.start_mark.line + 1 for k, _ in item.value})
                sources.append(lines)
    return keys, sources


def parse_guide(text: str, *, slug: str, lang: str, path: str = "") -> tuple[Guide | None, list[Problem]]:
    """Parse one guide file. Returns the guide (None if unusable) and every problem found."""
    problems: list[Problem] = []
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        problems.append(Problem(path, 1, "bad_slug", {"detail": slug}))
    if lang not in LANGUAGES:
        problems.append(Problem(path, 1, "bad_language", {"detail": lang}))
    try:
        front, body, body_line = split_front_matter(text, path)
    except FrontMatterError as exc:
        return None, [*problems, exc.problem]
    try:
        data = yaml.safe_load(front)
        lines, source_lines = _key_lines(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 1 + (mark.line + 1 if mark else 0)
        detail = str(getattr(exc, "problem", None) or exc).strip()
        return None, [*problems, Problem(path, line, "yaml", {"detail": detail})]
    if not isinstance(data, dict):
        return None, [*problems, Problem(path, 2, "not_mapping")]

    def at(key: str) -> int:
        return 1 + lines.get(key, 0)

    for key in data:
        if key not in REQUIRED_KEYS:
            problems.append(Problem(path, at(str(key)), "unknown_key", {"key": key}))
    for key in REQUIRED_KEYS:
        if key not in data:
            problems.append(Problem(path, 1, "missing_key", {"key": key}))

    def text_field(key: str, limit: int) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            if key in data:
                problems.append(Problem(path, at(key), "bad_type", {"key": key, "expected": "non-empty text"}))
            return ""
        if len(value) > limit:
            problems.append(Problem(path, at(key), "too_long", {"key": key, "limit": limit}))
        return value.strip()

    title = text_field("title", TITLE_MAX)
    summary = text_field("summary", SUMMARY_MAX)
    category = data.get("category")
    if "category" in data and category not in CATEGORIES:
        problems.append(Problem(path, at("category"), "bad_category", {"choices": ", ".join(CATEGORIES)}))
    order = data.get("order")
    if "order" in data and (not isinstance(order, int) or isinstance(order, bool)):
        problems.append(Problem(path, at("order"), "bad_type", {"key": "order", "expected": "a whole number"}))
    keywords = data.get("keywords")
    if "keywords" in data and (
        not isinstance(keywords, list) or not all(isinstance(k, str | int) and str(k).strip() for k in keywords)
    ):
        problems.append(Problem(path, at("keywords"), "bad_type", {"key": "keywords", "expected": "a list of words"}))
        keywords = []
    reviewed = data.get("reviewed")
    if "reviewed" in data and not isinstance(reviewed, date):
        problems.append(Problem(path, at("reviewed"), "bad_type", {"key": "reviewed", "expected": "a date YYYY-MM-DD"}))
    legal = data.get("legal")
    if "legal" in data and not isinstance(legal, bool):
        problems.append(Problem(path, at("legal"), "bad_type", {"key": "legal", "expected": "true or false"}))
    source_at = [{k: 1 + v for k, v in item.items()} for item in source_lines]
    sources = _parse_sources(data.get("sources"), "sources" in data, path, at("sources"), source_at, problems)
    if not body.strip():
        problems.append(Problem(path, body_line, "empty_body"))

    if any(p.is_error for p in problems):
        return None, problems
    guide = Guide(
        slug=slug,
        lang=lang,
        title=title,
        summary=summary,
        category=str(category),
        order=int(order),  # type: ignore[arg-type]
        keywords=tuple(str(k).strip() for k in keywords or ()),
        reviewed=reviewed,  # type: ignore[arg-type]
        legal=bool(legal),
        sources=sources,
        body=body.strip("\n"),
        path=path,
        body_line=body_line + (len(body) - len(body.lstrip("\n"))),
    )
    return guide, problems


def _parse_sources(
    raw: Any, present: bool, path: str, line: int, item_lines: list[dict[str, int]], problems: list[Problem]
) -> tuple[Source, ...]:
    if not present:
        return ()
    expected = "a list of {title, url, date}"
    if not isinstance(raw, list):
        problems.append(Problem(path, line, "bad_type", {"key": "sources", "expected": expected}))
        return ()
    sources: list[Source] = []
    for i, item in enumerate(raw):
        lines = item_lines[i] if i < len(item_lines) else {}
        item_line = lines.get("", line)
        if not isinstance(item, dict) or set(item) - set(SOURCE_KEYS) or not {"title", "url"} <= set(item):
            problems.append(Problem(path, item_line, "bad_type", {"key": "sources", "expected": expected}))
            continue
        title, url, when = item.get("title"), item.get("url"), item.get("date")
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem(path, item_line, "bad_type", {"key": "sources.title", "expected": "text"}))
            continue
        if not isinstance(url, str) or not re.match(r"^https://[^\s/]+\.[^\s/]+", url):
            problems.append(Problem(path, lines.get("url", item_line), "bad_url", {"detail": str(url)}))
            continue
        if when is not None and not isinstance(when, date):
            where = lines.get("date", item_line)
            problems.append(Problem(path, where, "bad_type", {"key": "sources.date", "expected": "YYYY-MM-DD"}))
            continue
        sources.append(Source(title.strip(), url.strip(), when))
    return tuple(sources)


def read_guide_file(path: Path, *, root: Path | None = None) -> tuple[Guide | None, list[Problem]]:
    """Read `<root>/<lang>/<slug>.md`."""
    shown = str(path if root is None else path.relative_to(root.parent) if root.parent in path.parents else path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, "unreadable", {"detail": exc.strerror or str(exc)})]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "not_utf8")]
    return parse_guide(text, slug=path.stem, lang=path.parent.name, path=shown)


@dataclass
class Catalogue:
    """All loaded guides: slug → language → Guide."""

    guides: dict[str, dict[str, Guide]] = field(default_factory=dict)

    @classmethod
    def of(cls, guides: Iterable[Guide]) -> Catalogue:
        cat = cls()
        for g in guides:
            cat.guides.setdefault(g.slug, {})[g.lang] = g
        return cat

    def __contains__(self, slug: object) -> bool:
        return slug in self.guides

    def __len__(self) -> int:
        return len(self.guides)

    def __iter__(self) -> Iterator[Guide]:
        for versions in self.guides.values():
            yield from versions.values()

    def slugs(self) -> list[str]:
        return sorted(self.guides)

    def get(self, slug: str, lang: str, default_language: str = "ru") -> tuple[Guide, bool] | None:
        """The guide in `lang`, or another language's version; the flag says whether it is a fallback."""
        versions = self.guides.get(slug)
        if not versions:
            return None
        for candidate in (lang, default_language, *LANGUAGES):
            if candidate in versions:
                return versions[candidate], candidate != lang
        return None

    def by_category(self, lang: str, default_language: str = "ru") -> list[tuple[str, list[Guide]]]:
        """Categories in menu order with their guides (best available language), each sorted by order then title."""
        grouped: dict[str, list[Guide]] = {}
        for slug in self.guides:
            found = self.get(slug, lang, default_language)
            if found:
                grouped.setdefault(found[0].category, []).append(found[0])
        return [
            (cat, sorted(grouped[cat], key=lambda g: (g.order, g.title.casefold())))
            for cat in CATEGORIES
            if cat in grouped
        ]


@dataclass
class LoadResult(Problems):
    catalogue: Catalogue
    problems: list[Problem]


def guide_files(content_dir: Path) -> list[Path]:
    return sorted(p for p in content_dir.glob("*/*.md") if p.is_file())


def load_catalogue(content_dir: Path) -> LoadResult:
    """Load every `<lang>/<slug>.md` under content_dir; broken files are reported and skipped."""
    problems: list[Problem] = []
    guides: list[Guide] = []
    if not content_dir.is_dir():
        return LoadResult(Catalogue(), [Problem(str(content_dir), 1, "unreadable", {"detail": "no such folder"})])
    for path in guide_files(content_dir):
        guide, found = read_guide_file(path, root=content_dir)
        problems.extend(found)
        if guide is not None:
            guides.append(guide)
    return LoadResult(Catalogue.of(guides), problems)
