"""Read the 건축물대장 표제부 text export (건축HUB open data: pipe-separated, CP949, no header, no geometry).

The trap this module exists for: the register's 대지구분코드 is 0 = 대지, 1 = 산, 2 = 블록, while the
PNU's land-register digit is 1 = 일반, 2 = 산. So register ``0`` becomes PNU digit ``1`` and ``1`` becomes
``2``; a 블록 lot (``2``, 도시개발·택지 blocks before lot numbers exist) has no PNU and goes to the
rejects with that reason instead of being forced onto a wrong parcel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .ledger_table import decode_text

# The 표제부 layout (field order of the open-data file); only the fields used here are named in English.
FIELDS = [
    "register_pk",  # 관리_건축물대장_PK
    "ledger_kind_code",  # 대장_구분_코드
    "ledger_kind_name",
    "ledger_type_code",
    "ledger_type_name",
    "site_address",  # 대지_위치
    "road_address",
    "building_name",
    "sigungu_code",  # 시군구_코드
    "bjdong_code",  # 법정동_코드 (5 digits)
    "site_kind_code",  # 대지_구분_코드: 0 대지, 1 산, 2 블록
    "main_lot",  # 번
    "sub_lot",  # 지
    "special_site_name",
    "block",
    "lot",
    "other_lots",
    "road_code",
    "road_bjdong_code",
    "road_underground_code",
    "road_main_no",
    "road_sub_no",
    "dong_name",
    "main_annex_code",  # 주_부속_구분_코드
    "main_annex_name",
    "site_area",  # 대지_면적
    "building_area",  # 건축_면적
    "coverage_ratio",
    "total_floor_area",  # 연면적
    "far_floor_area",
    "floor_area_ratio",
    "structure_code",
    "structure_name",
    "other_structure",
    "use_code",  # 주_용도_코드
    "use_name",  # 주_용도_코드_명
    "other_use",
    "roof_code",
    "roof_name",
    "other_roof",
    "households",
    "families",
    "height",
    "floors_above",  # 지상_층_수
    "floors_below",  # 지하_층_수
    "passenger_lifts",
    "emergency_lifts",
    "annex_count",
    "annex_area",
    "total_dong_floor_area",
    "indoor_mech_count",
    "indoor_mech_area",
    "outdoor_mech_count",
    "outdoor_mech_area",
    "indoor_self_count",
    "indoor_self_area",
    "outdoor_self_count",
    "outdoor_self_area",
    "permit_date",
    "start_date",
    "approval_date",  # 사용승인_일
    "permit_year",
    "permit_agency_code",
    "permit_agency_name",
    "permit_kind_code",
    "permit_kind_name",
    "units",
    "energy_grade",
    "energy_saving_rate",
    "energy_epi",
    "green_grade",
    "green_score",
    "smart_grade",
    "smart_score",
    "created_date",
    "seismic_design",
    "seismic_capacity",
]
SITE_KIND_TO_PNU_DIGIT = {"0": "1", "1": "2"}  # 2 (블록) has no PNU digit
NUMERIC = ("building_area", "total_floor_area", "floors_above", "floors_below", "height")


@dataclass
class BuildingRegister:
    records: pd.DataFrame  # pnu, register_pk, use_code, use_name, total_floor_area, ... , source_row
    rejects: pd.DataFrame  # register_pk, source_row, reason_code, reason
    encoding: str


def read_building_register(path: str | Path) -> BuildingRegister:
    """Parse the 표제부 file; rows that cannot give a PNU go to ``rejects`` with the reason."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Building register file {path} does not exist.", "Check the path.")
    text, encoding = decode_text(path)
    lines = [line for line in text.splitlines() if line.strip()]
    widths = {line.count("|") + 1 for line in lines}
    if lines and not widths <= {len(FIELDS), len(FIELDS) + 1}:  # some exports end each line with "|"
        raise InputError(
            f"{path}: lines have {sorted(widths)} '|'-separated fields; the 건축물대장 표제부 layout has "
            f"{len(FIELDS)}.",
            "Give the 표제부 text file of the 건축HUB open data (pipe-separated, no header).",
        )
    frame = pd.read_csv(
        io.StringIO("\n".join(lines)),
        sep="|",
        header=None,
        dtype=str,
        keep_default_na=False,
        names=[*FIELDS, "_trailing"] if len(FIELDS) + 1 in widths else FIELDS,
        quoting=3,  # the export does not quote: a '"' in a building name is text
    )
    frame = frame[FIELDS].apply(lambda column: column.str.strip())
    frame["source_row"] = np.arange(1, len(frame) + 1)
    digit = frame["site_kind_code"].map(SITE_KIND_TO_PNU_DIGIT)
    main = pd.to_numeric(frame["main_lot"], errors="coerce")
    sub = pd.to_numeric(frame["sub_lot"], errors="coerce").fillna(0)
    codes_ok = frame["sigungu_code"].str.fullmatch(r"\d{5}") & frame["bjdong_code"].str.fullmatch(r"\d{5}")
    lots_ok = main.between(0, 9999) & sub.between(0, 9999)
    reason = pd.Series("", index=frame.index)
    reason[~lots_ok] = "LOT_MALFORMED: 번/지 " + frame["main_lot"] + "/" + frame["sub_lot"] + " are not lot numbers"
    reason[~codes_ok] = "CODE_MALFORMED: 시군구/법정동 code " + frame["sigungu_code"] + frame["bjdong_code"]
    reason[digit.isna()] = "SITE_KIND_NO_PNU: 대지구분 " + frame["site_kind_code"] + " (2 = 블록) has no PNU"
    ok = reason == ""
    frame["pnu"] = ""
    frame.loc[ok, "pnu"] = (
        frame.loc[ok, "sigungu_code"]
        + frame.loc[ok, "bjdong_code"]
        + digit[ok]
        + main[ok].astype(int).map("{:04d}".format)
        + sub[ok].astype(int).map("{:04d}".format)
    )
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    keep = ["pnu", "register_pk", "building_name", "dong_name", "main_annex_code", "use_code", "use_name",
            "structure_name", *NUMERIC, "approval_date", "source_row"]  # fmt: skip
    rejects = frame.loc[~ok, ["register_pk", "site_address", "source_row"]].assign(
        reason_code=reason[~ok].str.split(":").str[0], reason=reason[~ok]
    )
    return BuildingRegister(frame.loc[ok, keep].reset_index(drop=True), rejects.reset_index(drop=True), encoding)


