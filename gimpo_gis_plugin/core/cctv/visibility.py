"""2-D visibility polygons of many cameras among building footprints, by vectorised ray casting.

For each camera, rays are cast at a fixed angular step across its view sector plus, where the picture
changes, at every building corner (a hair either side of it) and where a wall crosses the range circle.
Between two such rays the nearest wall is one straight edge (or the range arc), so joining the hits is
exact along walls and differs from the arc by under 0.01% at a 1° step. Each ray stops at the nearest
wall of a building at least as tall as the camera (or of unknown height: assumed to block).

A building lower than the lens does not end the ray: the camera looks over it, and only the ground
just behind it is hidden. A point at ground distance D behind a wall at distance d (building height b,
lens height h) is hidden while D < d·h/(h−b): the shadow is the footprint stretched away from the camera
by k = h/(h−b). It is taken as the convex hull of the footprint and its stretched copy (exact for convex
footprints, a little generous for L-shaped ones) and cut out of the view.

A camera standing on or in a footprint (mounted on that building's wall or roof) is not occluded by it.
All work is numpy over (ray, wall) pairs, in chunks of cameras, so memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ..progress import SILENT, Progress
from .scatter import minimum_at

TWO_PI = 2 * np.pi
# Rays a hair either side of a corner: one grazes past, one hits the wall (1e-7 rad is 0.01 mm at 100 m).
CORNER_EPSILON = 1e-7
# A camera this close to a footprint is taken as mounted on that building.
MOUNTED_TOLERANCE_M = 0.5
# Keys of rays sort per camera as camera * KEY_STRIDE + angle (angles are below 2π < KEY_STRIDE).
KEY_STRIDE = 8.0


@dataclass
class CameraArrays:
    """One entry per camera. Angles in radians, counter-clockwise from east (math convention); the
    sector runs from ``start`` through ``span`` (2π: the full circle)."""

    x: np.ndarray
    y: np.ndarray
    height: np.ndarray
    start: np.ndarray
    span: np.ndarray
    reach: np.ndarray
    blind_radius: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def take(self, index: np.ndarray) -> CameraArrays:
        return CameraArrays(*(getattr(self, name)[index] for name in self.__dataclass_fields__))


def sector_angles(azimuth_deg: np.ndarray, fov_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, span) in math radians from compass azimuth (clockwise from north) and field of view;
    a missing azimuth (NaN) or a 360° lens gives the full circle."""
    azimuth = np.asarray(azimuth_deg, dtype=float)
    fov = np.asarray(fov_deg, dtype=float)
    full = np.isnan(azimuth) | (fov >= 360)
    start = np.radians((90.0 - azimuth - fov / 2) % 360)
    return np.where(full, 0.0, start), np.where(full, TWO_PI, np.radians(fov))


class Obstacles:
    """Building footprints with heights (NaN: unknown, blocks everything), indexed for range queries."""

    def __init__(self, footprints: np.ndarray, heights: np.ndarray) -> None:
        self.footprints = np.asarray(footprints, dtype=object)
        self.heights = np.asarray(heights, dtype=float)
        self.tree = shapely.STRtree(self.footprints)
        rings = shapely.get_rings(self.footprints, return_index=True)
        coords, ring_of = shapely.get_coordinates(rings[0], return_index=True)
        same_ring = ring_of[1:] == ring_of[:-1]  # consecutive vertices of one ring make a wall
        start = np.flatnonzero(same_ring)
        self.edges = np.column_stack([coords[start], coords[start + 1]])  # x1, y1, x2, y2
        edge_building = rings[1][ring_of[start]]
        self.edge_count = np.bincount(edge_building, minlength=len(self.footprints))
        self.edge_offset = np.concatenate([[0], np.cumsum(self.edge_count)[:-1]])
        exterior = shapely.get_exterior_ring(self.footprints)
        self.hull_coords, self.hull_owner = shapely.get_coordinates(exterior, return_index=True)
        self.hull_count = np.bincount(self.hull_owner, minlength=len(self.footprints))
        self.hull_offset = np.concatenate([[0], np.cumsum(self.hull_count)[:-1]])

    def __len__(self) -> int:
        return len(self.footprints)


