"""The permit engine's slope (Horn) against QGIS's own gdal:slope on the sample city's DEM, same run."""

from __future__ import annotations

import numpy as np
import shapely
from osgeo import gdal
from pyproj import Transformer
from qgis.core import QgsProcessingFeedback

from gimpo_gis_plugin.core.permits.slope import Dem, horn_slope
from gimpo_gis_plugin.core.sample_city.extensions.planning import write_dem


def test_slope_matches_gdal_slope(qgis_processing, tmp_path):
    import processing

    # 1.2 x 1 km on the flank of 문수산 (steep) at 5 m
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:5186", always_xy=True).transform(126.536, 37.717)
    dem_path = write_dem(tmp_path, (x - 900, y - 500, x + 300, y + 500))
    out = processing.run(
        "gdal:slope",
        {
            "INPUT": str(dem_path),
            "BAND": 1,
            "SCALE": 1.0,
            "AS_PERCENT": False,
            "COMPUTE_EDGES": False,
            "ZEVENBERGEN": False,
            "OUTPUT": str(tmp_path / "slope_gdal.tif"),
        },
        feedback=QgsProcessingFeedback(),
    )["OUTPUT"]
    theirs_ds = gdal.Open(out)
    theirs = theirs_ds.GetRasterBand(1).ReadAsArray().astype(float)
    theirs[theirs == theirs_ds.GetRasterBand(1).GetNoDataValue()] = np.nan
    dem = gdal.Open(str(dem_path))
    z = dem.GetRasterBand(1).ReadAsArray()
    ours = horn_slope(z, 5.0, 5.0)
    interior = np.isfinite(ours)
    assert np.isfinite(theirs[interior]).all() and np.isnan(theirs[~interior]).all()
    assert np.nanmax(theirs) > 15  # the test area is steep enough to matter
    assert np.allclose(ours[interior], theirs[interior], atol=1e-3)

    # and per site: the engine's windowed mean equals gdal:slope's cells with centres in the site
    site = shapely.box(x - 400, y - 200, x - 250, y - 60)
    mean, peak, cells = Dem(dem_path).site_slope(site)
    x0, dx, _, y0, _, dy = dem.GetGeoTransform()
    cols = x0 + (np.arange(dem.RasterXSize) + 0.5) * dx
    rows = y0 + (np.arange(dem.RasterYSize) + 0.5) * dy
    inside = shapely.contains_xy(site, *np.meshgrid(cols, rows))
    assert cells == inside.sum()
    assert abs(mean - theirs[inside].mean()) < 1e-3 and abs(peak - theirs[inside].max()) < 1e-3
