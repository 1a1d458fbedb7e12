"""Print sphinx-gallery's time for each example (from its ``*.cost.json``) against the 30 s budget.

Run by ``make site`` after the English build: ``python docs/_ext/gallery_times.py docs/auto_examples``.
A report, not a test: timings depend on the machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BUDGET_S = 30.0


def report(gallery: Path) -> list[str]:
    lines = []
    total = 0.0
    for cost in sorted(gallery.rglob("*.cost.json")):
        seconds = json.loads(cost.read_text())["time"]
        total += seconds
        flag = "  OVER BUDGET" if seconds > BUDGET_S else ""
        name = cost.relative_to(gallery).as_posix().removesuffix(".cost.json") + ".py"
        lines.append(f"  {name:<55} {seconds:6.1f} s{flag}")
    lines.append(f"  {'all examples':<55} {total:6.1f} s (budget {BUDGET_S:.0f} s each)")
    return lines


if __name__ == "__main__":
    print("Gallery examples, time of their last execution:")
    print("\n".join(report(Path(sys.argv[1]))))
