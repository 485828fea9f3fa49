"""The residents' notice (단수 안내) and the crew's shut-off sheet, one self-contained UTF-8 HTML file.

The first part is what residents read on the door or the 아파트 notice board: why, where (법정동 from the
buildings' PNU), how many buildings and 세대, what to do. The second part is the crew's sheet: the valves
to close in order with their depth, the valves that failed the plan, and the assumptions (estimated
buildings, assumed inlets) printed, not hidden. :func:`shutoff_section` is that second part alone, for
the excavation notice to the water agency.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..geopackage import atomic_path
from ..legal_dong import load_legal_dong_table
from .isolation import IsolationPlan
from .served import BASIS_BUFFER

_STYLE = (
    "body{font-family:'NanumGothic','Malgun Gothic',sans-serif;margin:2em;color:#222;max-width:60em}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;font-size:0.9em}"
    "th{background:#eee}.box{border:2px solid #1f78b4;padding:1em;margin:1em 0}.note{color:#555;font-size:0.85em}"
)


@dataclass(frozen=True)
class NoticeText:
    """What the office fills in; left empty, the notice says 복구 완료 시까지 and the main's agency."""

    reason: str = "상수도관 파손에 따른 긴급 복구공사"
    start: str = ""
    duration: str = ""
    contact: str = ""


def _number(value: float, digits: int = 1) -> str:
    return "미상" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _dongs(buildings: gpd.GeoDataFrame) -> str:
    """법정동 names of the buildings, from the first ten digits of their id (a PNU or 건물 id)."""
    if buildings.empty:
        return ""
    codes = buildings["bld_id"].astype(str).str[:10]
    codes = codes[codes.str.fullmatch(r"\d{10}")]
    if codes.empty:
        return ""
    table = load_legal_dong_table().set_index("code")["full_name"]
    names = [table.get(code, code) for code in sorted(codes.unique())]
    return ", ".join(" ".join(str(name).split(" ")[1:]) or str(name) for name in names)


def shutoff_section(plan: IsolationPlan, buildings: gpd.GeoDataFrame, hydrants: gpd.GeoDataFrame) -> str:
    """The crew's part: valves in order, failed valves, pipes and the assumptions."""
    valve_rows = (
        "".join(
            f"<tr><td>{int(r.seq)}</td><td>{html.escape(r.valve_id)}</td><td>{_number(r.depth_m, 2)}</td>"
            f"<td>{_number(r.diameter_mm, 0)}</td><td>{html.escape(r.pipe_id)}</td><td>{html.escape(r.breaks)}</td>"
            f"<td>{_number(r.distance_m)}</td><td>{html.escape(r.note)}</td></tr>"
            for r in plan.to_close.itertuples()
        )
        or "<tr><td colspan='8'>닫을 수 있는 밸브가 없습니다: 급수원(배수지·가압장)에서 차단해야 합니다.</td></tr>"
    )
    failed = "".join(
        f"<li>{html.escape(r.valve_id)} (깊이 {_number(r.depth_m, 2)} m): {html.escape(r.reason)}</li>"
        for r in plan.failed.itertuples()
    )
    skipped = "".join(f"<li>{html.escape(r.valve_id)}</li>" for r in plan.not_needed.itertuples())
    confirm = "".join(
        f"<li>{html.escape(r.valve_id)} (깊이 {_number(r.depth_m, 2)} m)</li>" for r in plan.already_closed.itertuples()
    )
    length = plan.network.piece_to - plan.network.piece_from
    notes = []
    if plan.network.sources_assumed:
        notes.append("급수원(배수지·가압장) 정보가 없어 관망마다 최대 구경 관로를 유입점으로 가정했습니다.")
    if plan.sources_inside:
        notes.append(
            "급수원이 단수 구간 안에 있습니다: " + "; ".join(plan.sources_inside) + " — 유출 밸브를 먼저 잠그십시오."
        )
    if len(buildings) and (buildings["basis"] == BASIS_BUFFER).any():
        notes.append(
            f"급수전 정보가 없는 건물 {int((buildings['basis'] == BASIS_BUFFER).sum())}동은 가까운 관로로 "
            "급수된다고 추정했습니다 (estimated from the service buffer)."
        )
    off = plan.network.unplaced
    if len(off):
        notes.append(
            f"관로에서 떨어져 있는 시설 {len(off)}개(밸브 {int((off['layer'] == 'valve_ps').sum())}개)는 "
            "계획에 쓰지 않았습니다 (rejects 참조)."
        )
    note_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        "<h2>밸브 조작 순서 (shut-off plan, valves in order)</h2>"
        "<table><tr><th>순서</th><th>밸브 관리번호</th><th>깊이 (m)</th><th>구경 (mm)</th><th>관로</th>"
        f"<th>파손 지점</th><th>파손 지점까지 (m)</th><th>비고</th></tr>{valve_rows}</table>"
        + (f"<h3>계획에서 빠진 밸브 (valves that failed the plan)</h3><ul>{failed}</ul>" if failed else "")
        + (f"<h3>이미 닫힌 경계 밸브: 닫혀 있는지 확인 (recorded closed)</h3><ul>{confirm}</ul>" if confirm else "")
        + (f"<h3>닫지 않아도 되는 경계 밸브 (beyond them no water comes)</h3><ul>{skipped}</ul>" if skipped else "")
        + f"<p>단수 구간 관로 {length[plan.isolated_pieces].sum():,.0f} m, 하류 단수 관로 "
        f"{length[plan.cut_off_pieces].sum():,.0f} m, 사용 중지 소화전 {len(hydrants)}개.</p>"
        f"<ul class='note'>{note_html}</ul>"
    )


