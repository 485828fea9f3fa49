"""The bulk GeoPackage writer gives exactly what GDAL reads back, with a valid R-tree."""

from __future__ import annotations

import contextlib
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gimpo_gis_plugin.core.geopackage import write_geopackage


def test_round_trip_with_nulls_empties_and_mixed_parts(tmp_path):
    n = 500
    rng = np.random.default_rng(1)
    x, y = rng.uniform(150000, 180000, n), rng.uniform(540000, 570000, n)
    geometries = list(shapely.box(x, y, x + 10, y + 10))
    geometries[3] = None
    geometries[4] = shapely.Polygon()
    geometries[5] = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    frame = gpd.GeoDataFrame(
        {
            "pnu": [f"41570{i:014d}" for i in range(n)],
            "name": ["사우동 산 12-3" if i % 2 else None for i in range(n)],
            "count": np.arange(n, dtype=np.int64),
            "area": np.where(np.arange(n) % 7 == 0, np.nan, rng.uniform(0, 1000, n)),
            "flag": np.arange(n) % 3 == 0,
        },
        geometry=geometries,
        crs="EPSG:5186",
    )
    table = pd.DataFrame({"row_id": ["a", "b"], "tax": [10, 20]})
    path = write_geopackage(tmp_path / "bulk.gpkg", {"parcels": frame, "rows": table})
    back = pyogrio.read_dataframe(path, layer="parcels")
    assert back.crs.to_epsg() == 5186
    assert pyogrio.read_info(path, layer="parcels")["geometry_type"] == "MultiPolygon"
    assert back["pnu"].tolist() == frame["pnu"].tolist()
    assert back["name"].isna().tolist() == frame["name"].isna().tolist()
    assert back["count"].tolist() == frame["count"].tolist()
    np.testing.assert_allclose(back["area"], frame["area"])
    assert back["flag"].astype(bool).tolist() == frame["flag"].tolist()
    assert back.geometry.isna().sum() == 1 and back.geometry.iloc[4].is_empty
    assert shapely.equals(back.geometry.iloc[10], frame.geometry.iloc[10])
    assert back.geometry.iloc[10].geom_type == "MultiPolygon"  # promoted like GDAL promotes
    box = (160000, 550000, 170000, 560000)
    expected = frame[frame.intersects(shapely.box(*box))]
    assert len(pyogrio.read_dataframe(path, layer="parcels", bbox=box)) == len(expected)  # through the R-tree
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone() == ("ok",)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        triggers = db.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name='parcels'")
        assert triggers.fetchone()[0] >= 4  # GDAL's R-tree triggers are back for later edits
    assert pyogrio.read_dataframe(path, layer="rows")["tax"].tolist() == [10, 20]
    assert not list(tmp_path.glob("*.rtree"))


def test_packed_rtree_is_the_one_gdal_builds_and_takes_edits(tmp_path):
    """A tree several levels deep: same entries (SQLite's float32 rounding) as GDAL's own R-tree, same
    answers to box queries, and GDAL's triggers keep it valid when the layer is edited afterwards."""
    n = 6000  # 51 cells a node: three levels
    rng = np.random.default_rng(7)
    x, y = rng.uniform(150000.123, 180000.987, n), rng.uniform(540000.5, 570000.25, n)
    size = rng.uniform(0.1, 40, n)
    frame = gpd.GeoDataFrame(
        {"n": np.arange(n)}, geometry=list(shapely.box(x, y, x + size, y + size / 3)), crs="EPSG:5186"
    )
    frame.loc[17, "geometry"] = None
    ours = write_geopackage(tmp_path / "bulk.gpkg", {"boxes": frame})
    gdal = tmp_path / "gdal.gpkg"
    pyogrio.write_dataframe(frame, gdal, layer="boxes", driver="GPKG", spatial_index=True)
    query = "SELECT id, minx, maxx, miny, maxy FROM rtree_boxes_geom ORDER BY id"
    with contextlib.closing(sqlite3.connect(ours)) as a, contextlib.closing(sqlite3.connect(gdal)) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute("SELECT rtreecheck('rtree_boxes_geom')").fetchone() == ("ok",)
        depth = a.execute("SELECT data FROM rtree_boxes_geom_node WHERE nodeno = 1").fetchone()[0][:2]
        assert int.from_bytes(depth, "big") == 2
    for box in ((150000, 540000, 152000, 541000), (165000, 555000, 175000, 556000), (0, 0, 1, 1)):
        expected = pyogrio.read_dataframe(gdal, layer="boxes", bbox=box)["n"].tolist()
        assert sorted(pyogrio.read_dataframe(ours, layer="boxes", bbox=box)["n"].tolist()) == sorted(expected)
    extra = gpd.GeoDataFrame({"n": [n]}, geometry=[shapely.box(1, 1, 2, 2)], crs="EPSG:5186")
    pyogrio.write_dataframe(extra, ours, layer="boxes", driver="GPKG", append=True)  # through GDAL's triggers
    assert pyogrio.read_dataframe(ours, layer="boxes", bbox=(0, 0, 3, 3))["n"].tolist() == [n]
    with contextlib.closing(sqlite3.connect(ours)) as a:
        assert a.execute("SELECT rtreecheck('rtree_boxes_geom')").fetchone() == ("ok",)


