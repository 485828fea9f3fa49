"""Layer data as <script> files: a browser opening index.html from disk may not fetch() file: URLs, but it
runs the scripts the page names. Each file assigns one GeoJSON (lon/lat, 6 decimals: about 0.1 m) to
``window.GIMPO_DATA[id]``. Only the published attributes travel; label points are computed here
(a point inside each polygon) so that the page needs no font server for Korean labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
MAX_LABELS = 2000


def _plain(value: object) -> object:
    """A JSON-safe attribute value (NaN and NaT -> null, numpy numbers -> Python numbers)."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value if isinstance(value, int | str | bool) else str(value)


def to_feature_collection(frame: gpd.GeoDataFrame, fields: list[str]) -> dict:
    """``frame`` in lon/lat with only ``fields`` as properties."""
    shown = frame[[*fields, frame.geometry.name]].to_crs(WGS84)
    shown = shown[shown.geometry.notna() & ~shown.geometry.is_empty]
    shown = shown.set_geometry(shapely.transform(shown.geometry.to_numpy(), lambda xy: np.round(xy, 6)), crs=WGS84)
    features = []
    columns = [shown[name].to_numpy() for name in fields]
    for position, geometry in enumerate(shown.geometry):
        properties = {name: _plain(values[position]) for name, values in zip(fields, columns, strict=True)}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def label_points(frame: gpd.GeoDataFrame, field: str) -> list[list[object]]:
    """[lon, lat, text] of a point inside each feature with a label (at most MAX_LABELS)."""
    labelled = frame[frame[field].notna() & frame.geometry.notna()].head(MAX_LABELS)
    if labelled.empty:
        return []
    points = gpd.GeoSeries(labelled.geometry.representative_point(), crs=frame.crs).to_crs(WGS84)
    return [
        [round(p.x, 6), round(p.y, 6), str(_plain(text))]
        for p, text in zip(points, labelled[field], strict=True)
        if _plain(text) not in (None, "")
    ]


def bounds_lonlat(frames: list[gpd.GeoDataFrame]) -> list[float] | None:
    """[west, south, east, north] of all frames together."""
    boxes = [f.to_crs(WGS84).total_bounds for f in frames if not f.empty]
    if not boxes:
        return None
    stacked = np.array(boxes)
    west, south = stacked[:, 0].min(), stacked[:, 1].min()
    east, north = stacked[:, 2].max(), stacked[:, 3].max()
    return [round(float(v), 6) for v in (west, south, east, north)]


def write_data_script(path: Path, layer_id: str, payload: dict) -> None:
    """``window.GIMPO_DATA[layer_id] = payload`` as a script file (UTF-8, Korean kept as is)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    path.write_text(
        f"window.GIMPO_DATA = window.GIMPO_DATA || {{}};\nwindow.GIMPO_DATA[{json.dumps(layer_id)}] = {text};\n",
        encoding="utf-8",
    )
