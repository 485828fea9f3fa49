"""One dependency list: resources/dependencies.csv is the source of requirements.txt, README and metadata.txt,
it covers every third-party import of the plugin, its Debian columns are true, and a missing package gives a
Korean message with the platform's install command (numba included: the heat map says so)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gimpo_gis_plugin import dependencies
from gimpo_gis_plugin.core.errors import MissingDependencyError
from scripts.sync_dependencies import drift

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gimpo_gis_plugin"
# Modules QGIS itself brings (its Python bindings, GDAL's, QGIS's own Processing plugin).
QGIS_BUNDLED = {"qgis", "osgeo", "processing"}
# Used when present, never needed: dependencies.py judges versions with it and skips that check without it.
OPTIONAL = {"packaging"}


def _simulate_missing(monkeypatch, *names: str) -> None:
    real = dependencies.is_importable
    monkeypatch.setattr(dependencies, "is_importable", lambda name: name not in names and real(name))


def test_generated_files_match_the_csv():
    found = drift()
    assert not found, "run `python scripts/sync_dependencies.py`:\n" + "\n".join(found.values())


def test_every_third_party_import_of_the_plugin_is_listed():
    listed = {d.import_name for d in dependencies.load_dependencies()}
    stdlib = set(sys.stdlib_module_names)
    imported: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                imported.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    unlisted = {
        name: where
        for name, where in imported.items()
        if name not in stdlib | listed | QGIS_BUNDLED | OPTIONAL | {"gimpo_gis_plugin", "__future__"}
    }
    assert not unlisted, f"add these to resources/dependencies.csv: {unlisted}"
    unused = listed - set(imported) - {"affine", "openpyxl"}  # rasterio's and pandas's engines, not imported
    assert not unused, f"listed but imported nowhere: {unused}"


def _debian_upstream(version: str) -> str:
    """'1:1.24.2-1+deb12u1' -> '1.24.2'; '0.10.0+ds-4' -> '0.10.0'."""
    return re.split(r"[-+~]", version.split(":")[-1])[0]


def test_debian_12_column_says_which_debian_packages_are_new_enough():
    """On the Debian 12 host: a package is named only if Debian's candidate satisfies the requirement."""
    from packaging.specifiers import SpecifierSet

    release = Path("/etc/debian_version")
    if not release.is_file() or dependencies.debian_release(release) != 12 or not shutil.which("apt-cache"):
        pytest.skip("not a Debian 12 machine with apt-cache")
    for dep in dependencies.load_dependencies():
        apt = dep.debian12 or f"python3-{dep.import_name}"
        out = subprocess.run(["apt-cache", "policy", apt], capture_output=True, text=True, check=False).stdout
        candidate = re.search(r"Candidate: (\S+)", out)
        if candidate is None or candidate.group(1) == "(none)":
            if not candidate and not out.strip():
                assert not dep.debian12, f"{apt} is not in Debian 12"
            continue
        fits = _debian_upstream(candidate.group(1)) in SpecifierSet(dep.specifier)
        assert fits == bool(dep.debian12), f"{dep.import_name}: Debian 12 has {apt} {candidate.group(1)}"


def test_a_missing_package_is_named_with_the_tools_it_stops(monkeypatch):
    _simulate_missing(monkeypatch, "numba", "geopandas")
    found = dependencies.problems()
    assert [p.dependency.import_name for p in found] == ["geopandas", "numba"]
    assert dependencies.missing_dependencies() == ["geopandas"]  # numba alone does not stop every tool
    assert [p.dependency.import_name for p in dependencies.problems_for("heatmap", found)] == ["geopandas", "numba"]
    assert [p.dependency.import_name for p in dependencies.problems_for("linktaxledger", found)] == ["geopandas"]
    summary = dependencies.problem_summary(found)
    assert summary.startswith("김포 GIS: 필요한 Python 패키지가 없습니다: ")
    assert "geopandas (없음; 모든 알고리즘), numba (없음; 히트맵)" in summary


def test_debian_12_plan_builds_shapely_from_source_and_uses_pip_user():
    by_name = {d.import_name: d for d in dependencies.load_dependencies()}
    found = [dependencies.Problem(by_name[n], None) for n in ("shapely", "numpy", "numba", "scipy")]
    plan = dependencies.install_plan(found, "debian", 12)
    apt = [c for c in plan.commands if c.startswith("sudo apt install")]
    assert apt and "python3-numpy" in apt[0] and "python3-scipy" in apt[0]  # Debian's numpy/scipy, never a wheel
    pip = next(c for c in plan.commands if " -m pip install " in c)
    assert "--no-binary shapely,pyogrio" in pip and "--break-system-packages" in pip
    assert "'shapely>=2.1,<2.2'" in pip and "'numba>=0.59,<0.61'" in pip and "numpy" not in pip
    assert plan.runnable is None and "apt" in plan.why_not_runnable  # apt needs root: no button


def test_debian_13_takes_the_debian_packages_that_are_new_enough():
    by_name = {d.import_name: d for d in dependencies.load_dependencies()}
    found = [dependencies.Problem(by_name[n], None) for n in ("geopandas", "pyogrio", "numba")]
    plan = dependencies.install_plan(found, "debian", 13)
    assert plan.commands[0] == "sudo apt install python3-geopandas python3-pyogrio"
    assert "numba" in plan.commands[1] and "geopandas" not in plan.commands[1]  # Debian 13's numba is 0.61


def test_windows_and_macos_plans_are_pip_of_qgis_python_with_a_button():
    by_name = {d.import_name: d for d in dependencies.load_dependencies()}
    found = [dependencies.Problem(by_name[n], None) for n in ("numba", "psycopg2")]
    windows = dependencies.install_plan(found, "windows")
    assert windows.commands == ['python -m pip install --user "numba>=0.59,<0.61" "psycopg2-binary>=2.9"'] or (
        sys.prefix != sys.base_prefix  # inside a venv pip refuses --user, so the plan leaves it out
        and windows.commands == ['python -m pip install "numba>=0.59,<0.61" "psycopg2-binary>=2.9"']
    )
    assert windows.runnable is not None and windows.runnable[1:4] == ["-m", "pip", "install"]
    macos = dependencies.install_plan(found, "macos")
    assert macos.runnable is not None and Path(macos.runnable[0]).is_file()
    assert "'numba>=0.59,<0.61'" in macos.commands[0]


def test_debian_release_names():
    for text, release in (("12.8", 12), ("13.1", 13), ("trixie/sid", 13), ("forky/sid", 14)):
        path = Path(__file__).parent / "_debian_version_probe"
        path.write_text(text + "\n", encoding="utf-8")
        try:
            assert dependencies.debian_release(path) == release
        finally:
            path.unlink()


def test_heatmap_without_numba_says_so_in_korean(monkeypatch):
    from gimpo_gis_plugin.core.heatmap import HeatmapOptions, kernel_density, points_from_arrays

    _simulate_missing(monkeypatch, "numba")
    points = points_from_arrays(np.array([0.0, 50.0]), np.array([0.0, 50.0]), crs="EPSG:5186")
    with pytest.raises(MissingDependencyError) as raised:
        kernel_density(points, HeatmapOptions(radius=100.0, pixel_size=10.0))
    message = str(raised.value)
    assert "numba (없음; 히트맵)" in message and "pip install" in message and "numba>=0.59" in message
