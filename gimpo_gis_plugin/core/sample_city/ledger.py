"""The property-tax ledger (재산세 과세대장) of the sample city, as the city's system exports it, with
planted discrepancies and a ground-truth table of every one of them.

One row per taxed object: land (토지) for every taxable parcel, and each building (건축물). Columns are
Korean (see ``LEDGER_COLUMNS``); taxpayer names and resident numbers are masked as the export masks them.
Money figures follow the shape of 재산세 (시가표준액 x 공정시장가액비율 x rate), simplified: they are
realistic in size, not a tax computation to rely on.

Planted discrepancies (each object gets at most one, so the ground truth is unambiguous):
``BUILDING_NOT_TAXED``, ``PARCEL_NOT_TAXED``, ``AREA_MISMATCH`` (land and building), ``USE_MISMATCH``
(나대지 under a building; 주거 vs 상업), ``DUPLICATE_LEDGER``, ``LEDGER_NO_PARCEL``, ``ADDRESS_UNRESOLVED``,
``PNU_MALFORMED``; and ``ADDRESS_ONLY`` rows (no PNU, a resolvable lot address) that are not findings
but must be resolved.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ..tax_linkage.ledger_table import DEFAULT_HEADERS
from .buildings import USES

TAX_YEAR = 2026
# Not taxed: roads, ditches, rivers, dykes, reservoirs, schools and parks (configurable in the linkage).
NON_TAXABLE_JIMOK = frozenset({"도", "구", "천", "제", "유", "학", "공"})

# The city's export headers are the ones the linkage reads by default: one definition for both.
LEDGER_COLUMNS = DEFAULT_HEADERS
LAND, BUILDING = "토지", "건축물"

# Taxed use of land rows by 지목; 대 under a building is 대지, vacant 대 is 나대지.
LAND_USE_BY_JIMOK = {
    "대": "대지",
    "전": "전",
    "답": "답",
    "임": "임야",
    "장": "공장용지",
    "창": "창고용지",
    "잡": "잡종지",
    "과": "과수원",
    "묘": "묘지",
    "종": "종교용지",
    "주": "주차장",
}

SURNAMES = list("김이박최정강조윤장임한오서신권황안송류홍")
GIVEN = list("민서준지현우수영진하윤도연성재은혜경호")

RATES = {
    "unresolved": 0.002,
    "no_parcel": 0.002,
    "malformed": 0.0005,
    "address_only": 0.03,
    "duplicate": 0.003,
    "land_area": 0.007,
    "building_area": 0.007,
    "vacant_under_building": 0.005,
    "building_use": 0.005,
    "building_untaxed": 0.02,
    "parcel_untaxed": 0.005,
}


@dataclass
class Ledger:
    rows: pd.DataFrame  # English column names (LEDGER_COLUMNS keys); ``to_export`` renames to Korean
    ground_truth: pd.DataFrame  # code, row_id, pnu, bld_id, detail


def mask_name(name: str) -> str:
    """``김민수`` -> ``김*수``: the city's export masks all but the first and last character."""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _taxpayers(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    surname = rng.choice(SURNAMES, n)
    given = rng.choice(GIVEN, (n, 2))
    names = [mask_name(s + a + b) for s, (a, b) in zip(surname, given, strict=True)]
    birth = rng.integers(1940, 2004, n)
    gender = np.where(birth >= 2000, rng.choice([3, 4], n), rng.choice([1, 2], n))
    resident = [
        f"{y % 100:02d}{m:02d}{d:02d}-{g}******"
        for y, m, d, g in zip(birth, rng.integers(1, 13, n), rng.integers(1, 29, n), gender, strict=True)
    ]
    corporate = rng.random(n) < 0.08
    names = [("(주)" + "김포" + mask_name("산업개발")) if c else nm for c, nm in zip(corporate, names, strict=True)]
    resident = [
        f"{rng.integers(100, 999)}-{rng.integers(10, 99)}-*****" if c else r
        for c, r in zip(corporate, resident, strict=True)
    ]
    return names, resident


def lot_address(dong_name: str, register: str, main: int, sub: int) -> str:
    lot = f"{main}-{sub}" if sub else f"{main}"
    mountain = "산 " if register == "2" else ""
    return f"경기도 김포시 {dong_name} {mountain}{lot}"


