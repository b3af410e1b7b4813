"""The guide texts in force: the files in content/, overlaid by the revisions volunteers published in the bot.

Pure functions over texts, so start-up, /reload, SIGHUP, /export and `python -m bot content export` all agree on
what "the current content" is. The database is read by the callers and passed in as {(slug, lang): (id, text)}.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content_check import check_guide
from bot.guides import Catalogue, Guide, LoadResult, Problem, guide_files, parse_guide

Key = tuple[str, str]  # (slug, lang)
Published = Mapping[Key, tuple[int, str]]  # (slug, lang) → (revision id, full text)


@dataclass(frozen=True)
class GuideText:
    """One guide file's text, from content/ or from a published revision."""

    slug: str
    lang: str
    text: str | None  # None: the file cannot be read or is not UTF-8 (see `problem`)
    path: str  # shown in problem reports: "content/ru/iin.md" or "ru/iin.md (revision 12)"
    revision: int | None = None
    problem: Problem | None = None

    @property
    def key(self) -> Key:
        return (self.slug, self.lang)

    @property
    def file_name(self) -> str:
        """Where the text lives in content/ (and in an export): `<lang>/<slug>.md`."""
        return f"{self.lang}/{self.slug}.md"


def read_files(content_dir: Path) -> dict[Key, GuideText]:
    texts: dict[Key, GuideText] = {}
    for path in guide_files(content_dir):
        slug, lang = path.stem, path.parent.name
        shown = f"{content_dir.name}/{lang}/{path.name}"
        try:
            text: str | None = path.read_bytes().decode("utf-8-sig")
            problem = None
        except OSError as exc:
            text, problem = None, Problem(shown, 1, "unreadable", {"detail": exc.strerror or str(exc)})
        except UnicodeDecodeError:
            text, problem = None, Problem(shown, 1, "not_utf8")
        texts[(slug, lang)] = GuideText(slug, lang, text, shown, problem=problem)
    return texts


def overlay(files: Mapping[Key, GuideText], published: Published) -> dict[Key, GuideText]:
    """The files, with every guide that has a published revision replaced by that revision's text."""
    texts = dict(files)
    for (slug, lang), (revision_id, text) in published.items():
        texts[(slug, lang)] = GuideText(slug, lang, text, f"{lang}/{slug}.md (revision {revision_id})", revision_id)
    return dict(sorted(texts.items()))


def current_texts(content_dir: Path, published: Published) -> dict[Key, GuideText]:
    return overlay(read_files(content_dir), published)


def newer_files(files: Mapping[Key, GuideText], published: Published) -> list[Key]:
    """Guides whose file in content/ was reviewed later than the published revision that overlays it.

    Published revisions win over files, so an edit made in the repository after a publish would stay hidden without
    a word; this names them, so that a volunteer uploads the file (publishing it) or the overlay is rolled back."""
    found: list[Key] = []
    for key, (revision_id, text) in published.items():
        source = files.get(key)
        if source is None or source.text is None:
            continue
        on_disk, _problems = parse_text(source)
        shown, _problems = parse_text(GuideText(key[0], key[1], text, f"revision {revision_id}", revision_id))
        if on_disk is not None and shown is not None and on_disk.reviewed > shown.reviewed:
            found.append(key)
    return sorted(found)


def parse_text(source: GuideText) -> tuple[Guide | None, list[Problem]]:
    if source.text is None:
        return None, [source.problem] if source.problem else []
    return parse_guide(source.text, slug=source.slug, lang=source.lang, path=source.path)


def parse_texts(texts: Mapping[Key, GuideText]) -> LoadResult:
    """Start-up loading: every readable guide; broken ones are reported and skipped, as for plain files."""
    problems: list[Problem] = []
    guides: list[Guide] = []
    for source in texts.values():
        guide, found = parse_text(source)
        problems.extend(found)
        if guide is not None:
            guides.append(guide)
    return LoadResult(Catalogue.of(guides), problems)


@dataclass
class ReloadResult:
    """A validated reload: the catalogue and texts to swap in, the problems found, and what was kept."""

    result: LoadResult
    texts: dict[Key, GuideText]
    kept: list[Key] = field(default_factory=list)  # broken now, so the working version stays
    skipped: list[Key] = field(default_factory=list)  # broken and never worked: not shown to readers
    newer_files: list[Key] = field(default_factory=list)  # content/ reviewed later than the revision readers see

    @property
    def errors(self) -> list[Problem]:
        return self.result.errors


def validate_reload(
    texts: Mapping[Key, GuideText],
    previous: Mapping[Key, GuideText],
    previous_catalogue: Catalogue,
    *,
    today: date,
    disclaimer: Callable[[str], str] | None = None,
) -> ReloadResult:
    """Validate every text with the content validator before anything is swapped in.

    A text with errors never replaces a working version: the previous guide and its text stay in force.
    """
    known = {slug for slug, _lang in texts} | set(previous_catalogue.guides)
    problems: list[Problem] = []
    guides: list[Guide] = []
    kept_texts: dict[Key, GuideText] = {}
    reload = ReloadResult(LoadResult(Catalogue(), problems), kept_texts)
    for key, source in texts.items():
        guide, found = parse_text(source)
        if guide is not None:
            found = found + check_guide(guide, known_slugs=known, today=today, disclaimer=disclaimer)
        problems.extend(found)
        if guide is not None and not any(p.is_error for p in found):
            guides.append(guide)
            kept_texts[key] = source
            continue
        old = previous_catalogue.guides.get(key[0], {}).get(key[1])
        if old is not None and key in previous:
            guides.append(old)
            kept_texts[key] = previous[key]
            reload.kept.append(key)
        else:
            reload.skipped.append(key)
    reload.result = LoadResult(Catalogue.of(guides), problems)
    return reload


def export_zip(texts: Mapping[Key, GuideText]) -> bytes:
    """A zip in the layout of content/ (`<lang>/<slug>.md`), so it can be unpacked over the repository's folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in texts.values():
            if source.text is not None:
                archive.writestr(source.file_name, source.text)
    return buffer.getvalue()


def export_dir(texts: Mapping[Key, GuideText], target: Path) -> int:
    """Write every text to `<target>/<lang>/<slug>.md`; returns the number of files written."""
    written = 0
    for source in texts.values():
        if source.text is None:
            continue
        path = target / source.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source.text, encoding="utf-8")
        written += 1
    return written
