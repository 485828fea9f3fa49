"""Applications in, sites out: each application's site polygon (its own geometry, else its parcel by
PNU) and the input problems that make a check impossible, each a finding naming the field."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import MissingColumnsError
from .findings import INSUFFICIENT, Finding
from .geometry import polygonal

REQUIRED = ["application_id", "permit_kind", "building_area", "floor_area_above", "floors", "height"]
NUMBERS = ["building_area", "floor_area_above", "floors", "height"]
PERMIT_KINDS = ("건축허가", "개발행위허가")


# Korean headers of application forms and 세움터 exports → the engine's names.
HEADER_SYNONYMS = {
    "신청번호": "application_id",
    "접수번호": "application_id",
    "허가번호": "application_id",
    "필지고유번호": "pnu",
    "PNU": "pnu",
    "허가종류": "permit_kind",
    "허가구분": "permit_kind",
    "용도": "proposed_use",
    "주용도": "proposed_use",
    "건축물용도": "proposed_use",
    "세부용도": "use_detail",
    "세부 용도": "use_detail",
    "상세용도": "use_detail",
    "용도상세": "use_detail",
    "건축면적": "building_area",
    "지상연면적": "floor_area_above",
    "용적률산정연면적": "floor_area_above",
    "층수": "floors",
    "지상층수": "floors",
    "높이": "height",
    "용도면적": "use_floor_area",
    "해당용도바닥면적": "use_floor_area",
}


def with_english_headers(applications: pd.DataFrame) -> pd.DataFrame:
    """Korean headers renamed to the engine's (an English header already present wins)."""
    renames = {
        column: HEADER_SYNONYMS[str(column).strip()]
        for column in applications.columns
        if str(column).strip() in HEADER_SYNONYMS and HEADER_SYNONYMS[str(column).strip()] not in applications.columns
    }
    targets = list(renames.values())
    renames = {c: t for c, t in renames.items() if targets.count(t) == 1}
    return applications.rename(columns=renames) if renames else applications


def check_columns(applications: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in applications.columns]
    has_geometry = isinstance(applications, gpd.GeoDataFrame) and applications.geometry.notna().any()
    if "pnu" not in applications.columns and not has_geometry:
        missing.append("pnu (or a site geometry)")
    if missing:
        raise MissingColumnsError(
            f"The applications table lacks the column(s) {', '.join(missing)}.",
            f"Give one row per application with {', '.join(REQUIRED)} and pnu (or a polygon per row).",
        )


def resolve_sites(
    applications: pd.DataFrame, parcels: gpd.GeoDataFrame
) -> tuple[list[shapely.Geometry | None], list[Finding]]:
    """The site of each application (None when it cannot be found) and the findings about it."""
    pnu_column = "PNU" if "PNU" in parcels.columns else "pnu"
    by_pnu = dict(zip(parcels[pnu_column].astype(str), parcels.geometry.to_numpy(), strict=True))
    own = (
        applications.geometry.to_numpy()
        if isinstance(applications, gpd.GeoDataFrame)
        else np.full(len(applications), None, dtype=object)
    )
    pnus = applications["pnu"].fillna("").astype(str).str.strip() if "pnu" in applications else None
    sites: list[shapely.Geometry | None] = []
    findings: list[Finding] = []
    for i, app_id in enumerate(applications["application_id"].astype(str)):
        geometry, source = own[i], "신청 도형"
        if geometry is None or (hasattr(geometry, "is_empty") and geometry.is_empty):
            pnu = pnus.iloc[i] if pnus is not None else ""
            if not pnu:
                findings.append(
                    Finding(
                        app_id,
                        "site",
                        "PNU",
                        INSUFFICIENT,
                        detail="PNU도 대지 도형도 없습니다 (no PNU and no site geometry).",
                    )
                )
                sites.append(None)
                continue
            geometry, source = by_pnu.get(pnu), f"필지 {pnu}"
            if geometry is None:
                findings.append(
                    Finding(
                        app_id,
                        "site",
                        "PNU",
                        INSUFFICIENT,
                        detail=f"PNU {pnu} 가 지적 레이어(연속지적도)에 없습니다 (not in the parcel layer): "
                        "번호나 레이어를 확인하십시오.",
                    )
                )
                sites.append(None)
                continue
        if not shapely.is_valid(geometry):
            reason = shapely.is_valid_reason(geometry)
            geometry = polygonal(shapely.make_valid(geometry))
            findings.append(
                Finding(
                    app_id,
                    "site",
                    "geometry",
                    INSUFFICIENT,
                    detail=f"{source} 의 대지 폴리곤이 유효하지 않습니다 (invalid: {reason}); "
                    "아래 검토는 고친 도형으로 "
                    "계산했습니다. 판단 전에 지적 폴리곤을 바로잡으십시오.",
                )
            )
        else:
            geometry = polygonal(geometry)
        if geometry is None or geometry.area <= 0:
            findings.append(
                Finding(
                    app_id,
                    "site",
                    "area",
                    INSUFFICIENT,
                    0.0,
                    unit="m²",
                    detail=f"{source} 의 면적이 0입니다 (no area).",
                )
            )
            geometry = None
        sites.append(geometry)
    return sites, findings


