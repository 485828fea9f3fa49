"""The points a heat map sums: coordinates, weights, radii and dates as plain arrays.

Reading a million points through GeoDataFrames costs seconds; GDAL's Arrow stream hands over the
coordinates as one fixed-width binary column in a tenth of a second, so layers of single points are
read that way (GDAL ≥ 3.6), anything else (multipoints, older GDAL) through pyogrio.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CrsError, InputError, MissingColumnsError

_WKB_POINT_SIZE = 21  # byte order (1) + type (4) + x, y (8 + 8)


@dataclass
class PointData:
    """Points in one projected CRS; ``weight`` has nulls as 0 (QGIS does the same), ``nulls`` counts them."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    crs: str | None
    radius: np.ndarray | None = None
    dates: np.ndarray | None = None  # datetime64[D], NaT where missing or unreadable
    null_weights: int = 0
    null_radii: int = 0
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.x)

    def subset(self, keep: np.ndarray) -> PointData:
        pick = lambda a: None if a is None else a[keep]  # noqa: E731 - tiny local helper
        return PointData(self.x[keep], self.y[keep], self.weight[keep], self.crs, pick(self.radius), pick(self.dates))

    def extent(self) -> tuple[float, float, float, float]:
        return (float(self.x.min()), float(self.y.min()), float(self.x.max()), float(self.y.max()))


def _numeric(values: np.ndarray, name: str, source: str) -> tuple[np.ndarray, int]:
    """Float array with nulls as 0 and how many were null; InputError if the field is not numeric."""
    if np.ma.isMaskedArray(values):
        mask = np.ma.getmaskarray(values)
        values = np.ma.getdata(values)
    else:
        mask = np.zeros(len(values), dtype=bool)
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        numbers = np.array([np.nan if v is None else v for v in values], dtype=object)
        try:
            numbers = numbers.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{source}: 필드 {name}에 숫자가 아닌 값이 있습니다. Field {name!r} of {source} is not numeric.",
                "숫자 필드를 고르거나 값을 숫자로 고치세요. Choose a numeric field (integer or decimal).",
            ) from exc
    # inf, NaN and magnitudes no weight or radius of a city has (1e308 is a typing slip): as missing
    nulls = mask | ~np.isfinite(numbers) | (np.abs(np.nan_to_num(numbers, nan=0.0)) > 1e15)
    return np.where(nulls, 0.0, numbers), int(nulls.sum())


def _dates(values: np.ndarray) -> np.ndarray:
    if np.ma.isMaskedArray(values):
        values = np.ma.filled(values.astype(object), None)
    if np.issubdtype(np.asarray(values).dtype, np.datetime64):
        return np.asarray(values).astype("datetime64[D]")
    text = np.array(
        [
            "NaT" if v is None else (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))[:10]
            for v in values
        ]
    )
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, item in enumerate(text):
        with contextlib.suppress(ValueError):
            out[i] = np.datetime64(item, "D")
    return out


def points_from_arrays(
    x: np.ndarray,
    y: np.ndarray,
    crs: str | None,
    weight: np.ndarray | None = None,
    radius: np.ndarray | None = None,
    dates: np.ndarray | None = None,
) -> PointData:
    """PointData from arrays (tests, notebooks); nulls in weight/radius become 0 and are counted."""
    n = len(x)
    w, nw = (np.ones(n), 0) if weight is None else _numeric(np.asarray(weight), "weight", "the points")
    r, nr = (None, 0) if radius is None else _numeric(np.asarray(radius), "radius", "the points")
    d = None if dates is None else _dates(np.asarray(dates, dtype=object))
    return PointData(np.asarray(x, float), np.asarray(y, float), w, crs, r, d, nw, nr)


def read_points(
    path: str | Path,
    layer: str | None = None,
    weight_field: str | None = None,
    radius_field: str | None = None,
    date_field: str | None = None,
    crs: str | None = None,
) -> PointData:
    """Read a point layer (any OGR source); InputError for non-point layers or missing fields."""
    source = str(path)
    if not Path(source).exists():
        raise InputError(f"Input {source} does not exist.", "Check the path.")
    fields = [f for f in (weight_field, radius_field, date_field) if f]
    try:
        columns, x, y, layer_crs = _read_arrow(source, layer, fields)
    except _NeedsFallbackError:
        columns, x, y, layer_crs = _read_pyogrio(source, layer, fields)
    label = f"{source}{f' (layer {layer})' if layer else ''}"
    crs = crs or layer_crs
    if crs is None:
        raise CrsError(f"{label} has no coordinate reference system.", "Give the layer's CRS (e.g. EPSG:5186).")
    weight, null_weights = (np.ones(len(x)), 0)
    if weight_field:
        weight, null_weights = _numeric(columns[weight_field], weight_field, label)
    radius, null_radii = (None, 0)
    if radius_field:
        radius, null_radii = _numeric(columns[radius_field], radius_field, label)
    dates = _dates(columns[date_field]) if date_field else None
    return PointData(x, y, weight, crs, radius, dates, null_weights, null_radii)


