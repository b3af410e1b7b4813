"""The offline demo, driven through a pipe exactly as the README shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_demo(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "CONTENT_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *args], input=script, capture_output=True, text=True, cwd=REPO,
        env=env, timeout=60, check=False,
    )  # fmt: skip


def test_piped_conversation_prints_and_exits() -> None:
    result = run_demo("/start\n3\n1\n/emergency\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you › /start" in out
    assert "[1] ✓ Русский   [2] Қазақша   [3] English" in out
    assert "⟨Language saved⟩" in out
    assert "📚 Choose a topic:" in out
    assert "112" in out.split("you › /emergency")[1]
    assert "Traceback" not in result.stderr


def test_pressing_buttons_reads_a_guide_in_kazakh() -> None:
    result = run_demo("/start\n2\n1\n3\n1\n", "--language-code", "kk")
    assert result.returncode == 0, result.stderr
    assert "[1] Русский   [2] ✓ Қазақша   [3] English" in result.stdout
    assert "ЖСН" in result.stdout.split("you › 1")[-1]


def test_numbers_without_buttons_and_unknown_text() -> None:
    result = run_demo("/start\n1\n9\nпривет\n")
    assert "(there is no button 9)" in result.stdout
    # Plain text is a question: nothing matches a greeting, so the bot says so and offers the topics.
    assert "Все темы" in result.stdout.split("you › привет")[1]


def test_demo_leaves_no_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["CONTENT_DIR"] = str(REPO / "content")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"], input="/start\n1\n", capture_output=True, text=True, cwd=tmp_path,
        env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
