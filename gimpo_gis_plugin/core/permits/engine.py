"""Check a batch of permit applications and give each a verdict with the findings that decided it.

Three verdicts a planner reads at once (``verdict_ko``): 허가 가능, 불가, 검토 필요; the code in ``verdict``
keeps why a review is needed: ``conditional`` (심의·협의: another agency, the 도시계획위원회 or a 조례
reading decides) or ``insufficient_data`` (자료 보완: the application or the data must be corrected).

The worst criterion decides: a ``fail`` on a definite point (the use is forbidden in the zone, the
floors exceed 4층, a ratio above its bound) is 불가 even when another figure is missing; but a site or
zone that could not be established (invalid polygon, unknown zone code) makes every other finding
unreliable, so then the verdict is 검토 필요 (자료 보완). A permitted application lists the criteria it
passed. Every application ends in the summary, with or without a site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError, MissingColumnsError
from ..progress import SILENT, Progress
from .access import (
    NON_URBAN_KIND,
    RoadIndex,
    access_finding,
    access_rule,
    exempt_access_finding,
    exempt_from_access_road,
)
from .findings import FAIL, INSUFFICIENT, PASS, REVIEW, Finding
from .inputs import check_extent, check_layers, repaired_zoning
from .jurisdiction import BASIS_3_2, PLAN_AREA_KINDS, outside_building_act_roads, township_of_pnu, township_of_site
from .rules import TO_BE_CONFIRMED, PermitRules, load_rules
from .sites import check_columns, check_figures, resolve_sites, with_english_headers
from .slope import Dem
from .use_check import use_findings
from .use_zone import canonical_use
from .zoning import SLIVER_M2, SiteZoning, ratio_finding, ratio_mode, with_stand_ins, zone_findings, zone_parts

CRS = "EPSG:5186"
VERDICTS = {
    "permitted": "허가 가능",
    "conditional": "검토 필요",
    "not_permitted": "불가",
    "insufficient_data": "검토 필요",
}
REVIEW_KINDS = {"conditional": "심의·협의", "insufficient_data": "자료 보완"}
UNRELIABLE_CHECKS = ("site", "zone")  # when these are insufficient, no other finding can be trusted
FINDING_COLUMNS = [
    "application_id",
    "check",
    "item",
    "status",
    "status_ko",
    "measured",
    "limit",
    "unit",
    "legal_basis",
    "detail",
]


@dataclass
class PermitResult:
    summary: gpd.GeoDataFrame  # one row per application, site polygon (null when not found)
    findings: pd.DataFrame  # FINDING_COLUMNS
    rules_version: str
    repairs: dict[str, int] = field(default_factory=dict)  # what was repaired in the inputs, with counts


def verdict_of(statuses: list[str], checks: list[str] | None = None) -> str:
    """The worst criterion decides; an unreliable site or zone makes it 자료 보완 whatever else failed."""
    checks = checks or [""] * len(statuses)
    if any(s == INSUFFICIENT and c in UNRELIABLE_CHECKS for s, c in zip(statuses, checks, strict=True)):
        return "insufficient_data"
    if FAIL in statuses:
        return "not_permitted"
    if INSUFFICIENT in statuses:
        return "insufficient_data"
    if REVIEW in statuses:
        return "conditional"
    return "permitted"


def _overlay_findings(
    app_id: str,
    site: shapely.Geometry,
    height: float | None,
    overlays: gpd.GeoDataFrame | None,
    tree,
    rules: PermitRules,
) -> list[Finding]:
    if overlays is None:
        return [
            Finding(
                app_id,
                "overlay",
                "중첩 규제",
                REVIEW,
                detail="중첩 규제 레이어가 없어 검토하지 않았습니다 (no overlays layer: not checked).",
            )
        ]
    findings = []
    geoms = overlays.geometry.to_numpy()
    for k in tree.query(site, predicate="intersects"):
        area = shapely.intersection(site, geoms[k]).area
        if area < SLIVER_M2:
            continue
        row = overlays.iloc[k]
        kind, subkind = str(row["kind"]), str(row.get("subkind") or "")
        share = 100.0 * area / site.area
        label = f"{kind} {subkind}".strip()
        rule = rules.overlay_rule(kind, subkind)
        where = f"{label} ({row.get('name', '') or ''}) 이(가) 대지의 {share:.1f}% 에 걸칩니다."
        findings.append(_one_overlay(app_id, label, rule, row, round(share, 1), height, where))
    if not findings:
        findings.append(
            Finding(
                app_id,
                "overlay",
                "중첩 규제",
                PASS,
                0.0,
                None,
                "%",
                detail="대지에 걸치는 중첩 규제가 없습니다 (no overlay touches the site).",
            )
        )
    return findings


def _one_overlay(
    app_id: str, label: str, rule, row: pd.Series, share: float, height: float | None, where: str
) -> Finding:
    """The finding of one overlay on a site: by the rule's effect (prohibited, consultation, height limit)."""

    def finding(status: str, value, limit, unit: str, detail: str) -> Finding:
        basis = rule.legal_basis if rule is not None else ""
        return Finding(app_id, "overlay", label, status, value, limit, unit, basis, f"{where} {detail}")

    if rule is None:
        return finding(REVIEW, share, None, "%", "이 규제 종류는 overlay_rules.csv 에 없습니다: 담당 부서 확인.")
    if rule.effect == "prohibited":
        return finding(
            FAIL if rule.status != TO_BE_CONFIRMED else REVIEW, share, None, "%",
            f"건축·개발행위가 원칙적으로 금지됩니다; 법정 예외({rule.agency})만 허용될 수 있습니다.",
        )  # fmt: skip
    if rule.effect == "consultation":
        return finding(REVIEW, share, None, "%", f"협의 필요: {rule.agency}.")
    limit = pd.to_numeric(row.get("max_height_m"), errors="coerce")
    if not np.isfinite(limit):
        return finding(REVIEW, height, None, "m", f"높이 제한 값이 기록되어 있지 않습니다: {rule.agency} 에 확인.")
    if height is None:
        return finding(INSUFFICIENT, None, float(limit), "m", "계획 높이(height)가 없습니다.")
    if height > limit:
        return finding(FAIL, height, float(limit), "m", f"계획 높이 {height:g} m 가 제한 {limit:g} m 를 넘습니다.")
    return finding(REVIEW, height, float(limit), "m", f"높이 {height:g} m ≤ {limit:g} m; 협의: {rule.agency}.")


