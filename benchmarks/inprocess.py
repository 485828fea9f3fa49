"""Time Processing algorithms side by side inside ONE QGIS process (``processing.run``), start-up excluded.

``qgis_process`` spends 1.5–2.5 s starting QGIS before any algorithm runs; for an algorithm that itself
takes about that long, a whole-process ratio measures QGIS's start-up more than the algorithm. Here
QGIS starts once, each algorithm first runs on a tiny input (imports, compiled-code caches), then the
timed runs alternate between the contenders so that a busy machine slows both alike.

Run as a script by benchmarks.harness.qgis_inprocess: argv[1] is a JSON file
``{"warmup": [[alg, params], ...], "runs": [[name, alg, params], ...], "repeat": n}``; prints one JSON
line ``{"name": [seconds, ...], ...}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(plan_path: str) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication, QgsProcessingFeedback

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from gimpo_gis_plugin.processing.provider import GimpoProvider

    provider = GimpoProvider()  # keep a reference: a collected Python provider loses its algorithms
    QgsApplication.processingRegistry().addProvider(provider)
    import processing

    plan = json.loads(Path(plan_path).read_text())
    for algorithm, parameters in plan.get("warmup", []):
        processing.run(algorithm, parameters, feedback=QgsProcessingFeedback())
    timings: dict[str, list[float]] = {}
    for _ in range(int(plan.get("repeat", 1))):
        for name, algorithm, parameters in plan["runs"]:
            start = time.perf_counter()
            processing.run(algorithm, parameters, feedback=QgsProcessingFeedback())
            timings.setdefault(name, []).append(time.perf_counter() - start)
    print(json.dumps(timings), flush=True)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
