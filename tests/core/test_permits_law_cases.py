"""Acceptance: applications whose answer the law fixes, placed in 김포's real 동, 읍 and 면.

A second, independent reading of 국토계획법 시행령 별표 2–22 and 건축법 시행령 별표 1 (see the sources at
the top of resources/rules/use_in_zone.csv): at least three cases per 용도지역, each testing one thing —
the use, the 4층 rule, a floor-area bound of 별표 1 or of the 별표 itself, a 세부용도 — with every other
criterion clearly passing (a 10 m road along the long side, a flat DEM, no overlay near, 건폐율 10 %).
허용 → 허가 가능, 불허 → 불가, 조례로 정하는 경우 with no 김포 answer → 검토 필요. A wrong 허가 가능 is the
worst error and fails the run first. Skips cleanly when ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from gimpo_gis_plugin.core.permits import check_permits

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
if not (DATA / "hangjeongdong_gimpo_2021.geojson").is_file():
    DATA = Path("/work/shared/data")
pytestmark = pytest.mark.skipif(
    not (DATA / "hangjeongdong_gimpo_2021.geojson").is_file(), reason="../shared/data is not available"
)
CRS = "EPSG:5186"
P, F, R = "허가 가능", "불가", "검토 필요"
COVERAGE = 10.0  # % — inside every zone's 건폐율, so one floor adds 10 % to the 용적률
# 행정동 → a 법정동 (리 for 읍·면) inside it, for the PNU prefix (legal_dong_codes_2020.csv).
LEGAL_DONG = {
    "김포본동": "4157010100",
    "장기본동": "4157010400",
    "사우동": "4157010600",
    "풍무동": "4157010700",
    "장기동": "4157010400",
    "운양동": "4157010300",
    "구래동": "4157010900",
    "마산동": "4157010800",
    "통진읍": "4157025022",
    "고촌읍": "4157025324",
    "양촌읍": "4157025622",
    "대곶면": "4157034021",
    "월곶면": "4157035026",
    "하성면": "4157036021",
}

# (id, 행정동, zone, use, 세부용도, floors, 해당 용도 바닥면적 ㎡ or None (= 지상 연면적), expected, what it tests)
CASES = [
    # 별표 2 제1종전용주거 (원문 대조)
    ("L001", "사우동", "UQA111", "단독주택", "", 2, None, P, "1호 가목"),
    ("L002", "사우동", "UQA111", "공동주택", "아파트", 5, None, F, "아파트 없음"),
    ("L003", "사우동", "UQA111", "제1종근린생활시설", "", 2, 600, P, "1호 나목 1천㎡ 미만"),
    ("L004", "사우동", "UQA111", "제1종근린생활시설", "", 2, 1000, F, "1천㎡ 미만만 (1천㎡는 아님)"),
    ("L005", "사우동", "UQA111", "단독주택", "다가구주택", 3, None, R, "2호 가목 조례"),
    ("L006", "사우동", "UQA111", "문화및집회시설", "박물관", 2, 800, R, "2호 마목 조례"),
    ("L007", "사우동", "UQA111", "문화및집회시설", "박물관", 2, 1200, F, "2호 마목도 1천㎡ 미만만"),
    ("L008", "사우동", "UQA111", "업무시설", "", 2, None, F, "열거되지 않음"),
    ("L009", "사우동", "UQA111", "제1종근린생활시설", "체육도장", 2, 800, F, "별표 1: 500㎡ 이상은 운동시설"),
    # 별표 3 제2종전용주거
    ("L010", "풍무동", "UQA112", "공동주택", "아파트", 7, None, P, "1호: 공동주택"),
    ("L011", "풍무동", "UQA112", "위락시설", "", 2, None, F, "열거되지 않음"),
    ("L012", "풍무동", "UQA112", "제2종근린생활시설", "일반음식점", 2, None, F, "종교집회장 외 2종근생 없음"),
    ("L013", "풍무동", "UQA112", "노유자시설", "", 2, None, R, "2호 조례"),
    # 별표 4 제1종일반주거 (4층 이하)
    ("L014", "장기동", "UQA121", "공동주택", "다세대주택", 4, None, P, "1호 나목"),
    ("L015", "장기동", "UQA121", "공동주택", "연립주택", 5, None, F, "4층 이하"),
    ("L016", "장기동", "UQA121", "공동주택", "아파트", 4, None, F, "아파트 제외"),
    ("L017", "장기동", "UQA121", "공장", "금속주조업", 2, None, F, "2호 공장 목록에 없음"),
    ("L018", "장기동", "UQA121", "공장", "인쇄업", 2, None, R, "2호 공장 목록: 조례"),
    ("L019", "장기동", "UQA121", "숙박시설", "", 3, None, F, "주거지역 숙박 없음"),
    ("L020", "장기동", "UQA121", "제2종근린생활시설", "안마시술소", 2, None, F, "2호 가목이 제외"),
    ("L021", "장기동", "UQA121", "제1종근린생활시설", "", 3, None, P, "1호 다목"),
    ("L022", "장기동", "UQA121", "단독주택", "", 5, None, F, "4층 이하"),
    # 별표 5 제2종일반주거
    ("L023", "구래동", "UQA122", "공동주택", "아파트", 15, None, P, "1호 나목"),
    ("L024", "구래동", "UQA122", "위락시설", "", 3, None, F, "주거지역 위락 없음"),
    ("L025", "구래동", "UQA122", "종교시설", "", 3, None, P, "1호 라목"),
    ("L026", "구래동", "UQA122", "제2종근린생활시설", "단란주점", 2, 100, F, "2호 가목이 제외"),
    ("L027", "구래동", "UQA122", "판매시설", "", 3, 6000, F, "2호 라목 범위 밖"),
    ("L028", "구래동", "UQA122", "제2종근린생활시설", "단란주점", 2, 200, F, "150㎡ 이상은 위락시설"),
    # 별표 6 제3종일반주거
    ("L029", "운양동", "UQA123", "공동주택", "아파트", 20, None, P, "1호 나목"),
    ("L030", "운양동", "UQA123", "숙박시설", "", 5, None, F, "주거지역 숙박 없음"),
    ("L031", "운양동", "UQA123", "위락시설", "", 3, None, F, "주거지역 위락 없음"),
    ("L032", "운양동", "UQA123", "제2종근린생활시설", "일반음식점", 2, None, R, "2호 가목 조례"),
    # 별표 7 준주거 (건축할 수 없는 건축물)
    ("L033", "마산동", "UQA130", "공동주택", "아파트", 15, None, P, "열거되지 않음"),
    ("L034", "마산동", "UQA130", "위락시설", "", 3, None, F, "1호"),
    ("L035", "마산동", "UQA130", "제2종근린생활시설", "단란주점", 2, 100, F, "1호 가목"),
    ("L036", "마산동", "UQA130", "의료시설", "격리병원", 3, None, F, "1호 나목"),
    ("L037", "마산동", "UQA130", "자원순환관련시설", "", 1, None, F, "1호"),
    # 별표 8 중심상업
    ("L038", "김포본동", "UQA210", "판매시설", "", 8, None, P, "열거되지 않음"),
    ("L039", "김포본동", "UQA210", "업무시설", "", 10, None, P, "열거되지 않음"),
    ("L040", "김포본동", "UQA210", "자원순환관련시설", "", 1, None, F, "1호"),
    # 별표 9 일반상업
    ("L041", "장기본동", "UQA220", "업무시설", "", 10, None, P, "열거되지 않음"),
    ("L042", "장기본동", "UQA220", "묘지관련시설", "", 1, None, F, "1호"),
    ("L043", "장기본동", "UQA220", "판매시설", "", 6, None, P, "열거되지 않음"),
    # 별표 10 근린상업
    ("L044", "풍무동", "UQA230", "제1종근린생활시설", "", 3, None, P, "열거되지 않음"),
    ("L045", "풍무동", "UQA230", "자원순환관련시설", "", 1, None, F, "1호"),
    ("L046", "풍무동", "UQA230", "업무시설", "", 5, None, P, "열거되지 않음"),
    # 별표 11 유통상업
    ("L047", "구래동", "UQA240", "판매시설", "", 5, None, P, "열거되지 않음"),
    ("L048", "구래동", "UQA240", "단독주택", "", 2, None, F, "1호"),
    ("L049", "구래동", "UQA240", "공동주택", "아파트", 15, None, F, "1호"),
    # 별표 12 전용공업
    ("L050", "마산동", "UQA310", "공장", "", 3, None, P, "1호"),
    ("L051", "마산동", "UQA310", "단독주택", "", 2, None, F, "열거되지 않음"),
    ("L052", "마산동", "UQA310", "위락시설", "", 2, None, F, "열거되지 않음"),
    # 별표 13 일반공업
    ("L053", "양촌읍", "UQA320", "공장", "금속주조업", 3, None, P, "1호"),
    ("L054", "양촌읍", "UQA320", "위락시설", "", 3, None, F, "열거되지 않음"),
    ("L055", "양촌읍", "UQA320", "창고시설", "", 2, None, P, "1호"),
    # 별표 14 준공업
    ("L056", "고촌읍", "UQA330", "창고시설", "", 2, None, P, "열거되지 않음"),
    ("L057", "고촌읍", "UQA330", "업무시설", "", 6, None, P, "열거되지 않음"),
    ("L058", "고촌읍", "UQA330", "공동주택", "기숙사", 4, None, P, "열거되지 않음"),
    # 별표 15 보전녹지 (4층 이하)
    ("L059", "고촌읍", "UQA410", "교육연구시설", "초등학교", 3, None, P, "1호"),
    ("L060", "고촌읍", "UQA410", "공장", "", 2, None, F, "열거되지 않음"),
    ("L061", "고촌읍", "UQA410", "공동주택", "", 3, None, F, "열거되지 않음"),
    ("L062", "고촌읍", "UQA410", "교육연구시설", "초등학교", 5, None, F, "4층 이하"),
    ("L063", "고촌읍", "UQA410", "단독주택", "", 2, None, R, "2호 조례"),
    # 별표 16 생산녹지 (4층 이하)
    ("L064", "통진읍", "UQA420", "단독주택", "", 2, None, P, "1호"),
    ("L065", "통진읍", "UQA420", "공동주택", "아파트", 4, None, F, "아파트 없음"),
    ("L066", "통진읍", "UQA420", "숙박시설", "", 2, None, F, "열거되지 않음"),
    ("L067", "통진읍", "UQA420", "단독주택", "", 5, None, F, "4층 이하"),
    ("L068", "통진읍", "UQA420", "공동주택", "연립주택", 3, None, R, "2호 조례"),
    # 별표 17 자연녹지 (4층 이하)
    ("L069", "양촌읍", "UQA430", "단독주택", "", 2, None, P, "1호"),
    ("L070", "양촌읍", "UQA430", "공동주택", "아파트", 4, None, F, "아파트 없음"),
    ("L071", "양촌읍", "UQA430", "위락시설", "", 2, None, F, "열거되지 않음"),
    ("L072", "양촌읍", "UQA430", "노유자시설", "", 5, None, F, "4층 이하"),
    ("L073", "양촌읍", "UQA430", "제1종근린생활시설", "", 3, None, P, "1호"),
    ("L074", "양촌읍", "UQA430", "공동주택", "다세대주택", 4, None, R, "2호 조례"),
    # 별표 18 보전관리 (4층 이하, 원문 대조)
    ("L075", "월곶면", "UQB300", "단독주택", "", 2, None, P, "1호 가목"),
    ("L076", "월곶면", "UQB300", "공장", "", 2, None, F, "열거되지 않음"),
    ("L077", "월곶면", "UQB300", "숙박시설", "", 2, None, F, "열거되지 않음"),
    ("L078", "월곶면", "UQB300", "제2종근린생활시설", "일반음식점", 2, None, F, "2호 나목이 자목 제외"),
    ("L079", "월곶면", "UQB300", "제1종근린생활시설", "휴게음식점", 1, 100, F, "2호 가목이 제외"),
    ("L080", "월곶면", "UQB300", "의료시설", "", 2, None, R, "2호 라목 조례"),
    ("L081", "월곶면", "UQB300", "단독주택", "", 5, None, F, "4층 이하"),
    # 별표 19 생산관리 (4층 이하)
    ("L082", "하성면", "UQB200", "단독주택", "", 2, None, P, "1호"),
    ("L083", "하성면", "UQB200", "공동주택", "아파트", 4, None, F, "아파트 없음"),
    ("L084", "하성면", "UQB200", "위락시설", "", 2, None, F, "열거되지 않음"),
    ("L085", "하성면", "UQB200", "숙박시설", "", 2, None, F, "열거되지 않음"),
    ("L086", "하성면", "UQB200", "단독주택", "", 5, None, F, "4층 이하"),
    # 별표 20 계획관리 (건축할 수 없는 건축물, 원문 대조)
    ("L087", "대곶면", "UQB100", "단독주택", "", 2, None, P, "열거되지 않음"),
    ("L088", "대곶면", "UQB100", "공동주택", "아파트", 4, None, F, "1호 나목"),
    ("L089", "대곶면", "UQB100", "업무시설", "", 2, None, F, "1호 바목"),
    ("L090", "대곶면", "UQB100", "위락시설", "", 2, None, F, "1호 아목"),
    ("L091", "대곶면", "UQB100", "단독주택", "", 5, None, F, "1호 가목 4층 초과"),
    ("L092", "대곶면", "UQB100", "제2종근린생활시설", "단란주점", 1, 100, F, "1호 라목(3)"),
    ("L093", "대곶면", "UQB100", "노유자시설", "", 3, None, P, "열거되지 않음"),
    ("L094", "대곶면", "UQB100", "공장", "", 2, None, R, "1호 자목: 계획 수립 여부·업종"),
    ("L095", "대곶면", "UQB100", "공동주택", "연립주택", 3, None, R, "2호 나목 조례"),
    ("L096", "대곶면", "UQB100", "창고시설", "농업용 창고", 1, None, P, "2호 파목이 제외"),
    # 별표 21 농림
    ("L097", "하성면", "UQC001", "단독주택", "농어가주택", 2, None, P, "1호"),
    ("L098", "하성면", "UQC001", "공장", "", 2, None, F, "열거되지 않음"),
    ("L099", "하성면", "UQC001", "공동주택", "", 3, None, F, "열거되지 않음"),
    ("L100", "하성면", "UQC001", "교육연구시설", "초등학교", 3, None, P, "1호"),
    ("L101", "하성면", "UQC001", "숙박시설", "", 2, None, F, "열거되지 않음"),
    # 별표 22 자연환경보전
    ("L102", "월곶면", "UQD001", "교육연구시설", "초등학교", 2, None, P, "1호"),
    ("L103", "월곶면", "UQD001", "공장", "", 1, None, F, "열거되지 않음"),
    ("L104", "월곶면", "UQD001", "단독주택", "농어가주택", 2, None, P, "1호 가목"),
    ("L105", "월곶면", "UQD001", "위락시설", "", 1, None, F, "열거되지 않음"),
    ("L106", "월곶면", "UQD001", "제2종근린생활시설", "일반음식점", 1, None, F, "2호는 종교집회장만"),
    # 별표 14 준공업 again (1호) and 세부용도 / 별표 1 floor-area cases across zones
    ("L107", "고촌읍", "UQA330", "위락시설", "", 2, None, F, "1호"),
    ("L108", "고촌읍", "UQA330", "묘지관련시설", "", 1, None, F, "1호"),
    ("L109", "김포본동", "UQA111", "제1종근린생활시설", "휴게음식점", 2, 350, F, "300㎡ 이상은 2종근생"),
    ("L110", "김포본동", "UQA112", "제1종근린생활시설", "", 3, 1200, F, "1호 다목 1천㎡ 미만"),
    ("L111", "통진읍", "UQA430", "의료시설", "", 2, None, R, "병원급은 1호가 제외: 세부용도 필요"),
    ("L112", "통진읍", "UQA430", "의료시설", "병원", 2, None, R, "2호 조례"),
    ("L113", "통진읍", "UQA430", "공장", "금속주조업", 2, None, F, "2호 공장 목록에 없음"),
    ("L114", "대곶면", "UQB100", "제2종근린생활시설", "학원", 2, 200, P, "열거되지 않음"),
    ("L115", "대곶면", "UQB100", "판매시설", "", 2, None, R, "1호 마목: 계획 수립 여부"),
    ("L116", "풍무동", "UQA122", "제1종근린생활시설", "사무소", 3, 600, R, "500㎡ 이상은 업무시설: 2호 조례"),
    ("L117", "운양동", "UQA121", "아파트", "", 4, None, F, "세부용도를 용도로 씀"),
    ("L118", "운양동", "UQA130", "숙박시설", "", 5, None, F, "1호 다목"),
    ("L119", "양촌읍", "UQA320", "공동주택", "아파트", 10, None, F, "기숙사 외 공동주택 없음"),
    ("L120", "김포본동", "UQA121", "제2종근린생활시설", "", 2, None, R, "2호 가목 조례 (단란주점 제외)"),
    ("L121", "김포본동", "UQA111", "제1종근린생활시설", "지역아동센터", 2, 300, R, "1호 나목이 제외: 2호 다목 조례"),
    ("L122", "김포본동", "UQA111", "제1종근린생활시설", "소매점", 2, 400, P, "1호 나목 1천㎡ 미만"),
]


def _townships() -> dict[str, shapely.Geometry]:
    frame = gpd.read_file(DATA / "hangjeongdong_gimpo_2021.geojson").to_crs(CRS)
    return {str(name).split(" ")[-1]: geom for name, geom in zip(frame["adm_nm"], frame.geometry, strict=True)}


def _free_cells(area: shapely.Geometry, pitch: float = 140.0):
    """40 × 30 m sites on a 140 m grid well inside the township: neighbours' zones and roads never touch."""
    inner = area.buffer(-120)
    minx, miny, maxx, maxy = inner.bounds
    for y in np.arange(miny, maxy, pitch):
        for x in np.arange(minx, maxx, pitch):
            site = box(x, y, x + 40, y + 30)
            if inner.contains(site):
                yield site