def view_polygons(
    cameras: CameraArrays,
    obstacles: Obstacles | None,
    angular_step_deg: float = 1.0,
    chunk: int = 200,
    progress: Progress = SILENT,
) -> np.ndarray:
    """The visible ground of each camera (Polygon/MultiPolygon, possibly empty), blind zone removed."""
    out = np.empty(len(cameras), dtype=object)
    for begin in range(0, len(cameras), chunk):
        progress.set(begin / max(len(cameras), 1))
        index = np.arange(begin, min(begin + chunk, len(cameras)))
        out[index] = _chunk_views(cameras.take(index), obstacles, np.radians(angular_step_deg))
    progress.set(1.0)
    return out


def _expand(offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ranges offsets[i] .. offsets[i]+counts[i] (vectorised ``np.r_`` of many ranges)."""
    total = int(counts.sum())
    if total == 0:
        return np.array([], dtype=np.int64)
    before = np.cumsum(counts) - counts
    return np.repeat(offsets - before, counts) + np.arange(total)


def sector_area_bounds(
    cameras: CameraArrays,
    pole: np.ndarray,
    obstacles: Obstacles | None,
    angular_step_deg: float = 3.0,
    chunk: int = 100,
) -> np.ndarray:
    """An upper bound of the area of each camera's ray-cast star, from one full-circle cast per pole.

    Cameras with the same ``pole`` share position, height and reach and differ only in their sector (the
    orientations tried on one candidate pole). The full circle is cast once per pole; a sector's bound is
    the sum of the circle's wedges that overlap it. Between two rays of the circle the nearest wall is one
    straight edge, so the sector's star lies inside those wedges, except along the range arc: both fans
    approximate it by chords, and a sector's own chords may lie a little further out (by at most θ²/6 of
    the area at a fan step θ, 0.05% at 3°). The bound adds twice that.
    """
    poles, first = np.unique(pole, return_index=True)
    out = np.empty(len(cameras), dtype=float)
    step = np.radians(angular_step_deg)
    allowance = 1 + step * step / 3
    rank = np.searchsorted(poles, pole)  # camera -> position of its pole in ``poles``
    by_pole = np.argsort(rank, kind="stable")
    sorted_rank = rank[by_pole]
    blind = np.full(len(cameras), np.inf)
    np.minimum.at(blind, first[rank], cameras.blind_radius)  # a pole's smallest blind radius, at its first
    for begin in range(0, len(poles), chunk):
        members = slice(begin, min(begin + chunk, len(poles)))
        circles = cameras.take(first[members])
        circles = CameraArrays(
            circles.x,
            circles.y,
            circles.height,
            np.zeros(len(circles)),
            np.full(len(circles), TWO_PI),
            circles.reach,
            np.zeros(len(circles)),
        )
        ray_cam, phi, xy, _, _ = _cast_rays(circles, obstacles, step)
        rel = xy - np.column_stack([circles.x, circles.y])[ray_cam]
        nxt = np.roll(np.arange(ray_cam.size), -1)
        head = np.flatnonzero(np.diff(ray_cam, prepend=-1))
        tail = np.append(head[1:], ray_cam.size) - 1
        nxt[tail] = head
        wedge = 0.5 * (rel[:, 0] * rel[nxt, 1] - rel[nxt, 0] * rel[:, 1])
        # A wedge holds the disc sector of radius h (the distance to its far side): up to the blind
        # radius, that ground is hidden in every view, so a wedge wholly inside a sector counts without it.
        chord = np.hypot(*(rel[nxt] - rel).T)
        inner = np.where(chord > 0, 2 * wedge / np.maximum(chord, 1e-12), 0.0)
        radius = np.minimum(blind[first[members]][ray_cam], inner)
        reduced = wedge - 0.5 * radius * radius * ((phi[nxt] - phi) % TWO_PI)
        # the circle twice over (angles 0..4π), so a sector across east is one run of wedges
        cam2 = np.concatenate([ray_cam, ray_cam])
        phi2 = np.concatenate([phi, phi + TWO_PI])
        wedge2 = np.concatenate([wedge, wedge])
        reduced2 = np.concatenate([reduced, reduced])
        order = _twice_in_angle_order(ray_cam)
        cam2, phi2, wedge2, reduced2 = cam2[order], phi2[order], wedge2[order], reduced2[order]
        keys = cam2 * 2 * KEY_STRIDE + phi2
        total = np.concatenate([[0.0], np.cumsum(reduced2)])
        which = by_pole[np.searchsorted(sorted_rank, begin) : np.searchsorted(sorted_rank, members.stop)]
        local = rank[which] - begin
        lo = cameras.start[which] % TWO_PI
        hi = lo + cameras.span[which]
        base = local * 2 * KEY_STRIDE
        # wedges from the last ray at or before the sector's start to the last ray before its end
        a = np.maximum(np.searchsorted(keys, base + lo, side="right") - 1, 0)
        b = np.searchsorted(keys, base + hi, side="left")
        # the two end wedges only partly in the sector count whole; those between, without the blind disc
        sums = np.where(b - 1 > a, total[b - 1] - total[a + 1] + wedge2[a] + wedge2[b - 1], wedge2[a])
        full = cameras.span[which] >= TWO_PI
        circle = np.bincount(ray_cam, reduced, minlength=len(circles))
        out[which] = np.where(full, circle[local], sums) * allowance
    return out


def _twice_in_angle_order(ray_cam: np.ndarray) -> np.ndarray:
    """The order ``np.lexsort((phi2, cam2))`` gives for rays sorted by (camera, angle) laid out twice, the
    second copy at angle + 2π: per camera its rays, then the same rays again (no sort needed)."""
    n = ray_cam.size
    if n == 0:
        return np.array([], dtype=np.int64)
    counts = np.bincount(ray_cam)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])[ray_cam]  # first ray of each ray's camera
    index = np.arange(n)
    order = np.empty(2 * n, dtype=np.int64)
    order[index + start] = index  # first copy: 2·start + rank
    order[index + start + counts[ray_cam]] = index + n  # second copy right after it
    return order


def _cast_rays(
    cams: CameraArrays, obstacles: Obstacles | None, step: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(camera of each ray in angle order, its angle from the sector's start, ray end xy, cameras and
    buildings of the lower buildings)."""
    points = shapely.points(cams.x, cams.y)
    tall_cam = tall_bld = low_cam = low_bld = np.array([], dtype=np.int64)
    if obstacles is not None and len(obstacles):
        cam_of, bld_of = obstacles.tree.query(points, predicate="dwithin", distance=cams.reach)
        gap = shapely.distance(points[cam_of], obstacles.footprints[bld_of])
        keep = gap > MOUNTED_TOLERANCE_M
        cam_of, bld_of = cam_of[keep], bld_of[keep]
        height = obstacles.heights[bld_of]
        tall = np.isnan(height) | (height >= cams.height[cam_of])
        tall_cam, tall_bld = cam_of[tall], bld_of[tall]
        low_cam, low_bld = cam_of[~tall], bld_of[~tall]

    walls = _walls(cams, obstacles, tall_cam, tall_bld)
    ray_cam, ray_phi = _rays(cams, walls, step)
    order = np.lexsort((ray_phi, ray_cam))
    ray_cam, ray_phi = ray_cam[order], ray_phi[order]
    distance = _cast(cams, walls, ray_cam, ray_phi)

    theta = cams.start[ray_cam] + ray_phi
    xy = np.column_stack([cams.x[ray_cam] + distance * np.cos(theta), cams.y[ray_cam] + distance * np.sin(theta)])
    return ray_cam, ray_phi, xy, low_cam, low_bld


