"""Measure the spam filter: catch rate, false positives and speed.

Reads the reference samples (umputun/tg-spam, MIT; never copied into the project) from ../shared/data/tg-spam
beside the repository, or from --data DIR, and the project's own labelled fixtures from tests/. Prints:
- spam caught when sent by new members (target ≥ 90%),
- ordinary messages flagged when sent by regular members (target ≤ 1%) and by new members (target ≤ 5%),
- the same for the project's fixtures,
- verdicts per second on one core.

    .venv/bin/python benchmarks/spam.py [--data DIR] [--show-misses] [--show-flagged]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from bot.protection.verdict import check_message  # noqa: E402


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rate(messages: list[str], new_member: bool) -> tuple[float, Counter[str], list[tuple[str, str]]]:
    """Share of messages flagged (verdict other than ok), verdict counts, and the flagged ones."""
    counts: Counter[str] = Counter()
    flagged = []
    for text in messages:
        v = check_message(text, new_member=new_member)
        counts[v.verdict] += 1
        if v.verdict != "ok":
            flagged.append((text, ",".join(v.reasons)))
    share = 100.0 * (len(messages) - counts["ok"]) / max(1, len(messages))
    return share, counts, flagged


def _speed(messages: list[str], target: int = 6000, runs: int = 3) -> float:
    """Verdicts per second over `target` messages (half from new members), best of `runs` (as timeit does: the
    best run is the one least disturbed by other work on the machine)."""
    batch = (messages * (target // max(1, len(messages)) + 1))[:target]
    flags = [i % 2 == 0 for i in range(len(batch))]
    check_message("warm up", new_member=True)  # compiles the phrase lists once
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for text, new in zip(batch, flags, strict=True):
            check_message(text, new_member=new)
        best = min(best, time.perf_counter() - start)
    return len(batch) / best


def _fmt(counts: Counter[str]) -> str:
    return ", ".join(f"{k} {counts[k]}" for k in ("spam", "review", "pii") if counts[k])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "tg-spam")
    parser.add_argument("--show-misses", action="store_true", help="print spam lines that passed (shortened)")
    parser.add_argument("--show-flagged", action="store_true", help="print ordinary lines that were flagged")
    args = parser.parse_args(argv)

    spam_file, ham_file = args.data / "spam-samples.txt", args.data / "ham-samples.txt"
    speed_corpus: list[str] = []
    if spam_file.exists() and ham_file.exists():
        spam, ham = _lines(spam_file), _lines(ham_file)
        speed_corpus = spam + ham
        caught, c_spam, _ = _rate(spam, new_member=True)
        reg, c_reg, f_reg = _rate(ham, new_member=False)
        new, c_new, f_new = _rate(ham, new_member=True)
        print(f"reference samples ({args.data}): {len(spam)} spam, {len(ham)} ordinary")
        print(f"  spam caught, new members:        {caught:5.1f}%  ({_fmt(c_spam)})   target >= 90%")
        print(f"  ordinary flagged, regular:       {reg:5.1f}%  ({_fmt(c_reg) or 'none'})   target <= 1%")
        print(f"  ordinary flagged, new members:   {new:5.1f}%  ({_fmt(c_new) or 'none'})   target <= 5%")
        if args.show_misses:
            for text in spam:
                v = check_message(text, new_member=True)
                if v.verdict == "ok":
                    print(f"    missed (score {v.score}): {text[:160]}")
        if args.show_flagged:
            for label, flagged in (("regular", f_reg), ("new", f_new)):
                for text, why in flagged:
                    print(f"    flagged {label} [{why}]: {text[:160]}")
    else:
        print(f"reference samples not found in {args.data} (use --data DIR); skipping them")

    from test_protection_fixtures import HAM, SPAM  # the project's own labelled fixtures (tests/)

    f_spam_new, fc_spam, _ = _rate([t for t, _ in SPAM], new_member=True)
    f_spam_reg, _, _ = _rate([t for t, _ in SPAM], new_member=False)
    f_ham_reg, _, ff_reg = _rate(HAM, new_member=False)
    f_ham_new, _, ff_new = _rate(HAM, new_member=True)
    print(f"project fixtures: {len(SPAM)} spam (ru/kk/en, phishing), {len(HAM)} ordinary")
    print(f"  spam caught, new / regular:      {f_spam_new:5.1f}% / {f_spam_reg:5.1f}%  ({_fmt(fc_spam)})")
    print(f"  ordinary flagged, regular / new: {f_ham_reg:5.1f}% / {f_ham_new:5.1f}%")
    if args.show_flagged:
        for text, why in ff_reg + ff_new:
            print(f"    flagged fixture [{why}]: {text[:160]}")

    corpus = speed_corpus or [t for t, _ in SPAM] + HAM
    rate = _speed(corpus)
    print(f"speed: {rate:,.0f} verdicts/s on one core (6,000 verdicts over {len(corpus)} distinct messages, best of 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