def _slope_finding(app_id: str, site, dem: Dem | None, zoning: SiteZoning, rules: PermitRules) -> Finding:
    if dem is None:
        return Finding(
            app_id,
            "slope",
            "경사도",
            REVIEW,
            detail="DEM이 주어지지 않아 경사도를 검토하지 않았습니다 (No DEM: slope NOT checked, skipped).",
        )
    measured = dem.site_slope(site)
    if measured is None:
        return Finding(app_id, "slope", "경사도", REVIEW, detail="대지가 DEM 범위 밖입니다: 경사도 미검토.")
    mean, peak, cells = measured
    code = zoning.largest
    rule = rules.zones.get(code) if code else None
    limit = rule.effective("slope") if rule else None
    text = f"평균경사도 {mean:.1f}°, 최대 {peak:.1f}° (DEM {cells}셀, Horn)."
    if limit is None or limit.value is None:
        return Finding(
            app_id,
            "slope",
            "경사도",
            REVIEW,
            round(mean, 2),
            None,
            "°",
            detail=f"{text} {code} 의 경사도 기준이 규칙 표에 없습니다.",
        )
    if mean > limit.value:
        # 개발행위허가 기준의 경사도를 넘는 것은 도시계획위원회 심의로 허가될 수 있다: 불가가 아니라 검토 필요.
        status = REVIEW
        text += f" {code} 기준 {limit.value:g}° 초과: 도시계획위원회 심의 필요."
    else:
        status = PASS
        text += f" 기준 {limit.value:g}° 이하."
    if limit.status == TO_BE_CONFIRMED:
        text += " (경사도 기준은 김포시 도시계획 조례 원문 대조 전: 조례 확인 필요.)"
    return Finding(app_id, "slope", "경사도", status, round(mean, 2), limit.value, "°", limit.legal_basis, text)