class _NeedsFallbackError(Exception):
    pass


def _check_fields(available: list[str], wanted: list[str], label: str) -> None:
    missing = [f for f in wanted if f not in available]
    if missing:
        raise MissingColumnsError(
            f"{label} has no field {', '.join(repr(m) for m in missing)}.",
            f"Its fields are: {', '.join(available) or '(none)'}.",
        )


def _read_arrow(source: str, layer: str | None, fields: list[str]):
    try:
        from osgeo import ogr
    except ImportError as exc:
        raise _NeedsFallbackError from exc
    ogr.UseExceptions()
    try:
        dataset = ogr.Open(source)
    except RuntimeError as exc:
        raise InputError(f"Cannot read {source}: {exc}") from exc
    found = dataset.GetLayerByName(layer) if layer else dataset.GetLayer(0)
    if found is None:
        raise InputError(f"{source} has no layer {layer!r}.", "Check the layer name.")
    label = f"{source}{f' (layer {layer})' if layer else ''}"
    definition = found.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    _check_fields(names, fields, label)
    geometry_type = ogr.GT_Flatten(found.GetGeomType())
    if geometry_type not in (ogr.wkbPoint, ogr.wkbMultiPoint, ogr.wkbUnknown):
        raise InputError(
            f"{label} holds {ogr.GeometryTypeToName(found.GetGeomType())} geometries, not points.",
            "Give a point layer (e.g. complaints); for polygons use their centroids first.",
        )
    reference = found.GetSpatialRef()
    crs = None
    if reference is not None:
        if reference.GetAuthorityName(None) and reference.GetAuthorityCode(None):
            crs = f"{reference.GetAuthorityName(None)}:{reference.GetAuthorityCode(None)}"
        else:
            crs = reference.ExportToWkt()
    if geometry_type != ogr.wkbPoint or not hasattr(found, "GetArrowStreamAsNumPy"):
        raise _NeedsFallbackError
    found.SetIgnoredFields([n for n in names if n not in fields])
    xs, ys, columns = [], [], {f: [] for f in fields}
    geometry_name = found.GetGeometryColumn() or "wkb_geometry"
    stream = found.GetArrowStreamAsNumPy(options=["USE_MASKED_ARRAYS=YES", "MAX_FEATURES_IN_BATCH=262144"])
    for batch in stream:
        geometry = batch[geometry_name]
        if geometry.dtype != np.dtype(f"V{_WKB_POINT_SIZE}"):
            raise _NeedsFallbackError  # null or empty geometries: variable-length column
        raw = np.frombuffer(geometry.tobytes(), dtype=np.uint8).reshape(-1, _WKB_POINT_SIZE)
        if not (raw[:, 0] == 1).all():
            raise _NeedsFallbackError  # big-endian WKB
        coordinates = raw[:, 5:21].copy().view("<f8")
        xs.append(coordinates[:, 0])
        ys.append(coordinates[:, 1])
        for name in fields:
            columns[name].append(batch[name])
    if not xs:
        return {f: np.array([]) for f in fields}, np.array([]), np.array([]), crs
    joined = {name: np.ma.concatenate(parts) if parts else np.array([]) for name, parts in columns.items()}
    return joined, np.concatenate(xs), np.concatenate(ys), crs


def _read_pyogrio(source: str, layer: str | None, fields: list[str]):
    import pyogrio
    import shapely

    label = f"{source}{f' (layer {layer})' if layer else ''}"
    info = pyogrio.read_info(source, layer=layer)
    _check_fields(list(info["fields"]), fields, label)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(source, layer=layer, columns=fields)
    geometry = frame.geometry
    kinds = set(geometry.dropna().geom_type)
    if kinds - {"Point", "MultiPoint"}:
        raise InputError(
            f"{label} holds {', '.join(sorted(kinds))} geometries, not points.",
            "Give a point layer (e.g. complaints); for polygons use their centroids first.",
        )
    usable = geometry.notna() & ~geometry.is_empty
    missing = frame[~usable]  # kept with NaN coordinates: prepare_points counts and reports them
    frame = frame[usable].explode(index_parts=False)
    x = np.concatenate([shapely.get_x(frame.geometry.values).astype(float), np.full(len(missing), np.nan)])
    y = np.concatenate([shapely.get_y(frame.geometry.values).astype(float), np.full(len(missing), np.nan)])
    columns = {name: np.concatenate([frame[name].to_numpy(), missing[name].to_numpy()]) for name in fields}
    crs = frame.crs.to_string() if frame.crs is not None else None
    return columns, x, y, crs
