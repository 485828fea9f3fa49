"""`make bench`: run every benchmarks/bench_*.py (each defines ``run(report)``) and print the ratios.

Select some with BENCH=heatmap,ledger (substrings of the module names).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Report, warm_machine_memory  # noqa: E402


def main() -> int:
    wanted = [w for w in os.environ.get("BENCH", "").split(",") if w]
    report = Report()
    warm_machine_memory()
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        if wanted and not any(w in path.stem for w in wanted):
            continue
        print(f"[bench] {path.stem}", flush=True)
        importlib.import_module(f"benchmarks.{path.stem}").run(report)
    report.print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
