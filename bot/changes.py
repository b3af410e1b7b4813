"""A volunteer's uploaded guide file: which guide and language it is, whether it is usable, and what it changes.

Pure functions: the upload handler downloads the bytes and phrases the result; everything it decides is here.

Naming (phone-friendly; see CONTRIBUTING.md, "Updating a guide from your phone"):
- the guide is the file name without `.md` (`.markdown` and `.txt` are accepted too): `iin.md` → `iin`; the
  " (1)" a phone adds to a second download of the same file is ignored;
- the language is, first, a word in the caption (`kk`, `ru`, `en`); else a suffix in the name (`iin.kk.md`);
  else it is recognised from the text (Kazakh letters → kk, mostly Latin → en, otherwise ru). The preview always
  says which language it took, before anything is published.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.config import LANGUAGES
from bot.content_check import check_guide
from bot.guides import SLUG_MAX, SLUG_RE, FrontMatterError, Guide, Problem, Problems, parse_guide, split_front_matter

MAX_UPLOAD_BYTES = 256 * 1024
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
SOURCE_LANGUAGE = "ru"  # translations are made from the Russian guides
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
DIFF_LINES_SHOWN = 6


class UploadRefused(Exception):
    """The upload cannot become a draft; `code` selects the message the volunteer gets."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _prose(text: str) -> str:
    """What the guide says in its own language: title, summary and body, without front matter keys or URLs."""
    try:
        front, body, _line = split_front_matter(text, "")
    except FrontMatterError:
        front, body = "", text
    wanted = [line.split(":", 1)[1] for line in front.splitlines() if line.startswith(("title:", "summary:"))]
    return re.sub(r"\(?(?:https?|guide):\S+", " ", "\n".join([*wanted, body]))


def detect_language(text: str) -> str:
    letters = [c for c in _prose(text) if c.isalpha()]
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in letters if c.isascii())
    kazakh = sum(1 for c in letters if c in _KAZAKH_LETTERS)
    if cyrillic and kazakh >= max(3, cyrillic // 200):
        return "kk"
    if latin > cyrillic:
        return "en"
    return "ru"


def upload_name(file_name: str | None, caption: str | None) -> tuple[str, str | None]:
    """(slug, language or None) from the file name and caption; raises UploadRefused for a file that is not .md."""
    name = (file_name or "").strip()
    lowered = name.lower()
    suffix = next((s for s in MARKDOWN_SUFFIXES if lowered.endswith(s)), None)
    if suffix is None:
        raise UploadRefused("not_markdown")
    stem = _COPY_SUFFIX.sub("", name[: -len(suffix)]).strip().lower()
    lang: str | None = None
    if "." in stem:
        stem, _dot, tail = stem.rpartition(".")
        if tail not in LANGUAGES:
            raise UploadRefused("bad_name", name=name)
        lang = tail
    for word in (caption or "").lower().split():
        if word in LANGUAGES:
            lang = word
    if not SLUG_RE.match(stem) or len(stem) > SLUG_MAX:
        raise UploadRefused("bad_name", name=name)
    return stem, lang


def decode_upload(data: bytes) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused("too_large", limit=MAX_UPLOAD_BYTES // 1024)
    if b"\x00" in data:
        raise UploadRefused("not_markdown")  # a binary file (a photo, a .docx) renamed to .md
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused("not_utf8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Checked(Problems):
    """A parsed and validated upload: the guide (None when unusable) and every problem, errors first."""

    slug: str
    lang: str
    text: str
    guide: Guide | None
    problems: list[Problem] = field(default_factory=list)


def check_upload(
    text: str,
    *,
    slug: str,
    lang: str,
    file_name: str,
    known_slugs: set[str],
    today: date,
    disclaimer: Callable[[str], str] | None = None,
) -> Checked:
    """The same checks as `python -m bot content check` applies to a file in content/."""
    guide, problems = parse_guide(text, slug=slug, lang=lang, path=file_name)
    if guide is not None:
        problems = problems + check_guide(guide, known_slugs=known_slugs | {slug}, today=today, disclaimer=disclaimer)
    problems.sort(key=lambda p: (p.severity != "error", p.line))
    return Checked(slug, lang, text, guide if not any(p.is_error for p in problems) else None, problems)


@dataclass(frozen=True)
class Change:
    """What an upload changes against the version in force."""

    new_guide: bool  # no version in this language before
    lines_added: int
    lines_removed: int
    sections_added: tuple[str, ...]
    sections_removed: tuple[str, ...]
    fields_changed: tuple[str, ...]
    sample: tuple[str, ...]  # a few changed lines, "+ …" / "- …"

    @property
    def unchanged(self) -> bool:
        return not self.new_guide and not self.lines_added and not self.lines_removed


def _headings(body: str) -> list[str]:
    return [line.lstrip("#").strip() for line in body.splitlines() if re.match(r"^#{2,6}\s", line)]


def _front(text: str) -> tuple[str, str]:
    try:
        front, body, _line = split_front_matter(text, "")
    except FrontMatterError:
        return "", text
    return front, body


def _fields(front: str) -> dict[str, str]:
    """Top-level front matter keys with their raw text (enough to say which changed)."""
    fields: dict[str, list[str]] = {}
    current = ""
    for line in front.splitlines():
        match = re.match(r"^([A-Za-z_]+):", line)
        if match:
            current = match.group(1)
        fields.setdefault(current, []).append(line)
    return {k: "\n".join(v) for k, v in fields.items() if k}


def summarize_change(old: str | None, new: str) -> Change:
    if old is None:
        _front_new, body = _front(new)
        return Change(True, len(new.splitlines()), 0, tuple(_headings(body)), (), (), ())
    old_lines, new_lines = old.splitlines(), new.splitlines()
    added, removed, sample = 0, 0, []
    for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0):
        if line.startswith(("+++", "---", "@@")):
            continue
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            removed += 1
        if len(sample) < DIFF_LINES_SHOWN and line[1:].strip():
            sample.append(line[0] + " " + (line[1:].strip()[:80]))
    old_front, old_body = _front(old)
    new_front, new_body = _front(new)
    old_heads, new_heads = _headings(old_body), _headings(new_body)
    old_fields, new_fields = _fields(old_front), _fields(new_front)
    changed = tuple(sorted(k for k in set(old_fields) | set(new_fields) if old_fields.get(k) != new_fields.get(k)))
    return Change(
        new_guide=False,
        lines_added=added,
        lines_removed=removed,
        sections_added=tuple(h for h in new_heads if h not in old_heads),
        sections_removed=tuple(h for h in old_heads if h not in new_heads),
        fields_changed=changed,
        sample=tuple(sample),
    )
