"""Read vector layers and tables for the engine, whatever the office's files look like.

Korean offices send shapefiles whose DBF is CP949 without a .cpg, GeoJSON without a CRS member although
its coordinates are EPSG:5186 metres, and layers in EPSG:5174/5179/5187. This module reads them all into
GeoDataFrames in one target CRS, or raises an InputError that names the file and says what to do.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from .crs_sanity import check_units
from .errors import CrsError, InputError

DEFAULT_CRS = "EPSG:5186"
KOREAN_CRSS = ("EPSG:5186", "EPSG:5174", "EPSG:5179", "EPSG:5187", "EPSG:5185", "EPSG:5188")


def read_vector(
    path: str | Path,
    layer: str | None = None,
    crs: str | None = None,
    target_crs: str | None = DEFAULT_CRS,
    encoding: str | None = None,
    columns: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read ``path`` (any OGR source; ``layer`` for multi-layer files) into ``target_crs``.

    ``columns``: only these attribute fields (the geometry always); None reads them all.

    ``crs`` overrides the file's CRS (for files without one, or with a wrong one). ``encoding`` is for
    shapefile DBFs; without it a DBF without .cpg is read as UTF-8 if that decodes, else CP949.
    """
    source = str(path)
    if not source.startswith(("PG:", "postgres")) and not Path(source).exists():
        raise InputError(f"Input {source} does not exist.", "Check the path.")
    options = {}
    if encoding is None and source.lower().endswith(".shp"):
        encoding = _shapefile_encoding(Path(source))
    if encoding:
        options["encoding"] = encoding
    if columns is not None:
        options["columns"] = list(columns)
    try:
        frame = pyogrio.read_dataframe(source, layer=layer, **options)
    except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
        raise InputError(f"Cannot read {source}{f' (layer {layer})' if layer else ''}: {exc}") from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{source} has no geometry column.", "Give a layer with geometries (points, lines, polygons).")
    frame = _with_crs(frame, source, crs)
    if target_crs and frame.crs is not None and not frame.crs.equals(target_crs):
        frame = frame.to_crs(target_crs)
    return frame


def _shapefile_encoding(path: Path) -> str | None:
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        return None  # GDAL honours the .cpg
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        return None
    data = dbf.read_bytes()
    header_len = int.from_bytes(data[8:10], "little")
    body = data[header_len:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "CP949"


def _with_crs(frame: gpd.GeoDataFrame, source: str, crs: str | None) -> gpd.GeoDataFrame:
    if crs:
        frame = frame.set_crs(crs, allow_override=True)
    elif frame.crs is None:
        raise CrsError(
            f"{source} has no coordinate reference system.",
            f"Give its CRS (Korean layers are usually {DEFAULT_CRS}; also {', '.join(KOREAN_CRSS[1:4])}).",
        )
    if not frame.empty:
        # One rule for the engine and the Processing adapters (core/crs_sanity.py): degrees labelled as
        # metres, or metres labelled as degrees (GeoJSON without a "crs" member), are refused with the fix.
        check_units(frame.total_bounds, frame.crs, source)
    return frame


def repair_geometries(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Make invalid geometries valid (keeping their polygonal part); return the frame and how many."""
    invalid = ~frame.geometry.is_valid.to_numpy() & frame.geometry.notna().to_numpy()
    count = int(invalid.sum())
    if count:
        frame = frame.copy()
        fixed = frame.geometry[invalid].make_valid()
        frame.loc[invalid, frame.geometry.name] = fixed
    return frame, count


def empty_like(columns: dict[str, str], geometry_type: str | None, crs: str = DEFAULT_CRS) -> gpd.GeoDataFrame:
    """An empty layer with typed columns: empty inputs still give valid, openable outputs."""
    data = {name: np.array([], dtype=dtype) for name, dtype in columns.items()}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
