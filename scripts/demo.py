"""`make demo`: build the sample city and run the pipeline through qgis_process, then write a QGIS
project (out/gimpo_demo.qgz) with every output layer, styled, and a rendered picture of it.

Each feature adds its step as a file ``scripts/demo_steps/NN_name.json`` (title, algorithm, parameters),
run in file-name order, so features add steps without editing a shared list. In parameter values
``{city}`` is the sample city folder and ``{out}`` the output folder. Steps run through bin/qgis_process
exactly as a planner's batch would; any failure stops the demo with its message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out"
CITY = OUT / "city"
STEPS_DIR = Path(__file__).resolve().parent / "demo_steps"


def load_steps() -> list[tuple[str, str, dict[str, object]]]:
    """(title, algorithm, parameters) of every step file, in file-name order."""
    steps = []
    for path in sorted(STEPS_DIR.glob("*.json")):
        step = json.loads(path.read_text(encoding="utf-8"))
        steps.append((step["title"], step["algorithm"], step["parameters"]))
    return steps


def run_step(title: str, algorithm: str, parameters: dict[str, object]) -> dict[str, object]:
    # A list value (a multiple-layers parameter) is passed as the key repeated, as qgis_process takes it.
    values = [(k, str(item).format(city=CITY, out=OUT)) for k, v in parameters.items()
              for item in (v if isinstance(v, list) else [v])]  # fmt: skip
    print(f"[demo] {title}: {algorithm}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(ROOT / "bin" / "qgis_process"),
            "--json",
            "run",
            algorithm,
            "--",
            *(f"{k}={v}" for k, v in values),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"[demo] {algorithm} failed with exit code {done.returncode}")
    print(f"[demo]   done in {time.perf_counter() - started:.1f} s", flush=True)
    return json.loads(done.stdout)["results"]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for title, algorithm, parameters in load_steps():
        run_step(title, algorithm, parameters)
    from demo_project import build_project

    project, picture = build_project(OUT)
    print(f"[demo] open {project} in QGIS (picture: {picture})")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
