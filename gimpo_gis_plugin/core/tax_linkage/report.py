"""The HTML report of a linkage run: the proof that nothing was lost, the findings by code and by
법정동, and the top of the worklist. Personal data never appears in it (findings carry none).
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .findings import CATALOGUE

_STYLE = """
body { font-family: 'NanumGothic', 'Malgun Gothic', sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ccc; padding: .25em .6em; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; } .bad { color: #b30000; } .muted { color: #666; font-size: .9em; }
"""


def _table(frame: pd.DataFrame, numeric: set[str]) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if column in numeric:
                cells.append(f'<td class="n">{value:,.0f}</td>')
            else:
                cells.append(f"<td>{escape(str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def linkage_report_html(result, context: dict) -> str:
    counts = result.counts
    conserved = counts["matched"] + counts["unmatched"] == counts["ledger_rows"]
    by_code = result.summary[result.summary["group_kind"] == "code"][["code", "label_ko", "count", "tax_at_stake"]]
    by_code = by_code.assign(severity=by_code["code"].map(lambda c: CATALOGUE[c].severity)).sort_values(
        ["severity", "tax_at_stake"], ascending=False
    )
    by_dong = result.summary[result.summary["group_kind"] == "legal_dong"]
    pivot = by_dong.pivot_table(index="group_value", columns="code", values="count", aggfunc="sum", fill_value=0)
    pivot["합계"] = pivot.sum(axis=1)
    pivot = pivot.sort_values("합계", ascending=False).reset_index().rename(columns={"group_value": "법정동"})
    top = result.findings.head(50)[
        ["finding_id", "label_ko", "severity_label", "pnu", "bld_id", "detail", "tax_at_stake"]
    ]
    context_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in context.items())
    warnings = "".join(f"<li>{escape(w)}</li>" for w in result.warnings) or "<li>없음 (none)</li>"
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>재산세 과세자료 연계 결과</title><style>{_STYLE}</style></head>
<body>
<h1>재산세 과세자료 연계 결과 (Property-tax ledger linkage)</h1>
<table>{context_rows}</table>
<h2>과세대장 행 보존 (every ledger row accounted for)</h2>
<table>
<tr><th>입력 행 (ledger rows read)</th><td class="n">{counts["ledger_rows"]:,}</td></tr>
<tr><th>연계 (matched)</th><td class="n">{counts["matched"]:,}</td></tr>
<tr><th>미연계 (unmatched, with reason)</th><td class="n">{counts["unmatched"]:,}</td></tr>
<tr><th>제외한 합계·소계·빈 행 (totals and blank rows, not counted)</th><td class="n">{
        counts.get("excluded_rows", 0):,}</td></tr>
<tr><th>주소로 고유번호 해석 (PNU from the address)</th><td class="n">{counts["resolved_by_address"]:,}</td></tr>
<tr><th>필지 / 건축물 (parcels / buildings)</th><td class="n">{counts["parcels"]:,} / {counts["buildings"]:,}</td></tr>
</table>
<p class="{"ok" if conserved else "bad"}">{counts["matched"]:,} + {counts["unmatched"]:,} = {
        counts["matched"] + counts["unmatched"]:,} {"=" if conserved else "≠"} {counts["ledger_rows"]:,}</p>
<h2>발견사항 (findings by code)</h2>
{_table(by_code.drop(columns="severity"), {"count", "tax_at_stake"})}
<p class="muted">tax_at_stake: 추정 세액(원), 작업 순서를 정하기 위한 추정치이며 부과액이 아님
(an estimate to rank the work, not an assessment).</p>
<h2>법정동별 발견사항 (findings by 법정동)</h2>
{_table(pivot, set(pivot.columns) - {"법정동"})}
<h2>조사 목록 상위 50건 (top of the worklist)</h2>
{_table(top, {"tax_at_stake", "finding_id"})}
<h2>경고 (warnings)</h2><ul>{warnings}</ul>
</body></html>
"""
