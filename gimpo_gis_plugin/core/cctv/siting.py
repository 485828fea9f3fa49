"""Greedy siting of new cameras on candidate poles: each pick covers the most weighted blind area left.

Every candidate is tried in several orientations with the same occlusion model as the existing cameras.
The gain of a view is Σ weight × area(view ∩ blind spot); after a pick, only the blind spots it touched
change, so only the (view, spot) pairs of those spots are recomputed. Covered area is submodular, so
greedy picking is the standard choice: it gets at least 63% (1 − 1/e) of the best possible N-camera
gain, and in practice much closer. A pole takes at most one new camera.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from ..errors import InputError
from ..progress import SILENT, Progress
from . import optics
from .visibility import CameraArrays, Obstacles, sector_angles, sector_area_bounds, view_polygons

# Blind spots are cut into tiles this size for the gain sums: intersecting a view with a few small tiles
# is much cheaper than with one large spot full of holes, and a pick then only touches nearby tiles.
TILE_M = 25.0
CANDIDATE_STEP_DEG = 3.0

SITE_COLUMNS = [
    "rank",
    "candidate_id",
    "azimuth_deg",
    "fov_deg",
    "range_m",
    "mount_height_m",
    "tilt_deg",
    "gained_area_m2",
    "gained_weighted",
    "cumulative_weighted",
    "cumulative_share",
]


@dataclass(frozen=True)
class NewCamera:
    """The camera model proposed for a pole, and how many directions to try (fov < 360)."""

    mount_height_m: float = 6.0
    fov_deg: float = 90.0
    range_m: float = 50.0
    tilt_deg: float = 15.0
    orientations: int = 8


def site_new_cameras(
    candidate_ids: list[str],
    candidates: np.ndarray,
    spec: NewCamera,
    obstacles: Obstacles | None,
    spots: gpd.GeoDataFrame,
    count: int,
    angular_step_deg: float = 1.0,
    progress: Progress = SILENT,
    batch: int = 5_000,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The chosen sites in pick order (with gains) and their view polygons.

    ``batch``: how many views get their exact gain at a time (see :class:`_LazyGains`); any value gives
    the same picks, a number above the count of views evaluates them all at once.
    """
    crs = spots.crs
    empty = gpd.GeoDataFrame({c: [] for c in SITE_COLUMNS}, geometry=[], crs=crs)
    if count <= 0 or len(candidates) == 0 or len(spots) == 0:
        return empty, np.array([], dtype=object)
    blind, weight = _tiles(spots.geometry.to_numpy(), spots["weight"].to_numpy(dtype=float), TILE_M)
    total_weighted = float((shapely.area(blind) * weight).sum())
    spot_tree = shapely.STRtree(blind)
    near_pole, near_tile = spot_tree.query(candidates, predicate="dwithin", distance=spec.range_m)
    useful = np.unique(near_pole)
    if useful.size == 0:
        return empty, np.array([], dtype=object)

    views = len(useful) * _orientations(spec).size
    check_siting_work(views, len(blind), spec, count, progress)
    progress.info(f"Trying {len(useful):,} candidate poles in {_orientations(spec).size} orientation(s)")
    pole, azimuth, arrays = candidate_cameras(candidates[useful], spec)
    cand = useful[pole]
    step = candidate_step(angular_step_deg)
    progress.set(0.1)
    area_bound = sector_area_bounds(arrays, pole, obstacles, step)
    progress.set(0.4)
    reach = float(arrays.reach.max(initial=0.0))
    # the pairs already found serve when the cameras reach as far as they were searched (the usual case)
    pairs = (near_pole, near_tile) if reach == spec.range_m else None
    bound = _bounds(area_bound, cand, candidates, spot_tree, weight, reach, pairs)
    gains = _LazyGains(
        lambda index: view_polygons(arrays.take(index), obstacles, step), blind, weight, spot_tree, bound, batch
    )
    rows, chosen = [], []
    cumulative = 0.0
    for pick in range(count):
        progress.set(0.7 + 0.3 * pick / count)
        best = gains.best()
        if best < 0 or gains.gain[best] <= 1e-6:
            break
        gained, gained_plain = float(gains.gain[best]), float(gains.plain[best])
        cumulative += gained
        rows.append(
            {
                "rank": pick + 1,
                "candidate_id": candidate_ids[cand[best]],
                "azimuth_deg": None if np.isnan(azimuth[best]) else float(azimuth[best]),
                "fov_deg": spec.fov_deg,
                "range_m": spec.range_m,
                "mount_height_m": spec.mount_height_m,
                "tilt_deg": spec.tilt_deg,
                "gained_area_m2": round(gained_plain, 2),
                "gained_weighted": round(gained, 2),
                "cumulative_weighted": round(cumulative, 2),
                "cumulative_share": round(cumulative / total_weighted, 4) if total_weighted > 0 else 0.0,
                "geometry": candidates[cand[best]],
            }
        )
        chosen.append(best)
        gains.take(best, cand == cand[best])  # one new camera per pole
    progress.set(1.0)
    sites = gpd.GeoDataFrame(rows, columns=[*SITE_COLUMNS, "geometry"], geometry="geometry", crs=crs) if rows else empty
    return sites, gains.views[np.array(chosen, dtype=np.int64)]


