"""Land categories, PNUs and JIBUN text for the generated parcels, with the quirks of real 연속지적도.

Lots in one block row share a main lot number with sub lots (123, 123-1, 123-2 ...), as split parcels
do; 산 lots (임야대장) are numbered on their own. The real-data quirks from the 월곶면 extract are planted
in small numbers: 가지번 lots (register digit 6, main lot 0000, JIBUN ``0-1가``), BCHK 9, a PNU that
disagrees with its JIBUN, and JIBUN written with or without a space before the 지목 or without it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from .parcels import RURAL_JIMOK, URBAN_JIMOK

SIGUNGU = "41570"
_MAX_LOT = 9999  # a PNU has four digits for the main lot


def _draw(table: dict[str, float], size: int, rng: np.random.Generator) -> np.ndarray:
    keys = np.array(list(table))
    weights = np.array(list(table.values()))
    return rng.choice(keys, size=size, p=weights / weights.sum())


def assign_land_categories(parcels: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, rng: np.random.Generator) -> None:
    """Set ``jimok``: one dominant category per block (coherent land use), some lots differing."""
    urban = areas.set_index("area_id")["is_urban"].reindex(parcels["area_id"]).to_numpy()
    block_key = (
        parcels["area_id"].astype(np.int64) * 10_000_000
        + parcels["block_x"].fillna(0).astype(np.int64) * 10_000
        + parcels["block_y"].fillna(0).astype(np.int64)
    )
    codes, block_index = np.unique(block_key.to_numpy(), return_inverse=True)
    block_urban = np.zeros(len(codes), dtype=bool)
    block_urban[block_index] = urban
    dominant = np.where(block_urban, _draw(URBAN_JIMOK, len(codes), rng), _draw(RURAL_JIMOK, len(codes), rng))[
        block_index
    ]
    own = np.where(urban, _draw(URBAN_JIMOK, len(parcels), rng), _draw(RURAL_JIMOK, len(parcels), rng))
    jimok = np.where(rng.random(len(parcels)) < 0.85, dominant, own)
    jimok = np.where(parcels["is_road"].to_numpy(), "도", jimok)
    parcels["jimok"] = jimok


def assign_pnu(parcels: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, rng: np.random.Generator) -> None:
    """Set PNU, JIBUN, BCHK, SGG_OID, COL_ADM_SE and the helper columns legal_dong_code/main/sub."""
    area_codes = areas.set_index("area_id")["legal_dong_code"]
    parcels["legal_dong_code"] = area_codes.reindex(parcels["area_id"]).to_numpy()
    mountain = (parcels["jimok"].to_numpy() == "임") & ~areas.set_index("area_id")["is_urban"].reindex(
        parcels["area_id"]
    ).to_numpy()
    parcels["register"] = np.where(mountain, "2", "1")
    # Lots of one block row share a main lot; road strips get a main lot each.
    row_key = (
        parcels["area_id"].astype(str)
        + ":"
        + parcels["block_x"].fillna(-1).astype(int).astype(str)
        + ":"
        + parcels["block_y"].fillna(-1).astype(int).astype(str)
        + ":"
        + parcels["lot_row"].fillna(-1).astype(int).astype(str)
        + ":"
        + np.where(parcels["is_road"], parcels.index.astype(str), "")
    )
    parcels["_row_key"] = row_key
    order = parcels.sort_values(["legal_dong_code", "register", "area_id", "block_y", "block_x", "lot_row", "lot_col"])
    main = np.empty(len(parcels), dtype=np.int64)
    sub = np.empty(len(parcels), dtype=np.int64)
    for (_, _), group in order.groupby(["legal_dong_code", "register"], sort=False):
        row_ids, first = np.unique(group["_row_key"].to_numpy(), return_index=True)
        rank = np.empty(len(row_ids), dtype=np.int64)
        rank[np.argsort(first)] = np.arange(len(row_ids))
        row_rank = rank[np.searchsorted(row_ids, group["_row_key"].to_numpy())]
        within = group.groupby("_row_key").cumcount().to_numpy()
        positions = parcels.index.get_indexer(group.index)
        # A PNU has four digits for the main lot: past 9,999 rows in one 법정동 (very large cities only)
        # the numbers start again at 1 with sub lots from 1000, 2000, ... so every PNU stays 19 digits and unique.
        main[positions] = row_rank % _MAX_LOT + 1
        sub[positions] = within + 1000 * (row_rank // _MAX_LOT)
    parcels["main_lot"] = main
    parcels["sub_lot"] = sub
    parcels.drop(columns="_row_key", inplace=True)
    _plant_quirks(parcels, rng)
    parcels["PNU"] = (
        parcels["legal_dong_code"]
        + parcels["register"]
        + parcels["main_lot"].map("{:04d}".format)
        + parcels["sub_lot"].map("{:04d}".format)
    )
    if "_pnu_override" in parcels:
        override = parcels["_pnu_override"].notna()
        parcels.loc[override, "PNU"] = parcels.loc[override, "_pnu_override"]
        parcels.drop(columns="_pnu_override", inplace=True)
    parcels["SGG_OID"] = np.arange(1_000_001, 1_000_001 + len(parcels), dtype=np.int64)
    parcels["COL_ADM_SE"] = SIGUNGU


def _jibun_text(register: str, main: int, sub: int, jimok: str, style: int) -> str:
    lot = f"{main}-{sub}" if sub else f"{main}"
    if register == "2":
        lot = f"산{lot}"
    if register == "6":
        return f"0-{sub}가"
    if style == 0:
        return f"{lot} {jimok}"
    if style == 1:
        return f"{lot}{jimok}"
    return lot  # a few real JIBUNs carry no 지목


def _plant_quirks(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> None:
    n = len(parcels)
    style = rng.choice([0, 1, 2], size=n, p=[0.55, 0.443, 0.007])
    parcels["BCHK"] = "1"
    rural_lots = np.flatnonzero(
        (parcels["register"] == "1").to_numpy()
        & ~parcels["is_road"].to_numpy()
        & (parcels["legal_dong_code"].str[5:7] != "10").to_numpy()
    )
    pool = rural_lots if len(rural_lots) >= 10 else np.flatnonzero(~parcels["is_road"].to_numpy())
    count = max(3, n // 2000)
    chosen = rng.choice(pool, size=min(len(pool), count + 3), replace=False)
    gajibeon, bchk9, mismatch = chosen[:count], chosen[count : count + 2], chosen[count + 2 :]
    # 가지번: register 6, main 0000, sub lots 1.. per 법정동.
    parcels.loc[parcels.index[gajibeon], "register"] = "6"
    parcels.loc[parcels.index[gajibeon], "main_lot"] = 0
    per_dong = parcels.iloc[gajibeon].groupby("legal_dong_code").cumcount().to_numpy() + 1
    parcels.loc[parcels.index[gajibeon], "sub_lot"] = per_dong
    parcels["JIBUN"] = [
        _jibun_text(r, m, s, j, st)
        for r, m, s, j, st in zip(
            parcels["register"], parcels["main_lot"], parcels["sub_lot"], parcels["jimok"], style, strict=True
        )
    ]
    parcels.loc[parcels.index[bchk9], "BCHK"] = "9"
    # One PNU that disagrees with its own JIBUN (the real extract has 0-1가 under ...600001001).
    for position in mismatch:
        row = parcels.iloc[position]
        parcels.loc[parcels.index[position], "_pnu_override"] = (
            f"{row['legal_dong_code']}{row['register']}{int(row['main_lot']):04d}{int(row['sub_lot']) + 1000:04d}"
        )
    parcels["quirk"] = ""
    parcels.loc[parcels.index[gajibeon], "quirk"] = "gajibeon"
    parcels.loc[parcels.index[bchk9], "quirk"] = "bchk9"
    parcels.loc[parcels.index[mismatch], "quirk"] = "pnu_jibun_mismatch"