def _road_along(site: shapely.Geometry) -> shapely.Geometry:
    x0, y0, x1, _ = site.bounds  # the 40 m south side
    return shapely.buffer(LineString([(x0, y0), (x1, y0)]), 5.0, cap_style="flat")


def _flat_dem(path: Path, bounds) -> Path:
    from osgeo import gdal, osr

    res = 20.0
    minx, miny = np.floor(bounds[0] / res) * res - 400, np.floor(bounds[1] / res) * res - 400
    width, height = int((bounds[2] - minx) / res) + 40, int((bounds[3] - miny) / res) + 40
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), width, height, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
    dataset.SetGeoTransform((minx, res, 0.0, miny + height * res, 0.0, -res))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(5186)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(np.full((height, width), 12.0, dtype=np.float32))
    dataset.FlushCache()
    dataset = None
    return path


def _inputs(tmp_path: Path):
    towns = _townships()
    cells = {name: _free_cells(towns[name]) for name in {case[1] for case in CASES}}
    apps, zones, roads = [], [], []
    for k, (case, town, zone, use, detail, floors, use_area, _, _) in enumerate(CASES):
        site = next(cells[town])
        zones.append({"uq_code": zone, "geometry": shapely.buffer(site, 30, join_style="mitre")})
        roads.append({"width_m": 10.0, "geometry": _road_along(site)})
        floor_area = round(site.area * COVERAGE / 100 * floors, 1)
        apps.append(
            {
                "application_id": case,
                "pnu": f"{LEGAL_DONG[town]}1{2000 + k:04d}0000",
                "permit_kind": "건축허가",
                "proposed_use": use,
                "use_detail": detail,
                "building_area": round(site.area * COVERAGE / 100, 1),
                "floor_area_above": floor_area,
                "use_floor_area": use_area if use_area is not None else np.nan,
                "floors": floors,
                "height": floors * 3.3,
                "geometry": site,
            }
        )
    applications = gpd.GeoDataFrame(apps, geometry="geometry", crs=CRS)
    bounds = applications.total_bounds
    far = box(bounds[0] - 6000, bounds[1] - 6000, bounds[0] - 5990, bounds[1] - 5990)
    overlays = gpd.GeoDataFrame([{"kind": "국가유산 보존지역", "subkind": "", "geometry": far}], crs=CRS)
    parcels = gpd.read_file(DATA / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(CRS, allow_override=True)
    return (
        applications,
        parcels,
        gpd.GeoDataFrame(zones, geometry="geometry", crs=CRS),
        overlays,
        gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS),
        _flat_dem(tmp_path / "flat.tif", bounds),
    )