def build_ledger(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, rng: np.random.Generator
) -> Ledger:
    names = areas.drop_duplicates("legal_dong_code").set_index("legal_dong_code")["legal_dong_name"]
    urban = areas.set_index("area_id")["is_urban"].reindex(parcels["area_id"]).to_numpy()
    parcel_area = parcels.geometry.area.to_numpy()
    has_building = parcels["PNU"].isin(buildings["pnu"]).to_numpy()
    truth: list[dict] = []

    # --- land rows: taxable, standard parcels -------------------------------------------------------
    taxable = ~parcels["jimok"].isin(NON_TAXABLE_JIMOK).to_numpy() & (parcels["register"].isin(["1", "2"]).to_numpy())
    land_idx = np.flatnonzero(taxable)
    untaxed_parcels = _sample(land_idx, RATES["parcel_untaxed"], rng)
    for i in untaxed_parcels:
        truth.append(
            {
                "code": "PARCEL_NOT_TAXED",
                "row_id": "",
                "pnu": parcels["PNU"].iat[i],
                "bld_id": "",
                "detail": "taxable parcel without a land row",
            }
        )
    land_idx = np.setdiff1d(land_idx, untaxed_parcels)
    jimok = parcels["jimok"].to_numpy()[land_idx]
    land_use = np.array([LAND_USE_BY_JIMOK.get(j, "잡종지") for j in jimok], dtype=object)
    land_use = np.where((jimok == "대") & ~has_building[land_idx], "나대지", land_use)
    price = np.where(urban[land_idx], rng.uniform(1.2e6, 3.5e6, len(land_idx)), rng.uniform(8e4, 4e5, len(land_idx)))
    register_area = np.round(parcel_area[land_idx] * rng.normal(1.0, 0.01, len(land_idx)), 1)
    land = pd.DataFrame(
        {
            "object_kind": LAND,
            "pnu": parcels["PNU"].to_numpy()[land_idx],
            "bld_id": "",
            "taxed_area": register_area,
            "taxed_use": land_use,
            "assessed_value": np.round(register_area * price, -3),
            "_dong": names.reindex(parcels["legal_dong_code"].to_numpy()[land_idx]).to_numpy(),
            "_register": parcels["register"].to_numpy()[land_idx],
            "_main": parcels["main_lot"].to_numpy()[land_idx],
            "_sub": parcels["sub_lot"].to_numpy()[land_idx],
            "_has_building": has_building[land_idx],
            "_true_area": parcel_area[land_idx],
        }
    )
    land["tax"] = np.round(land["assessed_value"] * 0.7 * np.where(land["taxed_use"] == "나대지", 0.005, 0.0025), -1)

    # --- building rows -------------------------------------------------------------------------------
    bld_idx = np.arange(len(buildings))
    untaxed_buildings = _sample(bld_idx, RATES["building_untaxed"], rng)
    for i in untaxed_buildings:
        truth.append(
            {
                "code": "BUILDING_NOT_TAXED",
                "row_id": "",
                "pnu": buildings["pnu"].iat[i],
                "bld_id": buildings["bld_id"].iat[i],
                "detail": "building without a building row",
            }
        )
    bld_idx = np.setdiff1d(bld_idx, untaxed_buildings)
    parcel_of = parcels.set_index("PNU")
    b = buildings.iloc[bld_idx]
    host = parcel_of.reindex(b["pnu"])
    floor_area = b["total_floor_area"].to_numpy()
    taxed_floor = np.round(floor_area * rng.normal(1.0, 0.005, len(b)), 1)
    unit_price = rng.uniform(6e5, 9e5, len(b))
    building_rows = pd.DataFrame(
        {
            "object_kind": BUILDING,
            "pnu": b["pnu"].to_numpy(),
            "bld_id": b["bld_id"].to_numpy(),
            "taxed_area": taxed_floor,
            "taxed_use": [USES[u][1] for u in b["use_code"]],
            "assessed_value": np.round(taxed_floor * unit_price, -3),
            "_dong": names.reindex(host["legal_dong_code"].to_numpy()).to_numpy(),
            "_register": host["register"].to_numpy(),
            "_main": host["main_lot"].to_numpy(),
            "_sub": host["sub_lot"].to_numpy(),
            "_has_building": True,
            "_true_area": floor_area,
        }
    )
    building_rows["tax"] = np.round(building_rows["assessed_value"] * 0.6 * 0.0025, -1)
    rows = pd.concat([land, building_rows], ignore_index=True)
    rows = _split_co_owned(rows, rng)
    # Interleave as the tax system lists objects: by PNU, land before its buildings.
    rows = rows.sort_values(["pnu", "object_kind", "bld_id"], ascending=[True, False, True], kind="stable")
    rows = rows.reset_index(drop=True)
    rows["address"] = [
        lot_address(d, r, m, s)
        for d, r, m, s in zip(rows["_dong"], rows["_register"], rows["_main"], rows["_sub"], strict=True)
    ]
    # Planted discrepancies: disjoint row sets.
    pool = np.arange(len(rows))
    rng.shuffle(pool)
    cursor = 0

    def take(rate: float, eligible: np.ndarray) -> np.ndarray:
        """The next rows of the shuffled pool that are eligible; each row is planted at most once."""
        nonlocal cursor
        want = max(1, round(rate * len(rows)))
        rest = pool[cursor:]
        picked = np.flatnonzero(eligible[rest])[:want]
        chosen = rest[picked]
        pool[cursor:] = np.concatenate([chosen, np.delete(rest, picked)])
        cursor += len(chosen)
        return chosen

    def parcel_left_untaxed(i: int, why: str) -> None:
        truth.append(
            {
                "code": "PARCEL_NOT_TAXED",
                "row_id": "",
                "pnu": rows.at[i, "pnu"],
                "bld_id": "",
                "detail": f"its land row {rows.at[i, 'row_id']} {why}",
            }
        )

    sole = (rows["share"] == "1").to_numpy()
    is_land = (rows["object_kind"] == LAND).to_numpy() & sole
    standard = rows["_register"].isin(["1", "2"]).to_numpy() & sole
    row_ids = np.array([f"{TAX_YEAR}-{i + 1:07d}" for i in range(len(rows))], dtype=object)
    rows["row_id"] = row_ids

    for i in take(RATES["land_area"], is_land & (rows["_true_area"].to_numpy() > 60)):
        factor = rng.choice([rng.uniform(0.5, 0.7), rng.uniform(1.35, 1.8)])
        rows.at[i, "taxed_area"] = round(rows.at[i, "_true_area"] * factor, 1)
        truth.append(_truth("AREA_MISMATCH", rows, i, f"land area x{factor:.2f}"))
    is_building = (rows["object_kind"] == BUILDING).to_numpy() & sole
    for i in take(RATES["building_area"], is_building & (rows["_true_area"].to_numpy() > 60)):
        factor = rng.choice([rng.uniform(0.4, 0.65), rng.uniform(1.35, 1.6)])
        rows.at[i, "taxed_area"] = round(rows.at[i, "_true_area"] * factor, 1)
        truth.append(_truth("AREA_MISMATCH", rows, i, f"floor area x{factor:.2f}"))
    for i in take(RATES["vacant_under_building"], is_land & rows["_has_building"].to_numpy()):
        truth.append(_truth("USE_MISMATCH", rows, i, f"land taxed as 나대지, was {rows.at[i, 'taxed_use']}"))
        rows.at[i, "taxed_use"] = "나대지"
    swappable = is_building & rows["taxed_use"].isin(["주거용", "상업용"]).to_numpy()
    for i in take(RATES["building_use"], swappable):
        new_use = "상업용" if rows.at[i, "taxed_use"] == "주거용" else "주거용"
        truth.append(_truth("USE_MISMATCH", rows, i, f"building taxed as {new_use}, is {rows.at[i, 'taxed_use']}"))
        rows.at[i, "taxed_use"] = new_use
    for i in take(RATES["no_parcel"], is_land & standard):
        # A lot number beyond any generated lot: as if the parcel was merged away (합병) after taxation.
        parcel_left_untaxed(i, "names a parcel that does not exist")
        code = rows.at[i, "pnu"]
        rows.at[i, "pnu"] = f"{code[:11]}{9000 + int(code[11:15]) % 999:04d}{code[15:]}"
        rows.at[i, "address"] = lot_address(
            rows.at[i, "_dong"], rows.at[i, "_register"], 9000 + int(code[11:15]) % 999, int(code[15:])
        )
        truth.append(_truth("LEDGER_NO_PARCEL", rows, i, "PNU of a parcel that does not exist"))
    for i in take(RATES["malformed"], is_land):
        parcel_left_untaxed(i, "has a malformed PNU")
        truth.append(_truth("PNU_MALFORMED", rows, i, "PNU with a digit missing, no address"))
        rows.at[i, "pnu"] = rows.at[i, "pnu"][:-1]
        rows.at[i, "address"] = ""
    for address_style, i in enumerate(take(RATES["address_only"], standard)):
        truth.append(_truth("ADDRESS_ONLY", rows, i, "no PNU; lot address only (resolvable)"))
        rows.at[i, "address"] = _address_variant(rows.iloc[i], address_style)
        rows.at[i, "pnu"] = ""
    unresolved_kinds = ["unknown_dong", "malformed_lot", "no_lot"]
    for n_planted, i in enumerate(take(RATES["unresolved"], is_land)):
        kind = unresolved_kinds[n_planted % 3]
        parcel_left_untaxed(i, "has an unresolvable address")
        truth.append(_truth("ADDRESS_UNRESOLVED", rows, i, kind))
        rows.at[i, "address"] = _unresolvable_address(rows.iloc[i], kind)
        rows.at[i, "pnu"] = ""
    duplicates = take(RATES["duplicate"], standard & (rows["pnu"] != "").to_numpy())
    copies = rows.iloc[duplicates].copy()
    copies["row_id"] = [f"{TAX_YEAR}-{len(rows) + k + 1:07d}" for k in range(len(copies))]
    for original, copy_id, pnu, bld_id in zip(
        rows["row_id"].to_numpy()[duplicates], copies["row_id"], copies["pnu"], copies["bld_id"], strict=True
    ):
        truth.append(
            {
                "code": "DUPLICATE_LEDGER",
                "row_id": copy_id,
                "pnu": pnu,
                "bld_id": bld_id,
                "detail": f"same object as {original}",
            }
        )
    rows = pd.concat([rows, copies], ignore_index=True)

    names_, resident = _taxpayers(len(rows), rng)
    rows["taxpayer"], rows["resident_no"] = names_, resident
    rows["year"] = TAX_YEAR
    rows["tax"] = rows["tax"].astype(np.int64)
    rows["assessed_value"] = rows["assessed_value"].astype(np.int64)
    rows = rows[list(LEDGER_COLUMNS)]
    ground_truth = pd.DataFrame(truth, columns=["code", "row_id", "pnu", "bld_id", "detail"])
    return Ledger(rows, ground_truth)


