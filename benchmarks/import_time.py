"""Import time: ``import smskit`` and ``from smskit import analyze`` against ``import json``.

Run: ``.venv/bin/python benchmarks/import_time.py [--runs N] [--source DIR]``

A trainer's first cell is ``from smskit import analyze``; it must not pay for the database,
pandas, twilio or matplotlib. Each statement runs in a fresh interpreter (``python -X importtime``
would count only imports; we time the whole statement, as the user waits for it), ``--runs`` times,
and the median is reported next to ``import json`` from the standard library timed in the same
run. ``--source`` measures another checkout (e.g. an older commit in a ``git worktree``) with
this interpreter. Target (issue 10): ``from smskit import analyze`` under 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATEMENTS = {
    "import json (peer)": "import json",
    "import smskit": "import smskit",
    "from smskit import analyze": "from smskit import analyze",
    "from smskit import analyze; analyze(...)": "from smskit import analyze; analyze('Hi €')",
    "from smskit import plan (the database)": "from smskit import plan",
}
HEAVY = ("sqlalchemy", "pandas", "twilio", "matplotlib")
TARGET_MS = 150.0


def timed(statement: str, source: Path) -> tuple[float, list[str]]:
    """Seconds for ``statement`` in a fresh interpreter, and which heavy packages it loaded."""
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(source)!r})\n"
        "t = time.perf_counter()\n"
        f"{statement}\n"
        "elapsed = time.perf_counter() - t\n"
        f"print(elapsed, *[m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    ).stdout.split()
    return float(out[0]), out[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to import smskit from")
    args = parser.parse_args()
    medians: dict[str, float] = {}
    print(f"{'statement':42} {'median':>9} {'min':>9}  heavy packages loaded")
    for label, statement in STATEMENTS.items():
        runs = [timed(statement, args.source) for _ in range(args.runs)]
        times = [t for t, _ in runs]
        medians[label] = statistics.median(times)
        heavy = ", ".join(runs[0][1]) or "none"
        print(f"{label:42} {medians[label] * 1000:7.1f}ms {min(times) * 1000:7.1f}ms  {heavy}")
    peer = medians["import json (peer)"]
    analyze = medians["from smskit import analyze"]
    print(f"\nfrom smskit import analyze = {analyze / peer:.1f}x import json (same run)")
    met = analyze * 1000 < TARGET_MS
    print(f"target < {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'} ({analyze * 1000:.1f} ms)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
