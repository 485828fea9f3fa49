"""HTML report pages a planner attaches to the permit file: one per application, plus an index.

Plain HTML with inline CSS (no scripts, no external files but the map image beside it), so it opens
from a shared folder or an e-mail attachment and prints as it looks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html import escape

import pandas as pd

from .engine import REVIEW_KINDS, VERDICTS
from .findings import STATUS_KO

_CSS = """
body{font-family:'NanumGothic','Malgun Gothic',sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px} .meta{color:#555;margin-bottom:12px}
.verdict{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:bold}
.permitted{background:#1a9850}.conditional{background:#f39c12}.not_permitted{background:#d73027}
.insufficient_data{background:#7f7f7f}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0} .pass{color:#1a9850}.fail{color:#d73027;font-weight:bold}
.needs_review{color:#b9770e}.insufficient{color:#555;font-weight:bold}
img{max-width:100%;border:1px solid #aaa;margin-top:10px}
"""


PAGE_STEM_MAX = 60  # characters; with a hash and ".html" far below any file system's 255-byte name limit
_UNSAFE = re.compile(r"[^0-9A-Za-z가-힣_.-]+")


def page_names(app_ids: list[str]) -> dict[str, str]:
    """A file stem per application id, safe on every file system and distinct for distinct ids.

    ``2026/001``, ``2026_001`` and ``2026:001`` would all become ``2026_001``: any id whose cleaned
    stem is not itself, or is too long, gets a short hash of the original id, so no two share a page.
    """
    names: dict[str, str] = {}
    for app_id in dict.fromkeys(str(i) for i in app_ids):
        text = unicodedata.normalize("NFC", app_id)
        stem = _UNSAFE.sub("_", text).strip("._") or "application"
        if stem != text or len(stem) > PAGE_STEM_MAX or stem.lower() in ("index",):
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
            stem = f"{stem[:PAGE_STEM_MAX]}-{digest}"
        names[app_id] = stem
    return names


MANIFEST = ".gimpo_permit_reports"  # the pages a run wrote, so the next run removes only its own stale ones


def replace_manifest(folder, written: set[str]) -> list[str]:
    """Record this run's pages in ``folder`` and return the earlier run's pages it no longer writes.

    Only files named in the earlier manifest are ever returned: a report folder that also holds the
    user's own files keeps them."""
    from pathlib import Path

    manifest = Path(folder) / MANIFEST
    earlier = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    stale = [name for name in earlier if name and name not in written and "/" not in name and name != MANIFEST]
    manifest.write_text("\n".join(sorted(written)) + "\n", encoding="utf-8")
    return stale


def _number(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:,.2f}" if isinstance(value, float) else escape(str(value))


def application_page(summary: pd.Series, findings: pd.DataFrame, map_image: str | None, rules_version: str) -> str:
    """The report page of one application (``summary`` a row of the summary layer)."""
    verdict = str(summary["verdict"])
    rows = "".join(
        f"<tr><td>{escape(str(f['check']))}</td><td>{escape(str(f['item']))}</td>"
        f"<td class='{escape(str(f['status']))}'>{escape(STATUS_KO.get(str(f['status']), str(f['status'])))}</td>"
        f"<td>{_number(f['measured'])} {escape(str(f['unit'] or ''))}</td><td>{_number(f['limit'])}</td>"
        f"<td>{escape(str(f['legal_basis'] or ''))}</td><td>{escape(str(f['detail'] or ''))}</td></tr>"
        for f in findings.to_dict("records")
    )
    image = (
        f"<img src='{escape(map_image)}' alt='site map'>" if map_image else "<p>(No map: the site was not found.)</p>"
    )
    facts = [
        ("PNU", summary.get("pnu")),
        ("허가 종류", summary.get("permit_kind")),
        ("용도", summary.get("proposed_use")),
        ("세부용도", summary.get("use_detail")),
        ("대지면적 (m²)", summary.get("site_area_m2")),
        ("용도지역", summary.get("zones")),
        ("용도 판단 (별표)", f"{STATUS_KO.get(str(summary.get('use_status')), '')} — {summary.get('use_basis') or ''}"),
        ("검토 구분", summary.get("review_kind")),
        ("유의", summary.get("caveats")),
    ]
    fact_rows = "".join(f"<tr><th>{escape(k)}</th><td>{_number(v)}</td></tr>" for k, v in facts)
    return (
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'>"
        f"<title>{escape(str(summary['application_id']))}</title><style>{_CSS}</style></head><body>"
        f"<h1>인허가 검토 {escape(str(summary['application_id']))}</h1>"
        f"<div class='meta'>rules table version {escape(rules_version)} · "
        "의사결정 지원 자료이며 최종 판단은 담당자가 합니다 (decision support; the planner decides)</div>"
        f"<span class='verdict {escape(verdict)}'>{escape(VERDICTS[verdict])}"
        f"{(' (' + escape(REVIEW_KINDS[verdict]) + ')') if verdict in REVIEW_KINDS else ''}</span>"
        f"<table>{fact_rows}</table>{image}"
        "<h2>검토 항목 (findings)</h2><table><tr><th>check</th><th>item</th><th>status</th><th>measured</th>"
        f"<th>limit</th><th>legal basis</th><th>detail</th></tr>{rows}</table></body></html>"
    )


def index_page(summary: pd.DataFrame, pages: dict[str, str], rules_version: str) -> str:
    """One line per application with its verdict, linking to its page where one was written."""
    counts = summary["verdict"].value_counts()
    totals = " · ".join(
        f"{VERDICTS[v]}{' (' + REVIEW_KINDS[v] + ')' if v in REVIEW_KINDS else ''} {int(counts.get(v, 0))}"
        for v in VERDICTS
    )
    rows = []
    for row in summary.to_dict("records"):
        app_id = str(row["application_id"])
        name = f"<a href='{escape(pages[app_id])}'>{escape(app_id)}</a>" if app_id in pages else escape(app_id)
        rows.append(
            f"<tr><td>{name}</td><td>{escape(str(row['pnu']))}</td><td>{escape(str(row['permit_kind']))}</td>"
            f"<td class='{escape(row['verdict'])}'>{escape(row['verdict_ko'])}</td>"
            f"<td>{escape(str(row.get('use_basis') or ''))}</td>"
            f"<td>{escape(str(row['reasons'])[:300])}</td></tr>"
        )
    return (
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>인허가 검토 목록</title>"
        f"<style>{_CSS}</style></head><body><h1>인허가 검토 목록 (permit check batch)</h1>"
        f"<div class='meta'>{len(summary)} applications · {escape(totals)} · rules {escape(rules_version)}</div>"
        "<table><tr><th>application</th><th>PNU</th><th>kind</th><th>verdict</th><th>용도 근거 (별표)</th>"
        "<th>deciding findings</th></tr>"
        f"{''.join(rows)}</table></body></html>"
    )