# The work of siting is the view × blind-tile intersections: each view meets the tiles within its reach.
# Bounded so that the largest inputs the dialog allows (NEW_RANGE 1,000 m, every pole of a city) are
# refused with the figures before minutes of work instead of running past 400 s without a word.
MAX_SITING_PAIRS = 20_000_000
BYTES_PER_PAIR = 64  # the pair's indices and gain, plus its share of the view polygons (upper estimate)


def siting_pairs(views: int, tiles: int, spec: NewCamera) -> int:
    """How many view × tile intersections siting may evaluate (each view meets the tiles in its reach)."""
    reach_tiles = np.pi * (spec.range_m + TILE_M) ** 2 / TILE_M**2
    return int(views * min(float(tiles), reach_tiles))


def check_siting_work(views: int, tiles: int, spec: NewCamera, count: int, progress: Progress = SILENT) -> None:
    """Say what siting will cost and refuse (in Korean, with the figures) work beyond MAX_SITING_PAIRS."""
    pairs = siting_pairs(views, tiles, spec)
    memory = pairs * BYTES_PER_PAIR
    progress.info(
        f"신규 카메라 배치 예상 작업량: 후보 시야 {views:,}개 × 사각지대 조각 {tiles:,}개 → "
        f"교차 계산 최대 {pairs:,}건, "
        f"메모리 약 {memory / 2**30:.2f} GiB, 선택 {count}대. "
        f"Siting estimate: up to {pairs:,} view × tile intersections, about {memory / 2**30:.2f} GiB."
    )
    if pairs > MAX_SITING_PAIRS:
        raise InputError(
            f"신규 카메라 배치 작업이 너무 큽니다: 후보 시야 {views:,}개(후보 지점 × 방향) × "
            f"사각지대 조각 {tiles:,}개로 "
            f"교차 계산이 최대 {pairs:,}건(한도 {MAX_SITING_PAIRS:,}건, 메모리 약 {memory / 2**30:.2f} GiB)입니다. "
            "작업을 시작하지 않았습니다. "
            f"Siting would evaluate up to {pairs:,} view × tile intersections (limit {MAX_SITING_PAIRS:,}).",
            "신규 카메라 감시거리(NEW_RANGE)를 줄이거나, 후보 지점(CANDIDATES)이나 분석 대상 지역(TARGETS)을 "
            "나누어 실행하세요. Use a shorter NEW_RANGE, or fewer candidate poles or target areas per run.",
        )


def _orientations(spec: NewCamera) -> np.ndarray:
    if spec.fov_deg >= 360:
        return np.array([np.nan])
    return np.arange(spec.orientations) * (360.0 / max(spec.orientations, 1))


def candidate_cameras(points: np.ndarray, spec: NewCamera) -> tuple[np.ndarray, np.ndarray, CameraArrays]:
    """(pole index, azimuth, camera arrays) of every orientation tried on every pole."""
    azimuths = _orientations(spec)
    pole = np.repeat(np.arange(len(points)), len(azimuths))
    azimuth = np.tile(azimuths, len(points))
    vfov = optics.vertical_fov(np.array([spec.fov_deg]))
    height, tilt = np.array([spec.mount_height_m]), np.array([spec.tilt_deg])
    blind_r = optics.near_blind_radius(height, tilt, vfov)[0]
    reach = float(min(spec.range_m, optics.far_ground_limit(height, tilt, vfov)[0]))
    start, span = sector_angles(azimuth, np.full(pole.size, spec.fov_deg))
    xy = shapely.get_coordinates(points[pole]) if pole.size else np.zeros((0, 2))
    arrays = CameraArrays(
        xy[:, 0],
        xy[:, 1],
        np.full(pole.size, spec.mount_height_m),
        start,
        span,
        np.full(pole.size, reach),
        np.full(pole.size, blind_r),
    )
    return pole, azimuth, arrays


