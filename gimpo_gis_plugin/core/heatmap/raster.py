"""Write heat maps as GeoTIFF with a sidecar .qml, so QGIS opens them already styled."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..geopackage import atomic_path
from ..styles import YELLOW_ORANGE_RED, raster_pseudocolor
from .grid import Grid

NODATA = -9999.0


def pseudocolor_style(values: np.ndarray) -> str:
    """A yellow-to-red ramp from 0 to the 99.5th percentile of the positive values, zero transparent."""
    # Every 7th cell is plenty for a colour ramp's top stop and 7× cheaper on a large raster.
    sample = values.reshape(-1)[::7] if values.size > 1_000_000 else values
    positive = sample[np.isfinite(sample) & (sample > 0)]
    top = float(np.percentile(positive, 99.5)) if positive.size else 1.0
    top = top if top > 0 else 1.0
    count = len(YELLOW_ORANGE_RED)
    stops = [(0.0, YELLOW_ORANGE_RED[0])] + [
        (top * i / (count - 1), color) for i, color in enumerate(YELLOW_ORANGE_RED) if i
    ]
    return raster_pseudocolor(stops)


def write_geotiff(
    path: str | Path,
    bands: list[np.ndarray],
    grid: Grid,
    crs: str | None,
    descriptions: list[str] | None = None,
    style: bool = True,
) -> Path:
    """Write float32 bands (NaN → nodata) atomically to ``path``, plus ``path.qml`` when ``style``."""
    target = Path(path)
    if target.suffix.lower() not in (".tif", ".tiff"):
        target = target.with_suffix(".tif")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"출력 폴더 {target.parent}을(를) 만들거나 쓸 수 없습니다: {exc.strerror}. "
            f"Cannot write to {target.parent}: {exc.strerror}.",
            "쓰기 권한이 있는 폴더를 고르세요. Choose a folder you can write to.",
        ) from exc
    # atomic_path: a temporary name beside the target that GDAL creates itself (so the file follows the
    # umask like every other output), committed with the run's other outputs (core/run_outputs.py).
    try:
        with atomic_path(target, ".tif") as temporary:
            _write(str(temporary), bands, grid, crs, descriptions)
    except OutputError:
        raise
    except Exception as exc:
        raise OutputError(f"Cannot write {target}: {exc}", "Check the disk space and the file name.") from exc
    if style:
        with atomic_path(target.with_suffix(".qml")) as temporary:
            temporary.write_text(pseudocolor_style(bands[0]), encoding="utf-8")
    return target


def _write(path: str, bands: list[np.ndarray], grid: Grid, crs: str | None, descriptions: list[str] | None) -> None:
    """GDAL's own bindings when present (they share QGIS's PROJ database), rasterio otherwise.

    A rasterio wheel carries its own PROJ, which can meet an older system proj.db and then writes a CRS
    without its projection; GDAL's bindings (always there next to QGIS) do not have that problem.
    """
    arrays = [np.where(np.isfinite(band), band, NODATA).astype(np.float32) for band in bands]
    try:
        from osgeo import gdal, osr
    except ImportError:
        _write_rasterio(path, arrays, grid, crs, descriptions)
        return
    gdal.UseExceptions()
    driver = gdal.GetDriverByName("GTiff")
    # ZSTD on all cores writes a 2,000 × 2,000 raster in a third of DEFLATE's time at the same size.
    fast = "ZSTD" in (driver.GetMetadataItem("DMD_CREATIONOPTIONLIST") or "")
    codec = ["COMPRESS=ZSTD", "ZSTD_LEVEL=1"] if fast else ["COMPRESS=DEFLATE", "ZLEVEL=1"]
    options = [*codec, "PREDICTOR=3", "TILED=YES", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
    dataset = driver.Create(path, grid.cols, grid.rows, len(arrays), gdal.GDT_Float32, options)
    dataset.SetGeoTransform(grid.transform)
    if crs:
        reference = osr.SpatialReference()
        reference.SetFromUserInput(crs)
        dataset.SetProjection(reference.ExportToWkt())
    for index, array in enumerate(arrays, start=1):
        band = dataset.GetRasterBand(index)
        band.SetNoDataValue(NODATA)
        band.WriteArray(array)
        if descriptions:
            band.SetDescription(descriptions[index - 1])
    dataset.FlushCache()
    dataset = None


def _write_rasterio(path: str, arrays: list[np.ndarray], grid: Grid, crs: str | None, descriptions) -> None:
    import rasterio
    from rasterio.transform import Affine

    profile = {
        "driver": "GTiff", "width": grid.cols, "height": grid.rows, "count": len(arrays), "dtype": "float32",
        "nodata": NODATA, "crs": crs, "transform": Affine.from_gdal(*grid.transform), "compress": "deflate",
        "predictor": 3, "tiled": True, "BIGTIFF": "IF_SAFER",
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dataset:
        for index, array in enumerate(arrays, start=1):
            dataset.write(array, index)
            if descriptions:
                dataset.set_band_description(index, descriptions[index - 1])
