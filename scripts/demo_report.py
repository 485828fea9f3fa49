"""The figures behind the demo's maps, and close-up maps of one permit verdict and one excavation notice.

out/report.html is for a city official who does not open QGIS: each result gets its map and the few
numbers that matter (findings and tax at stake, verdict counts, affected facilities, coverage...). The
numbers are read back from the GeoPackages the algorithms wrote, so the page shows what the files hold.
Each reader takes the output folder and returns (label, value) rows; a missing file gives no rows.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyogrio

Figures = list[tuple[str, str]]


def _table(path: Path, layer: str) -> pd.DataFrame | None:
    if not path.exists() or layer not in {name for name, _ in pyogrio.list_layers(path)}:
        return None
    return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)


def _won(value: float) -> str:
    return f"{value:,.0f} 원"


def tax_linkage(out: Path) -> Figures:
    """Matched and unmatched ledger rows, findings by kind with the tax at stake."""
    gpkg = out / "tax_linkage.gpkg"
    summary, matched, unmatched = (_table(gpkg, n) for n in ("summary", "ledger_matched", "ledger_unmatched"))
    if summary is None:
        return []
    rows = []
    if matched is not None and unmatched is not None:
        rows.append(("과세대장 행 연계 (ledger rows linked / not)", f"{len(matched):,} / {len(unmatched):,}"))
    codes = summary[summary["group_kind"] == "code"].sort_values("tax_at_stake", ascending=False)
    rows.append(("발견사항 (findings)", f"{int(codes['count'].sum()):,}"))
    rows.append(("관련 세액 (tax at stake)", _won(codes["tax_at_stake"].sum())))
    for _, r in codes.iterrows():
        rows.append((f"  {r.label_ko} ({r.code})", f"{int(r['count']):,} · {_won(r.tax_at_stake)}"))
    return rows


def permits(out: Path) -> Figures:
    summary = _table(out / "permit_check.gpkg", "summary")
    if summary is None:
        return []
    counts = summary.groupby(["verdict_ko", "verdict"]).size().sort_values(ascending=False)
    rows = [("신청 (applications)", f"{len(summary):,}")]
    rows += [(f"  {ko} ({en})", f"{n:,}") for (ko, en), n in counts.items()]
    return rows


def excavation(out: Path) -> Figures:
    affected = _table(out / "excavation_impact.gpkg", "affected")
    digs = _table(out / "excavation_impact.gpkg", "digs")
    if affected is None or digs is None:
        return []
    rows = [("굴착 계획 (planned digs)", f"{len(digs):,}"), ("영향 시설물 (affected facilities)", f"{len(affected):,}")]
    by_agency = affected.groupby("agency").size().sort_values(ascending=False)
    rows += [(f"  {agency}", f"{n:,}") for agency, n in by_agency.items()]
    notices = sorted((out / "excavation_notices").glob("notice_*.html"))
    rows.append(("통보문 (notices to agencies)", f"{len(notices):,}"))
    return rows


def cctv(out: Path, name: str = "cctv_coverage.gpkg") -> Figures:
    summary = _table(out / name, "summary")
    if summary is None:
        return []
    value = dict(zip(summary["measure"], summary["value"], strict=True))
    used, read = value.get("cameras_used", 0), value.get("cameras_read", 0)
    rows = [("카메라 (cameras used / read)", f"{used:,.0f} / {read:,.0f}")]
    rows.append(("감시 면적 (area seen)", f"{value.get('coverage_m2', 0) / 1e6:,.2f} km²"))
    if value.get("target_open_m2"):
        share = 100 * value.get("target_covered_m2", 0) / value["target_open_m2"]
        rows.append(("대상 구역 감시율 (target areas covered)", f"{share:.1f} %"))
    rows.append(("사각지대 (blind spots)", f"{value.get('blind_spots', 0):,.0f}"))
    if value.get("new_cameras_proposed"):
        rows.append(
            (
                "신규 설치 제안 (new cameras proposed, area gained)",
                f"{value['new_cameras_proposed']:.0f}, {value.get('new_cameras_gained_m2', 0):,.0f} m²",
            )
        )
    return rows


def policy(out: Path) -> Figures:
    cells = _table(out / "policy_map.gpkg", "policy_map")
    if cells is None:
        return []
    rows = [("격자 (cells)", f"{len(cells):,}")]
    if "priority_label" in cells:
        for label, n in cells["priority_label"].value_counts().sort_index().items():
            rows.append((f"  {label}", f"{n:,}"))
    spots = _table(out / "policy_map.gpkg", "hotspots")
    if spots is not None and "hotspot" in spots:
        hot, cold = int((spots.hotspot > 0).sum()), int((spots.hotspot < 0).sum())
        rows.append(("유의한 핫스팟 / 콜드스팟 (Gi* hot / cold)", f"{hot} / {cold}"))
    return rows


def heatmap(out: Path) -> Figures:
    tif = out / "complaints_heatmap.tif"
    if not tif.exists():
        return []
    import numpy as np
    import rasterio

    with rasterio.open(tif) as raster:
        band = raster.read(1, masked=True)
        rows = [("격자 (cells, pixel)", f"{raster.width:,} × {raster.height:,}, {raster.res[0]:g} m")]
    rows.append(("최대 밀도 (peak: complaints within the radius, weighted)", f"{float(np.ma.max(band)):,.1f}"))
    return rows


def top_areas(name: str, field: str, unit: str, top: int = 5) -> Callable[[Path], Figures]:
    """The ``top`` 법정동 of a statistical map by ``field``, with the count of records behind the map."""

    def figures(out: Path) -> Figures:
        areas = _table(out / name, "statistical_map")
        if areas is None or field not in areas:
            return []
        rejects = _table(out / name, "rejects")
        rows = [("지역 (areas)", f"{len(areas):,}")]
        if rejects is not None and len(rejects):
            rows.append(("위치 없는 기록 (records without a place, listed in rejects)", f"{len(rejects):,}"))
        for _, row in areas.sort_values(field, ascending=False).head(top).iterrows():
            value = _won(row[field]) if unit == "원" else f"{row[field]:,.0f} {unit}"
            rows.append((f"  {row.get('legal_dong_name', row.get('area_id'))}", value))
        return rows

    return figures


# Result (GeoPackage or raster stem) -> the heading an official reads.
TITLES = {
    "tax_linkage": "재산세 과세자료 연계: 발견사항 (tax-ledger linkage: findings)",
    "audit_findings_per_legal_dong": "법정동별 발견사항 (findings per 법정동, annual tax audit model)",
    "audit_untaxed_per_legal_dong": "법정동별 과세누락 세액 (untaxed buildings' tax per 법정동)",
    "audit_untaxed_policy_map": "과세누락 정책지도 (policy map of untaxed buildings)",
    "complaints_heatmap": "민원 히트맵 (complaints heat map)",
    "statistical_map_complaints": "행정동별 민원 통계지도 (complaints per 행정동)",
    "policy_map": "정책지도: 민원·체납 우선순위와 핫스팟 (policy map: complaints and arrears)",
    "policy_input_complaints_500m": "정책지도 입력: 500 m 격자별 민원 (policy input: complaints per 500 m cell)",
    "policy_input_complaints_arrears_500m": "정책지도 입력: 500 m 격자별 민원·체납액 (policy inputs)",
    "permit_check": "인허가 검토 결과 (permit verdicts, permit desk day model)",
    "excavation_impact": "굴착 영향 시설물 (excavation impact, dig-safety check model)",
    "facility_clearance": "지하시설물 이격거리 위반 (clearance conflicts, dig-safety check model)",
    "facility_aging": "노후 관로 (aging pipes)",
    "valve_isolation": "상수관로 파손 단수 계획 (water-main break: valves to close, buildings without water)",
    "cctv_coverage": "CCTV 감시 범위와 사각지대 (CCTV coverage, safety zones)",
    "safety_review_cctv_in_hotspots": "민원 핫스팟 안의 CCTV 사각지대 (safety review model)",
    "gimpo_dem_5m": "수치표고 5 m (DEM)",
}

# Result (GeoPackage or raster stem) -> its figures.
FIGURES: dict[str, Callable[[Path], Figures]] = {
    "tax_linkage": tax_linkage,
    "permit_check": permits,
    "excavation_impact": excavation,
    "cctv_coverage": cctv,
    "policy_map": policy,
    "complaints_heatmap": heatmap,
    "audit_findings_per_legal_dong": top_areas("audit_findings_per_legal_dong.gpkg", "value", "건"),
    "audit_untaxed_per_legal_dong": top_areas("audit_untaxed_per_legal_dong.gpkg", "untaxed_tax", "원"),
    "safety_review_cctv_in_hotspots": lambda out: cctv(out, "safety_review_cctv_in_hotspots.gpkg"),
}


# Korean breaks between any two syllables unless told not to: in a narrow column a label then stands
# one syllable a line (vertical text). Labels break only at spaces (keep-all), numbers never; a row whose
# label starts with spaces is a sub-item and is indented (HTML would drop the spaces).
_LABEL_STYLE = "word-break:keep-all;overflow-wrap:normal;vertical-align:top"
_VALUE_STYLE = "white-space:nowrap;text-align:right;vertical-align:top;padding-left:1em"


def figures_html(rows: Figures) -> str:
    if not rows:
        return ""
    body = []
    for label, value in rows:
        indent = len(label) - len(label.lstrip(" "))
        style = _LABEL_STYLE + (f";padding-left:{0.6 * indent:.1f}em" if indent else "")
        body.append(
            f"<tr><th style='{style}'>{html.escape(label.strip())}</th>"
            f"<td style='{_VALUE_STYLE}'>{html.escape(value)}</td></tr>"
        )
    return f"<table class='figures' style='word-break:keep-all'>{''.join(body)}</table>"


def first_not_permitted(out: Path) -> tuple[str, str] | None:
    """(application id, reasons) of the first application the check refused, for a close-up map."""
    summary = _table(out / "permit_check.gpkg", "summary")
    if summary is None:
        return None
    refused = summary[summary["verdict"] == "not_permitted"].sort_values("application_id")
    if refused.empty:
        return None
    row = refused.iloc[0]
    return str(row["application_id"]), str(row.get("reasons") or "")


def busiest_dig(out: Path) -> tuple[str, int] | None:
    """(dig id, facilities affected) of the planned dig that touches the most facilities."""
    affected = _table(out / "excavation_impact.gpkg", "affected")
    if affected is None or affected.empty:
        return None
    counts = affected.groupby("dig_id").size().sort_values(ascending=False)
    return str(counts.index[0]), int(counts.iloc[0])
