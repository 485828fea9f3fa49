"""Every kind of layer our GeoPackage writer produces reads right with GDAL >= 3.10 too (issue #15, item 0).

GDAL 3.10 and later keep a stored feature count per layer (gpkg_ogr_contents, updated by triggers); our
bulk writer inserts behind GDAL's back, and a count left at 0 made pyogrio and QGIS on current QGIS show
empty layers although the rows were there. The host's GDAL (3.6) cannot show that bug, so these tests ask
a second, newer GDAL (tests/gdal_oracle.py, a subprocess) and compare with SQLite's own COUNT(*); the
host's GDAL is asked as well. In the matrix chroots (QGIS 3.40 / 3.44) the host GDAL is itself newer.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from gimpo_gis_plugin.core.geopackage import write_geopackage
from gimpo_gis_plugin.core.gpkg_bulk import can_bulk_write
from tests.gdal_oracle import ORACLE_PYTHON, read_with_oracle, sqlite_counts

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


def _frames(n: int = 300) -> dict[str, pd.DataFrame]:
    """One frame per path through the writer: bulk and OGR, spatial and attribute, empty, odd geometries."""
    rng = np.random.default_rng(41570)
    x, y = rng.uniform(180000, 190000, n), rng.uniform(550000, 560000, n)
    boxes = list(shapely.box(x, y, x + 10, y + 10))
    boxes[1] = None
    boxes[2] = shapely.Polygon()
    boxes[3] = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    parcels = gpd.GeoDataFrame(
        {"pnu": [f"41570{i:014d}" for i in range(n)], "area": rng.uniform(1, 900, n), "flag": np.arange(n) % 2 == 0},
        geometry=boxes,
        crs="EPSG:5186",
    )
    points = gpd.GeoDataFrame({"id": np.arange(n)}, geometry=shapely.points(x, y), crs="EPSG:5186")
    dated = parcels.assign(checked=pd.Timestamp("2026-12-07") + pd.to_timedelta(np.arange(n), unit="D"))
    with_z = gpd.GeoDataFrame({"depth": np.ones(n)}, geometry=shapely.points(x, y, np.ones(n)), crs="EPSG:5186")
    rows = pd.DataFrame({"row_id": [f"r{i}" for i in range(n)], "tax": np.arange(n) * 1000})
    rows_dated = rows.assign(due=pd.Timestamp("2026-12-31"))
    return {
        "bulk_polygons": parcels,
        "bulk_points": points,
        "bulk_table": rows,
        "ogr_polygons_dated": dated,
        "ogr_points_z": with_z,
        "ogr_table_dated": rows_dated,
        "bulk_empty_layer": parcels.iloc[:0],
        "bulk_empty_table": rows.iloc[:0],
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    frames = _frames()
    # The frames must really take both paths through the writer, or the test proves nothing.
    assert [name for name, frame in frames.items() if not can_bulk_write(frame)] == [
        "ogr_polygons_dated",
        "ogr_points_z",
        "ogr_table_dated",
    ]
    path = write_geopackage(tmp_path_factory.mktemp("oracle") / "every_kind.gpkg", frames)
    return path, frames


def test_newer_gdal_reads_every_layer_with_its_rows(written):
    path, frames = written
    report = read_with_oracle([path])[str(path)]
    major, minor = (int(part) for part in report["gdal"].split(".")[:2])
    assert (major, minor) >= (3, 10), f"the oracle must be a GDAL that stores feature counts, got {report['gdal']}"
    counts = sqlite_counts(path)
    assert counts == {name: len(frame) for name, frame in frames.items()}
    layers = report["layers"]
    assert sorted(layers) == sorted(frames)
    for name, frame in frames.items():
        seen = layers[name]
        assert seen["stored_count"] == counts[name], f"{name}: GDAL {report['gdal']} stores a wrong count"
        assert seen["rows_read"] == counts[name], f"{name}: GDAL {report['gdal']} reads a wrong number of rows"
        if isinstance(frame, gpd.GeoDataFrame) and len(frame):
            assert seen["with_geometry"] == int(frame.geometry.notna().sum())
            present = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
            np.testing.assert_allclose(seen["total_bounds"], present.total_bounds)


def test_host_gdal_reads_the_same_counts(written):
    path, frames = written
    for name, frame in frames.items():
        assert pyogrio.read_info(path, layer=name)["features"] == len(frame), name
        assert len(pyogrio.read_dataframe(path, layer=name)) == len(frame), name


def test_stored_count_follows_later_edits_by_gdal(written, tmp_path):
    """The triggers are back after the bulk insert: GDAL's own later appends keep the count and R-tree right."""
    path, frames = written
    copy = tmp_path / "edited.gpkg"
    shutil.copy(path, copy)
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
        indexed = int((parcels.geometry.notna() & ~parcels.geometry.is_empty).sum()) + 2
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
