"""AREA_MISMATCH: the area a ledger object is taxed on differs from the GIS area.

Speaks when the taxed area (the rows of one object summed: co-owners' shares add up; duplicates left
out, they are reported as such) differs from the reference by more than the relative AND the absolute
tolerance (``LinkageOptions``). Land rows are compared with the parcel's GIS area, 건축물 rows with the
building's floor area. A 주택 row taxes the house and its 부속토지 in one figure whose meaning varies by
export: when most of the ledger's 주택 rows (``CONVENTION_SHARE``, at least ``CONVENTION_ROWS`` of them)
fit the floor area, that is what they are compared with; when most fit the parcel's area, that; else a
주택 row speaks only when it fits neither. Tax at stake: the row's tax scaled by the area difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evidence import Evidence, findings

CODE = "AREA_MISMATCH"
CONVENTION_ROWS = 10
CONVENTION_SHARE = 0.8


def _outside(area: pd.Series, reference: pd.Series, evidence: Evidence) -> pd.Series:
    options = evidence.options
    limit = np.maximum(options.area_absolute_tolerance_m2, options.area_relative_tolerance * reference)
    return ((area - reference).abs() > limit) & reference.notna()


def _check(rows: pd.DataFrame, key: str, reference: pd.Series, what: str, evidence: Evidence, bld: bool,
           also: pd.Series | None = None) -> pd.DataFrame:  # fmt: skip
    grouped = rows.groupby(key, sort=False).agg(
        taxed_area=("taxed_area", "sum"), tax=("tax", "sum"), pnu=("pnu", "first")
    )
    grouped = grouped[grouped["taxed_area"] > 0]
    ref = reference.reindex(grouped.index)
    bad = _outside(grouped["taxed_area"], ref, evidence)
    if also is not None:  # 주택: the parcel's area is the other reading of the figure
        other = pd.Series(also.reindex(grouped["pnu"].to_numpy()).to_numpy(), index=grouped.index)
        off_land = _outside(grouped["taxed_area"], other, evidence)
        convention = _house_convention(~bad, ~off_land)
        if convention == "land":
            bad, ref = off_land, other
            what = "주택(부속토지) 면적"
        elif convention != "floor":
            bad &= off_land
    bad = grouped[bad].sort_index()  # the few found, in key order
    if not len(bad):
        return bad.iloc[:0]
    concerned = rows[rows[key].isin(bad.index)]
    row_ids = concerned.groupby(key, sort=False)["row_id"].agg(",".join).reindex(bad.index)
    ref = ref[bad.index]
    diff = bad["taxed_area"] - ref
    return findings(
        CODE,
        pnu=bad["pnu"],
        bld_id=bad.index if bld else "",
        row_id=row_ids,
        detail=f"과세대장 {what} "
        + bad["taxed_area"].map("{:,.1f}".format)
        + " m², GIS "
        + ref.map("{:,.1f}".format)
        + " m² ("
        + (100 * diff / ref).map("{:+.0f}".format)
        + " %)",
        tax_at_stake=(bad["tax"].fillna(0) * diff.abs() / bad["taxed_area"]).to_numpy(),
    )


def _house_convention(fits_floor: pd.Series, fits_land: pd.Series) -> str:
    """ "floor" or "land" when most 주택 rows of this ledger read one way, else "either"."""
    if len(fits_floor) < CONVENTION_ROWS:
        return "either"
    floor, land = float(fits_floor.mean()), float(fits_land.mean())
    if floor >= CONVENTION_SHARE and floor > land:
        return "floor"
    if land >= CONVENTION_SHARE and land > floor:
        return "land"
    return "either"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    floor_area = evidence.building_info["total_floor_area"]
    houses = evidence.live_houses[evidence.live_houses["matched_bld_id"] != ""]
    return [
        _check(evidence.live_land, "pnu", evidence.parcel_area, "토지 면적", evidence, bld=False),
        _check(evidence.live_buildings, "matched_bld_id", floor_area, "건축물 연면적", evidence, bld=True),
        _check(houses, "matched_bld_id", floor_area, "주택 면적", evidence, bld=True, also=evidence.parcel_area),
    ]
