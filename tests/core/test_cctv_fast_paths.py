"""The fast paths of the CCTV engine give what the straightforward computation gives, on small cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gimpo_gis_plugin.core.cctv.blind_spots import blind_spots, disjoint_footprints, subtract_disjoint
from gimpo_gis_plugin.core.cctv.scatter import minimum_at
from gimpo_gis_plugin.core.cctv.siting import (
    NewCamera,
    _bounds,
    _tiles,
    candidate_cameras,
    candidate_views,
    grid_pieces,
    site_new_cameras,
)
from gimpo_gis_plugin.core.cctv.visibility import (
    TWO_PI,
    Obstacles,
    _twice_in_angle_order,
    sector_area_bounds,
    view_polygons,
)

CRS = "EPSG:5186"
X0, Y0 = 200_000.0, 550_000.0


def _points(rng: np.random.Generator, low: float, high: float, count: int) -> np.ndarray:
    return shapely.points(X0 + rng.uniform(low, high, count), Y0 + rng.uniform(low, high, count))


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
    assert shapely.is_valid(spots.geometry.to_numpy()).all()
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


def test_subtracting_disjoint_blocks_is_the_overlay():
    blocks = disjoint_footprints(_footprints())
    rng = np.random.default_rng(13)
    ring = shapely.difference(
        shapely.Point(X0 + 120, Y0 + 120).buffer(150.0), shapely.Point(X0 + 120, Y0 + 120).buffer(40.0)
    )
    area = shapely.difference(ring, shapely.union_all(shapely.buffer(_points(rng, -50, 300, 15), 25.0)))
    assert area.geom_type == "MultiPolygon"  # several pieces, with holes, cutting through blocks
    mine = subtract_disjoint(area, blocks)
    assert shapely.is_valid(mine)
    reference = shapely.difference(area, shapely.union_all(blocks))
    assert shapely.symmetric_difference(mine, reference).area < 1e-6
    assert mine.area == pytest.approx(reference.area, rel=1e-12)


def test_grid_pieces_are_the_cells_cut_one_by_one():
    rng = np.random.default_rng(3)
    holes = shapely.buffer(_points(rng, 0, 200, 40), 4.0)
    spots = np.array(
        [
            shapely.difference(shapely.Point(X0 + 100, Y0 + 100).buffer(90.0), shapely.union_all(holes)),
            shapely.box(X0 + 3, Y0 + 3, X0 + 20, Y0 + 20),  # within one cell
            shapely.box(X0 - 40, Y0 - 40, X0 + 10.5, Y0 - 30),
        ],
        dtype=object,
    )
    pieces, owner, cell_x, cell_y = grid_pieces(spots, 25.0)
    mine = {(o, x, y): p for o, x, y, p in zip(owner, cell_x, cell_y, pieces, strict=True)}
    reference = {}
    for k, spot in enumerate(spots):
        x0, y0, x1, y1 = spot.bounds
        for gx in np.arange(np.floor(x0 / 25) * 25, x1, 25):
            for gy in np.arange(np.floor(y0 / 25) * 25, y1, 25):
                cut = shapely.intersection(spot, shapely.box(gx, gy, gx + 25, gy + 25))
                if cut.area > 0:
                    reference[(k, round(gx / 25), round(gy / 25))] = cut
    assert set(mine) == set(reference)
    for key, cut in reference.items():
        assert shapely.symmetric_difference(mine[key], cut).area < 1e-6


def _reference_greedy(views: np.ndarray, pole: np.ndarray, blind: shapely.Geometry, count: int) -> list[int]:
    """Plain greedy: each pick the view that covers the most remaining blind area, one per pole."""
    picks: list[int] = []
    for _ in range(count):
        gain = shapely.area(shapely.intersection(views, blind))
        gain[np.isin(pole, pole[picks])] = -1
        best = int(np.argmax(gain))
        if gain[best] <= 1e-6:
            break
        picks.append(best)
        blind = shapely.difference(blind, views[best])
    return picks


def test_lazy_greedy_siting_picks_what_evaluating_every_view_picks():
    footprints = _footprints()
    heights = np.full(len(footprints), 12.0)
    obstacles = Obstacles(footprints, heights)
    target = shapely.box(X0 - 70, Y0 - 20, X0 + 320, Y0 + 320)
    rng = np.random.default_rng(5)
    seen = shapely.union_all(shapely.buffer(_points(rng, 0, 300, 12), 35.0))
    blind = shapely.difference(shapely.difference(target, shapely.union_all(footprints)), seen)
    spots = gpd.GeoDataFrame({"weight": [1.0]}, geometry=[blind], crs=CRS)
    poles = _points(rng, -60, 310, 40)
    ids = [f"L{i}" for i in range(len(poles))]
    spec = NewCamera(mount_height_m=6.0, fov_deg=90.0, range_m=50.0, tilt_deg=15.0, orientations=8)
    lazy, lazy_views = site_new_cameras(ids, poles, spec, obstacles, spots, 6, batch=7)
    every, _ = site_new_cameras(ids, poles, spec, obstacles, spots, 6, batch=10**9)
    assert lazy["candidate_id"].tolist() == every["candidate_id"].tolist()
    assert lazy["azimuth_deg"].tolist() == every["azimuth_deg"].tolist()
    assert np.allclose(lazy["gained_area_m2"], every["gained_area_m2"], atol=0.01)
    # and both are the plain greedy over untiled blind ground, with the same views
    candidate, _, all_views = candidate_views(poles, spec, obstacles)
    picks = _reference_greedy(all_views, candidate, blind, 6)
    assert [ids[candidate[p]] for p in picks] == lazy["candidate_id"].tolist()
    assert len(lazy_views) == len(picks)
    remaining = blind
    for p, row in zip(picks, lazy.itertuples(), strict=True):
        expected = shapely.intersection(all_views[p], remaining).area
        assert row.gained_area_m2 == pytest.approx(expected, abs=0.05)
        remaining = shapely.difference(remaining, all_views[p])


def test_sector_bounds_from_one_circle_per_pole_hold_and_are_close():
    footprints = _footprints()
    rng = np.random.default_rng(9)
    poles = _points(rng, -60, 310, 30)
    tall = Obstacles(footprints, np.full(len(footprints), 30.0))
    mixed = Obstacles(footprints, rng.choice([3.0, 30.0], len(footprints)))
    for spec in (NewCamera(fov_deg=90.0), NewCamera(fov_deg=360.0), NewCamera(fov_deg=70.0, orientations=5)):
        pole, _, arrays = candidate_cameras(poles, spec)
        for obstacles in (tall, mixed):  # with blind zones, and with low buildings' shadows
            area = shapely.area(view_polygons(arrays, obstacles, 3.0))
            bound = sector_area_bounds(arrays, pole, obstacles, 3.0)
            assert np.all(bound >= area - 1e-6)
        tall_bound = sector_area_bounds(arrays, pole, tall, 3.0)
        assert tall_bound.sum() <= 1.05 * shapely.area(view_polygons(arrays, tall, 3.0)).sum()  # not loose


def _reference_tiles(spots: np.ndarray, weights: np.ndarray, size: float) -> list[tuple[float, float]]:
    """Flattening cell by cell in Python: each piece minus the pieces of higher weight (earlier spots
    first on ties) in its cell."""
    pieces, owners, cell_x, cell_y = grid_pieces(spots, size)
    cells: dict[tuple[int, int], list[int]] = {}
    for k, cell in enumerate(zip(cell_x.tolist(), cell_y.tolist(), strict=True)):
        cells.setdefault(cell, []).append(k)
    out = []
    for members in cells.values():
        taken = shapely.Polygon()
        for k in sorted(members, key=lambda m: (-weights[owners[m]], owners[m])):
            own = shapely.difference(pieces[k], taken)
            taken = shapely.union(taken, pieces[k])
            if own.area > 1e-6:
                out.append((round(own.area, 6), float(weights[owners[k]])))
    return sorted(out)


def test_tiles_of_overlapping_spots_count_each_place_once_at_its_highest_weight():
    spots = np.array(
        [
            shapely.box(X0, Y0, X0 + 100, Y0 + 80),
            shapely.Point(X0 + 60, Y0 + 40).buffer(35.0),  # inside the first, higher weight
            shapely.box(X0 + 30, Y0 + 10, X0 + 140, Y0 + 30),  # across both, same weight as the first
            shapely.Point(X0 + 70, Y0 + 45).buffer(10.0),  # inside the second, highest weight
        ],
        dtype=object,
    )
    weights = np.array([1.0, 3.0, 1.0, 5.0])
    pieces, weight = _tiles(spots, weights, 25.0)
    mine = sorted(zip(np.round(shapely.area(pieces), 6).tolist(), weight.tolist(), strict=True))
    assert mine == _reference_tiles(spots, weights, 25.0)
    assert shapely.area(pieces).sum() == pytest.approx(shapely.union_all(spots).area, rel=1e-9)


def test_compiled_minimum_at_is_numpys():
    rng = np.random.default_rng(5)
    index = rng.integers(0, 3_000, 50_000)
    values = rng.random(50_000) * 100
    mine, reference = np.full(3_000, 50.0), np.full(3_000, 50.0)
    minimum_at(mine, index, values)
    np.minimum.at(reference, index, values)
    assert np.array_equal(mine, reference)


def test_rays_twice_in_angle_order_is_the_lexsort():
    rng = np.random.default_rng(8)
    for _ in range(30):
        cam = np.sort(rng.integers(0, 25, rng.integers(1, 300)))
        # angles rounded to 0.1 rad: many equal ones, whose order the stable sort keeps
        phi = np.concatenate([np.sort(np.round(rng.random((cam == c).sum()) * 6.2, 1)) for c in np.unique(cam)])
        cam2, phi2 = np.concatenate([cam, cam]), np.concatenate([phi, phi + TWO_PI])
        assert np.array_equal(_twice_in_angle_order(cam), np.lexsort((phi2, cam2)))


def test_gain_bounds_from_the_pairs_already_found_are_those_queried_again():
    rng = np.random.default_rng(21)
    tiles = shapely.buffer(_points(rng, 0, 400, 300), 6.0)
    weight = rng.choice([1.0, 2.0, 5.0], 300)
    candidates = _points(rng, -60, 460, 200)
    tree = shapely.STRtree(tiles)
    near_pole, near_tile = tree.query(candidates, predicate="dwithin", distance=50.0)
    useful = np.unique(near_pole)
    cand = np.repeat(useful, 8)
    area_bound = rng.random(cand.size) * 2_000
    queried = _bounds(area_bound, cand, candidates, tree, weight, 50.0)
    reused = _bounds(area_bound, cand, candidates, tree, weight, 50.0, (near_pole, near_tile))
    assert np.array_equal(queried, reused)
