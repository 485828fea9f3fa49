"""qgis_process and signals: a run stopped with SIGTERM leaves nothing; one killed with SIGKILL leaves
temporary files that the next run removes (core/run_outputs.py through the adapter base class)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import QGIS_PROCESS

MARK = ".gimpo-"


def _start(folder: Path, cache: Path) -> subprocess.Popen:
    """A sample city big enough to be caught while it writes (each file under a temporary name first)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.Popen(
        [str(QGIS_PROCESS), "run", "gimpo:createsamplecity", "--", "PARCELS=20000", f"OUTPUT_FOLDER={folder}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_for_a_temporary_file(child: subprocess.Popen, folder: Path) -> bool:
    """Polls (no time limit asserted) until the run has a temporary file in ``folder`` or has ended."""
    while child.poll() is None:
        if folder.is_dir() and any(MARK in p.name for p in folder.iterdir()):
            return True
        os.sched_yield()
    return False


def _qgis_process_bin(wrapper: int) -> int:
    """The qgis_process.bin child of the bin/qgis_process script."""
    children = Path(f"/proc/{wrapper}/task/{wrapper}/children").read_text().split()
    for pid in map(int, children):
        if b"qgis_process.bin" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise AssertionError(f"no qgis_process.bin under {wrapper}: {children}")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_stopped_run_leaves_no_temporary_file(tmp_path, stop):
    folder, cache = tmp_path / "city", tmp_path / "cache"
    child = _start(folder, cache)
    if not _wait_for_a_temporary_file(child, folder):
        pytest.skip("the run ended before a temporary file could be seen")
    if stop == signal.SIGKILL:  # SIGKILL cannot be passed on by the wrapper script: kill qgis_process.bin itself
        os.kill(_qgis_process_bin(child.pid), signal.SIGKILL)
    else:
        child.send_signal(stop)
    child.wait()
    left = [p.name for p in folder.iterdir() if MARK in p.name]
    if stop == signal.SIGTERM:
        assert child.returncode != 0
        assert not left, f"SIGTERM left {left}"
        assert not [p for p in folder.iterdir() if p.suffix == ".gpkg"], "a half run's GeoPackage was committed"
        return
    assert left  # SIGKILL cannot be handled: the next run cleans up
    rerun = subprocess.run(
        [str(QGIS_PROCESS), "run", "gimpo:createsamplecity", "--", "PARCELS=300", f"OUTPUT_FOLDER={tmp_path / 'x'}"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert not [p.name for p in folder.iterdir() if MARK in p.name]