def check_permits(
    applications: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    zoning: gpd.GeoDataFrame,
    overlays: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    dem_path: str | Path | None = None,
    rules: PermitRules | None = None,
    progress: Progress = SILENT,
) -> PermitResult:
    """Check every application; layers in EPSG:5186 (metres)."""
    rules = rules or load_rules()
    applications = with_english_headers(applications)
    if len(applications) == 0:
        raise InputError(
            "신청 자료(APPLICATIONS)에 신청 건이 하나도 없습니다 (the applications table is empty).",
            "신청 한 건당 한 행으로 application_id, pnu, permit_kind, proposed_use ... 를 채워 주십시오.",
        )
    check_columns(applications)
    if "uq_code" not in zoning.columns:
        raise MissingColumnsError(
            "용도지역 레이어에 'uq_code' 필드가 없습니다 (the zoning layer has no 'uq_code' column).",
            "폴리곤마다 용도지역 UQ 코드(예: UQA122)를 주십시오.",
        )
    if overlays is not None and "kind" not in overlays.columns:
        raise MissingColumnsError(
            "중첩 규제 레이어에 'kind' 필드가 없습니다.", "규제 종류(예: 비행안전구역)를 kind 필드에 주십시오."
        )
    own_sites = isinstance(applications, gpd.GeoDataFrame) and applications.geometry.notna().all()
    check_layers(zoning, None if own_sites else parcels, overlays, roads)
    if isinstance(applications, gpd.GeoDataFrame) and applications.geometry.notna().any():
        check_extent("applications", applications)
    zoning, repaired = repaired_zoning(zoning)
    repairs = {"zoning_polygons_repaired": repaired} if repaired else {}
    if repaired:
        progress.info(f"용도지역 폴리곤 {repaired:,}개가 유효하지 않아 make_valid 로 고쳐 썼습니다 (repaired).")
    applications = applications.reset_index(drop=True)
    progress.info(f"Checking {len(applications):,} applications (rules {rules.version})")
    sites, site_findings = resolve_sites(applications, parcels)
    figures, figure_findings = check_figures(applications)
    progress.set(0.1)
    parts = zone_parts(sites, zoning, rules.zones)
    located = [p for s, p in zip(sites, parts, strict=True) if s is not None]
    if len(located) >= 3 and not any(p.parts for p in located):  # one odd site is a finding, not a CRS fault
        raise InputError(
            "어느 신청 대지도 용도지역 폴리곤과 겹치지 않습니다: 좌표계(CRS)가 잘못 지정되었거나 다른 지역의 "
            "용도지역입니다 (no site lies in any zone polygon).",
            "용도지역·지적 레이어의 좌표계를 확인하십시오 (EPSG:5186, 미터). 경위도 좌표에 5186이 붙었다면 "
            "레이어 좌표계를 EPSG:4326으로 바로잡은 뒤 다시 실행하십시오.",
        )
    progress.set(0.3)
    road_index = RoadIndex(roads) if roads is not None else None
    overlay_tree = shapely.STRtree(overlays.geometry.to_numpy()) if overlays is not None else None
    plan_tree = _plan_areas(overlays)
    dem = Dem(dem_path) if dem_path else None
    findings_by_app: dict[str, list[Finding]] = {}
    for finding in [*site_findings, *figure_findings]:
        findings_by_app.setdefault(finding.application_id, []).append(finding)
    rows = []
    # Plain records: row access by position in pandas costs more than the checks themselves.
    plain = (
        applications.drop(columns=[applications.geometry.name])
        if isinstance(applications, gpd.GeoDataFrame)
        else applications
    )
    app_records = plain.to_dict("records")
    fig_records = figures.to_dict("records")
    for i, app_id in enumerate(figures["application_id"]):
        if i % 50 == 0:
            progress.set(0.3 + 0.65 * i / max(1, len(figures)))
        own = findings_by_app.setdefault(app_id, [])
        site, zoned, fig, record = sites[i], parts[i], fig_records[i], app_records[i]
        building, floor_area, height = fig["building_area"], fig["floor_area_above"], fig["height"]
        height = None if pd.isna(height) else float(height)
        floors = None if pd.isna(fig["floors"]) else float(fig["floors"])
        if site is not None:
            area = site.area
            own.extend(zone_findings(app_id, area, zoned, rules.zones))
            governing = with_stand_ins(zoned, rules.zones)  # the zoning whose limits apply (§79②)
            use_area, area_source = _use_area(record, floor_area)
            own.extend(
                use_findings(
                    app_id,
                    rules.uses,
                    governing,
                    ratio_mode(governing, rules.zones),
                    fig["permit_kind"],
                    record.get("proposed_use"),
                    record.get("use_detail"),
                    floors,
                    use_area,
                    area_source,
                )
            )
            if pd.notna(building) and building > 0:
                own.append(ratio_finding(app_id, "coverage", building, area, governing, rules.zones))
            if pd.notna(floor_area) and floor_area > 0:
                own.append(ratio_finding(app_id, "far", floor_area, area, governing, rules.zones))
            own.extend(_overlay_findings(app_id, site, height, overlays, overlay_tree, rules))
            own.append(_access(app_id, site, record, fig, area, zoned, road_index, rules, plan_tree))
            own.append(_slope_finding(app_id, site, dem, governing, rules))
        rows.append(_summary_row(record, app_id, site, zoned, own))
    progress.set(0.97)
    summary = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.GeoSeries([r["geometry"] for r in rows], crs=CRS), crs=CRS
    )
    records = [f.record() for fs in findings_by_app.values() for f in fs]
    findings = pd.DataFrame(records, columns=FINDING_COLUMNS)
    progress.set(1.0)
    return PermitResult(summary, findings, rules.version, repairs)


