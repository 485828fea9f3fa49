"""Lineage on the real 월곶면 parcels: a second year made from them by real cadastral operations, and
every operation recovered with the right parents, children and kind; every parcel of both years in
exactly one family."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.lineage import parcel_lineage
from gimpo_gis_plugin.core.lineage.lineage import (
    ENDED,
    MERGED,
    NEW,
    RENUMBERED,
    REPARCELLED,
    RESURVEYED,
    SPLIT,
    UNCHANGED,
)


@dataclass
class Truth:
    """What was done to make the second year: kind -> list of (parents, children)."""

    operations: dict[str, list[tuple[set[str], set[str]]]] = field(default_factory=dict)

    def add(self, kind: str, parents: set[str], children: set[str]) -> None:
        self.operations.setdefault(kind, []).append((parents, children))


@pytest.fixture(scope="module")
def real_parcels(shared_data) -> gpd.GeoDataFrame:
    frame = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson")
    frame = frame.set_crs("EPSG:5186", allow_override=True)  # the file has no crs member; metres
    frame["geometry"] = shapely.make_valid(frame.geometry.array)
    return frame[["PNU", "JIBUN", "geometry"]]


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


def _second_year(
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


@pytest.mark.parametrize("refit_shift_m", [0.0, 0.1])
def test_every_operation_is_recovered_and_every_parcel_is_in_one_family(real_parcels, refit_shift_m):
    new, truth = _second_year(real_parcels, np.random.default_rng(20260601), refit_shift_m)
    result = parcel_lineage(real_parcels, new)
    links = result.links
    # Conservation: every parcel of each year appears, and in one family only.
    assert set(links["parent_pnu"].dropna()) == set(real_parcels["PNU"])
    assert set(links["child_pnu"].dropna()) == set(new["PNU"])
    assert links.dropna(subset=["parent_pnu"]).groupby("parent_pnu")["family"].nunique().max() == 1
    assert links.dropna(subset=["child_pnu"]).groupby("child_pnu")["family"].nunique().max() == 1
    for kind, operations in truth.operations.items():
        for parents, children in operations:
            anchor = next(iter(parents or children))
            column = "parent_pnu" if parents else "child_pnu"
            family = links.loc[links[column] == anchor, "family"].iat[0]
            rows = links[links["family"] == family]
            assert set(rows["parent_pnu"].dropna()) == parents, (kind, parents, children)
            assert set(rows["child_pnu"].dropna()) == children, (kind, parents, children)
            assert (rows["kind"] == kind).all(), (kind, parents, rows["kind"].unique())
    operated = {p for ops in truth.operations.values() for ps, _ in ops for p in ps}
    rest = links[links["parent_pnu"].notna() & ~links["parent_pnu"].isin(operated)]
    counts = rest["kind"].value_counts()
    # A re-fitted map is not a change: every untouched parcel is UNCHANGED.
    assert counts.to_dict() == {UNCHANGED: rest["parent_pnu"].nunique()}
    split = next(iter(truth.operations[SPLIT]))
    family = links.loc[links["parent_pnu"] == next(iter(split[0])), "family"].iat[0]
    sentence = result.explain(int(family))
    assert sentence.startswith("분할: ") and "면적 합 일치" in sentence


def test_bad_snapshots_are_refused_in_korean(real_parcels):
    with pytest.raises(InputError, match="비어 있습니다"):
        parcel_lineage(real_parcels.iloc[:0], real_parcels)
    with pytest.raises(InputError, match="PNU 필드"):
        parcel_lineage(real_parcels.rename(columns={"PNU": "pnu"}), real_parcels)
    with pytest.raises(InputError, match="좌표계"):
        parcel_lineage(real_parcels, real_parcels.to_crs("EPSG:4326"))


def test_a_parcel_drawn_in_two_pieces_is_one_parcel():
    a = shapely.box(0, 0, 10, 10)
    old = gpd.GeoDataFrame({"PNU": ["4157035026100010000"]}, geometry=[a], crs="EPSG:5186")
    pieces = gpd.GeoDataFrame(
        {"PNU": ["4157035026100010000"] * 2},
        geometry=[shapely.box(0, 0, 5, 10), shapely.box(5, 0, 10, 10)],
        crs="EPSG:5186",
    )
    result = parcel_lineage(old, pieces)
    assert list(result.links["kind"]) == [UNCHANGED]
    assert pd.Series(result.families["kind"]).tolist() == [UNCHANGED]
