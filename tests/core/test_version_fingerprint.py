"""What must come out the same on every QGIS / GDAL / GEOS / numpy stack: the version matrix compares it.

The same seed gives the same sample city, the same findings and the same raster on QGIS 3.22 (Debian 12),
3.40 (trixie) and 3.44 (sid), or the difference is a bug to look at (the seeded zoning once differed in 7
of 279 polygons because GEOS returned Voronoi cells in another order). Each leg of `make test-matrix`
writes this fingerprint to $GIMPO_FINGERPRINT_DIR/<leg>.json and scripts/matrix_compare.py compares the
legs: text, codes and counts exactly; measured numbers (areas, lengths, sums) to a relative 1e-7, since
PROJ and GEOS may differ in the last digits of a coordinate.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.heatmap import HeatmapOptions, kernel_density, points_from_arrays
from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger, read_ledger

CATEGORY_LIMIT = 60  # a text column with at most this many values is a category: area/length per value


def _digest(values) -> str:
    return hashlib.sha256("\x1f".join(map(str, values)).encode()).hexdigest()[:16]


def layer_fingerprint(frame: pd.DataFrame) -> dict:
    """Rows, columns, a digest of every exact column, sums of measured ones, geometry totals per category."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    result: dict = {"rows": len(frame), "columns": [str(c) for c in frame.columns]}
    exact, measured = {}, {}
    for column in frame.columns:
        if column == geometry:
            continue
        values = frame[column]
        if values.dtype.kind == "f":
            measured[str(column)] = float(np.nansum(values.to_numpy()))
        else:
            exact[str(column)] = _digest(values.astype(str).tolist())
    result["exact"], result["sums"] = exact, measured
    if geometry is not None:
        shapes = frame.geometry.array
        result["geometry"] = {
            "types": {str(k): int(v) for k, v in frame.geom_type.fillna("None").value_counts().sort_index().items()},
            "area": float(np.nansum(shapely.area(shapes))),
            "length": float(np.nansum(shapely.length(shapes))),
            "bounds": [float(v) for v in frame.total_bounds] if len(frame) else [],
        }
        per_category = {}
        for column in frame.columns:
            if column == geometry or frame[column].dtype.kind not in "OUSb":
                continue
            if frame[column].nunique(dropna=False) > CATEGORY_LIMIT:
                continue
            area = pd.Series(shapely.area(shapes), index=frame.index).groupby(frame[column].astype(str)).sum()
            per_category[str(column)] = {str(k): float(v) for k, v in area.sort_index().items()}
        result["area_by_category"] = per_category
    return result


def raster_fingerprint(path: Path) -> dict:
    import rasterio

    with rasterio.open(path) as raster:
        band = raster.read(1, masked=True).astype(np.float64)  # float32 sums depend on numpy's summation order
        return {
            "shape": [raster.height, raster.width],
            "transform": [float(v) for v in raster.transform[:6]],
            "crs": str(raster.crs),
            "valid": int(band.count()),
            "sum": float(band.sum()),
            "min": float(band.min()),
            "max": float(band.max()),
        }


def heatmap_fingerprint(points: gpd.GeoDataFrame) -> dict:
    """The complaints' heat map (quartic, 300 m, 25 m pixels): grid and band statistics."""
    data = points_from_arrays(points.geometry.x.to_numpy(), points.geometry.y.to_numpy(), str(points.crs))
    heat = kernel_density(data, HeatmapOptions(pixel_size=25.0, radius=300.0))
    band = heat.bands[0]
    return {
        "shape": list(band.shape),
        "nonzero": int(np.count_nonzero(band)),
        "sum": float(band.sum()),
        "max": float(band.max()),
        "description": heat.descriptions[0],
    }


@pytest.fixture(scope="module")
def fingerprint(sample_city, sample_city_files) -> dict:
    city = {
        "admin_dongs": sample_city.admin_dongs,
        "legal_dong_areas": sample_city.legal_dong_areas,
        "parcels": sample_city.parcels,
        "roads": sample_city.roads,
        "buildings": sample_city.buildings,
        **sample_city.layers,
    }
    table = read_ledger(sample_city_files["ledger_csv"])
    linked = link_tax_ledger(sample_city.parcels, sample_city.buildings, table.rows)
    findings = linked.findings
    rasters = sorted(Path(sample_city_files["ledger_csv"]).parent.glob("*.tif"))
    return {
        "sample_city": {name: layer_fingerprint(frame) for name, frame in city.items()},
        "ledger_rows": len(table.rows),
        "linkage": {
            "counts": {str(k): int(v) for k, v in sorted(linked.counts.items())},
            "layers": {name: layer_fingerprint(frame) for name, frame in linked.layers().items()},
            "findings_by_code": {str(k): int(v) for k, v in findings["code"].value_counts().sort_index().items()},
        },
        "rasters": {path.name: raster_fingerprint(path) for path in rasters},
        "heatmap_complaints": heatmap_fingerprint(sample_city.layers["complaints"]),
    }


def test_fingerprint_is_written_for_the_matrix(fingerprint):
    """Always computed (so it cannot break unnoticed); written only when the matrix asks for it."""
    assert fingerprint["sample_city"]["zoning"]["rows"] > 0
    assert fingerprint["linkage"]["findings_by_code"]
    folder = os.environ.get("GIMPO_FINGERPRINT_DIR")
    if folder:
        leg = os.environ.get("GIMPO_MATRIX_LEG", "this")
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{leg}.json").write_text(json.dumps(fingerprint, indent=1, ensure_ascii=False, sort_keys=True))
