from datetime import date
from pathlib import Path

import pytest

from bot.guides import load_catalogue, parse_guide
from tests.conftest import write_guide

GOOD = """---
title: Getting an IIN
summary: Where and how.
category: first-steps
order: 10
keywords: [iin, инн]
reviewed: 2026-11-01
legal: false
sources:
  - title: gov.kz
    url: https://www.gov.kz/situations/497
  - title: zakon.kz
    url: https://www.zakon.kz/
    date: 2024-03-15
---

Body **text**.
"""


def test_parse_good_guide() -> None:
    guide, problems = parse_guide(GOOD, slug="iin", lang="en", path="content/en/iin.md")
    assert problems == []
    assert guide is not None
    assert guide.title == "Getting an IIN"
    assert guide.keywords == ("iin", "инн")
    assert guide.reviewed == date(2026, 11, 1)
    assert guide.sources[1].date == date(2024, 3, 15)
    assert guide.sources[0].date is None
    assert guide.body == "Body **text**."
    assert guide.body_line == 17  # the body's first line in the file


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (("title: Getting an IIN", "title: 42"), 2, "'title' must be non-empty text"),
        (("category: first-steps", "category: misc"), 4, "'category' must be one of"),
        (("order: 10", "order: ten"), 5, "'order' must be a whole number"),
        (("reviewed: 2026-11-01", "reviewed: yesterday"), 7, "'reviewed' must be a date"),
        (("legal: false", "legal: maybe"), 8, "'legal' must be true or false"),
        (("legal: false", "legal: false\ncolour: red"), 9, "unknown front matter key 'colour'"),
        (("url: https://www.zakon.kz/", "url: http://www.zakon.kz/"), 13, "source URL must be an absolute https://"),
        (("summary: Where and how.", "summary: [unclosed"), 4, "front matter is not valid YAML"),
        (("summary: Where and how.\n", ""), 1, "front matter lacks 'summary'"),
    ],
)
def test_front_matter_errors_name_the_line(change: tuple[str, str], line: int, fragment: str) -> None:
    text = GOOD.replace(*change)
    guide, problems = parse_guide(text, slug="iin", lang="en", path="content/en/iin.md")
    assert guide is None
    assert any(str(p).startswith(f"content/en/iin.md:{line}: ") and fragment in str(p) for p in problems), problems


def test_missing_front_matter_and_empty_body() -> None:
    _, problems = parse_guide("Just text", slug="iin", lang="en", path="x.md")
    assert [p.code for p in problems] == ["no_front_matter"]
    _, problems = parse_guide(GOOD.split("\nBody")[0], slug="iin", lang="en", path="x.md")
    assert [p.code for p in problems] == ["empty_body"]


def test_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write_guide(root, "ru", "iin")
    write_guide(root, "en", "iin")
    broken = write_guide(root, "ru", "bank-account")
    broken.write_text(broken.read_text().replace("order: 10", "order: [", 1))
    (root / "en" / "bad.md").write_bytes(b"\xff\xfe not utf-8")
    (root / "de").mkdir()
    (root / "de" / "iin.md").write_text(GOOD)
    result = load_catalogue(root)
    assert sorted(result.catalogue.guides) == ["iin"]
    assert sorted(result.catalogue.guides["iin"]) == ["en", "ru"]
    messages = [str(p) for p in result.errors]
    assert any(m.startswith("content/ru/bank-account.md:") and "YAML" in m for m in messages), messages
    assert "content/en/bad.md:1: the file is not UTF-8 text" in messages
    assert any(m.startswith("content/de/iin.md:1: the folder must be one of ru, kk, en") for m in messages)


def test_fallback_language_and_categories(content_dir: Path) -> None:
    catalogue = load_catalogue(content_dir).catalogue
    found = catalogue.get("detention", "en")
    assert found is not None and found[0].lang == "ru" and found[1] is True
    guide, fallback = catalogue.get("iin", "kk")  # type: ignore[misc]
    assert (guide.lang, fallback) == ("kk", False)
    cats = [c for c, _ in catalogue.by_category("en")]
    assert cats == ["help", "legal", "first-steps"]  # menu order, not file order
    assert catalogue.get("nope", "ru") is None


def test_real_content_loads_without_errors() -> None:
    result = load_catalogue(Path(__file__).resolve().parent.parent / "content")
    assert result.errors == []
    for slug in ("iin", "emergency"):
        assert set(result.catalogue.guides[slug]) == {"ru", "kk", "en"}
