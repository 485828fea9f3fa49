"""The parcel statement as a self-contained HTML page (필지 조서), with a small SVG map of the parcel.

The map is drawn from the geometries themselves (no map server, no QGIS), so the export works in any
browser and from a batch. The GUI prints the same HTML to PDF.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import shapely

from ..geopackage import atomic_path
from .index import InspectorIndex
from .statement import LedgerLine, ParcelStatement

CSS = """
body { font-family: 'NanumBarunGothic', 'NanumGothic', 'Malgun Gothic', sans-serif; font-size: 10pt; margin: 1.5em; }
h1 { font-size: 15pt; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: 2px 4px; }
th { background: #eee; text-align: left; } td.n { text-align: right; }
.high { color: #b30000; font-weight: bold; } .muted { color: #666; }
"""
# The dock panel is narrow: smaller type, so a ledger row fits on one line.
COMPACT_CSS = (
    "body { font-size: 9pt; margin: 0.3em; } h1 { font-size: 12pt; } h2 { font-size: 10pt; } h3 { font-size: 9pt; }"
    " td, th { white-space: nowrap; }"
)


# An A4 page (180 mm between margins) holds the eleven ledger columns in smaller type, one line a row.
PRINT_CSS = "th.l, td.l, td.n, td.note { font-size: 7.5pt; } td.l, td.n { white-space: nowrap; }"


def _won(value: int) -> str:
    return f"{value:,}원"


def _svg_path(geometry, to_px) -> str:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (to_px(*c) for c in ring.coords))
            parts.append(f"M {points} Z")
    return " ".join(parts)


def statement_svg_map(index: InspectorIndex, pnu: str, size: int = 320) -> str:
    """An SVG map of the parcel (red), its buildings (grey) and its neighbours (outlines)."""
    geometry = index.parcel_geometry(pnu)
    if geometry is None:
        return ""
    minx, miny, maxx, maxy = shapely.buffer(shapely.envelope(geometry), 20).bounds
    scale = size / max(maxx - minx, maxy - miny)

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (x - minx) * scale, size - (y - miny) * scale

    shapes = []
    for other in index.neighbours(pnu, 20).geometry:
        shapes.append(f'<path d="{_svg_path(other, to_px)}" fill="#f7f7f7" stroke="#999" stroke-width="0.7"/>')
    shapes.append(f'<path d="{_svg_path(geometry, to_px)}" fill="#fde0dd" stroke="#d7301f" stroke-width="2"/>')
    for building in index.buildings_of(pnu).geometry:
        shapes.append(f'<path d="{_svg_path(building, to_px)}" fill="#636363" stroke="#252525" stroke-width="0.7"/>')
    scale_m = 10 if maxx - minx < 150 else 50
    bar = scale_m * scale
    shapes.append(
        f'<line x1="8" y1="{size - 10}" x2="{8 + bar:.1f}" y2="{size - 10}" stroke="#000" stroke-width="2"/>'
        f'<text x="{12 + bar:.1f}" y="{size - 6}" font-size="10">{scale_m} m</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>{"".join(shapes)}</svg>'
    )


def _ledger_table(lines: tuple[LedgerLine, ...] | list[LedgerLine], compact: bool = False) -> str:
    """Ledger rows; ``compact`` (the dock panel) drops the resident number and gives values in 천원."""
    if not lines:
        return '<p class="muted">과세대장 없음 (no ledger rows)</p>'
    columns = ["연도", "대상", "지분", "과세면적 ㎡", "과세용도", "시가표준액 천원" if compact else "시가표준액"]
    columns += ["재산세액", "납세자"] + ([] if compact else ["주민번호"]) + ["과세번호", "비고"]
    head = "<tr>" + "".join(f"<th class='l'>{c}</th>" for c in columns) + "</tr>"
    body = []
    for r in lines:
        value = f"{round(r.assessed_value / 1000):,}" if compact else _won(r.assessed_value)
        cells = [escape(r.year), escape(r.object_kind), escape(r.share)]
        cells += [f"{r.taxed_area:,.1f}", escape(r.taxed_use), value, _won(r.tax), escape(r.taxpayer)]
        cells += [] if compact else [escape(r.resident_no)]
        cells += [escape(r.row_id), escape(r.note)]
        numeric = {3, 5, 6}
        note = len(cells) - 1  # the remark may wrap; ids and amounts must not break inside
        body.append(
            "<tr>"
            + "".join(
                f"<td nowrap class='n'>{c}</td>"
                if i in numeric
                else (f"<td class='note'>{c}</td>" if i == note else f"<td nowrap class='l'>{c}</td>")
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"


def statement_html(
    statement: ParcelStatement,
    map_svg: str = "",
    map_png: bytes | None = None,
    map_src: str | None = None,
    compact: bool = False,
    map_size: tuple[float, float] | None = None,
    map_caption: str = "",
    printed: bool = False,
) -> str:
    """The statement as one HTML page; the map is inline SVG, an embedded PNG, or ``map_src`` (an image
    resource name, for Qt's QTextDocument which neither draws SVG nor reads data: URIs).

    With ``map_size`` (width, height) the map is printed full width above the figures, at that size
    (the PDF statement, whose map is at a true scale), with ``map_caption`` under it."""
    s = statement
    rows = [
        (
            "PNU",
            s.pnu_formatted + (f" <span class='muted'>{escape(s.register_note)}</span>" if s.register_note else ""),
        ),
        ("법정동 (legal dong)", escape(f"{s.legal_dong_name} ({s.legal_dong_code})")),
        ("지번 (lot)", escape(s.lot)),
        ("지목 (land category)", escape(s.jimok)),
        ("GIS 면적 (area)", f"{s.gis_area_m2:,.1f} ㎡"),
        ("재산세 합계 (tax)", _won(s.tax_total)),
        ("누락·오류 추정세액 (tax at stake)", _won(s.tax_at_stake)),
    ]
    info = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    if map_src is not None and map_size is not None:
        picture = ""
    elif map_src is not None:
        picture = f'<img src="{escape(map_src)}" width="320"/>'
    elif map_png is not None:
        picture = f'<img src="data:image/png;base64,{base64.b64encode(map_png).decode()}" width="320"/>'
    else:
        picture = map_svg
    buildings = (
        "".join(
            f"<h3>건축물 {escape(b.bld_id)}: {escape(b.use_name)}</h3>"
            f"<p>건축면적 {b.building_area:,.1f} ㎡ · 연면적 {b.total_floor_area:,.1f} ㎡ · "
            f"지상 {b.floors_above}층 / 지하 {b.floors_below}층 · 사용승인 {escape(b.approval_date)}</p>"
            + _ledger_table(b.ledger, compact)
            for b in s.buildings
        )
        or '<p class="muted">건축물 없음 (no buildings)</p>'
    )
    if s.findings and compact:  # a narrow panel: one paragraph per finding, tables only for the ledger
        findings = "".join(
            f"<p><span class='{'high' if f.severity >= 3 else ''}'>[{escape(f.severity_label)}] "
            f"{escape(f.label_ko)}</span> <span class='muted'>{escape(f.code)}</span> · "
            f"추정세액 {_won(f.tax_at_stake)}<br/>{escape(f.detail)}<br/>"
            f"<span class='muted'>조치: {escape(f.action)}</span></p>"
            for f in s.findings
        )
    elif s.findings:
        findings = (
            "<table><tr><th>중요도</th><th>유형</th><th>설명</th><th>조치</th><th>추정세액</th></tr>"
            + "".join(
                f"<tr><td class='{'high' if f.severity >= 3 else ''}'>{escape(f.severity_label)}</td>"
                f"<td>{escape(f.label_ko)}<br/><span class='muted'>{escape(f.code)}</span></td>"
                f"<td>{escape(f.detail)}</td><td>{escape(f.action)}</td><td class='n'>{_won(f.tax_at_stake)}</td></tr>"
                for f in s.findings
            )
            + "</table>"
        )
    else:
        findings = '<p class="muted">발견사항 없음 (no findings)</p>'
    unplaced = (
        "<h2>연계되지 않은 과세자료 (unplaced ledger rows)</h2>" + _ledger_table(s.unplaced_ledger, compact)
        if s.unplaced_ledger
        else ""
    )
    heading_style = " style='font-size:12pt'" if compact else ""  # Qt's rich text ignores h1 rules in <style>
    privacy = "개인정보 표시 (감사기록됨)" if s.personal_data_shown else "개인정보 마스킹됨 (personal data masked)"
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"/>'
        f"<title>필지 조서 {escape(s.pnu)}</title><style>{CSS}{COMPACT_CSS if compact else ''}"
        f"{PRINT_CSS if printed else ''}</style></head><body>"
        f"<h1{heading_style}>필지 조서 (parcel statement) {escape(s.legal_dong_name)} {escape(s.lot)}</h1>"
        f'<p class="muted">{privacy}</p>'
        + (
            f'<p><img src="{escape(map_src)}" width="{map_size[0]:.1f}" height="{map_size[1]:.1f}"/></p>'
            f'<p class="muted">{escape(map_caption)}</p>'
            if map_src is not None and map_size is not None
            else ""
        )
        + (
            f"<table><tr><td style='width:340px;border:none'>{picture}</td>"
            f"<td style='border:none;vertical-align:top'><table>{info}</table></td></tr></table>"
            if picture
            else f"<table>{info}</table>"
        )
        + f"<h2>발견사항 (findings)</h2>{findings}"
        f"<h2>토지 과세대장 (land ledger)</h2>{_ledger_table(s.land_ledger, compact)}"
        f"<h2>건축물 (buildings)</h2>{buildings}{unplaced}</body></html>"
    )


def write_statement_html(path: str | Path, html: str) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(html, encoding="utf-8")
    return path
