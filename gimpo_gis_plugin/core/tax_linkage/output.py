"""Write the linkage: one GeoPackage or PostGIS schema (styled layers and tables, all or nothing) and an
HTML report.

Styles are chosen for the worklist: parcels and buildings coloured by their worst finding (red high,
orange medium, yellow low, no fill when clean), findings as points coloured by code.
"""

from __future__ import annotations

from pathlib import Path

from .. import store, styles
from ..geopackage import atomic_path, check_writable
from .findings import CATALOGUE
from .linkage import LinkageResult
from .report import linkage_report_html

SEVERITY_FILL = {3: "#d7301f", 2: "#fc8d59", 1: "#fee08b"}
CODE_COLORS = {
    "BUILDING_NOT_TAXED": "#b30000",
    "PARCEL_NOT_TAXED": "#e34a33",
    "DUPLICATE_LEDGER": "#7a0177",
    "AREA_MISMATCH": "#fd8d3c",
    "USE_MISMATCH": "#fdbb84",
    "LEDGER_NO_PARCEL": "#2c7fb8",
    "LEDGER_NO_BUILDING": "#41b6c4",
    "ADDRESS_UNRESOLVED": "#636363",
    "PNU_MALFORMED": "#969696",
    "OBJECT_KIND_UNKNOWN": "#bdbdbd",
    "LEDGER_VALUE_INVALID": "#737373",
    "PNU_NONSTANDARD": "#ffffb2",
}
LAYER_DESCRIPTIONS = {
    "parcels_tax": "필지별 과세 현황과 발견사항 (parcels with their ledger totals and findings)",
    "buildings_tax": "건축물별 과세 현황과 발견사항 (buildings with their ledger totals and findings)",
    "findings": "조사 대상 목록: 심각도, 추정 세액 순 (worklist, by severity then tax at stake)",
    "ledger_matched": "연계된 과세대장 행 (ledger rows placed on a parcel or building)",
    "ledger_unmatched": "연계되지 않은 과세대장 행과 사유 (ledger rows not placed, with the reason)",
    "summary": "발견사항 요약: 코드별, 법정동별 (summary by code and by 법정동)",
    "ledger_excluded": "세지 않은 합계·소계·빈 행 (totals and blank rows, excluded)",
}


def _severity_style(kind_label: str) -> str:
    categories = [
        styles.Category(0, "발견사항 없음 (none)", styles.Symbol("fill", "#000000", "#9e9e9e", 0.1, outline_only=True))
    ]
    for severity, label in ((1, "낮음 (low)"), (2, "보통 (medium)"), (3, "높음 (high)")):
        categories.append(
            styles.Category(
                severity, f"{kind_label}: {label}", styles.Symbol("fill", SEVERITY_FILL[severity], "#616161", 0.15)
            )
        )
    return styles.categorized("worst_severity", categories)


def linkage_styles() -> dict[str, str]:
    finding_categories = [
        styles.Category(
            code, f"{kind.label_ko} ({code})", styles.Symbol("marker", CODE_COLORS[code], "#202020", size=2.6)
        )
        for code, kind in CATALOGUE.items()
    ]
    return {
        "parcels_tax": _severity_style("필지"),
        "buildings_tax": _severity_style("건축물"),
        "findings": styles.categorized("code", finding_categories),
    }


def write_linkage(
    result: LinkageResult, path: str | Path, report_path: str | Path | None = None, context: dict | None = None
) -> tuple[str | Path, Path]:
    """Write the layers to ``path`` (a GeoPackage, or a PostgreSQL destination: see core.store) and the
    HTML report (default: beside the GeoPackage, same name with ``.html``; a database needs ``report_path``)."""
    if report_path is None and store.is_postgres(path):
        raise ValueError("write_linkage to a database needs report_path: there is no file to put the report beside")
    destination = path if store.is_postgres(path) else Path(path)
    report = Path(report_path) if report_path else Path(destination).with_suffix(".html")
    check_writable(report)
    store.write_layers(destination, result.layers(), linkage_styles(), LAYER_DESCRIPTIONS)
    with atomic_path(report) as tmp:
        tmp.write_text(linkage_report_html(result, context or {}), encoding="utf-8")
    return destination, report
