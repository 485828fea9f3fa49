"""A raster as a coloured PNG image overlay for the web map (MapLibre ``image`` source), from file://.

MapLibre stretches an image linearly between its four corners in Web Mercator, so the raster is first
warped to EPSG:3857 (GDAL, the same library QGIS uses), coloured with the QGIS style's colour ramp, and
written as a PNG that travels as a data: URI inside a <script> file (a browser blocks fetch() of file:
URLs, not data: URIs).
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from .qml import LayerStyle
from .smoothing import Surface

MAX_PIXELS = 4096  # per side: browsers and GPUs take textures up to this size


@dataclass(frozen=True)
class Overlay:
    png: bytes
    corners: list[list[float]]  # lon/lat: top-left, top-right, bottom-right, bottom-left

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png_bytes(rgba: np.ndarray) -> bytes:
    """An RGBA uint8 array (rows, cols, 4) as PNG bytes (no imaging library needed)."""
    rows, cols, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", cols, rows, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def colourise(values: np.ndarray, style: LayerStyle) -> np.ndarray:
    """RGBA of ``values`` by the style's ramp (NaN and values QGIS shows transparent -> transparent)."""
    rgba = np.zeros((*values.shape, 4), dtype=np.uint8)
    finite = np.isfinite(values)
    stops = [c for c in style.classes if isinstance(c.value, float)]
    if style.renderer != "pseudocolor" or not stops:
        low, high = (np.nanmin(values), np.nanmax(values)) if finite.any() else (0.0, 1.0)
        grey = np.clip((values - low) / ((high - low) or 1.0), 0, 1)
        for band in range(3):
            rgba[..., band] = np.where(finite, (grey * 255).astype(np.uint8), 0)
        rgba[..., 3] = np.where(finite, 255 * style.opacity, 0).astype(np.uint8)
        return rgba
    levels = np.array([c.value for c in stops])
    colours = np.array([[int(c.paint.fill[i : i + 2], 16) for i in (1, 3, 5)] + [255 * c.paint.fill_opacity]
                        for c in stops], dtype="float64")  # fmt: skip
    safe = np.where(finite, values, levels[0])
    if style.ramp_type == "DISCRETE":  # QGIS: a value takes the first class whose value is >= it
        index = np.clip(np.searchsorted(levels, safe, side="left"), 0, len(stops) - 1)
        out = colours[index]
    elif style.ramp_type == "EXACT":
        index = np.clip(np.searchsorted(levels, safe), 0, len(stops) - 1)
        out = np.where((levels[index] == safe)[..., None], colours[index], 0.0)
    else:
        out = np.stack([np.interp(safe, levels, colours[:, band]) for band in range(4)], axis=-1)
    # The plugin's heat maps draw 0 transparent (the pixelListEntry 0..0); a heat map has nothing to say there.
    visible = finite & (values > 0 if levels[0] >= 0 else finite)
    out[..., 3] *= style.opacity
    rgba[:] = np.where(visible[..., None], np.round(out), 0).astype(np.uint8)
    return rgba


def _gdal():
    try:
        from osgeo import gdal, osr
    except ImportError as exc:  # QGIS always ships GDAL's Python bindings
        raise InputError(
            "GDAL Python 바인딩(osgeo)이 없어 래스터를 게시할 수 없습니다.", "QGIS의 Python으로 실행하세요."
        ) from exc
    gdal.UseExceptions()
    return gdal, osr


def _warp(dataset) -> tuple[np.ndarray, tuple[float, ...]]:
    gdal, _ = _gdal()
    size = max(dataset.RasterXSize, dataset.RasterYSize)
    options = {"dstSRS": "EPSG:3857", "format": "MEM", "resampleAlg": "near", "dstNodata": np.nan,
               "outputType": gdal.GDT_Float32}  # fmt: skip
    if size > MAX_PIXELS:
        scale = MAX_PIXELS / size
        options["width"] = int(dataset.RasterXSize * scale)
        options["height"] = int(dataset.RasterYSize * scale)
    warped = gdal.Warp("", dataset, **options)
    values = warped.GetRasterBand(1).ReadAsArray().astype("float64")
    return values, warped.GetGeoTransform()


def _corners(transform: tuple[float, ...], rows: int, cols: int) -> list[list[float]]:
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    left, top = transform[0], transform[3]
    right, bottom = left + cols * transform[1], top + rows * transform[5]
    points = [(left, top), (right, top), (right, bottom), (left, bottom)]
    return [[round(v, 7) for v in to_lonlat.transform(x, y)] for x, y in points]


def raster_overlay(path: str | Path, style: LayerStyle, band: int = 1) -> Overlay:
    """The GeoTIFF ``path`` (band ``band``) as a coloured overlay in Web Mercator."""
    gdal, _ = _gdal()
    try:
        dataset = gdal.Open(str(path))
    except RuntimeError as exc:
        raise InputError(f"래스터 {path}을(를) 열 수 없습니다: {exc}", "GeoTIFF 파일을 주세요.") from exc
    source_band = dataset.GetRasterBand(band)
    nodata = source_band.GetNoDataValue()
    array = source_band.ReadAsArray().astype("float32")
    if nodata is not None:  # nodata as NaN before warping, so that it stays transparent
        array[array == nodata] = np.nan
    single = _single_band(array, dataset.GetGeoTransform(), dataset.GetProjection())
    values, transform = _warp(single)
    return Overlay(png_bytes(colourise(values, style)), _corners(transform, *values.shape))


def _single_band(values: np.ndarray, transform, projection: str):
    gdal, _ = _gdal()
    rows, cols = values.shape
    mem = gdal.GetDriverByName("MEM").Create("", cols, rows, 1, gdal.GDT_Float32)
    mem.SetGeoTransform(tuple(transform))
    mem.SetProjection(projection)
    mem.GetRasterBand(1).SetNoDataValue(float("nan"))
    mem.GetRasterBand(1).WriteArray(values.astype("float32"))
    return mem


def surface_overlay(surface: Surface, style: LayerStyle) -> Overlay:
    """A computed surface (the published-counts heat map) as a coloured overlay."""
    _, osr = _gdal()
    reference = osr.SpatialReference()
    reference.SetFromUserInput(surface.crs)
    dataset = _single_band(surface.values, surface.transform, reference.ExportToWkt())
    values, transform = _warp(dataset)
    return Overlay(png_bytes(colourise(values, style)), _corners(transform, *values.shape))
