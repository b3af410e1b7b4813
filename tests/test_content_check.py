"""The content validator: each rule, the line it points at, the exit code and the JSON shape."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.content_check import check_content
from tests.conftest import write_guide

TODAY = date(2026, 11, 24)


def three(root: Path, slug: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    for lang in ("ru", "kk", "en"):
        write_guide(root, lang, slug, **kwargs)


def messages(root: Path, today: date = TODAY) -> list[str]:
    report = check_content(root, today=today)
    return [str(p) if p.severity == "error" else f"{p}  [warning]" for p in report.problems]


def test_clean_content_has_no_problems(tmp_path: Path) -> None:
    three(tmp_path, "iin")
    assert messages(tmp_path) == []


def test_missing_translation(tmp_path: Path) -> None:
    write_guide(tmp_path, "ru", "iin")
    write_guide(tmp_path, "en", "iin")
    assert messages(tmp_path) == [f"{tmp_path.name}/en/iin.md:1: guide 'iin' has no Kazakh version"]


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("Intro.\n\n| a | b |\n|---|---|\n| 1 | 2 |", 16, "tables do not display"),
        ("Intro.\n\n<script>alert(1)</script>", 16, "raw HTML is not allowed"),
        ("Intro.\n\n![map](https://x.kz/a.png)", 16, "images are not shown"),
        ("# Big title\n\ntext", 14, "use '##' for headings"),
        ("See [site](http://egov.kz).", 14, "links must use https://"),
        ("See [x](javascript:alert(1)).", 14, "cannot be opened from Telegram"),
        ("Intro.\n\nSee [the guide](guide:nope).", 16, "link to a guide that does not exist: guide:nope"),
        ("- a\n  - b\n    - c", 16, "nested one level deep"),
    ],
)
def test_markdown_problems_point_at_the_file_line(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    three(tmp_path, "iin", body=body)
    found = [m for m in messages(tmp_path) if m.startswith("en/iin.md:") or "/en/iin.md:" in m]
    assert any(f"iin.md:{line}: " in m and fragment in m for m in found), found


def test_links_between_guides_resolve(tmp_path: Path) -> None:
    three(tmp_path, "iin", body="See [bank](guide:bank-account).")
    three(tmp_path, "bank-account")
    assert messages(tmp_path) == []


def test_review_dates(tmp_path: Path) -> None:
    three(tmp_path, "iin")  # reviewed 2026-11-01
    assert any("'reviewed' is in the future" in m for m in messages(tmp_path, today=date(2026, 10, 1)))
    stale = messages(tmp_path, today=date(2027, 6, 1))
    assert stale and all(m.endswith("[warning]") and "(limit: 180 days)" in m for m in stale)
    legal = tmp_path / "legal"
    three(legal, "detention", legal=True)
    warned = messages(legal, today=date(2027, 2, 10))  # 101 days: too old for a legal guide only
    assert warned and all("(limit: 90 days)" in m for m in warned)


def test_legal_guide_needs_sources_and_disclaimer(tmp_path: Path) -> None:
    three(tmp_path, "detention", legal=True)
    for path in tmp_path.glob("*/detention.md"):
        text = path.read_text()
        path.write_text(text.split("sources:")[0] + "sources: []\n---\nBody.\n")
    report = check_content(tmp_path, today=TODAY, disclaimer=lambda lang: "" if lang == "kk" else "⚖️ …")
    codes = sorted((Path(p.path).parent.name, p.code) for p in report.errors)
    assert codes == [("en", "legal_no_source"), ("kk", "legal_no_source"), ("kk", "no_disclaimer"),
                     ("ru", "legal_no_source")]  # fmt: skip


def test_emergency_guide_must_fit_one_message(tmp_path: Path) -> None:
    three(tmp_path, "emergency", category="help", body="\n\n".join(["Call 112 now. " * 40] * 12))
    assert any("must fit in one message" in m for m in messages(tmp_path))


def test_cli_exit_codes_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    three(tmp_path, "iin")
    three(tmp_path, "detention", legal=True, category="legal")
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["content", "check"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 guides, 6 files: 0 errors, 0 warnings")
    assert main(["content", "check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == [] and data["warnings"] == []
    assert data["guides"]["detention"]["kk"] == {
        "title": "detention (kk)", "reviewed": "2026-11-01", "sources": 1, "legal": True,
    }  # fmt: skip
    (tmp_path / "en" / "iin.md").write_text("no front matter")
    assert main(["content", "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{tmp_path.name}/en/iin.md:1: the file must start with front matter") for line in out)
    assert main(["content", "check", "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["errors"]) == 2  # the broken file, and iin lacks English now


def test_real_content_passes_the_validator() -> None:
    report = check_content(Path(__file__).resolve().parent.parent / "content", today=TODAY)
    assert [str(p) for p in report.errors] == []
    assert len(report.catalogue) >= 12