def candidate_step(angular_step_deg: float) -> float:
    """Candidates are compared with one another, not mapped: a coarser fan (≤ 0.05% area error at 3°)
    makes the many view × tile intersections cheaper (fewer vertices per view)."""
    return max(angular_step_deg, CANDIDATE_STEP_DEG)


def candidate_views(
    points: np.ndarray, spec: NewCamera, obstacles: Obstacles | None, angular_step_deg: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pole index, azimuth, view polygon) of every orientation on every pole, all built at once."""
    pole, azimuth, arrays = candidate_cameras(points, spec)
    return pole, azimuth, view_polygons(arrays, obstacles, candidate_step(angular_step_deg))


def _bounds(
    area_bound: np.ndarray,
    cand: np.ndarray,
    candidates: np.ndarray,
    spot_tree: shapely.STRtree,
    weight: np.ndarray,
    reach: float,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """An upper bound of each view's gain: a bound of its area times the highest weight of the tiles in
    its pole's reach (a view sees no more blind ground than its own area, nor any of a higher weight).

    ``pairs``: (candidate, tile) within ``reach`` of each other for every candidate, if already known."""
    poles, first = np.unique(cand, return_inverse=True)
    if pairs is None:
        pole_of, tile_of = spot_tree.query(candidates[poles], predicate="dwithin", distance=reach)
    else:  # candidates numbered among all of them: renumber among ``poles`` (every pole has pairs)
        pole_of, tile_of = np.searchsorted(poles, pairs[0]), pairs[1]
    highest = np.zeros(len(poles))
    np.maximum.at(highest, pole_of, weight[tile_of])
    return area_bound * highest[first] * (1 + 1e-6) + 1e-6


class _LazyGains:
    """Exact gains of the views, computed only for those that can still win (lazy greedy).

    Intersecting 500,000 candidate views with the blind tiles costs a minute; most of them can never
    win. Views are evaluated in batches in the order of an upper bound of their gain; a view is picked
    when its exact gain is at least the bound of every view not yet evaluated. Gains only shrink as
    views are picked (covered area is submodular), so the bounds stay valid and the picks are those of
    evaluating every view. After a pick only the pairs of the tiles it touched are recomputed.
    """

    def __init__(
        self,
        make_views: Callable[[np.ndarray], np.ndarray],
        blind: np.ndarray,
        weight: np.ndarray,
        tree: shapely.STRtree,
        bound: np.ndarray,
        batch: int,
    ) -> None:
        self.make_views, self.blind, self.weight, self.tree = make_views, blind, weight, tree
        self.bound = bound
        self.views = np.full(len(bound), None, dtype=object)  # built when evaluated
        self.queue = np.argsort(-bound, kind="stable")
        self.next = 0  # queue[: next] are evaluated
        self.batch = max(int(batch), 1)
        self.gain = np.full(len(bound), -np.inf)
        self.plain = np.zeros(len(bound))
        self.alive = np.ones(len(bound), dtype=bool)
        self.pair_view = np.array([], dtype=np.int64)
        self.pair_spot = np.array([], dtype=np.int64)
        self.pair_area = np.array([], dtype=float)
        self._index()

    def _index(self) -> None:
        self.order = np.argsort(self.pair_spot, kind="stable")  # pairs grouped by tile
        self.spot_first = np.searchsorted(self.pair_spot[self.order], np.arange(len(self.blind) + 1))

    def _evaluate_more(self) -> None:
        chunk = self.queue[self.next : self.next + self.batch]
        self.next += chunk.size
        chunk = chunk[self.alive[chunk]]
        self.views[chunk] = self.make_views(chunk)
        local, spot = self.tree.query(self.views[chunk], predicate="intersects")
        view = chunk[local]
        area = shapely.area(shapely.intersection(self.views[view], self.blind[spot]))
        self.gain[chunk] = 0.0
        np.add.at(self.gain, view, area * self.weight[spot])
        np.add.at(self.plain, view, area)
        self.pair_view = np.concatenate([self.pair_view, view])
        self.pair_spot = np.concatenate([self.pair_spot, spot])
        self.pair_area = np.concatenate([self.pair_area, area])
        self._index()

    def _pending_bound(self) -> float:
        while self.next < self.queue.size and not self.alive[self.queue[self.next]]:
            self.next += 1
        return float(self.bound[self.queue[self.next]]) if self.next < self.queue.size else -np.inf

    def best(self) -> int:
        """The alive view of the highest exact gain (the lowest index among equals), -1 if none."""
        while True:
            gain = np.where(self.alive, self.gain, -np.inf)
            best = int(np.argmax(gain)) if gain.size else -1
            top = gain[best] if best >= 0 else -np.inf
            if self._pending_bound() < top or self.next >= self.queue.size:
                return best if best >= 0 and np.isfinite(top) else -1
            self._evaluate_more()

    def take(self, best: int, retire: np.ndarray) -> None:
        """The view ``best`` is built: its ground is no longer blind; the views in ``retire`` drop out."""
        for spot in np.unique(self.pair_spot[self.pair_view == best]):
            self.blind[spot] = shapely.difference(self.blind[spot], self.views[best])
            members = self.order[self.spot_first[spot] : self.spot_first[spot + 1]]
            if shapely.is_empty(self.blind[spot]):  # the pick covered the whole tile
                new_area = np.zeros(members.size)
            else:
                new_area = shapely.area(shapely.intersection(self.views[self.pair_view[members]], self.blind[spot]))
            lost = self.pair_area[members] - new_area
            np.subtract.at(self.gain, self.pair_view[members], lost * self.weight[spot])
            np.subtract.at(self.plain, self.pair_view[members], lost)
            self.pair_area[members] = new_area
        self.alive[retire] = False


def _tiles(spots: np.ndarray, weights: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Each spot cut by a square grid of ``size`` (aligned on the origin), flattened so no ground counts
    twice: where spots of overlapping targets meet, the piece of the highest weight wins."""
    piece_arr, owners, cell_x, cell_y = grid_pieces(spots, size)
    weight = weights[owners]
    # pieces of one cell, highest weight first (ties: in spot order); each keeps what no earlier one has
    order = np.lexsort((np.arange(len(piece_arr)), owners, -weight, cell_y, cell_x))
    sx, sy = cell_x[order], cell_y[order]
    new_cell = np.ones(order.size, dtype=bool)
    new_cell[1:] = (sx[1:] != sx[:-1]) | (sy[1:] != sy[:-1])
    head = np.flatnonzero(new_cell)
    rank = np.arange(order.size) - np.repeat(head, np.diff(np.append(head, order.size)))
    taken = piece_arr[order[head]].copy()  # per cell: the union of the pieces ranked so far
    cell_of = np.cumsum(new_cell) - 1
    for r in range(1, int(rank.max(initial=0)) + 1):
        at = np.flatnonzero(rank == r)
        pieces, cells = piece_arr[order[at]], cell_of[at]
        piece_arr[order[at]] = shapely.difference(pieces, taken[cells])
        # only the cells that have a piece of the next rank need what this rank took (a few percent)
        later = np.isin(cells, cell_of[rank == r + 1])
        if later.any():
            taken[cells[later]] = shapely.union(taken[cells[later]], pieces[later])
    keep = ~shapely.is_empty(piece_arr) & (shapely.area(piece_arr) > 1e-6)
    return piece_arr[keep], weight[keep]


