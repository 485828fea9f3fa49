"""CRS sanity: degrees labelled as metres and back, extents outside Korea, empty inputs (plain pytest)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from gimpo_gis_plugin.core.crs_sanity import check_in_korea, check_not_empty, check_units
from gimpo_gis_plugin.core.errors import CrsError, InputError
from gimpo_gis_plugin.core.vector_io import read_vector

# 김포시청 in EPSG:5186 metres and in WGS84 degrees
GIMPO_TM = (185_500.0, 560_000.0, 186_500.0, 561_000.0)
GIMPO_LONLAT = (126.70, 37.60, 126.72, 37.62)


def test_degrees_labelled_as_korean_tm_are_refused_with_the_fix():
    with pytest.raises(CrsError) as caught:
        check_units(GIMPO_LONLAT, "EPSG:5186", "굴착 계획")
    message = str(caught.value)
    assert "굴착 계획" in message and "EPSG:5186" in message and "경위도" in message and "EPSG:4326" in message


def test_metres_labelled_as_degrees_are_refused():
    with pytest.raises(CrsError, match="look like metres"):
        check_units(GIMPO_TM, "EPSG:4326", "필지")


@pytest.mark.parametrize("bounds, crs", [(GIMPO_TM, "EPSG:5186"), (GIMPO_LONLAT, "EPSG:4326")])
def test_a_layer_where_its_crs_says_passes(bounds, crs):
    check_units(bounds, crs, "x")
    check_in_korea(bounds, crs, "x")


@pytest.mark.parametrize("epsg", ["EPSG:5174", "EPSG:5179", "EPSG:5187", "EPSG:32652"])
def test_other_korean_grids_are_checked_in_their_own_units(epsg):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", epsg, always_xy=True).transform(126.71, 37.61)
    check_in_korea((x, y, x + 10, y + 10), epsg, "x")
    with pytest.raises(CrsError):
        check_units(GIMPO_LONLAT, epsg, "x")


def test_an_extent_outside_korea_for_its_crs_is_refused():
    # Gimpo's TM metres read as Web Mercator metres: somewhere off the coast of Africa.
    with pytest.raises(CrsError, match="한국 밖"):
        check_in_korea(GIMPO_TM, "EPSG:3857", "민원")
    with pytest.raises(CrsError, match="한국 밖"):
        check_in_korea((2.35, 48.85, 2.36, 48.86), "EPSG:4326", "민원")  # Paris


def test_empty_input_is_refused_naming_it():
    check_not_empty(1, "x")
    with pytest.raises(InputError, match="민원 레이어"):
        check_not_empty(0, "민원 레이어")


def test_read_vector_uses_the_same_rule(tmp_path):
    path = tmp_path / "digs.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(126.71, 37.61)], crs="EPSG:5186").to_file(path)
    with pytest.raises(CrsError, match="EPSG:4326"):
        read_vector(path)
    assert len(read_vector(path, crs="EPSG:4326")) == 1
