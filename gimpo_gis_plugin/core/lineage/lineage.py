"""Overlay two parcel snapshots and classify every parent → child link.

Why overlap and not PNU equality: a PNU survives a split on the remainder only, moves to a new number on
a 지번변경, and can even be re-used; equal PNUs therefore say little, and change detection by PNU (as
LADM-COL's New / Missing / Changed) loses every split and merge. Two snapshots of the 연속지적도 are
also never drawn identically (the map is re-fitted to the registers now and then), so a link needs a
share of ground that changed hands, not bare contact (see :func:`_linked`).

Links are grouped into connected families (scipy's connected components on the bipartite overlap
graph), and each family gets one kind:

- ``UNCHANGED``: one parent, one child, same PNU, same area and ground (see :class:`LineageOptions`);
- ``RESURVEYED``: one to one, same PNU, area or shape changed (지적재조사, 등록사항정정);
- ``RENUMBERED``: one to one, another PNU (지번변경, 등록전환 from 산 to 일반, 행정구역 변경);
- ``SPLIT``: one parent, several children (분할);
- ``MERGED``: several parents, one child (합병);
- ``REPARCELLED``: several to several (경계조정, 구획정리, 도시개발사업 환지);
- ``NEW``: a child with no parent (신규등록, e.g. 공유수면 매립);
- ``ENDED``: a parent with no child (말소, e.g. 바다로 된 토지).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import InputError
from ..progress import SILENT, Progress

UNCHANGED = "UNCHANGED"
RESURVEYED = "RESURVEYED"
RENUMBERED = "RENUMBERED"
SPLIT = "SPLIT"
MERGED = "MERGED"
REPARCELLED = "REPARCELLED"
NEW = "NEW"
ENDED = "ENDED"

KIND_LABELS = {
    UNCHANGED: "변동 없음",
    RESURVEYED: "지적재조사·정정 (모양 변경)",
    RENUMBERED: "지번 변경·등록전환",
    SPLIT: "분할",
    MERGED: "합병",
    REPARCELLED: "경계조정·환지",
    NEW: "신규 등록",
    ENDED: "말소",
}

LINEAGE_COLUMNS = ["family", "kind", "kind_label", "parent_pnu", "child_pnu", "shared_m2", "parent_m2", "child_m2"]


@dataclass(frozen=True)
class LineageOptions:
    pnu_field: str = "PNU"
    # The two years' maps are never drawn identically (the 연속지적도 is re-fitted to the registers now
    # and then): overlaps within this band of a boundary are slivers, not links.
    boundary_tolerance_m: float = 0.5
    min_shared_m2: float = 1.0
    # A same-PNU pair is the same parcel when its area is unchanged within 1 m² or 1 % (what re-fitting
    # moves); a 지적재조사 or 등록사항정정 changes the area, which is what the tax follows.
    same_area_m2: float = 1.0
    same_area_share: float = 0.01


@dataclass
class LineageResult:
    links: pd.DataFrame  # one row per parent → child link (NEW / ENDED with the other side empty)
    families: pd.DataFrame  # one row per family: kind, parents, children, areas

    def explain(self, family: int) -> str:
        """A sentence for the report: ``분할: 4157035026100120000 → …0001, …0002; 면적 합 일치``."""
        rows = self.links[self.links["family"] == family]
        kind = rows["kind"].iat[0]
        parents = sorted(set(rows["parent_pnu"].dropna()))
        children = sorted(set(rows["child_pnu"].dropna()))
        parent_area = rows.drop_duplicates("parent_pnu")["parent_m2"].sum()
        child_area = rows.drop_duplicates("child_pnu")["child_m2"].sum()
        balance = (
            "면적 합 일치"
            if abs(parent_area - child_area) <= max(1.0, 0.01 * parent_area)
            else (f"면적 {parent_area:,.0f} → {child_area:,.0f} m²")
        )
        return f"{KIND_LABELS[kind]}: {', '.join(parents) or '-'} → {', '.join(children) or '-'}; {balance}"


def parcel_lineage(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    options: LineageOptions = LineageOptions(),
    progress: Progress = SILENT,
) -> LineageResult:
    """Every parcel of both snapshots in exactly one family, with the links between them."""
    old_pnu, old_geom = _parcels(old, options.pnu_field, "이전 연도 필지")
    new_pnu, new_geom = _parcels(new, options.pnu_field, "올해 필지")
    if old.crs is not None and new.crs is not None and old.crs != new.crs:
        raise InputError(f"두 해의 필지 좌표계가 다릅니다 ({old.crs} / {new.crs}): 같은 좌표계로 맞추세요.")
    progress.info(f"필지 계보: 이전 {len(old_geom):,}필지, 올해 {len(new_geom):,}필지 중첩 계산")
    old_area, new_area = shapely.area(old_geom), shapely.area(new_geom)
    i, j, shared = _links(old_pnu, old_geom, new_pnu, new_geom, options)
    progress.set(0.6)

    # Families: connected components of the bipartite graph (old parcels 0..n-1, new n..n+m-1).
    n, m = len(old_geom), len(new_geom)
    graph = coo_matrix((np.ones(len(i)), (i, j + n)), shape=(n + m, n + m))
    _, family_of = connected_components(graph, directed=False)
    parent_count = np.bincount(family_of[:n], minlength=family_of.max() + 1)
    child_count = np.bincount(family_of[n:], minlength=family_of.max() + 1)

    kind = np.full(family_of.max() + 1, REPARCELLED, dtype=object)
    kind[(parent_count == 1) & (child_count > 1)] = SPLIT
    kind[(parent_count > 1) & (child_count == 1)] = MERGED
    kind[(parent_count == 0) & (child_count > 0)] = NEW
    kind[(parent_count > 0) & (child_count == 0)] = ENDED
    one_to_one = (parent_count == 1) & (child_count == 1)
    if len(i):
        pair_family = family_of[i]
        single = one_to_one[pair_family]
        same_pnu = old_pnu[i] == new_pnu[j]
        change = np.abs(new_area[j] - old_area[i])
        same = change <= np.maximum(options.same_area_m2, options.same_area_share * old_area[i])
        kind[pair_family[single & same_pnu & same]] = UNCHANGED
        kind[pair_family[single & same_pnu & ~same]] = RESURVEYED
        kind[pair_family[single & ~same_pnu]] = RENUMBERED
    progress.set(0.8)

    linked = pd.DataFrame(
        {
            "family": family_of[i],
            "parent_pnu": old_pnu[i],
            "child_pnu": new_pnu[j],
            "shared_m2": np.round(shared, 2),
            "parent_m2": np.round(old_area[i], 2),
            "child_m2": np.round(new_area[j], 2),
        }
    )
    lone_old = np.setdiff1d(np.arange(n), i)
    lone_new = np.setdiff1d(np.arange(m), j)
    ended = pd.DataFrame(
        {
            "family": family_of[lone_old],
            "parent_pnu": old_pnu[lone_old],
            "child_pnu": None,
            "shared_m2": 0.0,
            "parent_m2": np.round(old_area[lone_old], 2),
            "child_m2": np.nan,
        }
    )
    born = pd.DataFrame(
        {
            "family": family_of[n + lone_new],
            "parent_pnu": None,
            "child_pnu": new_pnu[lone_new],
            "shared_m2": 0.0,
            "parent_m2": np.nan,
            "child_m2": np.round(new_area[lone_new], 2),
        }
    )
    links = pd.concat([frame for frame in (linked, ended, born) if len(frame)], ignore_index=True)
    if links.empty:
        links = pd.DataFrame(columns=LINEAGE_COLUMNS)
    links.insert(1, "kind", kind[links["family"].to_numpy(dtype=int)])
    links.insert(2, "kind_label", links["kind"].map(KIND_LABELS))
    links = links.sort_values(["family", "parent_pnu", "child_pnu"], kind="stable", na_position="last")
    families = _families(links)
    progress.set(1.0)
    return LineageResult(links.reset_index(drop=True)[LINEAGE_COLUMNS], families)


def _links(
    old_pnu: np.ndarray, old: np.ndarray, new_pnu: np.ndarray, new: np.ndarray, options: LineageOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (old, new) index pairs that are links, with their shared m², and not slivers or old overlaps.

    Same PNU: linked when they share at least ``min_shared_m2`` (or half the smaller, for a tiny lot).
    Different PNUs: the shared ground counts only where it changed hands, i.e. minus the ground the old
    parcel still holds under its own PNU and minus what the new parcel already held under its PNU a year
    before. Real 연속지적도 extracts have neighbours that overlap (in the 월곶면 file 1,467 pairs, up to
    3,500 m²); such an overlap is there in both years and is not a link. What changed hands must keep
    ``min_shared_m2`` once shrunk by the boundary tolerance, so that slivers of a redrawn boundary drop
    out; for a parcel too narrow to shrink (a 1 m 구거) it must be at least half of that parcel.
    """
    # A parcel drawn identically in both years under the same PNU (most of them, year on year) links to
    # itself only: whatever ground it shares with another parcel it holds in both years, so nothing
    # changed hands. It is left out of the overlay, which is what makes a city-wide run fast.
    new_by_pnu = dict(zip(new_pnu.tolist(), range(len(new)), strict=True))
    twin = np.array([new_by_pnu.get(p, -1) for p in old_pnu.tolist()], dtype=np.int64)
    has_twin = np.flatnonzero(twin >= 0)
    identical = np.zeros(len(old), dtype=bool)
    identical[has_twin] = shapely.equals_exact(old[has_twin], new[twin[has_twin]], tolerance=0.0)
    same_i = np.flatnonzero(identical)
    same_j = twin[same_i]
    old_rest = np.flatnonzero(~identical)
    new_rest = np.setdiff1d(np.arange(len(new)), same_j)
    i, j, shared = _overlay_links(old_pnu, old, new_pnu, new, old_rest, new_rest, new_by_pnu, options)
    return (
        np.concatenate([same_i, i]),
        np.concatenate([same_j, j]),
        np.concatenate([shapely.area(old[same_i]), shared]),
    )