def grid_pieces(polygons: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pieces, owner polygon, cell column, cell row): every polygon cut into the cells of a square grid
    of ``size`` aligned on the origin; empty and zero-area pieces left out.

    Cutting a 40 km² spot with 600,000 vertices cell by cell costs one pass over all its vertices per
    cell (70,000 cells). Halving instead (each piece split along a grid line through its middle, until it
    fits one cell) passes over every vertex once per level, about 17 times. ``clip_by_rect`` does each
    split (the full overlay where it fails); the rare invalid final piece is repaired.
    """
    polygons = np.asarray(polygons, dtype=object)
    bounds = shapely.bounds(polygons)
    geoms, owner = polygons, np.arange(len(polygons))
    lo_x, lo_y = np.floor(bounds[:, 0] / size), np.floor(bounds[:, 1] / size)
    hi_x = np.maximum(np.ceil(bounds[:, 2] / size), lo_x + 1)
    hi_y = np.maximum(np.ceil(bounds[:, 3] / size), lo_y + 1)
    done: list[tuple[np.ndarray, ...]] = []
    while geoms.size:
        single = (hi_x - lo_x <= 1) & (hi_y - lo_y <= 1)
        done.append((geoms[single], owner[single], lo_x[single], lo_y[single]))
        split = ~single
        geoms, owner = geoms[split], owner[split]
        lo_x, lo_y, hi_x, hi_y = lo_x[split], lo_y[split], hi_x[split], hi_y[split]
        across = (hi_x - lo_x) >= (hi_y - lo_y)  # split the longer side
        mid_x = np.where(across, np.floor((lo_x + hi_x) / 2), hi_x)
        mid_y = np.where(across, hi_y, np.floor((lo_y + hi_y) / 2))
        # first half: [lo_x, mid_x) x [lo_y, mid_y); second: the rest along the split axis
        a_hi_x, a_hi_y = mid_x, mid_y
        b_lo_x, b_lo_y = np.where(across, mid_x, lo_x), np.where(across, lo_y, mid_y)
        halves = [
            (lo_x, lo_y, a_hi_x, a_hi_y),
            (b_lo_x, b_lo_y, hi_x, hi_y),
        ]
        next_parts = []
        for x0, y0, x1, y1 in halves:
            cut = np.array(
                [
                    _clip(g, a * size, b * size, c * size, d * size)
                    for g, a, b, c, d in zip(geoms, x0, y0, x1, y1, strict=True)
                ],
                dtype=object,
            )
            keep = ~shapely.is_empty(cut) & (shapely.area(cut) > 0)
            next_parts.append((cut[keep], owner[keep], x0[keep], y0[keep], x1[keep], y1[keep]))
        geoms = np.concatenate([p[0] for p in next_parts])
        owner, lo_x, lo_y, hi_x, hi_y = (np.concatenate([p[k] for p in next_parts]) for k in range(1, 6))
        # tighten each piece's cell range to its own bounds, so pieces within one cell stop early
        if geoms.size:
            b = shapely.bounds(geoms)
            lo_x = np.maximum(lo_x, np.floor(b[:, 0] / size))
            lo_y = np.maximum(lo_y, np.floor(b[:, 1] / size))
            hi_x = np.minimum(hi_x, np.maximum(np.ceil(b[:, 2] / size), lo_x + 1))
            hi_y = np.minimum(hi_y, np.maximum(np.ceil(b[:, 3] / size), lo_y + 1))
    pieces = np.concatenate([d[0] for d in done]) if done else np.array([], dtype=object)
    owners = np.concatenate([d[1] for d in done]).astype(np.int64) if done else np.array([], dtype=np.int64)
    cell_x = np.concatenate([d[2] for d in done]).astype(np.int64) if done else np.array([], dtype=np.int64)
    cell_y = np.concatenate([d[3] for d in done]).astype(np.int64) if done else np.array([], dtype=np.int64)
    bad = ~shapely.is_valid(pieces) | ~np.isin(shapely.get_type_id(pieces), [3, 6])
    if bad.any():
        pieces[bad] = [_areal(shapely.make_valid(p)) for p in pieces[bad]]
    keep = ~shapely.is_empty(pieces) & (shapely.area(pieces) > 0)
    return pieces[keep], owners[keep], cell_x[keep], cell_y[keep]


def _clip(geometry: shapely.Geometry, x0: float, y0: float, x1: float, y1: float) -> shapely.Geometry:
    """The part of a polygon in a rectangle: the fast clip, or the full overlay where the clip fails."""
    try:
        return shapely.clip_by_rect(geometry, x0, y0, x1, y1)
    except shapely.errors.GEOSException:
        return shapely.intersection(geometry, shapely.box(x0, y0, x1, y1))


def _areal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [g for g in shapely.get_parts(geometry) if shapely.get_type_id(g) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()
