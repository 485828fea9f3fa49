"""Every kind of layer our GeoPackage writer produces reads right with GDAL >= 3.10 too (issue #15, item 0).

GDAL 3.10 and later keep a stored feature count per layer (gpkg_ogr_contents, updated by triggers) and
store 0 for a new layer; our bulk writer inserts behind GDAL's back, and a count left at 0 made pyogrio and
QGIS on current QGIS show empty layers although the rows were there. The host's GDAL (3.6) cannot show that
bug, so these tests use a second, newer GDAL (tests/gdal_oracle.py, always a subprocess): it reads what the
host wrote, and it runs our writer itself, and every count is compared with SQLite's own COUNT(*). In the
matrix chroots (QGIS 3.40 / 3.44) the host GDAL is itself newer, and the same tests run there.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from gimpo_gis_plugin.core.geopackage import write_geopackage
from gimpo_gis_plugin.core.gpkg_bulk import can_bulk_write
from tests.gdal_oracle import ORACLE_PYTHON, every_kind_of_layer, read_with_oracle, sqlite_counts, write_with_oracle

APPEND_WITH_ORACLE = """
import sys
import numpy as np
import pyogrio
from pyogrio import raw

path, layer, wkb = sys.argv[1:4]
geometry = np.array([bytes.fromhex(wkb)] * 2, dtype=object)
raw.write(path, geometry, [np.array(["added", "added"], dtype=object)], ["pnu"], layer=layer, driver="GPKG",
          append=True, geometry_type="MultiPolygon", crs="EPSG:5186", encoding="UTF-8")
print(pyogrio.read_info(path, layer=layer)["features"])
"""


def _gdal_at_least(version: str, wanted: tuple[int, int]) -> bool:
    major, minor = (int(part) for part in version.split(".")[:2])
    return (major, minor) >= wanted


def _drawn(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Rows with a geometry that has coordinates (what the R-tree and the extent hold)."""
    values = frame.geometry.array
    return ~shapely.is_missing(values) & ~shapely.is_empty(values)


def _assert_reads_as_written(report: dict, path: Path, frames: dict) -> None:
    counts = sqlite_counts(path)
    assert counts == {name: len(frame) for name, frame in frames.items()}
    layers = report["layers"]
    assert sorted(layers) == sorted(frames)
    for name, frame in frames.items():
        seen = layers[name]
        assert seen["stored_count"] == counts[name], f"{name}: GDAL {report['gdal']} stores a wrong count"
        assert seen["rows_read"] == counts[name], f"{name}: GDAL {report['gdal']} reads a wrong number of rows"
        if isinstance(frame, gpd.GeoDataFrame) and len(frame):
            assert seen["with_geometry"] == int((~shapely.is_missing(frame.geometry.array)).sum())
            np.testing.assert_allclose(seen["total_bounds"], frame[_drawn(frame)].total_bounds)


@pytest.fixture(scope="module")
def frames() -> dict:
    kinds = every_kind_of_layer()
    # The frames must really take both paths through the writer, or the tests prove nothing.
    assert [name for name, frame in kinds.items() if not can_bulk_write(frame)] == [
        "ogr_polygons_dated",
        "ogr_points_z",
        "ogr_table_dated",
    ]
    return kinds


@pytest.fixture(scope="module")
def written_here(frames, tmp_path_factory) -> Path:
    """Written by this process's GDAL (3.6 on Debian 12, 3.10 / 3.13 in the matrix chroots)."""
    return write_geopackage(tmp_path_factory.mktemp("oracle") / "every_kind.gpkg", frames)


@pytest.fixture(scope="module")
def written_by_oracle(tmp_path_factory) -> tuple[Path, dict]:
    """Written by our writer running on the oracle's GDAL (>= 3.10: layers created with a stored count 0)."""
    path = tmp_path_factory.mktemp("oracle") / "every_kind_newer_gdal.gpkg"
    return path, write_with_oracle(path)


def test_newer_gdal_reads_what_this_gdal_wrote(written_here, frames):
    report = read_with_oracle([written_here])[str(written_here)]
    assert _gdal_at_least(report["gdal"], (3, 10)), f"the oracle must store feature counts: GDAL {report['gdal']}"
    _assert_reads_as_written(report, written_here, frames)


def test_our_writer_on_newer_gdal_leaves_the_right_counts(written_by_oracle, frames):
    """The case of every user on current QGIS: GDAL >= 3.10 creates the layers, we bulk-insert the rows."""
    path, report = written_by_oracle
    assert _gdal_at_least(report["gdal"], (3, 10)), report["gdal"]
    _assert_reads_as_written(report, path, frames)


def test_this_gdal_reads_the_same_counts(written_here, written_by_oracle, frames):
    for path in (written_here, written_by_oracle[0]):
        for name, frame in frames.items():
            assert pyogrio.read_info(path, layer=name)["features"] == len(frame), f"{path.name}:{name}"
            assert len(pyogrio.read_dataframe(path, layer=name)) == len(frame), f"{path.name}:{name}"


@pytest.mark.parametrize("made_by", ["this GDAL", "the oracle"])
def test_counts_and_rtree_follow_later_edits_by_gdal(made_by, written_here, written_by_oracle, frames, tmp_path):
    """The triggers are back after the bulk insert: GDAL's own later appends keep the count and R-tree right."""
    copy = tmp_path / "edited.gpkg"
    shutil.copy(written_here if made_by == "this GDAL" else written_by_oracle[0], copy)
    script = tmp_path / "append.py"
    script.write_text(APPEND_WITH_ORACLE)
    wkb = shapely.to_wkb(shapely.MultiPolygon([shapely.box(185000, 555000, 185010, 555010)]), hex=True)
    done = subprocess.run(
        [str(ORACLE_PYTHON), "-I", str(script), str(copy), "bulk_polygons", wkb],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    parcels = frames["bulk_polygons"]
    expected = len(parcels) + 2
    assert int(done.stdout.split()[-1]) == expected
    with closing(sqlite3.connect(copy)) as db:
        assert db.execute("SELECT count(*) FROM bulk_polygons").fetchone()[0] == expected
        stored = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'bulk_polygons'")
        assert stored.fetchone()[0] == expected
        indexed = int(_drawn(parcels).sum()) + 2
        assert db.execute("SELECT count(*) FROM rtree_bulk_polygons_geom").fetchone()[0] == indexed


def test_sample_city_files_read_right_with_newer_gdal(sample_city_files):
    """The sample city as the writer ships it (every GeoPackage, real sizes) through the newer GDAL."""
    paths = sorted({path for path in sample_city_files.values() if str(path).endswith(".gpkg")})
    assert paths, "the sample city wrote no GeoPackage"
    report = read_with_oracle(paths)
    for path in paths:
        counts = sqlite_counts(path)
        layers = report[str(path)]["layers"]
        assert sorted(layers) == sorted(counts), path.name
        for name, count in counts.items():
            assert (layers[name]["stored_count"], layers[name]["rows_read"]) == (count, count), f"{path.name}:{name}"