def _use_area(record: dict, floor_area: float | None) -> tuple[float | None, str]:
    """The floor area of the use (해당 용도에 쓰이는 바닥면적의 합계): use_floor_area when given, else the
    above-ground floor area (the whole building in that use: the conservative reading)."""
    try:
        given = float(record.get("use_floor_area"))
    except (TypeError, ValueError):
        given = float("nan")
    if np.isfinite(given) and given > 0:
        return float(given), "use_floor_area"
    if floor_area is not None and pd.notna(floor_area) and floor_area > 0:
        return float(floor_area), "지상 연면적 전체를 해당 용도로 봄"
    return None, ""


def _plan_areas(overlays: gpd.GeoDataFrame | None):
    """An STRtree of the 지구단위계획구역 polygons among the overlays (None when there are none)."""
    if overlays is None:
        return None
    kinds = overlays["kind"].fillna("").astype(str).str.strip()
    geoms = overlays.geometry.to_numpy()[kinds.isin(PLAN_AREA_KINDS).to_numpy()]
    return shapely.STRtree(geoms) if len(geoms) else None


def _access(app_id, site, record, fig, area, zoned, road_index, rules, plan_tree) -> Finding:
    """건축법 §44 access, or, where 건축법 §3② lifts §44–47, the city's non-urban access-road rule."""
    pnu = str(record.get("pnu") or "").strip()
    township, name = township_of_pnu(pnu) if pnu else ("", "")
    if not township:
        township, name = township_of_site(site)
    in_plan = bool(plan_tree is not None and len(plan_tree.query(site, predicate="intersects")))
    codes = [code for code, _ in zoned.parts]
    use, detail = canonical_use(rules.uses, record.get("proposed_use"), record.get("use_detail"))
    floor_area = fig["floor_area_above"]
    if outside_building_act_roads(township, codes, in_plan):
        if exempt_from_access_road(use, detail):
            return exempt_access_finding(app_id, name, detail or use)
        finding = access_finding(app_id, site, road_index, access_rule(rules.access, NON_URBAN_KIND, use, 0.0, area))
        finding.legal_basis = "; ".join(p for p in (BASIS_3_2, finding.legal_basis) if p)
        finding.detail = (
            f"{name}: 도시지역·지구단위계획구역 밖의 면이라 건축법 §44 대신 진입도로 기준. {finding.detail}"
        )
        if finding.status == FAIL:  # the city's rule is to be confirmed: it never refuses alone
            finding.status = REVIEW
        return finding
    rule = access_rule(rules.access, fig["permit_kind"], use, floor_area if pd.notna(floor_area) else 0.0, area)
    return access_finding(app_id, site, road_index, rule)


