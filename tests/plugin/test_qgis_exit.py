"""A failed test that held a QGIS layer still ends pytest with status 1, not a crash (see tests/qgis_exit.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAILING_TEST = """
from qgis.core import QgsVectorLayer


def test_holds_a_layer_and_fails(tmp_path):
    import geopandas as gpd
    import shapely

    path = tmp_path / "one.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:5186").to_file(path)
    layer = QgsVectorLayer(f"{path}|layername=one", "one", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 2  # fails on purpose: the frame keeps `layer` alive
"""


def test_failure_keeps_pytest_exit_status(tmp_path):
    (tmp_path / "test_fails.py").write_text(FAILING_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.qgis_exit", "-q", "test_fails.py"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "1 failed" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.returncode == 1, f"exit {done.returncode} (134/139: QGIS crashed at exit)\n{done.stderr[-2000:]}"
