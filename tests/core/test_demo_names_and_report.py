"""The demo project's layer names (Korean, unique) and the report's figure tables (no vertical text)."""

from __future__ import annotations

from scripts.demo_layer_names import LAYER_TITLES, layer_title, shared_tables
from scripts.demo_report import figures_html


def test_shared_table_names_get_their_result_and_every_name_is_unique():
    results = {
        "cctv_coverage": ["camera_views", "coverage", "summary", "rejects"],
        "safety_review_cctv_in_hotspots": ["camera_views", "coverage", "summary", "rejects"],
        "permit_check": ["summary", "findings"],
        "tax_linkage": ["parcels_tax", "findings", "summary"],
        "gimpo_sample_city": ["parcels", "buildings"],
    }
    shared = shared_tables(results)
    names = [layer_title(result, table, shared) for result, tables in results.items() for table in tables]
    assert len(names) == len(set(names))
    assert layer_title("tax_linkage", "parcels_tax", shared) == "과세 필지"
    assert layer_title("permit_check", "summary", shared) == "요약 · 인허가 검토"
    assert all(not title.isascii() or title == "CCTV" for title in LAYER_TITLES.values())  # Korean names


def test_figure_labels_break_at_spaces_only_and_sub_items_are_indented():
    html = figures_html([("발견사항 (findings)", "1,497"), ("  용도 불일치 (USE_MISMATCH)", "328 · 406,623,650 원")])
    assert html.count("word-break:keep-all") >= 3  # Korean labels never stand one syllable a line
    assert "white-space:nowrap" in html  # values never break
    assert "padding-left:1.2em'>용도 불일치" in html