def link_building_register(
    register: pd.DataFrame, parcels: pd.DataFrame, buildings: pd.DataFrame, ledger_building_pnus: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Pair register records with GIS buildings: by the register PK when the buildings layer carries it
    (GIS건물통합정보 건축물ID / BLDRGST_PK), else on the same PNU by the closest 연면적; return (matched,
    unmatched, findings). A record on a parcel that has neither a GIS building nor a building row in the
    ledger is a building the map and the tax office both miss: BUILDING_NOT_TAXED, known from the register."""
    records = register.copy()
    on_parcel = records["pnu"].isin(parcels["PNU"])
    unmatched = records.loc[~on_parcel, ["register_pk", "pnu", "source_row"]].assign(
        reason_code="REGISTER_NO_PARCEL", reason="no parcel has PNU " + records.loc[~on_parcel, "pnu"]
    )
    records = records[on_parcel].copy()
    records["bld_id"] = ""
    if "register_pk" in buildings:
        known = buildings.loc[buildings["register_pk"].fillna("") != "", ["register_pk", "bld_id"]]
        known = known.drop_duplicates("register_pk", keep=False).set_index("register_pk")["bld_id"]
        records["bld_id"] = records["register_pk"].map(known).fillna("")
    unpaired = records[records["bld_id"] == ""]
    taken = buildings["bld_id"].isin(records["bld_id"])
    pairs = unpaired.reset_index().merge(
        buildings.loc[~taken, ["pnu", "bld_id", "total_floor_area"]], on="pnu", suffixes=("", "_gis")
    )
    if len(pairs):
        gap = (pairs["total_floor_area_gis"] - pairs["total_floor_area"]).abs().fillna(np.inf)
        best = pairs.loc[gap.groupby(pairs["index"]).idxmin()]
        records.loc[best["index"].to_numpy(), "bld_id"] = best["bld_id_gis"].to_numpy()
    records["status"] = np.where(records["bld_id"] != "", "paired with a GIS building", "not on the map")
    missing = records[(records["bld_id"] == "") & ~records["pnu"].isin(ledger_building_pnus)]
    findings = pd.DataFrame(
        {
            "pnu": missing["pnu"],
            "bld_id": "REG-" + missing["register_pk"],
            "row_id": "",
            "detail": "건축물대장 표제부 " + missing["register_pk"] + " (" + missing["use_name"] + ", 연면적 "
            + missing["total_floor_area"].map("{:,.1f} m²".format)
            + "): not on the map and no building row in the ledger",
            "floor_area": missing["total_floor_area"],
            "use_code": missing["use_code"],
        }
    )  # fmt: skip
    return records.reset_index(drop=True), unmatched.reset_index(drop=True), findings
