"""HTML notices to each facility agency (관리기관별 굴착 사전 통보), from an excavation-impact result.

One self-contained HTML file per agency (UTF-8, no external assets) so it can be mailed or printed;
an index page lists them. Caveats that change how a reader should trust a row (unknown depth,
assumed diameter, margins not yet confirmed against the standard) are printed, not hidden.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..errors import OutputError
from ..file_names import UniqueFileNames
from ..geopackage import atomic_path
from ..run_outputs import staged_folder

_STYLE = (
    "body{font-family:'NanumGothic','Malgun Gothic',sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;font-size:0.9em}"
    "th{background:#eee}.r3{background:#fdd}.r2{background:#ffe9c6}.note{color:#555;font-size:0.85em}"
)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z가-힣]+", "_", text).strip("_") or "agency"


def _cell(value: object, digits: int = 2) -> str:
    if isinstance(value, float):
        return "미상 (unknown)" if pd.isna(value) else f"{value:.{digits}f}"
    return html.escape(str(value))


def write_notices(
    impact: pd.DataFrame,
    folder: str | Path,
    dig_info: pd.DataFrame,
    rules_confirmed: bool = False,
    extra_sections: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write ``notice_NN_<agency>.html`` per agency and ``index.html`` into ``folder``; return the paths.

    ``extra_sections`` (agency -> HTML) adds a section to that agency's notice: the water agency's gets
    the shut-off plan (core.water.dig_join) when a dig reaches a water main."""
    extra_sections = extra_sections or {}
    folder = Path(folder)
    try:
        with staged_folder(folder) as staging:
            _write_into(staging, impact, dig_info, rules_confirmed, extra_sections)
    except OSError as exc:
        raise OutputError(
            f"통보서 폴더 {folder}을(를) 쓸 수 없습니다: {exc.strerror or exc}. Cannot write the notices folder.",
            "쓰기 권한이 있는 폴더를 고르세요. Choose a folder you can write to.",
        ) from exc
    names = sorted(p.name for p in folder.iterdir())
    return [folder / "index.html", *(folder / n for n in names if n != "index.html")]


def _write_into(
    folder: Path,
    impact: pd.DataFrame,
    dig_info: pd.DataFrame,
    rules_confirmed: bool,
    extra_sections: Mapping[str, str],
) -> None:
    """The pages into a new folder (staged_folder swaps it in whole: no page of an earlier run stays)."""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    written = []
    names = UniqueFileNames()
    agencies = sorted(impact["agency"].unique()) if len(impact) else []
    for number, agency in enumerate(agencies, start=1):
        rows = impact[impact["agency"] == agency]
        path = folder / f"notice_{number:02d}_{names(_slug(agency), 'agency')}.html"
        with atomic_path(path) as tmp:
            page = _notice(agency, rows, dig_info, stamp, rules_confirmed)
            page = page.replace("</body></html>", f"{extra_sections.get(agency, '')}</body></html>")
            tmp.write_text(page, encoding="utf-8")
        written.append(path)
    index = folder / "index.html"
    items = "".join(
        f"<li><a href='{html.escape(p.name)}'>{html.escape(a)}</a> ({int((impact['agency'] == a).sum())}건)</li>"
        for p, a in zip(written, agencies, strict=True)
    )
    body = items or "<li>통보 대상 시설물 없음 (no facility within the margins)</li>"
    with atomic_path(index) as tmp:
        tmp.write_text(
            f"<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>굴착 사전 통보</title>"
            f"<style>{_STYLE}</style></head><body><h1>굴착 사전 통보 목록 (excavation notices)</h1>"
            f"<p>{stamp}</p><ul>{body}</ul></body></html>",
            encoding="utf-8",
        )


def _grade(row) -> str:
    """The survey grade with its tolerance, e.g. 'C ±1.0 m / ±0.5 m' (grade '-' when the record has none)."""
    grade = row.acc_grade if isinstance(row.acc_grade, str) and row.acc_grade else "-"  # NA when not recorded
    if not row.position_tolerance_m and not row.depth_tolerance_m:
        return grade
    return f"{grade} ±{row.position_tolerance_m:g} m / ±{row.depth_tolerance_m:g} m"


def _notice(agency: str, rows: pd.DataFrame, dig_info: pd.DataFrame, stamp: str, rules_confirmed: bool) -> str:
    digs = dig_info[dig_info["dig_id"].isin(rows["dig_id"])]
    dig_rows = "".join(
        f"<tr><td>{_cell(d.dig_id)}</td><td>{d.x:.1f}, {d.y:.1f}</td><td>{d.depth_m:.2f}</td>"
        f"<td>{d.area_m2:.1f}</td></tr>"
        for d in digs.itertuples()
    )
    facility_rows = "".join(
        f"<tr class='r{int(r.risk_level)}'><td>{int(r.risk_rank)}</td><td>{_cell(r.dig_id)}</td>"
        f"<td>{_cell(r.record_id)}</td><td>{_cell(r.type_ko)}</td><td>{_cell(r.risk_label)}</td>"
        f"<td>{_cell(r.horizontal_distance_m)}</td><td>{_cell(r.depth_closest_m)}</td>"
        f"<td>{_cell(r.vertical_clearance_m)}</td><td>{_cell(_grade(r))}</td></tr>"
        for r in rows.itertuples()
    )
    notes = []
    if (~rows["depth_known"].astype(bool)).any():
        notes.append("깊이 미상 시설물은 위치 확인(시험굴착) 전까지 접촉 위험으로 간주합니다.")
    if rows["diameter_assumed"].astype(bool).any():
        notes.append("구경 정보가 없는 시설물은 유형별 기본 구경을 가정했습니다.")
    if (rows["position_tolerance_m"] > 0).any():
        notes.append(
            "정확도 등급별 위치·깊이 오차(±)만큼 안전거리를 넓혀 검토했습니다 (survey tolerance added to the margins)."
        )
    if not rules_confirmed:
        notes.append("안전거리 기본값 중 일부는 기준 조항 확인 전(to be confirmed)입니다: resources/rules 참조.")
    note_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        f"<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>{html.escape(agency)} 굴착 사전 통보"
        f"</title><style>{_STYLE}</style></head><body>"
        f"<h1>굴착공사 사전 통보 (excavation notice)</h1><p><b>수신: {html.escape(agency)}</b> · 작성 {stamp}</p>"
        "<h2>굴착 계획 (planned digs, EPSG:5186)</h2><table><tr><th>굴착 ID</th><th>중심 좌표 x, y</th>"
        f"<th>깊이 (m)</th><th>면적 (㎡)</th></tr>{dig_rows}</table>"
        f"<h2>영향 시설물 {len(rows)}건 (affected facilities, highest risk first)</h2>"
        "<table><tr><th>순위</th><th>굴착 ID</th><th>관리번호</th><th>시설</th><th>위험</th>"
        "<th>수평거리 (m)</th><th>최근접점 깊이 (m)</th><th>수직 여유 (m)</th><th>정확도 (위치/깊이 오차)</th></tr>"
        f"{facility_rows}</table><ul class='note'>{note_html}</ul></body></html>"
    )