def _chunk_views(cams: CameraArrays, obstacles: Obstacles | None, step: float) -> np.ndarray:
    ray_cam, _, xy, low_cam, low_bld = _cast_rays(cams, obstacles, step)
    views = _star_polygons(cams, ray_cam, xy)
    views = _cut_shadows(cams, obstacles, views, low_cam, low_bld)
    has_blind = cams.blind_radius > 0
    if has_blind.any():
        points = shapely.points(cams.x[has_blind], cams.y[has_blind])
        discs = shapely.buffer(points, cams.blind_radius[has_blind], quad_segs=16)
        views[has_blind] = shapely.difference(views[has_blind], discs)
    return views


@dataclass
class _Walls:
    """Walls relative to their camera: a (start) and e (direction), angular interval [lo, lo+width]."""

    cam: np.ndarray
    ax: np.ndarray
    ay: np.ndarray
    ex: np.ndarray
    ey: np.ndarray
    lo: np.ndarray
    width: np.ndarray


def _walls(cams: CameraArrays, obstacles: Obstacles | None, cam_of: np.ndarray, bld_of: np.ndarray) -> _Walls:
    if obstacles is None or cam_of.size == 0:
        empty = np.array([], dtype=float)
        return _Walls(np.array([], dtype=np.int64), empty, empty, empty, empty, empty, empty)
    counts = obstacles.edge_count[bld_of]
    edge = _expand(obstacles.edge_offset[bld_of], counts)
    cam = np.repeat(cam_of, counts)
    x1, y1, x2, y2 = obstacles.edges[edge].T
    ax, ay = x1 - cams.x[cam], y1 - cams.y[cam]
    ex, ey = x2 - x1, y2 - y1
    # Distance from the camera (the origin here) to the wall segment: walls out of reach do not matter.
    length2 = np.maximum(ex * ex + ey * ey, 1e-18)
    s = np.clip(-(ax * ex + ay * ey) / length2, 0.0, 1.0)
    near = np.hypot(ax + s * ex, ay + s * ey) < cams.reach[cam]
    cam, ax, ay, ex, ey = cam[near], ax[near], ay[near], ex[near], ey[near]
    phi_a = (np.arctan2(ay, ax) - cams.start[cam]) % TWO_PI
    phi_b = (np.arctan2(ay + ey, ax + ex) - cams.start[cam]) % TWO_PI
    turn = (phi_b - phi_a) % TWO_PI
    forward = turn <= np.pi
    lo = np.where(forward, phi_a, phi_b)
    width = np.where(forward, turn, TWO_PI - turn)
    seen = width > 0  # a wall pointing straight at the camera is seen edge-on: its neighbours occlude
    return _Walls(cam[seen], ax[seen], ay[seen], ex[seen], ey[seen], lo[seen], width[seen])