def test_rows_written_in_slices_are_the_same_rows(tmp_path, monkeypatch):
    """Large layers go in by slices (bounded memory): slice edges lose or reorder nothing."""
    from gimpo_gis_plugin.core import gpkg_bulk

    n = 1000
    x = np.arange(n, dtype=float) * 10 + 150000
    geometries = list(shapely.box(x, 550000, x + 5, 550005))
    geometries[99] = None  # a missing geometry at a slice edge
    frame = gpd.GeoDataFrame(
        {
            "i": np.arange(n),
            "text": [f"행 {i}" if i % 5 else None for i in range(n)],
            "v": np.where(np.arange(n) % 3, 1.5, np.nan),
        },
        geometry=geometries,
        crs="EPSG:5186",
    )
    whole = write_geopackage(tmp_path / "whole.gpkg", {"layer": frame})
    monkeypatch.setattr(gpkg_bulk, "CHUNK_ROWS", 100)
    sliced = write_geopackage(tmp_path / "sliced.gpkg", {"layer": frame})
    query = 'SELECT * FROM "layer" ORDER BY fid'
    rtree = "SELECT * FROM rtree_layer_geom ORDER BY id"
    with contextlib.closing(sqlite3.connect(whole)) as a, contextlib.closing(sqlite3.connect(sliced)) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute(rtree).fetchall() == b.execute(rtree).fetchall()
        assert b.execute("SELECT count(*) FROM rtree_layer_geom").fetchone() == (n - 1,)


def test_stored_feature_count_is_exact_for_every_layer(tmp_path):
    """GDAL >= 3.10 trusts gpkg_ogr_contents.feature_count (it stores 0 for a new layer and keeps the count
    by triggers): a bulk insert behind those triggers must leave the true count, or readers see 0 rows."""
    n = 321
    points = gpd.GeoDataFrame(
        {"n": np.arange(n)},
        geometry=list(shapely.points(np.linspace(150000, 160000, n), np.linspace(540000, 550000, n))),
        crs="EPSG:5186",
    )
    table = pd.DataFrame({"code": ["A", "B", "C", None], "count": [1, 2, 3, 4]})
    path = write_geopackage(tmp_path / "counts.gpkg", {"points": points, "table": table, "empty": table.iloc[:0]})
    with contextlib.closing(sqlite3.connect(path)) as db:
        stored = dict(db.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents").fetchall())
        for name in ("points", "table", "empty"):
            rows = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            assert stored[name] in (rows, None)  # None (GDAL 3.6, an untouched empty layer) means "count"
        assert stored["points"] == n and stored["table"] == 4
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert len(pyogrio.read_dataframe(path, layer="points")) == n
    assert pyogrio.read_info(path, layer="table")["features"] == 4
    # Whatever triggers GDAL made (R-tree, and on GDAL >= 3.10 the feature-count ones) are back.
    assert any(t.startswith("rtree_points_geom") for t in triggers)
