"""The content validator: everything a guide must satisfy before readers see it.

Used by `python -m bot content check`, by `make test`, and by the volunteer upload flow, so a volunteer's file is
judged by exactly the rules CI applies. Errors block publishing; warnings (an old review date) only remind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import LANGUAGES
from bot.guides import Catalogue, Guide, Problem, Problems, guide_files, read_guide_file
from bot.render import find_markdown_issues, guide_links, markdown_to_html, message_problem, split_html

STALE_DAYS = 180
STALE_DAYS_LEGAL = 90
EMERGENCY_SLUG = "emergency"
LANGUAGE_NAMES_EN = {"ru": "Russian", "kk": "Kazakh", "en": "English"}


@dataclass
class Report(Problems):
    catalogue: Catalogue
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        guides: dict[str, dict[str, Any]] = {}
        for guide in self.catalogue:
            guides.setdefault(guide.slug, {})[guide.lang] = {
                "title": guide.title,
                "reviewed": guide.reviewed.isoformat(),
                "sources": len(guide.sources),
                "legal": guide.legal,
            }
        return {
            "guides": {slug: dict(sorted(v.items())) for slug, v in sorted(guides.items())},
            "errors": [str(p) for p in self.errors],
            "warnings": [str(p) for p in self.warnings],
        }


def check_guide(
    guide: Guide,
    *,
    known_slugs: set[str],
    today: date,
    disclaimer: Callable[[str], str] | None = None,
) -> list[Problem]:
    """Checks of one parsed guide that go beyond its front matter."""
    problems: list[Problem] = []

    def at(body_line: int) -> int:
        return guide.body_line + body_line - 1

    for issue in find_markdown_issues(guide.body):
        problems.append(Problem(guide.path, at(issue.line), issue.code, {"detail": issue.detail}))
    for line, slug in guide_links(guide.body):
        if slug not in known_slugs:
            problems.append(Problem(guide.path, at(line), "unknown_guide", {"detail": slug}))

    parts = split_html(markdown_to_html(guide.body, guide_link=lambda s: f"https://t.me/bot?start={s}"))
    for part in parts:
        problem = message_problem(part)
        if problem:
            problems.append(Problem(guide.path, guide.body_line, "render", {"detail": problem}))
            break
    if guide.slug == EMERGENCY_SLUG and len(parts) > 1:
        problems.append(Problem(guide.path, guide.body_line, "emergency_too_long", {"parts": len(parts)}))

    if guide.reviewed > today:
        problems.append(Problem(guide.path, 1, "reviewed_future", {"detail": guide.reviewed.isoformat()}))
    else:
        limit = STALE_DAYS_LEGAL if guide.legal else STALE_DAYS
        age = (today - guide.reviewed).days
        if age > limit:
            problems.append(Problem(guide.path, 1, "stale", {"days": age, "limit": limit}, severity="warning"))
    if guide.legal:
        if not guide.sources:
            problems.append(Problem(guide.path, 1, "legal_no_source"))
        # The disclaimer is added by the bot from the interface catalogue; check it exists in this language.
        if disclaimer is not None and not disclaimer(guide.lang).strip():
            problems.append(Problem(guide.path, 1, "no_disclaimer", {"language": guide.lang}))
    return problems


def check_content(content_dir: Path, *, today: date, disclaimer: Callable[[str], str] | None = None) -> Report:
    """Validate every guide under content_dir."""
    problems: list[Problem] = []
    guides: list[Guide] = []
    for path in guide_files(content_dir):
        guide, found = read_guide_file(path, root=content_dir)
        problems.extend(found)
        if guide is not None:
            guides.append(guide)
    catalogue = Catalogue.of(guides)
    known = set(catalogue.guides)
    # A slug whose every version is broken is still "known" for links: the broken file is already reported.
    known |= {p.stem for p in guide_files(content_dir)}
    for guide in guides:
        problems.extend(check_guide(guide, known_slugs=known, today=today, disclaimer=disclaimer))
    for slug, versions in sorted(catalogue.guides.items()):
        for lang in LANGUAGES:
            if lang not in versions:
                where = next(iter(versions.values())).path
                params = {"slug": slug, "language": LANGUAGE_NAMES_EN[lang]}
                problems.append(Problem(where, 1, "missing_translation", params))
    problems.sort(key=lambda p: (p.path, p.line, p.code))
    return Report(catalogue, problems)


def print_report(report: Report, *, as_json: bool, out: Any) -> int:
    if as_json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in report.errors:
            out.write(f"{problem}\n")
        for problem in report.warnings:
            out.write(f"{problem.path}:{problem.line}: warning: {problem.message}\n")
        files = sum(1 for _ in report.catalogue)
        out.write(
            f"{len(report.catalogue)} guides, {files} files: {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings\n"
        )
    return 1 if report.errors else 0