def _overlay_links(
    old_pnu: np.ndarray,
    old_all: np.ndarray,
    new_pnu: np.ndarray,
    new_all: np.ndarray,
    old_rest: np.ndarray,
    new_rest: np.ndarray,
    new_by_pnu: dict[str, int],
    options: LineageOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links among the parcels that are not drawn identically in both years (indices into the full arrays)."""
    old, new = old_all[old_rest], new_all[new_rest]
    tolerance = options.boundary_tolerance_m
    old_core = shapely.buffer(old, -tolerance, join_style="mitre")
    new_core = shapely.buffer(new, -tolerance, join_style="mitre")
    narrow_old = shapely.area(old_core) < options.min_shared_m2
    narrow_new = shapely.area(new_core) < options.min_shared_m2
    # Candidates: pairs whose overlap goes deeper than the tolerance band, and every pair with a narrow
    # parcel (it has no core to test). Neighbours along a redrawn boundary never become candidates.
    old_tree, new_tree = shapely.STRtree(old), shapely.STRtree(new)
    pairs = [
        old_tree.query(new_core, predicate="intersects")[::-1],
        new_tree.query(old_core, predicate="intersects"),
        new_tree.query(old[narrow_old], predicate="intersects"),
        old_tree.query(new[narrow_new], predicate="intersects")[::-1],
    ]
    pairs[2][0] = np.flatnonzero(narrow_old)[pairs[2][0]]
    pairs[3][1] = np.flatnonzero(narrow_new)[pairs[3][1]]
    i, j = np.unique(np.concatenate(pairs, axis=1), axis=1)
    if len(i) == 0:
        return i, j, np.zeros(0)
    narrow_pair = narrow_old[i] | narrow_new[j]  # the cores above, by subset position
    i, j = old_rest[i], new_rest[j]
    old, new = old_all, new_all
    ground = shapely.intersection(old[i], new[j])
    shared = shapely.area(ground)
    smaller = np.minimum(shapely.area(old[i]), shapely.area(new[j]))
    same = old_pnu[i] == new_pnu[j]
    linked = same & (shared >= np.minimum(options.min_shared_m2, 0.5 * smaller))
    cross = np.flatnonzero(~same & (shared > 0))
    if len(cross):
        empty = shapely.Polygon()
        old_by_pnu = dict(zip(old_pnu.tolist(), range(len(old)), strict=True))
        kept = np.array([new[new_by_pnu[p]] if p in new_by_pnu else empty for p in old_pnu[i[cross]]], dtype=object)
        held = np.array([old[old_by_pnu[p]] if p in old_by_pnu else empty for p in new_pnu[j[cross]]], dtype=object)
        moved = shapely.difference(shapely.difference(ground[cross], kept), held)
        deep = shapely.area(shapely.buffer(moved, -tolerance, join_style="mitre")) >= options.min_shared_m2
        narrow = narrow_pair[cross]
        mostly = shapely.area(moved) >= 0.5 * smaller[cross]
        linked[cross] = deep | (narrow & mostly)
    return i[linked], j[linked], shared[linked]


def _families(links: pd.DataFrame) -> pd.DataFrame:
    grouped = links.groupby("family", sort=True)
    return pd.DataFrame(
        {
            "kind": grouped["kind"].first(),
            "parents": grouped["parent_pnu"].nunique(),
            "children": grouped["child_pnu"].nunique(),
            "parent_m2": links.drop_duplicates("parent_pnu").groupby("family")["parent_m2"].sum(),
            "child_m2": links.drop_duplicates("child_pnu").groupby("family")["child_m2"].sum(),
        }
    ).reset_index()


def _parcels(frame: gpd.GeoDataFrame, pnu_field: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    if frame is None or len(frame) == 0:
        raise InputError(f"{what} 레이어가 비어 있습니다: 연속지적도 필지 레이어를 지정하세요.")
    if pnu_field not in frame.columns:
        raise InputError(
            f"{what} 레이어에 PNU 필드 '{pnu_field}'가 없습니다 (있는 필드: {', '.join(map(str, frame.columns))})."
        )
    pnu = frame[pnu_field].astype("string").str.strip().to_numpy(dtype=object)
    geometry = shapely.make_valid(np.asarray(frame.geometry.array, dtype=object))
    bad = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if bad.any():
        rows = ", ".join(str(r + 1) for r in np.flatnonzero(bad)[:5])
        raise InputError(f"{what} 레이어의 {int(bad.sum()):,}개 필지에 도형이 없습니다 (행 {rows}…): 도형을 고치세요.")
    if pd.isna(pnu).any():
        rows = ", ".join(str(r + 1) for r in np.flatnonzero(pd.isna(pnu))[:5])
        raise InputError(f"{what} 레이어의 필지 {int(pd.isna(pnu).sum()):,}개에 PNU가 없습니다 (행 {rows}…).")
    if pd.Series(pnu).duplicated().any():
        # One parcel drawn as several polygons (a lot cut by a road or a stream): one multi-part parcel.
        pieces = pd.Series(list(geometry), index=pnu)
        merged = pieces.groupby(level=0, sort=False).agg(lambda parts: shapely.union_all(list(parts)))
        return merged.index.to_numpy(dtype=object), merged.to_numpy(dtype=object)
    return pnu, geometry
