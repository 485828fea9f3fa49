"""Use in zone (국토계획법 시행령 별표 2–22), floors, §84 for the use, 건축법 §3², slope zones, the verdict
classes and the refused inputs of issue #22. Expected answers are written from the law, not read back
from the table."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.permits import check_permits, load_rules
from gimpo_gis_plugin.core.permits.findings import FAIL, PASS, REVIEW
from gimpo_gis_plugin.core.permits.jurisdiction import township_of_pnu
from gimpo_gis_plugin.core.permits.report import page_names
from gimpo_gis_plugin.core.permits.use_zone import answer, canonical_use, load_use_table, reclassify

CRS = "EPSG:5186"
X0, Y0 = 180_000.0, 560_000.0
TABLE = load_use_table()

# (zone, use, 세부용도, floors, use floor area, expected status): one 허용 and one 불허 at least per zone.
LAW_CASES = [
    ("UQA111", "단독주택", "", 2, 200, PASS),
    ("UQA111", "공장", "", 2, 200, FAIL),
    ("UQA111", "공동주택", "아파트", 2, 200, FAIL),
    ("UQA111", "제1종근린생활시설", "", 2, 1200, FAIL),  # 1천㎡ 미만만
    ("UQA111", "단독주택", "다가구주택", 2, 200, REVIEW),  # 조례
    ("UQA112", "공동주택", "아파트", 10, 5000, PASS),
    ("UQA112", "공장", "", 2, 200, FAIL),
    ("UQA112", "숙박시설", "", 2, 200, FAIL),
    ("UQA121", "공동주택", "연립주택", 4, 600, PASS),
    ("UQA121", "공동주택", "아파트", 4, 600, FAIL),
    ("UQA121", "공동주택", "", 4, 600, REVIEW),  # 세부용도 없이는 아파트 여부를 모른다
    ("UQA121", "공장", "금속 주조업", 2, 300, FAIL),
    ("UQA121", "공장", "인쇄업", 2, 300, REVIEW),  # 별표 4 2호: 조례
    ("UQA121", "숙박시설", "", 3, 300, FAIL),
    ("UQA121", "위락시설", "", 3, 300, FAIL),
    ("UQA122", "공동주택", "아파트", 15, 9000, PASS),
    ("UQA122", "공장", "금속주조업", 2, 300, FAIL),
    ("UQA122", "위락시설", "", 3, 300, FAIL),
    ("UQA122", "제2종근린생활시설", "단란주점", 2, 100, FAIL),
    ("UQA123", "공동주택", "", 20, 9000, PASS),
    ("UQA123", "숙박시설", "", 5, 900, FAIL),
    ("UQA123", "공장", "주물공장", 2, 300, FAIL),
    ("UQA130", "공동주택", "", 15, 9000, PASS),
    ("UQA130", "위락시설", "", 3, 300, FAIL),
    ("UQA130", "제2종근린생활시설", "", 2, 140, REVIEW),  # 단란주점 would be forbidden: 세부용도 needed
    ("UQA130", "제2종근린생활시설", "일반음식점", 2, 140, PASS),
    ("UQB100", "공동주택", "", 3, 600, REVIEW),  # 아파트 would be forbidden
    ("UQB100", "공동주택", "다세대주택", 3, 600, PASS),
    ("UQA130", "제2종근린생활시설", "단란주점", 2, 100, FAIL),
    ("UQA210", "판매시설", "", 10, 5000, PASS),
    ("UQA210", "자원순환관련시설", "", 1, 300, FAIL),
    ("UQA220", "업무시설", "", 10, 5000, PASS),
    ("UQA220", "묘지관련시설", "", 1, 300, FAIL),
    ("UQA230", "제1종근린생활시설", "", 3, 500, PASS),
    ("UQA230", "자원순환관련시설", "", 1, 300, FAIL),
    ("UQA240", "판매시설", "", 5, 5000, PASS),
    ("UQA240", "공동주택", "아파트", 20, 9000, FAIL),
    ("UQA310", "공장", "", 3, 3000, PASS),
    ("UQA310", "단독주택", "", 2, 200, FAIL),
    ("UQA320", "공장", "금속주조업", 3, 3000, PASS),
    ("UQA320", "위락시설", "", 3, 300, FAIL),
    ("UQA330", "공장", "", 3, 3000, PASS),
    ("UQA330", "위락시설", "", 3, 300, FAIL),
    ("UQA410", "교육연구시설", "초등학교", 3, 3000, PASS),
    ("UQA410", "공장", "", 2, 300, FAIL),
    ("UQA410", "공동주택", "", 3, 300, FAIL),
    ("UQA420", "단독주택", "", 2, 200, PASS),
    ("UQA420", "공동주택", "아파트", 4, 2000, FAIL),
    ("UQA420", "숙박시설", "", 2, 300, FAIL),
    ("UQA430", "단독주택", "", 2, 200, PASS),
    ("UQA430", "공동주택", "아파트", 4, 2000, FAIL),
    ("UQA430", "위락시설", "", 2, 300, FAIL),
    ("UQB300", "단독주택", "", 2, 200, PASS),
    ("UQB300", "공장", "", 2, 300, FAIL),
    ("UQB200", "단독주택", "", 2, 200, PASS),
    ("UQB200", "공동주택", "아파트", 4, 2000, FAIL),
    ("UQB100", "단독주택", "", 2, 200, PASS),
    ("UQB100", "공동주택", "아파트", 4, 2000, FAIL),
    ("UQB100", "위락시설", "", 2, 300, FAIL),
    ("UQC001", "단독주택", "농어가주택", 2, 200, PASS),
    ("UQC001", "공장", "", 2, 300, FAIL),
    ("UQC001", "공동주택", "", 3, 300, FAIL),
    ("UQD001", "교육연구시설", "초등학교", 2, 2000, PASS),
    ("UQD001", "공장", "", 2, 300, FAIL),
]


@pytest.mark.parametrize(("zone", "use", "detail", "floors", "area", "expected"), LAW_CASES)
def test_use_in_zone_as_the_annex_says(zone, use, detail, floors, area, expected):
    use_n, detail_n = canonical_use(TABLE, use, detail)
    use_n, detail_n, _ = reclassify(TABLE, use_n, detail_n, area)
    got = answer(TABLE, zone, use_n, detail_n, floors, area)
    assert got.status == expected, got.reason
    if got.rule is not None:
        assert got.rule.annex.startswith("별표 ")


def test_every_zone_has_a_permitted_and_a_forbidden_line_and_every_line_cites_its_annex():
    frame = pd.read_csv("resources/rules/use_in_zone.csv", comment="#", dtype=str, keep_default_na=False)
    for zone, rows in frame.groupby("zone_code"):
        assert (rows["permission"] == "허용").any() and (rows["permission"] == "불허").any(), zone
    assert frame["annex"].str.match(r"별표 \d+$").all()
    assert frame["checked"].isin(["true", "false"]).all()


@pytest.mark.parametrize(
    "key", [k for k, r in TABLE.rules.items() if r.permission in ("조례허용", "조례불허") and not r.gimpo]
)
def test_an_ordinance_line_without_the_gimpo_answer_is_never_permitted(key):
    zone, use, detail = key
    got = answer(TABLE, zone, use, "열거되지않은세부용도" if detail == "*" else detail, 1, 10)
    assert got.status == REVIEW and "조례" in got.reason


def test_an_ordinance_line_with_the_gimpo_answer_decides():
    got = answer(TABLE, "UQA310", "제2종근린생활시설", "일반음식점", 2, 200)
    assert got.status == PASS and "김포시 도시계획 조례" in got.rule.basis


def test_floor_area_moves_a_use_to_the_larger_class():
    # 단란주점 150 ㎡ 이상은 위락시설 (건축법 시행령 별표 1): in 준주거 that is forbidden outright.
    use, detail, moved = reclassify(TABLE, "제2종근린생활시설", "단란주점", 200)
    assert use == "위락시설" and moved is not None
    assert answer(TABLE, "UQA130", use, detail, 2, 200).status == FAIL


def test_a_detail_given_as_the_use_finds_its_use():
    assert canonical_use(TABLE, "아파트", "") == ("공동주택", "아파트")
    assert canonical_use(TABLE, "제1종 근린생활시설", "") == ("제1종근린생활시설", "")
    assert canonical_use(TABLE, "위험물 저장 및 처리 시설", "") == ("위험물저장및처리시설", "")
    assert canonical_use(TABLE, "공동주택(아파트)", "") == ("공동주택", "아파트")
    assert canonical_use(TABLE, "근린생활시설(1종)", "") == ("제1종근린생활시설", "")
    assert canonical_use(TABLE, "공장", "인쇄") == ("공장", "인쇄업")


# ---- end to end -------------------------------------------------------------------------------


def _frame(records):
    return gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)


SITE = box(X0, Y0, X0 + 40, Y0 + 30)
ROADS = _frame([{"width_m": 8.0, "geometry": LineString([(X0 - 400, Y0 + 34), (X0 + 400, Y0 + 34)])}])
OVERLAYS = _frame([{"kind": "국가유산 보존지역", "subkind": "", "geometry": box(X0 + 5000, Y0, X0 + 5010, Y0 + 10)}])
PARCELS = _frame([{"PNU": "4157010100100010000", "geometry": box(X0 + 9000, Y0, X0 + 9001, Y0 + 1)}])


def _app(app_id, use="단독주택", detail="", floors=2, building=300, floor_area=500, site=SITE, **extra):
    row = {
        "application_id": app_id,
        "pnu": "",
        "permit_kind": "건축허가",
        "proposed_use": use,
        "use_detail": detail,
        "building_area": building,
        "floor_area_above": floor_area,
        "floors": floors,
        "height": floors * 3.3,
        "geometry": site,
    }
    row.update(extra)
    return row


def _zones(*parts):
    return _frame([{"uq_code": code, "geometry": geom} for code, geom in parts])


def _run(apps, zoning, **kwargs):
    return check_permits(_frame(apps), PARCELS, zoning, kwargs.get("overlays", OVERLAYS), ROADS, kwargs.get("dem"))


def _one(result, app_id, check):
    rows = result.findings[(result.findings.application_id == app_id) & (result.findings.check == check)]
    return rows.iloc[0]


def test_forbidden_use_is_not_permitted_and_names_its_annex():
    zoning = _zones(("UQA121", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    result = _run([_app("F", "공장", "금속 주조업", building=300, floor_area=300)], zoning)
    row = result.summary.iloc[0]
    assert row["verdict"] == "not_permitted" and row["verdict_ko"] == "불가"
    assert "별표 4" in row["use_basis"] and "별표 4" in row["reasons"]


def test_five_storeys_where_the_annex_says_four_is_not_permitted():
    zoning = _zones(("UQA121", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    result = _run([_app("H5", "공동주택", "다세대주택", floors=5, building=300, floor_area=1400)], zoning)
    floors = _one(result, "H5", "floors")
    assert floors["status"] == FAIL and floors["limit"] == 4 and "별표 4" in floors["legal_basis"]


def test_two_zone_site_with_small_part_follows_the_largest_part_for_the_use():
    # 900 m² 제3종일반 + 300 m² 제1종전용 (≤ 330 m²): the use follows 제3종일반 (§84①): 아파트 allowed.
    zoning = _zones(
        ("UQA123", box(X0 - 500, Y0 - 500, X0 + 30, Y0 + 500)), ("UQA111", box(X0 + 30, Y0 - 500, X0 + 500, Y0 + 500))
    )
    result = _run([_app("A", "공동주택", "아파트", floors=5, building=500, floor_area=2000)], zoning)
    use = _one(result, "A", "use")
    assert use["status"] == PASS and "§84①" in use["legal_basis"]


def test_two_zone_site_with_large_parts_needs_the_use_allowed_in_every_part():
    zoning = _zones(
        ("UQA123", box(X0 - 500, Y0 - 500, X0 + 20, Y0 + 500)), ("UQA111", box(X0 + 20, Y0 - 500, X0 + 500, Y0 + 500))
    )
    result = _run([_app("A", "공동주택", "아파트", floors=5, building=300, floor_area=1000)], zoning)
    assert _one(result, "A", "use")["status"] == REVIEW  # allowed only in the 제3종 part: 배치도
    result = _run([_app("F", "공장", "금속주조업", building=100, floor_area=100)], zoning)
    assert _one(result, "F", "use")["status"] == FAIL  # forbidden in both parts


def test_two_zone_site_that_fits_each_part_wherever_placed_is_permitted():
    # 600 m² 제2종일반 (60 %) + 600 m² 제3종일반 (50 %): 250 m² fits either part (≤ 300 m²).
    zoning = _zones(
        ("UQA122", box(X0 - 500, Y0 - 500, X0 + 20, Y0 + 500)), ("UQA123", box(X0 + 20, Y0 - 500, X0 + 500, Y0 + 500))
    )
    result = _run([_app("A", building=250, floor_area=400)], zoning, dem=None)
    assert _one(result, "A", "coverage")["status"] == PASS
    assert _one(result, "A", "far")["status"] == PASS


def test_verdict_classes_and_passed_criteria():
    zoning = _zones(("UQA122", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    result = _run([_app("OK"), _app("NO", "위락시설"), _app("RV", "공장", "인쇄업"), _app("IN", building=None)], zoning)
    verdicts = dict(zip(result.summary.application_id, result.summary.verdict_ko, strict=True))
    assert verdicts["NO"] == "불가" and verdicts["RV"] == "검토 필요" and verdicts["IN"] == "검토 필요"
    kinds = dict(zip(result.summary.application_id, result.summary.review_kind, strict=True))
    assert kinds["RV"] == "심의·협의" and kinds["IN"] == "자료 보완"
    # without a DEM the slope is not checked, so even the clean one is a review, never 허가 가능
    assert verdicts["OK"] == "검토 필요"


def test_korean_headers_are_read():
    zoning = _zones(("UQA121", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    app = _app("K", "공동주택", "")
    app["세부용도"] = "아파트"
    del app["use_detail"]
    result = _run([app], zoning)
    assert _one(result, "K", "use")["status"] == FAIL


@pytest.mark.parametrize(
    ("pnu", "kind"), [("4157035026100010000", "면"), ("4157025021100010000", "읍"), ("4157010600100010000", "동")]
)
def test_township_of_a_pnu_from_the_legal_dong_table(pnu, kind):
    assert township_of_pnu(pnu)[0] == kind


def test_slope_limits_follow_the_land_use_class():
    zones = load_rules().zones
    for code in ("UQA420", "UQC001", "UQA410", "UQB300", "UQD001"):  # 보전 용도 (국토계획법 §58③3)
        assert zones[code].effective("slope").value == 11, code
    for code in ("UQA122", "UQA320", "UQA430", "UQB100", "UQB200"):  # 시가화·유보 용도
        assert zones[code].effective("slope").value == 18, code


# ---- refused input (issue #22) ---------------------------------------------------------------


def test_empty_applications_zoning_or_parcels_are_refused():
    zoning = _zones(("UQA122", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    empty = _frame([_app("x")]).iloc[0:0]
    with pytest.raises(InputError, match="신청"):
        check_permits(empty, PARCELS, zoning)
    with pytest.raises(InputError, match="용도지역"):
        check_permits(_frame([_app("x")]), PARCELS, zoning.iloc[0:0])
    apps = pd.DataFrame([{k: v for k, v in _app("x", pnu="4157010100100010000").items() if k != "geometry"}])
    with pytest.raises(InputError, match="지적"):
        check_permits(apps, PARCELS.iloc[0:0], zoning)


def test_degrees_labelled_as_metres_are_refused():
    zoning = _zones(("UQA122", box(126.6, 37.6, 126.7, 37.7)))
    with pytest.raises(InputError, match="경위도"):
        check_permits(_frame([_app("x")]), PARCELS, zoning)


def test_text_in_road_width_is_refused_with_row_and_field():
    zoning = _zones(("UQA122", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    roads = _frame(
        [
            {"width_m": 8.0, "geometry": LineString([(X0, Y0 + 34), (X0 + 9, Y0 + 34)])},
            {"width_m": "넓음", "geometry": LineString([(X0, Y0 + 50), (X0 + 9, Y0 + 50)])},
        ]
    )
    with pytest.raises(InputError, match=r"2번째.*width_m.*넓음"):
        check_permits(_frame([_app("x")]), PARCELS, zoning, OVERLAYS, roads)


def test_self_intersecting_zoning_is_repaired_and_counted():
    bowtie = gpd.GeoSeries.from_wkt(
        [
            f"POLYGON(({X0 - 500} {Y0 - 500}, {X0 + 500} {Y0 + 500}, {X0 + 500} {Y0 - 500}, "
            f"{X0 - 500} {Y0 + 500}, {X0 - 500} {Y0 - 500}))"
        ]
    ).iloc[0]
    zoning = _zones(("UQA122", bowtie))
    result = _run([_app("x")], zoning)
    assert result.repairs == {"zoning_polygons_repaired": 1}


def test_report_page_names_are_distinct_safe_and_short():
    ids = ["2026/001", "2026_001", "2026:001", "가" * 100, "PA-1"]
    names = page_names(ids)
    assert len(set(names.values())) == len(ids)
    assert names["PA-1"] == "PA-1"
    assert all(len(n.encode("utf-8")) < 200 and "/" not in n and ":" not in n for n in names.values())


def test_report_page_shows_the_use_finding_with_its_annex():
    from gimpo_gis_plugin.core.permits.report import application_page, index_page

    zoning = _zones(("UQA121", box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)))
    result = _run([_app("F", "공장", "금속 주조업", building=300, floor_area=300)], zoning)
    row = result.summary.iloc[0]
    page = application_page(row, result.findings, None, result.rules_version)
    assert "불가" in page and "별표 4" in page and "용도 판단" in page
    index = index_page(result.summary, {"F": "F.html"}, result.rules_version)
    assert "별표 4" in index and "검토 필요 (심의·협의)" in index and "검토 필요 (자료 보완)" in index


def test_a_rerun_removes_only_its_own_stale_pages(tmp_path):
    from gimpo_gis_plugin.core.permits.report import replace_manifest

    (tmp_path / "mine.html").write_text("the user's own page")
    assert replace_manifest(tmp_path, {"A.html", "B.html", "index.html"}) == []
    assert sorted(replace_manifest(tmp_path, {"A.html", "index.html"})) == ["B.html"]
    assert (tmp_path / "mine.html").exists()
