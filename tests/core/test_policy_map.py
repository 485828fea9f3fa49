"""정책지도 engine: composite score with directions and weights, priority, hot spots, self-explaining output."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.errors import InputError, MissingColumnsError
from gimpo_gis_plugin.core.geopackage import read_embedded_style
from gimpo_gis_plugin.core.policy import (
    Indicator,
    PolicyMapOptions,
    build_policy_map,
    composite_score,
    parse_indicators,
    write_policy_map,
)

CRS = "EPSG:5186"


@pytest.fixture
def grid_areas():
    """A 6 × 6 grid of 500 m cells: need is high in the south-west corner."""
    gx, gy = np.meshgrid(np.arange(6), np.arange(6))
    gx, gy = gx.ravel(), gy.ravel()
    rng = np.random.default_rng(4)
    corner = (gx < 2) & (gy < 2)
    return gpd.GeoDataFrame(
        {
            "cell_id": [f"c{i}" for i in range(36)],
            "complaints": rng.normal(10, 1, 36) + 8 * corner,
            "income": rng.normal(50, 2, 36) - 10 * corner,
        },
        geometry=shapely.box(gx * 500, gy * 500, gx * 500 + 500, gy * 500 + 500),
        crs=CRS,
    )


def test_parse_indicators():
    assert parse_indicators("a:+:2; b:-:0.5, c") == [Indicator("a", 1, 2.0), Indicator("b", -1, 0.5), Indicator("c")]
    with pytest.raises(InputError, match="weight 'x' is not a number"):
        parse_indicators("a:+:x")
    with pytest.raises(InputError, match="No indicators"):
        parse_indicators(" ; ")


def test_directions_and_weights():
    frame = pd.DataFrame({"need": [0.0, 5.0, 10.0], "wealth": [10.0, 5.0, 0.0]})
    minmax, _, _ = composite_score(frame, [Indicator("need", 1, 3), Indicator("wealth", -1, 1)], "minmax")
    assert minmax.tolist() == [0.0, 0.5, 1.0]
    z, norm, table = composite_score(frame, [Indicator("need", 1, 1), Indicator("wealth", -1, 1)], "zscore")
    assert z == pytest.approx(norm["n_need"].to_numpy())
    assert table["weight_share"].tolist() == [0.5, 0.5]


def test_missing_field_is_named(grid_areas):
    with pytest.raises(MissingColumnsError, match="no field 'arrears'"):
        composite_score(grid_areas, [Indicator("arrears")])


def test_priority_and_hot_spot_in_the_planted_corner(grid_areas, tmp_path):
    options = PolicyMapOptions([Indicator("complaints", 1, 1), Indicator("income", -1, 1)], k=4)
    result = build_policy_map(grid_areas, options)
    corner = result.areas.index[:2].tolist() + result.areas.index[6:8].tolist()
    assert (result.areas.loc[corner, "priority"] == 1).all()
    assert (result.areas.loc[corner, "hotspot"] == 1).sum() >= 3
    assert (result.areas["hotspot"] == 1).sum() <= 8
    path = write_policy_map(result, tmp_path / "policy.gpkg", tmp_path / "policy.html")
    indicators = gpd.read_file(path, layer="policy_indicators")
    assert indicators["indicator"].tolist() == ["complaints", "income"]
    assert indicators["direction"].tolist() == ["+", "-"]
    with sqlite3.connect(path) as db:
        (description,) = db.execute("SELECT description FROM gpkg_contents WHERE table_name='policy_map'").fetchone()
    assert "complaints (+, weight 1)" in description and "Benjamini-Hochberg" in description
    assert 'attr="priority"' in read_embedded_style(path, "policy_map")
    assert 'attr="hotspot"' in read_embedded_style(path, "hotspots")
    html = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert "정책지도" in html and "income" in html and "Gi*" in html


def test_all_indicator_values_equal(grid_areas):
    grid_areas["complaints"] = 3.0
    result = build_policy_map(grid_areas, PolicyMapOptions([Indicator("complaints")]))
    assert (result.areas["priority"] == 1).all() and (result.areas["hotspot"] == 0).all()


def test_empty_and_too_small_layers(grid_areas):
    with pytest.raises(InputError, match="no features"):
        build_policy_map(grid_areas.iloc[:0], PolicyMapOptions([Indicator("complaints")]))
    with pytest.raises(InputError, match="at least 3 areas"):
        build_policy_map(grid_areas.iloc[:2], PolicyMapOptions([Indicator("complaints")]))
    fewer = build_policy_map(grid_areas.iloc[:2], PolicyMapOptions([Indicator("complaints")], hotspots=False))
    assert sorted(fewer.areas["priority"]) == [1, 2]
