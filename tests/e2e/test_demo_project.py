"""The demo project opens in the real QGIS desktop, styled: a screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GRAB = Path(__file__).with_name("qgis_grab_window.py")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_out(qgis_algorithm) -> Path:
    # Not under the system temp folder: QGIS marks layers there as temporary (and shows it).
    out = ROOT / "build" / "test-demo"
    shutil.rmtree(out, ignore_errors=True)
    run = qgis_algorithm("gimpo:createsamplecity", PARCELS=3000, OUTPUT_FOLDER=out / "city")
    assert run.returncode == 0, run.stderr
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_project.py"), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return out


def test_project_and_picture_are_written(demo_out):
    assert (demo_out / "gimpo_demo.qgz").stat().st_size > 1000
    assert (demo_out / "gimpo_demo.png").stat().st_size > 10_000


@pytest.fixture
def x_display():
    """A private X server (Xvfb) on a free display number, for the QGIS desktop."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb (Debian xvfb) is not installed")
    number = next(n for n in range(90, 190) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
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


def test_qgis_desktop_opens_the_project_styled(demo_out, artifacts_dir, qgis_app, x_display):
    from qgis.PyQt.QtGui import QImage

    shot = artifacts_dir / "qgis_demo_project.png"
    shot.unlink(missing_ok=True)
    # pytest-qgis points QGIS_CUSTOM_CONFIG_PATH/QGIS_OPTIONS_PATH at its own settings: not for this QGIS.
    env = {k: v for k, v in os.environ.items() if k not in ("QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=x_display, GIMPO_SCREENSHOT=str(shot))
    done = subprocess.run(
        [
            "qgis",
            "--nologo",
            "--noversioncheck",
            "--noplugins",
            "--profiles-path",
            str(demo_out / "profiles"),
            "--project",
            str(demo_out / "gimpo_demo.qgz"),
            "--code",
            str(GRAB),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() >= 1000
    # The map canvas (right of the panels) has drawn something: many distinct colours, not a blank area.
    colours = {image.pixel(x, y) for x in range(500, image.width() - 50, 7) for y in range(150, image.height() - 80, 7)}
    assert len(colours) > 20