def _measured(findings: list[Finding], check: str) -> float | None:
    values = [f.measured for f in findings if f.check == check and f.measured is not None]
    return values[0] if values else None


def _limit(findings: list[Finding], check: str) -> float | None:
    values = [f.limit for f in findings if f.check == check and f.limit is not None]
    return values[0] if values else None


def _summary_row(application: dict, app_id: str, site, zoned: SiteZoning, findings: list[Finding]) -> dict:
    statuses = [f.status for f in findings]
    verdict = verdict_of(statuses, [f.check for f in findings])
    worst = {"insufficient_data": INSUFFICIENT, "not_permitted": FAIL, "conditional": REVIEW}.get(verdict)
    area = site.area if site is not None else None
    use = next((f for f in findings if f.check == "use"), None)
    caveats = []
    if any("조례 확인 필요" in (f.detail or "") for f in findings if f.check != "slope" or f.status != PASS):
        caveats.append("조례 확인 필요")
    if any("checked=false" in (f.detail or "") for f in findings):
        caveats.append("법령 원문 대조 전 규칙 포함")
    if verdict == "permitted":
        reasons = "적합: " + " | ".join(
            f"[{f.check}] {f.item}" + (f" ({f.legal_basis})" if f.legal_basis else "")
            for f in findings
            if f.status == PASS
        )
    else:
        reasons = " | ".join(
            f"[{f.check}] {f.item}: {f.detail}" + (f" ({f.legal_basis})" if f.legal_basis else "")
            for f in findings
            if f.status == worst
        )
    return {
        "application_id": app_id,
        "pnu": str(application.get("pnu", "") or ""),
        "permit_kind": str(application.get("permit_kind", "") or ""),
        "proposed_use": _text(application.get("proposed_use")),
        "use_detail": _text(application.get("use_detail")),
        "site_area_m2": round(area, 2) if area is not None else None,
        "zones": ", ".join(f"{c} {100 * a / area:.0f}%" for c, a in zoned.parts) if area else "",
        "use_status": use.status if use else None,
        "use_basis": use.legal_basis if use else "",
        "use_finding": (use.detail or "")[:500] if use else "",
        "coverage_pct": _measured(findings, "coverage"),
        "coverage_limit_pct": _limit(findings, "coverage"),
        "far_pct": _measured(findings, "far"),
        "far_limit_pct": _limit(findings, "far"),
        "road_touch_m": _measured(findings, "access"),
        "slope_mean_deg": _measured(findings, "slope"),
        "n_fail": statuses.count(FAIL),
        "n_review": statuses.count(REVIEW),
        "n_insufficient": statuses.count(INSUFFICIENT),
        "verdict": verdict,
        "verdict_ko": VERDICTS[verdict],
        "review_kind": REVIEW_KINDS.get(verdict, ""),
        "caveats": ", ".join(caveats),
        "reasons": reasons[:2000],
        "geometry": site,
    }


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()
