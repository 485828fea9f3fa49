"""The tax officer's first minutes in the REAL QGIS desktop (Xvfb), with the demo project and the plugin.

QGIS is started as a user starts it (``qgis --project gimpo_demo.qgz``, the project's own profile with
the plugin enabled); ``qgis_desktop_day.py`` presses the 필지 조회 button, clicks a parcel with a real
mouse event, searches, prints the PDF and looks at the dock, menu and toolbar. This test reads what it
saw. The demo here is small (1,500 parcels, the linkage only) so the test takes about a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAY = Path(__file__).with_name("qgis_desktop_day.py")
PROFILE = ROOT / "build" / "qgis-profile"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def small_demo(qgis_algorithm) -> Path:
    # Not under the system temp folder: QGIS marks layers there as temporary (and shows it).
    out = ROOT / "build" / "test-desktop-day"
    shutil.rmtree(out, ignore_errors=True)
    city = out / "city"
    run = qgis_algorithm("gimpo:createsamplecity", PARCELS=1500, SEED=41570, OUTPUT_FOLDER=city)
    assert run.returncode == 0, run.stderr
    gpkg = city / "gimpo_sample_city.gpkg"
    run = qgis_algorithm(
        "gimpo:linktaxledger",
        PARCELS=f"{gpkg}|layername=parcels",
        BUILDINGS=f"{gpkg}|layername=buildings",
        LEDGER=city / "tax_ledger_2026.csv",
        OUTPUT=out / "tax_linkage.gpkg",
        REPORT=out / "tax_linkage.html",
    )
    assert run.returncode == 0, run.stderr
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_project.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def run_desktop_day(project: Path, out: Path, display: str, timeout_s: float = 240) -> dict:
    """Start QGIS on ``project`` with a copy of the project profile; the day's results."""
    if not (PROFILE / "profiles" / "default").is_dir():
        pytest.skip("no project QGIS profile: run scripts/setup.sh (make setup) first")
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    shutil.copytree(PROFILE, profile, symlinks=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH")}
    env.update(
        QT_QPA_PLATFORM="xcb",
        DISPLAY=display,
        GIMPO_DAY_OUT=str(out),
        GIMPO_DAY_TIMEOUT=str(timeout_s - 60),
        QGIS_PLUGINPATH=str(ROOT / "build" / "plugins"),
    )
    done = subprocess.run(
        [
            "qgis",
            "--nologo",
            "--noversioncheck",
            "--profiles-path",
            str(profile),
            "--project",
            str(project),
            "--code",
            str(DAY),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["done"], "\n".join(results["errors"]) + done.stderr[-2000:]
    return results


@pytest.fixture(scope="module")
def display():
    """A private X server for the whole module (QGIS runs once; the tests read its results)."""
    with xvfb() as name:
        yield name


@contextlib.contextmanager
def xvfb(size: str = "1600x1000x24"):
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb (Debian xvfb) is not installed")
    number = next(n for n in range(200, 300) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", size, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 15
    while not socket.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if not socket.exists():
        server.kill()
        pytest.fail(f"Xvfb :{number} did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def day(small_demo, display) -> dict:
    return run_desktop_day(small_demo / "gimpo_demo.qgz", small_demo / "day", display)


def test_first_click_in_the_demo_project_shows_the_ledger(day, small_demo):
    assert day["plugin_loaded"] and day["ready"]
    assert day["layer_source"].endswith("tax_linkage.gpkg|layername=parcels_tax")  # not the raw cadastre
    assert "parcels_tax" in day["layer_label"]  # the panel says which layer it reads
    assert day["statement_pnu"] == day["click_pnu"]
    assert day["ledger_rows"] > 0 and day["ledger_rows_shown"] == day["ledger_rows"]
    assert day["findings_shown"] > 0
    assert day["remembered_layer"] == day["layer_id"]  # stored in the project for the next session


def test_dock_is_usable_and_tabified(day):
    width, height = day["dock_size"]
    assert not day["dock_floating"] and width >= 440 and height >= 450
    assert "ProcessingToolbox" in day["dock_tabified_with"]  # a tab beside the toolbox, not a sliver under it


def test_search_zooms_with_margin(day):
    assert day["search_extent_contains_parcel"] and day["search_scale"] >= 1199


def test_menu_grouped_by_task_with_distinct_icons_and_one_name(day):
    assert day["menu_title"] == "김포 GIS" and day["toolbar_title"] == "김포 GIS"
    groups = list(day["menu_groups"])
    assert [g.split(" ")[0] for g in groups[:4]] == ["세무", "지도", "인허가", "시설물"]
    assert "필지 조회" in day["menu_groups"][groups[0]]
    assert day["menu_position"] < day["help_position"]
    assert day["toolbar_icons_distinct"] == len(day["toolbar_actions"]) >= 5


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_pdf_statement_from_the_desktop_is_a4_with_the_map_in_its_box(day, tmp_path):
    from qgis.PyQt.QtGui import QImage

    dpi = 50
    done = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", day["pdf"], str(tmp_path / "page")], timeout=60
    )
    assert done.returncode == 0
    page = QImage(str(next(tmp_path.glob("page*.png"))))
    assert abs(page.width() - 210 / 25.4 * dpi) < 3 and abs(page.height() - 297 / 25.4 * dpi) < 3
    x, y, w, h = (v / 25.4 * dpi for v in day["pdf_map_box_mm"])
    drawn = [
        (px, py)
        for px in range(round(x + 2), round(x + w - 2))
        for py in range(round(y + 2), round(y + h - 2))
        if min((c := page.pixelColor(px, py)).red(), c.green(), c.blue()) < 245
    ]
    xs, ys = [p[0] for p in drawn], [p[1] for p in drawn]
    assert max(xs) - min(xs) > 0.9 * (w - 4) and max(ys) - min(ys) > 0.9 * (h - 4)
    text = subprocess.run(["pdftotext", day["pdf"], "-"], capture_output=True, text=True, timeout=60).stdout
    assert "필지 조서" in text and "토지 과세대장" in text and day["click_pnu"][:5] in text


def test_demo_project_layers_have_unique_korean_names(small_demo, qgis_app):
    from qgis.core import QgsProject

    project = QgsProject()
    assert project.read(str(small_demo / "gimpo_demo.qgz"))
    names = [layer.name() for layer in project.mapLayers().values()]
    assert len(names) > 20 and len(names) == len(set(names))
    assert all(not name.isascii() or name == "CCTV" for name in names), [n for n in names if n.isascii()]
    project.clear()