# Share of objects held by two or three co-owners (공유): each owner has a row with its 지분.
CO_OWNED = {LAND: 0.3, BUILDING: 0.15}


def _split_co_owned(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per owner: area, value and tax split by the owner's share, as the ledger lists them."""
    rate = rows["object_kind"].map(CO_OWNED).to_numpy()
    owners = np.where(rng.random(len(rows)) < rate, rng.choice([2, 3], len(rows), p=[0.8, 0.2]), 1)
    split = rows.loc[rows.index.repeat(owners)].copy()
    count = np.repeat(owners, owners)
    split["share"] = np.where(count == 1, "1", [f"1/{k}" for k in count])
    for column in ("taxed_area", "assessed_value", "tax"):
        split[column] = split[column] / count
    split["taxed_area"] = split["taxed_area"].round(2)
    split["assessed_value"] = split["assessed_value"].round(-3)
    split["tax"] = split["tax"].round(-1)
    return split.reset_index(drop=True)


def _truth(code: str, rows: pd.DataFrame, i: int, detail: str) -> dict:
    return {
        "code": code,
        "row_id": rows.at[i, "row_id"],
        "pnu": rows.at[i, "pnu"],
        "bld_id": rows.at[i, "bld_id"],
        "detail": detail,
    }


def _sample(indices: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    if len(indices) == 0:
        return indices
    count = max(1, round(rate * len(indices)))
    return np.sort(rng.choice(indices, size=count, replace=False))


def _address_variant(row: pd.Series, style: int) -> str:
    """The lot address written the ways officers type it: full, 번지 suffix, or short."""
    lot = f"{row['_main']}-{row['_sub']}" if row["_sub"] else f"{row['_main']}"
    mountain = "산 " if row["_register"] == "2" else ""
    dong = row["_dong"]
    if style % 3 == 0:
        return f"경기도 김포시 {dong} {mountain}{lot}"
    if style % 3 == 1:
        return f"김포시 {dong} {mountain}{lot}번지"
    return f"{dong.split(' ')[-1]} {mountain}{lot}"


def _unresolvable_address(row: pd.Series, kind: str) -> str:
    if kind == "unknown_dong":
        return f"경기도 김포시 가상동 {row['_main']}-{row['_sub']}"
    if kind == "malformed_lot":
        return f"김포시 {row['_dong']} {row['_main']}-가"
    return f"김포시 {row['_dong']}"


def to_export(rows: pd.DataFrame) -> pd.DataFrame:
    """The ledger with the Korean headers of the city's export."""
    return rows.rename(columns=LEDGER_COLUMNS)
