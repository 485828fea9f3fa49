"""The sample city one year on (2027): the cadastre after real operations and the next year's ledger.

So that the year-over-year change (``gimpo:ledgerchange``) has something true to find in the demo and the
tests: about 1 % of the lots are split (분할; the remainder keeps the PNU, the others take the next free
부번), 0.5 % merged with a neighbour (합병; the first PNU survives), 0.2 % renumbered (지번변경), 1 % of
the buildings demolished; the ledger follows (areas split or summed, demolished buildings' rows gone)
and every value is revalued by 4 % (the yearly 공시가격 update). ``next_year_truth`` lists what was done.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import styles
from ...geopackage import atomic_path
from .. import ledger as ledger_module

NEXT_YEAR = ledger_module.TAX_YEAR + 1
LEDGER_CSV = f"tax_ledger_{NEXT_YEAR}.csv"
TRUTH_CSV = f"cadastre_changes_{NEXT_YEAR}.csv"
REVALUATION = 1.04
SPLIT_SHARE, MERGE_SHARE, RENUMBER_SHARE, DEMOLISH_SHARE = 0.01, 0.005, 0.002, 0.01

STYLES = {
    f"parcels_{NEXT_YEAR}": styles.single_symbol(styles.Symbol("fill", "#000000", "#7f7f7f", 0.1, outline_only=True))
}


def add_layers(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    parcels, truth = _next_cadastre(city.parcels, rng)
    city.next_year = {"truth": truth, "ledger": _next_ledger(city, parcels, truth, rng)}
    return {f"parcels_{NEXT_YEAR}": parcels}


def write_files(city, folder: Path) -> dict[str, Path]:
    paths = {"ledger_next_csv": folder / LEDGER_CSV, "cadastre_changes": folder / TRUTH_CSV}
    with atomic_path(paths["ledger_next_csv"]) as tmp:
        ledger_module.to_export(city.next_year["ledger"]).to_csv(tmp, index=False, encoding="cp949")
    with atomic_path(paths["cadastre_changes"]) as tmp:
        city.next_year["truth"].to_csv(tmp, index=False, encoding="utf-8")
    return paths


def _lots(parcels: gpd.GeoDataFrame) -> np.ndarray:
    """Ordinary lots that a survey would cut or join (일반 register, not roads or rivers, not tiny)."""
    area = parcels.geometry.area.to_numpy()
    jimok = parcels["jimok"].astype(str).to_numpy() if "jimok" in parcels else np.full(len(parcels), "대")
    ok = (parcels["PNU"].str[10] == "1").to_numpy() & ~np.isin(jimok, ["도", "구", "천"]) & (area > 200)
    return np.flatnonzero(ok)


def _next_cadastre(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    pnus = parcels["PNU"].to_numpy(dtype=object)
    geometry = list(parcels.geometry.to_numpy())
    taken = set(pnus.tolist())
    lots = rng.permutation(_lots(parcels))
    n = len(parcels)
    n_split, n_merge, n_renumber = (max(1, int(share * n)) for share in (SPLIT_SHARE, MERGE_SHARE, RENUMBER_SHARE))
    used: set[int] = set()
    records: list[dict[str, object]] = []
    new_rows: list[tuple[str, shapely.Geometry]] = []
    gone: set[int] = set()
    cursor = iter(lots.tolist())
    for k in (next(cursor) for _ in range(n_split)):
        used.add(k)
        first, second = _halves(geometry[k])
        child = _free_sub_lot(taken, pnus[k])
        taken.add(child)
        geometry[k] = first
        new_rows.append((child, second))
        records.append({"operation": "split", "parents": pnus[k], "children": f"{pnus[k]};{child}"})
    tree = shapely.STRtree(parcels.geometry.to_numpy())
    merged = 0
    for k in cursor:
        if merged == n_merge:
            break
        if k in used:
            continue
        neighbours = [
            j for j in tree.query(geometry[k], predicate="touches").tolist() if j not in used and j != k and j in lots
        ]
        if not neighbours:
            continue
        j = neighbours[0]
        union = shapely.union(geometry[k], geometry[j])
        if union.geom_type != "Polygon":
            continue
        used.update({k, j})
        geometry[k] = union
        gone.add(j)
        records.append({"operation": "merge", "parents": f"{pnus[k]};{pnus[j]}", "children": pnus[k]})
        merged += 1
    renumbered = 0
    new_pnus = pnus.copy()
    for k in cursor:
        if renumbered == n_renumber:
            break
        if k in used:
            continue
        used.add(k)
        fresh = f"{pnus[k][:11]}{9000 + renumbered:04d}0000"
        taken.add(fresh)
        new_pnus[k] = fresh
        records.append({"operation": "renumber", "parents": pnus[k], "children": fresh})
        renumbered += 1
    keep = [k for k in range(n) if k not in gone]
    frame = parcels.iloc[keep].copy()
    frame["PNU"] = new_pnus[keep]
    frame.geometry = [geometry[k] for k in keep]
    if new_rows:
        # The split-off part takes the parent's attributes (지목, 법정동 ...) under its own PNU.
        parent_of = {child: child[:15] for child, _ in new_rows}
        extra = frame.iloc[:0].copy()
        rows = []
        for child, shape in new_rows:
            parent = frame[frame["PNU"].str[:15] == parent_of[child]].iloc[0].to_dict()
            rows.append({**parent, "PNU": child, frame.geometry.name: shape})
        extra = gpd.GeoDataFrame(rows, geometry=frame.geometry.name, crs=parcels.crs)
        frame = pd.concat([frame, extra[frame.columns]], ignore_index=True)
    frame = gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=frame.geometry.name, crs=parcels.crs)
    return frame, pd.DataFrame(records, columns=["operation", "parents", "children"])


def _halves(polygon: shapely.Geometry) -> tuple[shapely.Geometry, shapely.Geometry]:
    minx, miny, maxx, maxy = polygon.bounds
    if maxx - minx >= maxy - miny:
        cut = shapely.box(minx - 1, miny - 1, (minx + maxx) / 2, maxy + 1)
    else:
        cut = shapely.box(minx - 1, miny - 1, maxx + 1, (miny + maxy) / 2)
    return shapely.intersection(polygon, cut), shapely.difference(polygon, cut)


def _free_sub_lot(taken: set[str], pnu: str) -> str:
    sub = int(pnu[15:])
    while True:
        sub += 1
        candidate = f"{pnu[:15]}{sub:04d}"
        if candidate not in taken:
            return candidate


def _next_ledger(city, parcels: gpd.GeoDataFrame, truth: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = city.ledger.rows.copy()
    area = dict(zip(parcels["PNU"], parcels.geometry.area.round(1), strict=True))
    land = rows["object_kind"] == ledger_module.LAND
    for record in truth.itertuples(index=False):
        parents, children = record.parents.split(";"), record.children.split(";")
        if record.operation == "split":
            on_parent = land & (rows["pnu"] == parents[0])
            share = area[children[0]] / max(area[children[0]] + area[children[1]], 1e-9)
            copies = rows[on_parent].copy()
            rows.loc[on_parent, "taxed_area"] = (rows.loc[on_parent, "taxed_area"].astype(float) * share).round(1)
            copies["pnu"] = children[1]
            copies["taxed_area"] = (copies["taxed_area"].astype(float) * (1 - share)).round(1)
            copies["row_id"] = copies["row_id"].astype(str) + "-B"
            rows = pd.concat([rows, copies], ignore_index=True)
            land = rows["object_kind"] == ledger_module.LAND
        elif record.operation == "merge":
            absorbed = land & (rows["pnu"] == parents[1])
            rows.loc[absorbed, "pnu"] = parents[0]
        else:
            rows.loc[rows["pnu"] == parents[0], "pnu"] = children[0]
    buildings = rows.index[(rows["object_kind"] == ledger_module.BUILDING) & (rows["bld_id"].astype(str) != "")]
    ids = rows.loc[buildings, "bld_id"].unique()
    demolished = (
        set(rng.choice(ids, max(1, int(DEMOLISH_SHARE * len(ids))), replace=False).tolist()) if len(ids) else set()
    )
    rows = rows[~rows["bld_id"].isin(demolished)].copy()
    for column in ("assessed_value", "tax"):
        rows[column] = (pd.to_numeric(rows[column], errors="coerce") * REVALUATION).round()
    rows["year"] = NEXT_YEAR
    rows["row_id"] = rows["row_id"].astype(str).str.replace(str(NEXT_YEAR - 1), str(NEXT_YEAR), n=1, regex=False)
    return rows.reset_index(drop=True)
