"""`python -m bot search` and `python -m bot spamcheck` as the people who maintain the bot run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONTENT_DIR", "BOT_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, cwd=REPO, env=env,
        timeout=60, check=False,
    )  # fmt: skip


def test_search_with_a_question_prints_the_ranking() -> None:
    result = run("search", "как", "получить", "ИИН")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[1] == "iin"


def test_search_json_lines_from_stdin() -> None:
    result = run("search", stdin="how to open a bank account\nкакая погода завтра\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["how to open a bank account", "какая погода завтра"]
    assert lines[0]["results"][0]["slug"] == "bank-account" and lines[0]["answer"] == "bank-account"
    assert lines[1]["answer"] is None
    assert all(set(r) == {"slug", "score"} for line in lines for r in line["results"])


def test_spamcheck_json_lines() -> None:
    lines = [
        {"text": "Заработок от 500$ в день, пиши в лс", "new_member": True},
        {"text": "Подскажите, где ближайший ЦОН?", "new_member": True},
        {"text": "Мой ИИН 900101300123, помогите", "new_member": False},
    ]
    result = run("spamcheck", stdin="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["verdict"] for o in out][:2] == ["spam", "ok"]
    assert all(set(o) == {"verdict", "reasons"} for o in out)
    assert result.returncode == 0


def test_spamcheck_bad_line_is_reported_and_the_rest_judged() -> None:
    result = run("spamcheck", stdin='not json\n{"text": "привет", "new_member": false}\n')
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["verdict"] is None and out[0]["error"].startswith("line 1:")
    assert out[1] == {"verdict": "ok", "reasons": []}
    assert result.returncode == 1