def test_every_zone_has_three_law_cases_with_a_grant_and_a_refusal():
    by_zone: dict[str, set[str]] = {}
    for case in CASES:
        by_zone.setdefault(case[2], set()).add(case[7])
    assert len(by_zone) == 21
    for zone, verdicts in by_zone.items():
        assert sum(c[2] == zone for c in CASES) >= 3 and {P, F} <= verdicts, zone


def test_law_cases_in_gimpo(tmp_path):
    result = check_permits(*_inputs(tmp_path))
    summary = result.summary.set_index("application_id")
    got = summary["verdict_ko"].to_dict()
    wrong = {c[0]: (c[7], got[c[0]], c[2], c[3], c[4], c[8]) for c in CASES if got[c[0]] != c[7]}
    wrongly_granted = [c for c, w in wrong.items() if w[1] == P]
    print(f"\n{len(CASES) - len(wrong)} of {len(CASES)} right; wrongly 허가 가능: {len(wrongly_granted)}")
    for case, (want, have, zone, use, detail, why) in wrong.items():
        print(f"  {case} {zone} {use}/{detail or '-'} ({why}): want {want}, got {have}")
    assert not wrongly_granted, {c: summary.at[c, "reasons"][:300] for c in wrongly_granted}
    assert not wrong, {c: summary.at[c, "reasons"][:300] for c in wrong}
    granted = summary[summary["verdict_ko"] == P]
    assert granted["use_basis"].str.contains("별표").all()
