"""Stage 4: the output layers — the worklist (findings as points, sorted by severity then tax at
stake), parcels and buildings with their ledger totals and finding codes, the ledger tables with
personal data masked (names, resident numbers, and anything shaped like a 주민등록번호 in any text
column), and the summary by code and 법정동."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..pnu import legal_dong_of
from ..privacy import mask_frame
from .buildings import BUILDING_COLUMNS
from .findings import CATALOGUE, SEVERITY_LABELS
from .masking import mask_resident_numbers_in_text
from .parcels import legal_dong_names
from .placing import ON_BUILDING
from .vocabulary import LAND

LEDGER_OUTPUT_COLUMNS = [
    "row_id",
    "year",
    "object_kind",
    "address",
    "pnu",
    "pnu_source",
    "bld_id",
    "share",
    "taxed_area",
    "taxed_use",
    "assessed_value",
    "tax",
    "taxpayer",
    "resident_no",
    "source_row",
]
FREE_TEXT = ("year", "object_kind", "address", "share", "taxed_use", "reason")  # not the ids


def ledger_output(rows: pd.DataFrame, show_personal_data: bool, extra: list[str]) -> pd.DataFrame:
    """The output table: built from the column arrays (selecting, copying and re-indexing a 25-column
    frame of 400,000 rows costs a second), building ids as matched, personal data masked: the named
    columns, and 주민등록번호-shaped text in every free-text column (people type them into 물건소재지)."""
    columns = [*LEDGER_OUTPUT_COLUMNS, *(c for c in extra if c != "matched_bld_id")]
    data = {column: rows[column].to_numpy() for column in columns}
    if "matched_bld_id" in extra:
        data["bld_id"] = np.where(rows["matched_bld_id"] != "", rows["matched_bld_id"], rows["bld_id"])
    data["source_row"] = data["source_row"].astype(np.int64)
    for column in ("taxed_area", "assessed_value", "tax"):
        values = pd.to_numeric(pd.Series(data[column]), errors="coerce").to_numpy(dtype=float)
        values[~np.isfinite(values)] = np.nan  # never "inf" in an output
        data[column] = values
    if not show_personal_data:
        personal = [c for c in ("taxpayer", "resident_no") if c in data]
        masked = mask_frame(pd.DataFrame({c: data[c] for c in personal}))
        data.update({c: masked[c].to_numpy() for c in personal})
        for column in (c for c in FREE_TEXT if c in data):
            data[column] = mask_resident_numbers_in_text(pd.Series(data[column], dtype=object)).to_numpy()
    return pd.DataFrame(data, copy=False)  # no stacking of the columns into one block: a copy of them all


def findings_layer(findings: pd.DataFrame, parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point per finding (on the building, else the parcel; none for rows that found neither),
    sorted by severity then tax at stake, so the worklist reads top down."""
    frame = findings.copy()
    frame["severity"] = frame["code"].map(lambda c: CATALOGUE[c].severity).astype(np.int64)
    frame["severity_label"] = frame["severity"].map(SEVERITY_LABELS)
    frame["label_ko"] = frame["code"].map(lambda c: CATALOGUE[c].label_ko)
    frame["label_en"] = frame["code"].map(lambda c: CATALOGUE[c].label_en)
    frame["action"] = frame["code"].map(lambda c: CATALOGUE[c].action)
    frame["detail"] = mask_resident_numbers_in_text(frame["detail"].fillna("").astype(str))
    frame["legal_dong_code"] = legal_dong_of(frame["pnu"].fillna("").astype(str))
    frame["legal_dong_name"] = legal_dong_names(frame["legal_dong_code"])
    at_building = frame["bld_id"].map(_points_of(buildings, "bld_id", frame["bld_id"]))
    at_parcel = frame["pnu"].map(_points_of(parcels, "PNU", frame["pnu"]))
    geometry = at_building.where(at_building.notna(), at_parcel)
    frame = frame.sort_values(["severity", "tax_at_stake", "code", "pnu"], ascending=[False, False, True, True])
    frame.insert(0, "finding_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    geometry = geometry.reindex(frame.index)
    return gpd.GeoDataFrame(
        frame.reset_index(drop=True), geometry=gpd.GeoSeries(geometry.to_numpy(), crs=parcels.crs), crs=parcels.crs
    )


def _points_of(layer: gpd.GeoDataFrame, key: str, wanted: pd.Series) -> pd.Series:
    """A point inside each object of ``layer`` whose ``key`` is wanted (only those: it is not cheap)."""
    hits = layer.loc[layer[key].isin(wanted), [key, layer.geometry.name]].drop_duplicates(key)
    return pd.Series(hits.geometry.representative_point().to_numpy(), index=hits[key].to_numpy())


def _finding_totals(findings: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Per object (``key``, aligned on the findings; missing keys left out): n_findings, finding_codes
    (distinct codes, sorted, comma-separated), tax_at_stake, worst_severity. Vectorised: the codes of an
    object are a bit set (eleven codes), so no Python runs per object."""
    ordered_codes = sorted(CATALOGUE)
    key = key.reindex(findings.index)
    keep = key.notna().to_numpy()
    code = findings["code"][keep]
    frame = pd.DataFrame(
        {
            "_k": key[keep].to_numpy(),
            "bit": code.map({c: 1 << i for i, c in enumerate(ordered_codes)}).to_numpy(dtype=np.int64),
            "severity": code.map({c: kind.severity for c, kind in CATALOGUE.items()}).to_numpy(dtype=np.int64),
            "tax_at_stake": findings["tax_at_stake"][keep].to_numpy(),
        }
    )
    groups = frame.groupby("_k")
    bits = frame.drop_duplicates(["_k", "bit"]).groupby("_k")["bit"].sum()
    names = {m: ",".join(c for i, c in enumerate(ordered_codes) if m >> i & 1) for m in bits.unique().tolist()}
    return pd.DataFrame(
        {
            "n_findings": groups.size(),
            "finding_codes": bits.map(names),
            "tax_at_stake": groups["tax_at_stake"].sum(),
            "worst_severity": groups["severity"].max(),
        }
    )


def _aligned(keys: pd.Series, *tables: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of per-key ``tables`` (unique index) for each of ``keys``; NaN where a key is absent."""
    columns: dict[str, np.ndarray] = {}
    for table in tables:
        rows = table.reindex(keys.to_numpy())
        columns.update({column: rows[column].to_numpy() for column in table.columns})
    return columns


def object_layers(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, matched: pd.DataFrame, findings: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    land = (
        matched[matched["kind"] == LAND]
        .groupby("pnu", sort=False)
        .agg(
            ledger_rows=("row_id", "size"),
            taxed_area=("taxed_area", "sum"),
            assessed_value=("assessed_value", "sum"),
            tax=("tax", "sum"),
        )
    )
    bld = matched[matched["kind"].isin(list(ON_BUILDING))]
    building_tax_by_pnu = bld.groupby("pnu", sort=False).agg(
        building_rows=("row_id", "size"), building_tax=("tax", "sum")
    )
    per_parcel = _finding_totals(findings, findings["pnu"])
    # New frames from column arrays: joining onto the 200,000-row layers copies them once per join.
    p_columns = ["PNU", "JIBUN", "jimok", "legal_dong_code", "legal_dong_name", "lot", "gis_area_m2"]
    p = pd.DataFrame(
        {
            **{column: parcels[column].to_numpy() for column in p_columns},
            "geometry": parcels.geometry.array,
            **_aligned(parcels["PNU"], land, building_tax_by_pnu, per_parcel),
        },
        copy=False,  # the columns as they are, not stacked into blocks (a copy of them all)
    )
    p = _fill_counts(
        p,
        ["ledger_rows", "building_rows", "n_findings", "worst_severity"],
        ["assessed_value", "tax", "building_tax", "tax_at_stake"],
    )
    p["taxed_area"] = p["taxed_area"].fillna(0.0).round(2)
    p["finding_codes"] = p["finding_codes"].fillna("")

    per_building = bld.groupby("matched_bld_id", sort=False).agg(
        ledger_rows=("row_id", "size"), taxed_area=("taxed_area", "sum"), tax=("tax", "sum")
    )
    with_bld = findings[findings["bld_id"] != ""]
    b_codes = _finding_totals(findings, with_bld["bld_id"])
    b_columns = [*BUILDING_COLUMNS, "use_class", "host_source"]
    b = pd.DataFrame(
        {
            **{column: buildings[column].to_numpy() for column in b_columns},
            buildings.geometry.name: buildings.geometry.array,
            **_aligned(buildings["bld_id"], per_building, b_codes),
        },
        copy=False,
    )
    b = _fill_counts(b, ["ledger_rows", "n_findings", "worst_severity"], ["tax", "tax_at_stake"])
    b["taxed_area"] = b["taxed_area"].fillna(0.0).round(2)
    b["finding_codes"] = b["finding_codes"].fillna("")
    # copy=False: the columns stay as built (GeoDataFrame otherwise stacks them into blocks, a copy of
    # them all: seconds at 2,000,000 parcels).
    return gpd.GeoDataFrame(p, geometry="geometry", crs=parcels.crs, copy=False), gpd.GeoDataFrame(
        b, geometry=buildings.geometry.name, crs=buildings.crs, copy=False
    )


def _fill_counts(frame: pd.DataFrame, counts: list[str], money: list[str]) -> pd.DataFrame:
    for column in counts + money:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0).round(0).astype(np.int64)
    return frame


def summary_table(findings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Counts and tax at stake by code, and by 법정동 and code: the figures of the report."""
    by_code = findings.groupby("code").agg(count=("code", "size"), tax_at_stake=("tax_at_stake", "sum")).reset_index()
    by_code.insert(0, "group_kind", "code")
    by_code.insert(1, "group_value", "김포시 전체")
    dong = findings.assign(group_value=findings["legal_dong_name"].replace("", "(위치 없음)"))
    by_dong = dong.groupby(["group_value", "code"]).agg(count=("code", "size"), tax_at_stake=("tax_at_stake", "sum"))
    by_dong = by_dong.reset_index()
    by_dong.insert(0, "group_kind", "legal_dong")
    summary = pd.concat([by_code, by_dong], ignore_index=True)
    summary["label_ko"] = summary["code"].map(lambda c: CATALOGUE[c].label_ko)
    summary["count"] = summary["count"].astype(np.int64)
    summary["tax_at_stake"] = summary["tax_at_stake"].astype(np.int64)
    return summary[["group_kind", "group_value", "code", "label_ko", "count", "tax_at_stake"]]
