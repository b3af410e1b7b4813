"""`spamcheck`: judge JSON lines from standard input with the defaults a new chat gets.

Input, one object per line: {"text": "...", "new_member": true|false} ("new_member" may be left out: false;
other keys are ignored). Output, one line per non-blank input line, in order:

    {"verdict": "ok" | "spam" | "review" | "pii", "reasons": ["..."]}

A line that is not a JSON object, has no "text" string, or a non-boolean "new_member" gives
{"verdict": null, "reasons": [], "error": "line N: ..."} and processing goes on. Exit code 0 if every line was
fine, 1 otherwise.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any, TextIO

from bot.protection.config import DEFAULT, ProtectionConfig
from bot.protection.verdict import check_message


def _judge(line: str, number: int, config: ProtectionConfig) -> tuple[dict[str, Any], bool]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error(number, f"not valid JSON ({exc.msg} at column {exc.colno})"), False
    if not isinstance(item, dict):
        return _error(number, "expected a JSON object"), False
    text = item.get("text")
    if not isinstance(text, str):
        return _error(number, '"text" must be a string'), False
    new_member = item.get("new_member", False)
    if not isinstance(new_member, bool):
        return _error(number, '"new_member" must be true or false'), False
    verdict = check_message(text, new_member=new_member, config=config)
    return {"verdict": verdict.verdict, "reasons": list(verdict.reasons)}, True


def _error(number: int, message: str) -> dict[str, Any]:
    return {"verdict": None, "reasons": [], "error": f"line {number}: {message}"}


def run_spamcheck(stdin: TextIO, stdout: TextIO, config: ProtectionConfig = DEFAULT) -> int:
    """Judge every line of `stdin`, write one JSON line per judged line to `stdout`; 0 if all lines were fine."""
    all_fine = True
    write = stdout.write
    for number, raw in enumerate(stdin, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        result, fine = _judge(line, number, config)
        all_fine = all_fine and fine
        write(json.dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0 if all_fine else 1


def main() -> int:
    """Entry point for `python -m bot spamcheck`: UTF-8 in and out whatever the locale, undecodable bytes replaced
    (that line is judged as it reads, instead of the whole run failing)."""
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    try:
        return run_spamcheck(stdin, stdout)
    finally:
        stdout.flush()
        stdout.detach()


if __name__ == "__main__":
    raise SystemExit(main())
