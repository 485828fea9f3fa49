"""One run's outputs appear together or not at all (core/run_outputs.py): rollback, whole folders,
SIGTERM, and recovery of a run killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gimpo_gis_plugin.core import run_outputs
from gimpo_gis_plugin.core.geopackage import atomic_path
from gimpo_gis_plugin.core.run_outputs import recover_stale_runs, run_transaction, staged_folder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _own_journal(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _write(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_failed_run_restores_the_previous_outputs_and_removes_the_new(tmp_path):
    _write(tmp_path / "result.gpkg", "old")
    with pytest.raises(RuntimeError), run_transaction():
        _write(tmp_path / "result.gpkg", "new")
        _write(tmp_path / "fresh.csv", "new")
        assert (tmp_path / "result.gpkg").read_text() == "new"  # readable during the run
        raise RuntimeError("the HTML report failed")
    assert (tmp_path / "result.gpkg").read_text() == "old"
    assert not (tmp_path / "fresh.csv").exists()
    assert _hidden(tmp_path) == []


def test_a_successful_run_keeps_every_output_and_no_backup(tmp_path):
    _write(tmp_path / "result.gpkg", "old")
    with run_transaction():
        _write(tmp_path / "result.gpkg", "new")
        _write(tmp_path / "report.html", "new")
    assert (tmp_path / "result.gpkg").read_text() == "new" and (tmp_path / "report.html").exists()
    assert _hidden(tmp_path) == []
    assert not list((tmp_path / "cache").rglob("*.journal"))


def test_a_report_folder_is_replaced_whole(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for stale in ("a.html", "b.html", "index.html"):
        (folder / stale).write_text("earlier run")
    with run_transaction(), staged_folder(folder) as staging:
        _write(staging / "index.html", "new")
        _write(staging / "c.html", "new")
    assert sorted(p.name for p in folder.iterdir()) == ["c.html", "index.html"]
    assert _hidden(tmp_path) == []


def test_a_failed_run_gets_its_old_report_folder_back(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "index.html").write_text("earlier run")
    with pytest.raises(RuntimeError), run_transaction():
        with staged_folder(folder) as staging:
            _write(staging / "index.html", "new")
        raise RuntimeError("later step failed")
    assert (folder / "index.html").read_text() == "earlier run"
    assert _hidden(tmp_path) == []


_LONG_RUN = """
import sys, time
from pathlib import Path
from gimpo_gis_plugin.core.geopackage import atomic_path
from gimpo_gis_plugin.core.run_outputs import install_sigterm_cleanup, run_transaction
folder = Path(sys.argv[1])
install_sigterm_cleanup()
with run_transaction():
    with atomic_path(folder / "result.gpkg") as tmp:
        tmp.write_text("new")
    with atomic_path(folder / "report.html") as tmp:
        tmp.write_text("half")
        print("writing", flush=True)
        time.sleep(120)
"""


def _start_long_run(tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_LONG_RUN), str(tmp_path / "out")], stdout=subprocess.PIPE, env=env
    )
    assert child.stdout.readline().strip() == b"writing"  # waits for the child, no timing involved
    return child


def test_sigterm_rolls_the_run_back(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "result.gpkg").write_text("old")
    child = _start_long_run(tmp_path)
    child.send_signal(signal.SIGTERM)
    assert child.wait() == -signal.SIGTERM
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["result.gpkg"]
    assert (tmp_path / "out" / "result.gpkg").read_text() == "old"


def test_a_run_killed_with_sigkill_is_rolled_back_at_the_next_start(tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "result.gpkg").write_text("old")
    child = _start_long_run(tmp_path)
    child.kill()
    child.wait()
    assert len(_hidden(tmp_path / "out")) >= 1  # the backup and the half-written page are still there
    assert recover_stale_runs() == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["result.gpkg"]
    assert (tmp_path / "out" / "result.gpkg").read_text() == "old"


def test_stale_temporary_files_of_dead_processes_are_swept_before_writing(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".heat{run_outputs.TEMP_MARK}{pid}-abcd.tmp.tif"
    stale.write_text("partial")
    mine = run_outputs.temp_name(tmp_path / "other.tif")
    mine.write_text("a live run's file")
    _write(tmp_path / "heat.tif", "new")
    assert not stale.exists() and mine.exists()