def notice_html(
    plan: IsolationPlan, buildings: gpd.GeoDataFrame, hydrants: gpd.GeoDataFrame, text: NoticeText | None = None
) -> str:
    text = text or NoticeText()
    households = buildings["households"] if len(buildings) else pd.Series(dtype=float)
    unknown = int(households.isna().sum())
    agency = text.contact or ", ".join(sorted(set(plan.network.inputs.pipes["agency"].astype(str)))[:1]) or "수도사업소"
    when = text.start or "즉시"
    until = text.duration or "복구 완료 시까지"
    dongs = _dongs(buildings)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    count = f"{households.sum():,.0f}세대" if len(households) and households.notna().any() else "세대수 미상"
    if unknown and households.notna().any():
        count += f" (세대수 미상 건물 {unknown}동 제외)"
    return (
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>단수 안내</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>단수 안내 (water supply interruption)</h1>"
        f"<div class='box'><p><b>사유:</b> {html.escape(text.reason)}</p>"
        f"<p><b>단수 일시:</b> {html.escape(when)} ~ {html.escape(until)}</p>"
        f"<p><b>단수 지역:</b> {html.escape(dongs) or '지도 참조'} 일대 — 건물 {len(buildings):,}동, {count}</p>"
        f"<p><b>문의:</b> {html.escape(agency)}</p></div>"
        "<ul><li>단수 전에 식수와 생활용수를 미리 받아 두십시오.</li>"
        "<li>물이 다시 나오면 처음 나오는 흐린 물은 잠시 흘려보낸 뒤 사용하십시오.</li>"
        "<li>단수 중에는 수도꼭지를 잠가 두십시오 (재급수 시 누수 방지).</li>"
        f"<li>이 지역 소화전 {len(hydrants)}개는 단수 중 사용할 수 없습니다 (소방서에 통보함).</li></ul>"
        f"<p class='note'>작성 {stamp}</p><hr>"
        f"{shutoff_section(plan, buildings, hydrants)}</body></html>"
    )


def write_notice(
    path: str | Path,
    plan: IsolationPlan,
    buildings: gpd.GeoDataFrame,
    hydrants: gpd.GeoDataFrame,
    text: NoticeText | None = None,
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(notice_html(plan, buildings, hydrants, text), encoding="utf-8")
    return path
