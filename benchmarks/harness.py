"""Shared tools for `make bench`: sample cities cached by size, whole-process timing with /usr/bin/time,
and a report that prints each comparison as a ratio.

Timing a whole ``qgis_process`` run (start-up included) is what a planner's batch pays, so both sides
of a comparison are measured the same way: ``/usr/bin/time -f`` gives wall seconds and peak memory.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "build" / "bench"
QGIS_PROCESS = ROOT / "bin" / "qgis_process"


@dataclass
class Measurement:
    wall_s: float
    peak_mb: float
    returncode: int
    results: dict = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system seconds (median of the runs): what the run cost a shared machine


def timed(command: list[str], repeat: int = 1) -> Measurement:
    """Run ``command`` ``repeat`` times under /usr/bin/time; the median wall time and the max memory."""
    walls, peaks, cpus, code, results = [], [], [], 0, {}
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%e %M %U %S", "-o", stats.name, *command],
                capture_output=True,
                text=True,
                check=False,
            )
            wall, peak_kb, user, system = stats.read().split()[-4:]
        walls.append(float(wall))
        peaks.append(float(peak_kb) / 1024)
        cpus.append(float(user) + float(system))
        code = done.returncode
        if code != 0:
            raise RuntimeError(
                f"{' '.join(command[:4])} ... failed ({code}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        if "--json" in command:
            results = json.loads(done.stdout).get("results", {})
    return Measurement(statistics.median(walls), max(peaks), code, results, statistics.median(cpus))


def qgis_run(algorithm: str, repeat: int = 1, **parameters: object) -> Measurement:
    args = [str(QGIS_PROCESS), "--json", "run", algorithm, "--", *(f"{k}={v}" for k, v in parameters.items())]
    return timed(args, repeat)


def python_script(name: str, *args: str) -> dict:
    """Run benchmarks/<name> in a fresh Python (the venv sees PyQGIS); its last stdout line as JSON."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_machine_memory(gigabytes: float = 3.0) -> None:
    """Touch ``gigabytes`` of memory once, in a throw-away process, before anything is timed.

    These machines are virtual and back their memory lazily: the first touch of a page the machine has
    never used costs about 2.5 ms per MB (400 MB: 0.96 s on a fresh machine, 0.08 s the third time), and
    afterwards the kernel hands the same warm pages to later processes. Without this step whichever
    contender runs first on a new machine, or uses more memory, pays for the machine being new.
    """
    subprocess.run([sys.executable, "-c", f"import numpy; numpy.ones(int({gigabytes} * 2**30 / 8))"], check=True)


def qgis_inprocess(
    runs: list[tuple[str, str, dict]], warmup: list[tuple[str, dict]] = (), repeat: int = 1
) -> dict[str, list[float]]:
    """Seconds of every (name, algorithm, parameters) run by processing.run in one QGIS process, in order.

    See benchmarks/inprocess.py: start-up excluded, warm-up first, runs alternating ``repeat`` times.
    """
    plan = {"warmup": [list(w) for w in warmup], "runs": [list(r) for r in runs], "repeat": repeat}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
        json.dump(plan, handle, default=str)
        handle.flush()
        return python_script("inprocess.py", handle.name)


def sample_city(parcels: int, seed: int = 41570) -> Path:
    """A sample city folder of this size, generated once and cached under build/bench."""
    folder = BENCH_DIR / f"city_{parcels}_{seed}"
    if not (folder / "gimpo_sample_city.gpkg").exists():
        print(f"[bench] generating a {parcels:,}-parcel sample city (cached in {folder})", flush=True)
        qgis_run("gimpo:createsamplecity", PARCELS=parcels, SEED=seed, WRITE_XLSX="false", OUTPUT_FOLDER=folder)
    return folder


@dataclass
class Report:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def ratio(self, name: str, ours: Measurement, theirs: Measurement, target: str) -> float:
        value = ours.wall_s / theirs.wall_s
        self.rows.append(
            (
                name,
                f"{ours.wall_s:.2f} s / {theirs.wall_s:.2f} s",
                f"{value:.3f}",
                f"{target}; peak {ours.peak_mb:.0f} MB" if ours.peak_mb else target,
            )
        )
        return value

    def figure(self, name: str, value: str, target: str) -> None:
        self.rows.append((name, value, "", target))

    def print(self) -> None:
        width = max((len(r[0]) for r in self.rows), default=10)
        print(f"\n{'benchmark':<{width}}  {'ours / QGIS (or value)':<28}  {'ratio':>7}  target")
        for name, figures, ratio, target in self.rows:
            print(f"{name:<{width}}  {figures:<28}  {ratio:>7}  {target}")


def cpu_count() -> int:
    return os.cpu_count() or 1
