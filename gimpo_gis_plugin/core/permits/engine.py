"""Check a batch of permit applications and give each a verdict with the findings that decided it.

Verdict from the worst finding: any ``insufficient`` → insufficient data (the application or the data
must be corrected first: a "fail" computed on a repaired polygon or an unknown zone proves nothing);
else any ``fail`` → not permitted; else any ``needs_review`` → conditional (another agency or a
person decides a point); else permitted. Every application ends in the summary, with or without a site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import MissingColumnsError
from ..progress import SILENT, Progress
from .access import RoadIndex, access_finding, access_rule
from .findings import FAIL, INSUFFICIENT, PASS, REVIEW, Finding
from .rules import TO_BE_CONFIRMED, PermitRules, load_rules
from .sites import check_columns, check_figures, resolve_sites
from .slope import Dem
from .zoning import SLIVER_M2, SiteZoning, ratio_finding, with_stand_ins, zone_findings, zone_parts

CRS = "EPSG:5186"
VERDICTS = {
    "permitted": "허가 가능",
    "conditional": "조건부 (검토·협의 필요)",
    "not_permitted": "불허",
    "insufficient_data": "자료 부족",
}
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


def verdict_of(statuses: list[str]) -> str:
    if INSUFFICIENT in statuses:
        return "insufficient_data"
    if FAIL in statuses:
        return "not_permitted"
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
            Finding(app_id, "overlay", "중첩 규제", REVIEW, detail="No overlays layer was given: overlays not checked.")
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
        where = f"{label} ({row.get('name', '') or ''}) covers {share:.1f}% of the site."
        findings.append(_one_overlay(app_id, label, rule, row, round(share, 1), height, where))
    if not findings:
        findings.append(
            Finding(app_id, "overlay", "중첩 규제", PASS, 0.0, None, "%", detail="No overlay touches the site.")
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
        return finding(REVIEW, share, None, "%", "This overlay kind is not in overlay_rules.csv.")
    if rule.effect == "prohibited":
        return finding(
            FAIL if rule.status != TO_BE_CONFIRMED else REVIEW, share, None, "%",
            f"Building and development are prohibited in principle; only the statutory exceptions "
            f"({rule.agency}) can allow it.",
        )  # fmt: skip
    if rule.effect == "consultation":
        return finding(REVIEW, share, None, "%", f"Consultation required: {rule.agency}.")
    limit = pd.to_numeric(row.get("max_height_m"), errors="coerce")
    if not np.isfinite(limit):
        return finding(REVIEW, height, None, "m", f"The overlay has no height limit recorded; ask {rule.agency}.")
    if height is None:
        return finding(INSUFFICIENT, None, float(limit), "m", "The proposed height is missing.")
    if height > limit:
        return finding(FAIL, height, float(limit), "m", f"Proposed height {height:g} m exceeds the limit {limit:g} m.")
    return finding(
        REVIEW, height, float(limit), "m", f"Height {height:g} m within {limit:g} m; consultation: {rule.agency}."
    )


def _slope_finding(app_id: str, site, dem: Dem | None, zoning: SiteZoning, rules: PermitRules) -> Finding:
    if dem is None:
        return Finding(app_id, "slope", "경사도", REVIEW, detail="No DEM was given: slope NOT checked (skipped).")
    measured = dem.site_slope(site)
    if measured is None:
        return Finding(app_id, "slope", "경사도", REVIEW, detail="The site lies outside the DEM: slope not checked.")
    mean, peak, cells = measured
    code = zoning.largest
    rule = rules.zones.get(code) if code else None
    limit = rule.effective("slope") if rule else None
    text = f"Mean slope {mean:.1f}°, max {peak:.1f}° over {cells} DEM cells (Horn)."
    if limit is None or limit.value is None:
        return Finding(
            app_id, "slope", "경사도", REVIEW, round(mean, 2), None, "°", detail=f"{text} No slope limit for {code}."
        )
    if mean > limit.value:
        status = FAIL if limit.binding else REVIEW
        text += f" Above the limit {limit.value:g}° for {code}."
    else:
        status = PASS
    if limit.status == TO_BE_CONFIRMED:
        text += " (The slope limit is to be confirmed against the 김포시 조례.)"
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
    check_columns(applications)
    if "uq_code" not in zoning.columns:
        raise MissingColumnsError("The zoning layer has no 'uq_code' column.", "Give the 용도지역 UQ code per polygon.")
    if overlays is not None and "kind" not in overlays.columns:
        raise MissingColumnsError(
            "The overlays layer has no 'kind' column.", "Give the overlay kind, e.g. 비행안전구역."
        )
    applications = applications.reset_index(drop=True)
    progress.info(f"Checking {len(applications):,} applications (rules {rules.version})")
    sites, site_findings = resolve_sites(applications, parcels)
    figures, figure_findings = check_figures(applications)
    progress.set(0.1)
    parts = zone_parts(sites, zoning, rules.zones)
    progress.set(0.3)
    road_index = RoadIndex(roads) if roads is not None else None
    overlay_tree = shapely.STRtree(overlays.geometry.to_numpy()) if overlays is not None else None
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
        site, zoned, fig = sites[i], parts[i], fig_records[i]
        building, floor_area, height = fig["building_area"], fig["floor_area_above"], fig["height"]
        height = None if pd.isna(height) else float(height)
        if site is not None:
            area = site.area
            own.extend(zone_findings(app_id, area, zoned, rules.zones))
            governing = with_stand_ins(zoned, rules.zones)  # the zoning whose limits apply (§79②)
            if pd.notna(building) and building > 0:
                own.append(ratio_finding(app_id, "coverage", building, area, governing, rules.zones))
            if pd.notna(floor_area) and floor_area > 0:
                own.append(ratio_finding(app_id, "far", floor_area, area, governing, rules.zones))
            own.extend(_overlay_findings(app_id, site, height, overlays, overlay_tree, rules))
            rule = access_rule(
                rules.access,
                fig["permit_kind"],
                str(app_records[i].get("proposed_use") or ""),
                floor_area if pd.notna(floor_area) else 0.0,
                area,
            )
            own.append(access_finding(app_id, site, road_index, rule))
            own.append(_slope_finding(app_id, site, dem, governing, rules))
        rows.append(_summary_row(app_records[i], app_id, site, zoned, own))
    progress.set(0.97)
    summary = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.GeoSeries([r["geometry"] for r in rows], crs=CRS), crs=CRS
    )
    records = [f.record() for fs in findings_by_app.values() for f in fs]
    findings = pd.DataFrame(records, columns=FINDING_COLUMNS)
    progress.set(1.0)
    return PermitResult(summary, findings, rules.version)


def _measured(findings: list[Finding], check: str) -> float | None:
    values = [f.measured for f in findings if f.check == check and f.measured is not None]
    return values[0] if values else None


def _limit(findings: list[Finding], check: str) -> float | None:
    values = [f.limit for f in findings if f.check == check and f.limit is not None]
    return values[0] if values else None


def _summary_row(application: dict, app_id: str, site, zoned: SiteZoning, findings: list[Finding]) -> dict:
    statuses = [f.status for f in findings]
    verdict = verdict_of(statuses)
    worst = {"insufficient_data": INSUFFICIENT, "not_permitted": FAIL, "conditional": REVIEW}.get(verdict)
    deciding = [f for f in findings if f.status == worst] if worst else []
    area = site.area if site is not None else None
    return {
        "application_id": app_id,
        "pnu": str(application.get("pnu", "") or ""),
        "permit_kind": str(application.get("permit_kind", "") or ""),
        "proposed_use": str(application.get("proposed_use", "") or ""),
        "site_area_m2": round(area, 2) if area is not None else None,
        "zones": ", ".join(f"{c} {100 * a / area:.0f}%" for c, a in zoned.parts) if area else "",
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
        "reasons": " | ".join(f"[{f.check}] {f.item}: {f.detail}" for f in deciding)[:2000],
        "geometry": site,
    }
