"""The fast paths of the CCTV engine give what the straightforward computation gives, on small cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gimpo_gis_plugin.core.cctv.blind_spots import blind_spots, disjoint_footprints

CRS = "EPSG:5186"
X0, Y0 = 200_000.0, 550_000.0


def _footprints() -> np.ndarray:
    rng = np.random.default_rng(7)
    boxes = [
        shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)
        for x, y, w, h in rng.uniform([0, 0, 3, 3], [300, 300, 15, 15], (400, 4))
    ]
    boxes += [
        shapely.box(X0 - 20, Y0, X0 - 10, Y0 + 10),
        shapely.box(X0 - 10, Y0, X0, Y0 + 10),  # shares a wall with the one before
        shapely.box(X0 - 30, Y0 - 10, X0 - 20, Y0),  # touches it at a corner only
        shapely.Polygon(  # a courtyard building
            [(X0 - 60, Y0), (X0 - 40, Y0), (X0 - 40, Y0 + 20), (X0 - 60, Y0 + 20)],
            [[(X0 - 55, Y0 + 5), (X0 - 45, Y0 + 5), (X0 - 45, Y0 + 15), (X0 - 55, Y0 + 15)]],
        ),
    ]
    return np.array(boxes, dtype=object)


def test_disjoint_footprints_are_the_union_as_disjoint_parts():
    footprints = _footprints()
    parts = disjoint_footprints(footprints)
    first, second = shapely.STRtree(parts).query(parts, predicate="intersects")
    meet = shapely.intersection(parts[first[first < second]], parts[second[first < second]])
    assert set(shapely.get_type_id(meet)) <= {0, 4}  # at most corners in common (allowed in a MultiPolygon)
    together = shapely.multipolygons(parts)
    assert shapely.is_valid(together)
    reference = shapely.union_all(footprints)
    assert shapely.symmetric_difference(together, reference).area < 1e-6
    assert together.area == pytest.approx(reference.area, rel=1e-12)


def _reference_blind(target: shapely.Geometry, footprints: np.ndarray, views: np.ndarray) -> shapely.Geometry:
    """The straightforward computation: target minus the union of all buildings, minus all views."""
    open_ground = shapely.difference(target, shapely.union_all(footprints))
    return shapely.difference(open_ground, shapely.union_all(views))


def test_blind_spots_match_the_straightforward_overlay():
    footprints = _footprints()
    rng = np.random.default_rng(11)
    centres = shapely.points(rng.uniform(X0 - 60, X0 + 300, 25), rng.uniform(Y0 - 20, Y0 + 300, 25))
    views = shapely.buffer(centres, 30.0)
    targets = gpd.GeoDataFrame(
        {"target_id": ["T1", "T2", "T3"], "weight": [1.0, 2.0, 0.5]},
        geometry=[
            shapely.box(X0 - 70, Y0 - 20, X0 + 320, Y0 + 320),  # everything
            shapely.box(X0 + 50, Y0 + 50, X0 + 150, Y0 + 150),  # cuts through buildings
            shapely.Point(X0 - 50, Y0 + 10).buffer(12.0),  # around the courtyard building
        ],
        crs=CRS,
    )
    summary, spots = blind_spots(targets, footprints, views, min_area_m2=0.0)
    for row in summary.itertuples():
        target = targets.geometry.iloc[row.Index]
        reference = _reference_blind(target, footprints, views)
        assert row.blind_m2 == pytest.approx(reference.area, abs=0.01)
        building_area = shapely.intersection(target, shapely.union_all(footprints)).area
        assert row.building_m2 == pytest.approx(building_area, abs=0.01)
        mine = shapely.union_all(spots[spots["target_id"] == row.target_id].geometry.to_numpy())
        assert shapely.symmetric_difference(mine, reference).area < 1e-3
        reference_parts = shapely.get_parts(reference)
        assert len(spots[spots["target_id"] == row.target_id]) == int((shapely.area(reference_parts) > 0).sum())
