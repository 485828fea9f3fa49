"""Fixtures shared by the whole suite: the sample city, the reference data, and qgis_process."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.qgis_exit import release_qgis_objects_before_exit  # noqa: F401 - fixture (a failure must not crash the exit)

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("GIMPO_SHARED_DATA", ROOT.parent / "shared" / "data"))
QGIS_PROCESS = ROOT / "bin" / "qgis_process"
ARTIFACTS = ROOT / "tests" / "artifacts"
SAMPLE_PARCELS = 5000


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real 김포 parcels, 법정동 table, 행정동, CCTV); tests skip cleanly without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files a person looks at (screenshots, reports)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def sample_city():
    """The 5,000-parcel sample city, built once per test session (in memory)."""
    from gimpo_gis_plugin.core.sample_city import build_sample_city

    return build_sample_city(SAMPLE_PARCELS, seed=41570)


@pytest.fixture(scope="session")
def sample_city_files(sample_city, tmp_path_factory) -> dict[str, Path]:
    """The sample city written to disk as an office receives it: gpkg, CP949 ledger CSV, XLSX, truth."""
    from gimpo_gis_plugin.core.sample_city import write_sample_city

    return write_sample_city(sample_city, tmp_path_factory.mktemp("sample_city"))


@pytest.fixture(scope="session")
def dig_file(sample_city, tmp_path_factory) -> Path:
    """A 24 m square dig, 3 m deep, in the middle of a wide road of the sample city (where every utility runs)."""
    import geopandas as gpd

    road = sample_city.roads[sample_city.roads["width_m"] >= 15].iloc[0]
    middle = road.geometry.interpolate(0.5, normalized=True)
    path = tmp_path_factory.mktemp("dig") / "dig.gpkg"
    gpd.GeoDataFrame(
        {"dig_id": ["D1"], "depth": [3.0]}, geometry=[middle.buffer(12, cap_style="square")], crs="EPSG:5186"
    ).to_file(path)
    return path


def permit_inputs(files: dict[str, Path], **extra: Any) -> dict[str, Any]:
    """gimpo:permitcheck's input parameters on the written sample city, plus ``extra``."""
    gpkg = files["gpkg"]
    layers = {name: f"{gpkg}|layername={layer}" for name, layer in PERMIT_LAYERS.items()}
    return {**layers, "DEM": files["dem"], **extra}


PERMIT_LAYERS = {
    "APPLICATIONS": "permit_applications",
    "PARCELS": "parcels",
    "ZONING": "zoning",
    "OVERLAYS": "overlays",
    "ROADS": "roads",
}


@dataclass
class ProcessRun:
    returncode: int
    stdout: str
    stderr: str
    results: dict[str, Any]


def run_qgis_process(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """bin/qgis_process with the project's venv and profile; never raises on a non-zero exit code."""
    return subprocess.run([str(QGIS_PROCESS), *args], capture_output=True, text=True, timeout=timeout, check=False)


def run_algorithm(algorithm: str, timeout: float = 900, **parameters: Any) -> ProcessRun:
    """Run one algorithm through bin/qgis_process --json; results parsed when it succeeds."""
    args = ["--json", "run", algorithm, "--", *(f"{k}={v}" for k, v in parameters.items())]
    done = run_qgis_process(*args, timeout=timeout)
    results: dict[str, Any] = {}
    if done.returncode == 0 and done.stdout.strip():
        results = json.loads(done.stdout).get("results", {})
    return ProcessRun(done.returncode, done.stdout, done.stderr, results)


@pytest.fixture(scope="session")
def qgis_process():
    return run_qgis_process


@pytest.fixture(scope="session")
def qgis_algorithm():
    return run_algorithm
