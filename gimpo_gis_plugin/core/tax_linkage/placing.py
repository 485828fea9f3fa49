"""Stage 2: place each ledger row — on a parcel (the PNU it gives, else its lot address), and building
and 주택 rows on a building (its building id, else the building on its parcel whose floor area is
closest) — or give the reason it cannot be placed. Then mark rows beyond a whole object (duplicates).

A 주택 row (주택분 재산세, 지방세법 §104·§105: the house and its 부속토지 taxed together) is placed on its
parcel AND on a building of that parcel: it taxes both. When the parcel has no building on the map the
row still taxes the parcel, and ``house_without_building`` says so (a LEDGER_NO_BUILDING finding).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..pnu import clean_pnu, pnu_valid
from ..progress import Progress
from .address import AddressResolver
from .vocabulary import AIRCRAFT, BUILDING, HOUSE, LAND, MAPPED_KINDS, SHIP, object_kind_of

ON_BUILDING = (BUILDING, HOUSE)  # kinds placed on a building
NOT_ON_MAP = "OBJECT_NOT_ON_MAP"
KINDS = [LAND, BUILDING, HOUSE, SHIP, AIRCRAFT, ""]  # 선박, 항공기: no parcel, no finding


def share_fraction(values: pd.Series) -> np.ndarray:
    """지분 as a fraction: ``1``, ``1/2``, ``0.5``, ``50%``; empty or unreadable means sole ownership."""
    text = values.fillna("").astype(str)
    fractions = {value: _share_value(value) for value in text.unique()}  # a ledger has few distinct shares
    return text.map(fractions).to_numpy(dtype=float)


def _share_value(text: str) -> float:
    text = text.strip()
    try:
        if "/" in text:
            numerator, denominator = text.split("/", 1)
            value = float(numerator) / float(denominator)
        elif text.endswith("%"):
            value = float(text[:-1]) / 100
        else:
            value = float(text) if text else 1.0
    except (ValueError, ZeroDivisionError):
        return 1.0
    return value if np.isfinite(value) and 0 < value <= 1 else 1.0


def resolve_rows(ledger: pd.DataFrame, resolver: AddressResolver, progress: Progress) -> tuple[pd.DataFrame, list[str]]:
    """Add kind, pnu (resolved), pnu_source, and reason_code/reason for rows that cannot be placed."""
    rows = ledger.copy(deep=False)  # every column changed below is first replaced by a new one
    # A categorical: the many tests on the kind below compare small codes, not strings.
    rows["kind"] = pd.Categorical(object_kind_of(rows["object_kind"]).to_numpy(), categories=KINDS)
    rows["pnu"] = clean_pnu(rows["pnu"])
    rows["bld_id"] = rows["bld_id"].fillna("").astype(str).str.strip()
    given_valid = pnu_valid(rows["pnu"])
    rows["pnu_source"] = np.where(given_valid, "given", "")
    read_code = rows["read_reason_code"].fillna("").astype(str) if "read_reason_code" in rows else ""
    rows["reason_code"] = read_code
    rows["reason"] = rows["read_reason"].fillna("").astype(str) if "read_reason" in rows else ""
    on_map = rows["kind"].isin(list(MAPPED_KINDS)).to_numpy()
    need_address = ~given_valid & on_map & _open(rows)
    warnings = resolve_addresses(rows, need_address, resolver, progress)
    unknown = (rows["kind"] == "").to_numpy() & _open(rows)
    rows.loc[unknown, "reason_code"] = "OBJECT_KIND_UNKNOWN"
    rows.loc[unknown, "reason"] = (
        "과세대상구분 "
        + rows.loc[unknown, "object_kind"].astype(str).map(repr)
        + "을(를) 알 수 없음: 토지·건축물·주택·선박·항공기가 아님 (unknown kind of taxed object)"
    )
    elsewhere = ~on_map & (rows["kind"] != "").to_numpy() & _open(rows)
    rows.loc[elsewhere, "reason_code"] = NOT_ON_MAP
    rows.loc[elsewhere, "reason"] = "선박·항공기는 지도에 없는 과세물건 (ship or aircraft: not on the map)"
    return rows, warnings


def resolve_addresses(
    rows: pd.DataFrame, wanted: np.ndarray, resolver: AddressResolver, progress: Progress
) -> list[str]:
    """The single place where lot addresses become PNUs (``AddressResolver``): rows ``wanted`` get
    pnu / pnu_source "address" or a reason. Each distinct address is resolved once."""
    if not wanted.any():
        return []
    index = rows.index[wanted]
    addresses = rows.loc[index, "address"].fillna("").astype(str)
    resolved = {a: resolver.resolve(a) for a in addresses.unique()}
    progress.check()
    res = addresses.map(resolved)
    ok = res.map(lambda r: bool(r.pnu)).to_numpy(dtype=bool)
    index_ok = index[ok]
    rows.loc[index_ok, "pnu"] = res[ok].map(lambda r: r.pnu).to_numpy()
    rows.loc[index_ok, "pnu_source"] = "address"
    warnings: dict[str, int] = {}
    for message in res[ok].map(lambda r: r.message):
        if message:
            warnings[message] = warnings.get(message, 0) + 1
    failed = index[~ok]
    had_pnu = (rows.loc[failed, "pnu"] != "").to_numpy()
    malformed, unresolved = failed[had_pnu], failed[~had_pnu]
    rows.loc[malformed, "reason_code"] = "PNU_MALFORMED"
    rows.loc[malformed, "reason"] = [
        f"고유번호 {p!r}가 19자리 숫자가 아니고 주소로도 찾지 못함 ({r.message}) (PNU is not 19 digits)"
        for p, r in zip(rows.loc[malformed, "pnu"], res[malformed], strict=True)
    ]
    rows.loc[unresolved, "reason_code"] = "ADDRESS_UNRESOLVED"
    rows.loc[unresolved, "reason"] = [f"주소 해석 불가 {r.reason}: {r.message}" for r in res[unresolved]]
    return [f"{message} ({count}행)" for message, count in warnings.items()]


def _open(rows: pd.DataFrame) -> np.ndarray:
    """Rows without a reason yet ("" is falsy: no string comparison per row)."""
    return ~rows["reason_code"].to_numpy().astype(bool)


def place_on_parcels(rows: pd.DataFrame, parcel_pnus: pd.Index) -> None:
    """Land and 주택 rows whose PNU names no parcel: LEDGER_NO_PARCEL. Marks ``_on_parcel`` for the next
    stage (the PNU test is the costly one: done once)."""
    rows["_on_parcel"] = rows["pnu"].isin(parcel_pnus).to_numpy()
    on_parcel = rows["kind"].isin([LAND, HOUSE]).to_numpy() & _open(rows)
    no_parcel = on_parcel & ~rows["_on_parcel"].to_numpy()
    rows.loc[no_parcel, "reason_code"] = "LEDGER_NO_PARCEL"
    rows.loc[no_parcel, "reason"] = "고유번호 " + rows.loc[no_parcel, "pnu"] + "인 필지가 없음 (no parcel has this PNU)"


def place_on_buildings(rows: pd.DataFrame, buildings: gpd.GeoDataFrame, parcel_pnus: pd.Index) -> None:
    """Building and 주택 rows to buildings: by building id, else the building on the row's parcel whose
    floor area is closest to the row's (co-owner rows scaled by their share); a row without an area
    takes a building only when its parcel has one. Building rows that find none get a reason; 주택
    rows keep their parcel and are marked ``house_without_building``."""
    placeable = rows["kind"].isin(list(ON_BUILDING)).to_numpy() & _open(rows)
    rows["matched_bld_id"] = ""
    has_id = rows["bld_id"].to_numpy().astype(bool)
    by_id = placeable & has_id
    if by_id.any():
        by_id[by_id] = rows.loc[by_id, "bld_id"].isin(buildings["bld_id"]).to_numpy()
    rows.loc[by_id, "matched_bld_id"] = rows.loc[by_id, "bld_id"]
    rest = rows.index[placeable & ~by_id]
    if len(rest):
        wanted = pd.DataFrame(
            {
                "pnu": rows.loc[rest, "pnu"].to_numpy(),
                "full_area": rows.loc[rest, "taxed_area"].to_numpy() / rows.loc[rest, "_share"].to_numpy(),
                "index": rest,
            }
        )
        candidates = wanted.merge(buildings[["pnu", "bld_id", "total_floor_area"]], on="pnu", how="inner")
        if len(candidates):
            per_row = candidates.groupby("index")["bld_id"].transform("size")
            gap = (candidates["total_floor_area"] - candidates["full_area"]).abs()
            usable = gap.notna() | (per_row == 1)
            candidates, gap = candidates[usable], gap[usable].fillna(0.0)
            if len(candidates):
                best = candidates.loc[gap.groupby(candidates["index"]).idxmin()]
                rows.loc[best["index"].to_numpy(), "matched_bld_id"] = best["bld_id"].to_numpy()
    unplaced = placeable & ~rows["matched_bld_id"].to_numpy().astype(bool)
    on_parcel = rows["_on_parcel"].to_numpy() if "_on_parcel" in rows else rows["pnu"].isin(parcel_pnus).to_numpy()
    rows["house_without_building"] = unplaced & (rows["kind"] == HOUSE).to_numpy() & on_parcel
    building = unplaced & (rows["kind"] == BUILDING).to_numpy()
    no_parcel = building & ~on_parcel
    rows.loc[no_parcel, "reason_code"] = "LEDGER_NO_PARCEL"
    rows.loc[no_parcel, "reason"] = (
        "고유번호 " + rows.loc[no_parcel, "pnu"] + "인 필지도, 이 건물관리번호의 건물도 없음 (no parcel, no building)"
    )
    no_building = building & ~no_parcel
    rows.loc[no_building, "reason_code"] = "LEDGER_NO_BUILDING"
    rows.loc[no_building, "reason"] = (
        "필지 " + rows.loc[no_building, "pnu"] + "에 지도상 건물이 없음 (no building on the map on this parcel)"
    )


def flag_duplicates(matched: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rows beyond a whole object: within one (year, kind, object), shares in file order summing past 1.
    The object of a building or 주택 row is its building (its parcel when it has none), of a land row
    its parcel."""
    on_building = matched["kind"].isin(list(ON_BUILDING)) & (matched["matched_bld_id"] != "")
    lean = pd.DataFrame(
        {
            "year": matched["year"].astype(str),
            "object": np.where(on_building, matched["matched_bld_id"], matched["pnu"]),
            "kind": matched["kind"],
            "share": matched["_share"],
            "row_id": matched["row_id"],
            "source_row": matched["source_row"],
        },
        index=matched.index,
    ).sort_values("source_row", kind="stable")
    groups = lean.groupby(["year", "kind", "object"], sort=False, observed=True)
    duplicate = groups["share"].cumsum() > 1.0 + 1e-6
    first = groups["row_id"].transform("first")
    return duplicate.reindex(matched.index), first.reindex(matched.index)
