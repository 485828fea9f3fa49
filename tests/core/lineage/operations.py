"""Make a second year of a real 연속지적도 extract by real cadastral operations, with the ground truth."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from gimpo_gis_plugin.core.lineage.lineage import ENDED, MERGED, NEW, RENUMBERED, REPARCELLED, RESURVEYED, SPLIT


def read_real_parcels(shared_data) -> gpd.GeoDataFrame:
    frame = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson")
    frame = frame.set_crs("EPSG:5186", allow_override=True)  # the file has no crs member; metres
    frame["geometry"] = shapely.make_valid(frame.geometry.array)
    return frame[["PNU", "JIBUN", "geometry"]]


@dataclass
class Truth:
    """What was done to make the second year: kind -> list of (parents, children)."""

    operations: dict[str, list[tuple[set[str], set[str]]]] = field(default_factory=dict)

    def add(self, kind: str, parents: set[str], children: set[str]) -> None:
        self.operations.setdefault(kind, []).append((parents, children))


def _free_sub_lot(pnus: set[str], pnu: str) -> str:
    """The next free 부번 under the same 본번, as 분할 assigns it."""
    sub = int(pnu[15:])
    while True:
        sub += 1
        candidate = f"{pnu[:15]}{sub:04d}"
        if candidate not in pnus:
            return candidate


def _halves(polygon: shapely.Geometry, pieces: int) -> list[shapely.Geometry]:
    """Cut a parcel into ``pieces`` strips across its longer side (a 분할 측량 draws straight lines)."""
    minx, miny, maxx, maxy = polygon.bounds
    across_x = (maxx - minx) >= (maxy - miny)
    edges = np.linspace(minx if across_x else miny, maxx if across_x else maxy, pieces + 1)
    out = []
    for lo, hi in itertools.pairwise(edges):
        box = shapely.box(lo, miny - 1, hi, maxy + 1) if across_x else shapely.box(minx - 1, lo, maxx + 1, hi)
        out.append(shapely.intersection(polygon, box))
    return out


def second_year(
    old: gpd.GeoDataFrame, rng: np.random.Generator, refit_shift_m: float = 0.0
) -> tuple[gpd.GeoDataFrame, Truth]:
    truth = Truth()
    geometry = dict(zip(old["PNU"], old.geometry, strict=True))
    pnus = set(geometry)
    sized = old[(old.area > 400) & (old.area < 20000)]
    touched: set[str] = set()
    tree = shapely.STRtree(old.geometry.to_numpy())

    def pick(count: int) -> list[str]:
        chosen = []
        for pnu in rng.permutation(sized["PNU"].to_numpy()):
            if pnu not in touched:
                chosen.append(pnu)
                touched.add(pnu)
                if len(chosen) == count:
                    break
        return chosen

    for pnu in pick(15):  # 분할 into 2 or 3: the remainder keeps the PNU
        pieces = _halves(geometry.pop(pnu), int(rng.integers(2, 4)))
        children = {pnu}
        geometry[pnu] = pieces[0]
        for piece in pieces[1:]:
            child = _free_sub_lot(pnus, pnu)
            pnus.add(child)
            geometry[child] = piece
            children.add(child)
        truth.add(SPLIT, {pnu}, children)
    merged = 0
    for pnu in rng.permutation(sized["PNU"].to_numpy()):  # 합병 of two or three neighbours
        if merged == 12 or pnu in touched:
            continue
        neighbours = [
            old["PNU"].iat[k]
            for k in tree.query(geometry[pnu], predicate="touches")
            if old["PNU"].iat[k] not in touched and old["PNU"].iat[k] != pnu and old["PNU"].iat[k] in geometry
        ][: int(rng.integers(1, 3))]
        if not neighbours:
            continue
        group = [pnu, *neighbours]
        if shapely.union_all([geometry[p] for p in group]).geom_type != "Polygon":
            continue
        touched.update(group)
        geometry[pnu] = shapely.union_all([geometry.pop(p) for p in group])
        truth.add(MERGED, set(group), {pnu})
        merged += 1
    for pnu in pick(10):  # 지번변경 / 등록전환: same ground, a new number
        renumbered = f"{pnu[:10]}1{9000 + len(truth.operations.get(RENUMBERED, [])):04d}0000"
        geometry[renumbered] = geometry.pop(pnu)
        truth.add(RENUMBERED, {pnu}, {renumbered})
    for pnu in pick(10):  # 지적재조사: the boundary redrawn 0.5 m inward (neighbours keep theirs)
        shape = geometry[pnu]
        geometry[pnu] = shape.buffer(-0.5, join_style="mitre")
        truth.add(RESURVEYED, {pnu}, {pnu})
    for pnu in pick(8):  # 말소
        geometry.pop(pnu)
        truth.add(ENDED, {pnu}, set())
    west = old.total_bounds[0]
    for k in range(5):  # 신규등록 (매립지) west of everything
        child = f"4157035026{1}{8000 + k:04d}0000"
        geometry[child] = shapely.box(west - 500 - 60 * k, 540000, west - 450 - 60 * k, 540050)
        truth.add(NEW, set(), {child})
    # 경계조정 between two neighbours: a strip moves from one to the other, both keep their PNUs.
    for pnu in rng.permutation(sized["PNU"].to_numpy()):
        if pnu in touched:
            continue
        others = [
            old["PNU"].iat[k]
            for k in tree.query(geometry[pnu], predicate="touches")
            if old["PNU"].iat[k] in geometry and old["PNU"].iat[k] not in touched and old["PNU"].iat[k] != pnu
        ]
        if not others:
            continue
        other = others[0]
        strip = shapely.intersection(geometry[pnu], geometry[other].buffer(6))
        if strip.area < 0.15 * geometry[pnu].area or strip.area > 0.5 * geometry[pnu].area:
            continue
        touched.update({pnu, other})
        geometry[other] = shapely.union(geometry[other], strip)
        geometry[pnu] = shapely.difference(geometry[pnu], strip)
        truth.add(REPARCELLED, {pnu, other}, {pnu, other})
        break
    frame = gpd.GeoDataFrame({"PNU": list(geometry)}, geometry=list(geometry.values()), crs=old.crs)
    if refit_shift_m:  # the rest is the same ground, drawn again a hair off (the map was re-fitted)
        untouched = ~frame["PNU"].isin({c for ops in truth.operations.values() for _, cs in ops for c in cs})
        frame.loc[untouched, "geometry"] = frame.loc[untouched].geometry.translate(refit_shift_m, 0.0)
    return frame, truth