def _value(row: dict, name: str) -> float | None:
    value = row.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def check_figures(applications: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Numeric figures of each application, and findings for missing, zero, negative or inconsistent
    ones (these make the verdict "insufficient data": the application must be corrected first)."""
    findings: list[Finding] = []
    rows = []
    for position, row in enumerate(
        applications[[c for c in applications.columns if c != "geometry"]].to_dict("records")
    ):
        app_id = str(row["application_id"])
        kind = str(row.get("permit_kind") or "").strip()
        figures = {name: _value(row, name) for name in NUMBERS}
        if kind not in PERMIT_KINDS:
            findings.append(
                Finding(
                    app_id,
                    "input",
                    "permit_kind",
                    INSUFFICIENT,
                    detail=f"허가 종류(permit_kind)가 '{kind}' 입니다: {' 또는 '.join(PERMIT_KINDS)} 로 적어 주십시오.",
                )
            )
        for name, value in figures.items():
            # 개발행위허가 may concern land only (토지형질변경): no building, zero areas allowed.
            zero_ok = kind == "개발행위허가"
            raw = row.get(name)
            if value is None:
                given = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
                what = f"값 '{given}' 은(는) 숫자가 아닙니다" if given else "값이 비어 있습니다"
                findings.append(
                    Finding(
                        app_id,
                        "input",
                        name,
                        INSUFFICIENT,
                        detail=f"{position + 1}행 (신청 {app_id}) {name} {what}: 숫자로 고쳐 주십시오 "
                        f"({name} is missing or not a number).",
                    )
                )
            elif value < 0 or (value == 0 and not zero_ok):
                findings.append(
                    Finding(
                        app_id,
                        "input",
                        name,
                        INSUFFICIENT,
                        value,
                        detail=f"{position + 1}행 (신청 {app_id}) {name} 이(가) {value:g} 입니다: 0보다 커야 합니다 "
                        f"({name} is {value:g}; it must be more than zero).",
                    )
                )
        extra = row.get("use_floor_area")
        given = extra is not None and not (isinstance(extra, float) and math.isnan(extra)) and str(extra).strip()
        if given and (_value(row, "use_floor_area") is None or _value(row, "use_floor_area") <= 0):
            findings.append(
                Finding(
                    app_id,
                    "input",
                    "use_floor_area",
                    INSUFFICIENT,
                    detail=f"{position + 1}행 (신청 {app_id}) use_floor_area 값 '{extra}' 은(는) 양의 숫자가 아닙니다.",
                )
            )
        building, floor_area = figures["building_area"], figures["floor_area_above"]
        if building and floor_area is not None and 0 <= floor_area < building:
            findings.append(
                Finding(
                    app_id,
                    "input",
                    "floor_area_above",
                    INSUFFICIENT,
                    floor_area,
                    building,
                    "m²",
                    detail=f"지상 연면적 {floor_area:g}㎡ 가 건축면적 {building:g}㎡ 보다 작습니다 "
                    "(less than the building area): 수치를 확인하십시오 (필로티 외에는 연면적 ≥ 건축면적).",
                )
            )
        rows.append({"application_id": app_id, "permit_kind": kind, **figures})
    return pd.DataFrame(rows), findings
