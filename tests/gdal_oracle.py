"""A second, newer GDAL as the oracle for the GeoPackages we write: what does GDAL >= 3.10 read in them?

GDAL 3.10 changed what a GeoPackage layer keeps beside its rows (a stored feature count kept by
triggers), and a file that GDAL 3.6 reads right can then look empty. The host's QGIS 3.22 links GDAL 3.6,
so the suite reads every kind of layer our writer produces with a second GDAL too: pyogrio's binary
wheel, which bundles its own GDAL (3.12 for pyogrio 0.13.0), in the small venv that scripts/setup.sh
makes ($GIMPO_BUILD/gdal-oracle-venv). It runs only as a subprocess: a wheel with its own GDAL must never
be loaded into the process that has QGIS's GDAL.

Used two ways: imported by the tests (``read_with_oracle``, ``write_with_oracle``), and run by the oracle
venv's Python as a script (the ``__main__`` part): it reads files with pyogrio, and with ``--write`` first
runs our own writer (gimpo_gis_plugin/core/geopackage.py) on its GDAL, so that the layers are created by
GDAL >= 3.10 itself, the case users of current QGIS have.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORACLE_PYTHON = Path(os.environ.get("GIMPO_GDAL_ORACLE") or ROOT / "build" / "gdal-oracle-venv" / "bin" / "python")


def read_with_oracle(paths: list[Path]) -> dict:
    """Per GeoPackage: the oracle's GDAL version and, per layer, what it reads (see ``_describe``)."""
    return _run_oracle([str(path) for path in paths])


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows per layer as SQLite counts them (every table gpkg_contents lists), whatever GDAL stores."""
    with closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _describe(path: str) -> dict:
    """What this GDAL reads in one file: per layer the stored count, the rows it reads, the extent."""
    import pyogrio
    from pyogrio import raw

    layers = {}
    for name, geometry_type in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=name)
        _meta, fids, geometry, _fields = raw.read(path, layer=name, return_fids=True, read_geometry=True)
        layers[str(name)] = {
            "stored_count": int(info["features"]),
            "rows_read": len(fids),
            "geometry_type": None if geometry_type is None else str(geometry_type),
            "with_geometry": 0 if geometry is None else int(sum(blob is not None for blob in geometry)),
            "fields": [str(field) for field in info["fields"]],
            "total_bounds": [float(v) for v in info["total_bounds"]] if info.get("total_bounds") is not None else None,
        }
    return {"gdal": pyogrio.__gdal_version_string__, "pyogrio": pyogrio.__version__, "layers": layers}


def every_kind_of_layer(n: int = 300) -> dict:
    """One frame per path through our writer: bulk and OGR, spatial and attribute, empty, odd geometries.

    Needs only numpy, pandas, geopandas and shapely, so that the oracle's venv can build them too.
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

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
    return {
        "bulk_polygons": parcels,
        "bulk_points": points,
        "bulk_table": rows,
        "ogr_polygons_dated": dated,
        "ogr_points_z": with_z,
        "ogr_table_dated": rows.assign(due=pd.Timestamp("2026-12-31")),
        "bulk_empty_layer": parcels.iloc[:0],
        "bulk_empty_table": rows.iloc[:0],
    }


def write_with_oracle(path: Path) -> dict:
    """Our writer (core/geopackage.py) run on the oracle's GDAL: ``every_kind_of_layer`` into ``path``."""
    report = _run_oracle(["--write", str(path)])
    return report[str(path)]


def _run_oracle(arguments: list[str]) -> dict:
    if not ORACLE_PYTHON.exists():
        raise AssertionError(
            f"the GDAL oracle {ORACLE_PYTHON} is missing: run `make setup` (scripts/setup.sh makes it)"
        )
    # A clean environment for it: no PYTHONPATH into the QGIS venv, no PROJ/GDAL data of the system's GDAL.
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "PROJ", "GDAL"))}
    done = subprocess.run(
        [str(ORACLE_PYTHON), "-I", __file__, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the GDAL oracle failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--write"]:
        sys.path.insert(0, str(ROOT))
        from gimpo_gis_plugin.core.geopackage import write_geopackage

        arguments = arguments[1:]
        write_geopackage(arguments[0], every_kind_of_layer())
    json.dump({path: _describe(path) for path in arguments}, sys.stdout)
