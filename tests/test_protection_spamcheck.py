"""The spamcheck CLI core: JSON lines in, one JSON line out per input, errors reported per line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

from bot.protection.spamcheck import run_spamcheck

REPO = Path(__file__).resolve().parent.parent


def run(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = run_spamcheck(io.StringIO("\n".join(lines) + "\n"), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_good_lines() -> None:
    code, results = run(
        [
            json.dumps({"text": "Работа на дому, от 3000$ в неделю, пиши в лс", "new_member": True}),
            json.dumps({"text": "где найти работу в Алматы?", "new_member": True}),
            "",
            json.dumps({"text": "Мой ИИН 900101300126", "new_member": False}),
            json.dumps({"text": "Проверьте выплату на gov-kz.info", "new_member": False}),
            json.dumps({"text": "Спасибо!", "new_member": False, "label": "ham"}),  # extra keys are ignored
            json.dumps({"text": "Смотрите https://example.org/x"}),  # new_member left out: a regular member
        ]
    )
    assert code == 0
    assert [r["verdict"] for r in results] == ["spam", "ok", "pii", "spam", "ok", "ok"]
    assert all(list(r) == ["verdict", "reasons"] for r in results)
    assert results[1]["reasons"] == []
    assert results[2]["reasons"] == ["pii:iin"]
    assert results[3]["reasons"] == ["link:lookalike:gov-kz.info"]


def test_malformed_lines_are_reported_and_processing_goes_on() -> None:
    code, results = run(
        [
            "not json",
            "[1, 2]",
            json.dumps({"new_member": True}),
            json.dumps({"text": 5}),
            json.dumps({"text": "привет", "new_member": "yes"}),
            json.dumps({"text": "привет", "new_member": True}),
        ]
    )
    assert code == 1
    assert len(results) == 6
    for number, result in enumerate(results[:5], start=1):
        assert result["verdict"] is None
        assert result["reasons"] == []
        assert result["error"].startswith(f"line {number}: ")
    assert "JSON" in results[0]["error"]
    assert "text" in results[3]["error"]
    assert "new_member" in results[4]["error"]
    assert results[5] == {"verdict": "ok", "reasons": []}


def test_line_numbers_count_blank_lines_and_a_bom_is_ignored() -> None:
    code, results = run(["\ufeff" + json.dumps({"text": "привет"}), "", "   ", "{oops"])
    assert code == 1
    assert results[0] == {"verdict": "ok", "reasons": []}
    assert results[1]["error"].startswith("line 4: ")


def test_empty_input() -> None:
    assert run([]) == (0, [])


def test_thousands_of_lines_quickly() -> None:
    lines = [
        json.dumps({"text": f"Подскажите, где получить ИИН? Вопрос {i}", "new_member": i % 2 == 0}) for i in range(1500)
    ] + [json.dumps({"text": "Нужен человек для удалённого заработка, пишите + в лс", "new_member": True})] * 500
    start = time.perf_counter()
    code, results = run(lines)
    assert time.perf_counter() - start < 2.0
    assert code == 0 and len(results) == 2000
    assert results[-1]["verdict"] == "spam"


def test_module_entry_point_reads_bytes_as_utf8() -> None:
    data = json.dumps({"text": "Пишите в ЛС, доход от 500$ в день", "new_member": True}, ensure_ascii=False) + "\n"
    data_bytes = data.encode("utf-8") + b'{"text": "\xff\xfe broken"}\n'
    proc = subprocess.run(
        [sys.executable, "-m", "bot.protection.spamcheck"],
        input=data_bytes,
        capture_output=True,
        cwd=REPO,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["verdict"] for r in lines] == ["spam", "ok"]