def _rays(cams: CameraArrays, walls: _Walls, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Ray angles (relative to each sector's start): a regular fan plus the critical angles."""
    full = cams.span >= TWO_PI
    steps = np.ceil(cams.span / step).astype(np.int64)
    fan_count = np.where(full, steps, steps + 1)  # a sector includes both edges; a circle closes itself
    fan_cam = np.repeat(np.arange(len(cams)), fan_count)
    k = _expand(np.zeros(len(cams), dtype=np.int64), fan_count)
    fan_phi = k * (cams.span / steps)[fan_cam]

    # Wall ends inside the range, a hair either side, and where walls cross the range circle.
    end_x = np.concatenate([walls.ax, walls.ax + walls.ex])
    end_y = np.concatenate([walls.ay, walls.ay + walls.ey])
    end_cam = np.concatenate([walls.cam, walls.cam])
    inside = np.hypot(end_x, end_y) < cams.reach[end_cam]
    corner_phi = (np.arctan2(end_y[inside], end_x[inside]) - cams.start[end_cam[inside]]) % TWO_PI
    corner_cam = end_cam[inside]
    cross_cam, cross_phi = _circle_crossings(cams, walls)
    crit_cam = np.concatenate([corner_cam, corner_cam, cross_cam])
    crit_phi = np.concatenate([corner_phi - CORNER_EPSILON, corner_phi + CORNER_EPSILON, cross_phi]) % TWO_PI
    in_sector = full[crit_cam] | (crit_phi <= cams.span[crit_cam])
    return np.concatenate([fan_cam, crit_cam[in_sector]]), np.concatenate([fan_phi, crit_phi[in_sector]])


def _circle_crossings(cams: CameraArrays, walls: _Walls) -> tuple[np.ndarray, np.ndarray]:
    """Angles where walls cross their camera's range circle (|a + s·e| = R, 0 ≤ s ≤ 1)."""
    radius = cams.reach[walls.cam]
    qa = walls.ex**2 + walls.ey**2
    qb = 2 * (walls.ax * walls.ex + walls.ay * walls.ey)
    qc = walls.ax**2 + walls.ay**2 - radius**2
    disc = qb * qb - 4 * qa * qc
    ok = (disc > 0) & (qa > 0)
    root = np.sqrt(np.where(ok, disc, 0.0))
    cams_out, phis = [], []
    for sign in (-1.0, 1.0):
        s = (-qb + sign * root) / np.where(qa > 0, 2 * qa, 1.0)
        hit = ok & (s >= 0) & (s <= 1)
        px, py = walls.ax[hit] + s[hit] * walls.ex[hit], walls.ay[hit] + s[hit] * walls.ey[hit]
        cams_out.append(walls.cam[hit])
        phis.append((np.arctan2(py, px) - cams.start[walls.cam[hit]]) % TWO_PI)
    return np.concatenate(cams_out), np.concatenate(phis)


def _cast(cams: CameraArrays, walls: _Walls, ray_cam: np.ndarray, ray_phi: np.ndarray) -> np.ndarray:
    """Distance along each (sorted) ray to the nearest wall, at most the camera's reach."""
    distance = cams.reach[ray_cam].astype(float).copy()
    if walls.cam.size == 0:
        return distance
    keys = ray_cam * KEY_STRIDE + ray_phi
    hi = walls.lo + walls.width
    wraps = hi > TWO_PI  # the interval crosses the sector's start angle: split it in two
    seg_wall = np.concatenate([np.arange(walls.cam.size), np.flatnonzero(wraps)])
    seg_lo = np.concatenate([walls.lo, np.zeros(wraps.sum())])
    seg_hi = np.concatenate([np.minimum(hi, TWO_PI), hi[wraps] - TWO_PI])
    base = walls.cam[seg_wall] * KEY_STRIDE
    first = np.searchsorted(keys, base + seg_lo, side="left")
    last = np.searchsorted(keys, base + seg_hi, side="right")
    counts = last - first
    ray = _expand(first, counts)
    wall = np.repeat(seg_wall, counts)
    theta = cams.start[ray_cam[ray]] + ray_phi[ray]
    dx, dy = np.cos(theta), np.sin(theta)
    ax, ay, ex, ey = walls.ax[wall], walls.ay[wall], walls.ex[wall], walls.ey[wall]
    denominator = dx * ey - dy * ex
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ax * ey - ay * ex) / denominator
    t = np.where((np.abs(denominator) > 1e-12) & (t >= 0), t, np.inf)
    minimum_at(distance, ray, t)
    return distance


def _star_polygons(cams: CameraArrays, ray_cam: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Polygons through the ray ends in angular order; a sector also passes through its camera."""
    sector = cams.span < TWO_PI
    apex_cam = np.flatnonzero(sector)
    all_cam = np.concatenate([apex_cam, ray_cam])
    all_xy = np.vstack([np.column_stack([cams.x[apex_cam], cams.y[apex_cam]]), xy])
    order = np.argsort(all_cam, kind="stable")  # apex first, then the rays in angle order
    rings = shapely.linearrings(all_xy[order], indices=all_cam[order])
    polygons = shapely.polygons(rings)
    bad = ~shapely.is_valid(polygons)
    if bad.any():  # a camera right against a wall gives zero-length rays: repair, keep the area part
        polygons[bad] = [_polygonal(shapely.make_valid(p)) for p in polygons[bad]]
    return polygons


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _cut_shadows(
    cams: CameraArrays, obstacles: Obstacles | None, views: np.ndarray, cam_of: np.ndarray, bld_of: np.ndarray
) -> np.ndarray:
    """Remove the ground hidden behind buildings lower than the lens (see the module docstring)."""
    if obstacles is None or cam_of.size == 0:
        return views
    lens = cams.height[cam_of]
    stretch = lens / (lens - obstacles.heights[bld_of])
    gap = np.maximum(
        shapely.distance(shapely.points(cams.x[cam_of], cams.y[cam_of]), obstacles.footprints[bld_of]), 0.1
    )
    # Past twice the reach the shadow's far end no longer matters; capping keeps coordinates sane.
    stretch = np.minimum(stretch, 2 * cams.reach[cam_of] / gap + 1)
    counts = obstacles.hull_count[bld_of]
    vertex = _expand(obstacles.hull_offset[bld_of], counts)
    pair = np.repeat(np.arange(cam_of.size), counts)
    near = obstacles.hull_coords[vertex]
    centre = np.column_stack([cams.x[cam_of], cams.y[cam_of]])[pair]
    far = centre + (near - centre) * stretch[pair][:, None]
    owner = np.concatenate([pair, pair])
    grouped = np.argsort(owner, kind="stable")
    hulls = shapely.convex_hull(
        shapely.multipoints(shapely.points(np.vstack([near, far])[grouped]), indices=owner[grouped])
    )
    order = np.argsort(cam_of, kind="stable")
    cams_with, first = np.unique(cam_of[order], return_index=True)
    groups = np.split(hulls[order], first[1:])
    for cam, group in zip(cams_with, groups, strict=True):
        view = views[cam]
        hits = group[shapely.intersects(view, group)]
        if hits.size:
            views[cam] = _polygonal(shapely.difference(view, shapely.union_all(hits)))
    return views
