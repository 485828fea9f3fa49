"""Applications placed in 김포's real 동, 읍 and 면 (행정동 boundaries, the real 월곶면 parcels and the
법정동 table in ../shared/data), each with one criterion under test and everything else clearly
passing (a wide road along the site, a flat DEM, no overlay on the site, ratios well inside). The
expected verdict is the one the law fixes; the run must get every one right and must never say
허가 가능 where the law forbids. Skips cleanly when the shared data folder is absent."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
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
# A 법정동 of each township used (its PNU prefix; 리 for 읍·면).
LEGAL_DONG = {
    "사우동": "4157010600",
    "풍무동": "4157010700",
    "장기동": "4157010400",
    "운양동": "4157010300",
    "구래동": "4157010900",
    "마산동": "4157010800",
    "통진읍": "4157025021",
    "고촌읍": "4157025322",
    "양촌읍": "4157025621",
    "대곶면": "4157034021",
    "하성면": "4157036021",
    "월곶면": "4157035026",
}

# (id, township or "parcel", zone(s), use, 세부용도, floors, coverage %, FAR %, road, slope °, expected, criterion)
# zone "A/B" = a site split in two parts: A 900 m² and B 300 m² ("A|B" = 600 / 600).
CASES = [
    ("U01", "사우동", "UQA121", "공장", "금속 주조업", 2, 40, 80, True, 0, F, "use"),
    ("U02", "사우동", "UQA111", "공장", "", 1, 40, 40, True, 0, F, "use"),
    ("U03", "풍무동", "UQA112", "공장", "인쇄업", 2, 40, 80, True, 0, F, "use"),
    ("U04", "장기동", "UQA122", "위락시설", "", 3, 40, 120, True, 0, F, "use"),
    ("U05", "장기동", "UQA123", "숙박시설", "", 5, 40, 200, True, 0, F, "use"),
    ("U06", "운양동", "UQA121", "공동주택", "아파트", 4, 40, 160, True, 0, F, "use"),
    ("U07", "통진읍", "UQA430", "공동주택", "아파트", 4, 15, 60, True, 0, F, "use"),
    ("U08", "parcel", "UQB100", "아파트", "", 4, 30, 90, True, 0, F, "use"),
    ("U09", "하성면", "UQD001", "공장", "", 1, 15, 15, True, 0, F, "use"),
    ("U10", "사우동", "UQA121", "단독주택", "", 5, 30, 150, True, 0, F, "floors"),
    ("U11", "양촌읍", "UQA430", "단독주택", "", 5, 15, 75, True, 0, F, "floors"),
    ("U12", "parcel", "UQB100", "제1종근린생활시설", "", 5, 15, 75, True, 0, F, "floors"),
    ("U13", "구래동", "UQA122", "공동주택", "아파트", 15, 30, 200, True, 0, P, "use"),
    ("U14", "사우동", "UQA121", "공동주택", "다세대주택", 4, 50, 180, True, 0, P, "use"),
    ("U15", "고촌읍", "UQA430", "단독주택", "", 2, 15, 30, True, 0, P, "use"),
    ("U16", "마산동", "UQA320", "공장", "금속주조업", 2, 50, 100, True, 0, P, "use"),
    ("U17", "구래동", "UQA330", "공장", "", 3, 50, 150, True, 0, P, "use"),
    ("U18", "운양동", "UQA130", "위락시설", "", 3, 50, 150, True, 0, F, "use"),
    ("U19", "장기동", "UQA220", "묘지관련시설", "", 1, 20, 20, True, 0, F, "use"),
    ("U20", "사우동", "UQA122", "공장", "인쇄업", 2, 40, 80, True, 0, R, "use (조례)"),
    ("U21", "사우동", "UQA121", "공동주택", "", 3, 40, 120, True, 0, R, "use (세부용도 없음)"),
    ("U22", "운양동", "UQA130", "제2종근린생활시설", "단란주점", 2, 40, 80, True, 0, F, "use"),
    ("U23", "장기동", "UQA220", "제2종근린생활시설", "단란주점", 1, 10, 10, True, 0, P, "use (120 ㎡ < 150 ㎡)"),
    (
        "U25",
        "장기동",
        "UQA220",
        "제2종근린생활시설",
        "단란주점",
        2,
        40,
        80,
        True,
        0,
        R,
        "use (960 ㎡: 위락시설, 주거지역 거리)",
    ),
    ("U24", "사우동", "UQA111", "제1종근린생활시설", "", 2, 50, 100, True, 0, F, "use (1천㎡ 미만)"),
    ("A01", "parcel", "UQB100", "단독주택", "", 2, 20, 40, False, 0, P, "§3② (면, 비도시)"),
    ("A02", "대곶면", "UQC001", "단독주택", "농어가주택", 2, 15, 30, False, 0, P, "§3② (면, 비도시)"),
    ("A03", "하성면", "UQB200", "창고시설", "농업용 창고", 1, 15, 15, False, 0, P, "§3② (면, 비도시)"),
    ("A04", "parcel", "UQB300", "단독주택", "", 2, 15, 30, False, 0, P, "§3② (면, 비도시)"),
    ("A05", "사우동", "UQA122", "단독주택", "", 2, 40, 80, False, 0, F, "§44 (동)"),
    ("A06", "통진읍", "UQB100", "단독주택", "", 2, 20, 40, False, 0, F, "§44 (읍)"),
    ("A07", "parcel", "UQA430", "단독주택", "", 2, 15, 30, False, 0, F, "§44 (면이지만 도시지역)"),
    ("A08", "하성면", "UQB100", "제1종근린생활시설", "", 2, 20, 40, False, 0, R, "진입도로 (확인 필요)"),
    ("A09", "대곶면", "UQB100", "단독주택", "다가구주택", 3, 20, 60, False, 0, R, "진입도로: 다가구는 예외 아님"),
    (
        "A10",
        "parcel",
        "UQB200",
        "동물및식물관련시설",
        "축사",
        1,
        15,
        15,
        False,
        0,
        R,
        "축사: 진입도로 예외, 용도는 조례",
    ),
    ("C01", "사우동", "UQA122", "단독주택", "", 2, 65, 130, True, 0, F, "coverage"),
    ("C02", "장기동", "UQA123", "공동주택", "아파트", 10, 40, 320, True, 0, F, "far"),
    ("C03", "구래동", "UQA122", "단독주택", "", 2, 55, 110, True, 0, P, "coverage"),
    ("S01", "고촌읍", "UQA430", "단독주택", "", 2, 15, 30, True, 20, R, "slope (심의)"),
    ("S02", "parcel", "UQA420", "단독주택", "", 2, 15, 30, True, 14, R, "slope (생산녹지 11°)"),
    ("S03", "양촌읍", "UQB100", "단독주택", "", 2, 20, 40, True, 14, P, "slope (계획관리 18°)"),
    ("S04", "대곶면", "UQC001", "단독주택", "농어가주택", 2, 15, 30, True, 14, R, "slope (농림 11°)"),
    ("Z01", "사우동", "UQA123/UQA111", "공동주택", "아파트", 5, 40, 200, True, 0, P, "§84① use of the larger part"),
    ("Z02", "풍무동", "UQA122|UQA123", "단독주택", "", 2, 20, 40, True, 0, P, "§84 fits each part"),
    ("Z03", "풍무동", "UQA123|UQA111", "공장", "금속주조업", 2, 20, 40, True, 0, F, "use forbidden in both parts"),
]


def _townships() -> dict[str, shapely.Geometry]:
    frame = gpd.read_file(DATA / "hangjeongdong_gimpo_2021.geojson").to_crs(CRS)
    return {str(n).split(" ")[-1]: g for n, g in zip(frame["adm_nm"], frame.geometry, strict=True)}


def _parcels() -> gpd.GeoDataFrame:
    frame = gpd.read_file(DATA / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(CRS, allow_override=True)
    area = frame.geometry.area
    compact = area / frame.geometry.convex_hull.area
    keep = (area > 600) & (area < 1500) & (compact > 0.97) & (frame["PNU"].str[10] == "1")
    return frame[keep].sort_values("PNU").reset_index(drop=True)


def _square_in(area: shapely.Geometry, k: int, taken: list) -> shapely.Geometry:
    """A 40 x 30 m site well inside ``area``, at least 100 m from every site placed before."""
    inner = area.buffer(-150)
    centre = shapely.point_on_surface(inner)
    for step in range(200):
        angle, radius = step * 2.4, 120.0 * (1 + (k * 7 + step) % 25)
        x, y = centre.x + radius * np.cos(angle), centre.y + radius * np.sin(angle)
        site = box(x, y, x + 40, y + 30)
        if inner.contains(site) and all(site.distance(t) > 100 for t in taken):
            taken.append(site)
            return site
    raise AssertionError("no room for a site")


def _longest_edge(site: shapely.Geometry) -> LineString:
    coords = np.asarray(site.exterior.coords)
    lengths = np.hypot(*(coords[1:] - coords[:-1]).T)
    i = int(np.argmax(lengths))
    return LineString([coords[i], coords[i + 1]])


def _write_dem(path: Path, bounds, slopes: list[tuple[shapely.Geometry, float]]) -> Path:
    from osgeo import gdal, osr

    res = 10.0
    minx, miny = np.floor(bounds[0] / res) * res - 200, np.floor(bounds[1] / res) * res - 200
    width, height = int((bounds[2] - minx) / res) + 40, int((bounds[3] - miny) / res) + 40
    top = miny + height * res
    z = np.zeros((height, width), dtype=np.float32)
    xs = minx + (np.arange(width) + 0.5) * res
    for site, degrees in slopes:
        x0, y0, x1, y1 = site.bounds
        c0, c1 = int((x0 - 80 - minx) / res), int((x1 + 80 - minx) / res)
        r0, r1 = int((top - y1 - 80) / res), int((top - y0 + 80) / res)
        z[r0:r1, c0:c1] = (np.tan(np.radians(degrees)) * (xs[c0:c1] - xs[c0]))[None, :]
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), width, height, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
    dataset.SetGeoTransform((minx, res, 0.0, top, 0.0, -res))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(5186)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(z)
    dataset.FlushCache()
    dataset = None
    return path


def _build(tmp_path: Path):
    towns, parcels = _townships(), _parcels()
    apps, zones, roads, slopes = [], [], [], []
    used_parcel, taken = 0, []
    for k, (case, where, zone, use, detail, floors, cov, far, road, slope, _, _) in enumerate(CASES):
        if where == "parcel":
            row = parcels.iloc[used_parcel * 7]
            used_parcel += 1
            while any(row.geometry.distance(t) < 100 for t in taken):
                used_parcel += 1
                row = parcels.iloc[used_parcel * 7]
            site, pnu = row.geometry, row["PNU"]
            taken.append(site)
        else:
            site = _square_in(towns[where], k, taken)
            pnu = f"{LEGAL_DONG[where]}1{1000 + k:04d}0000"
        area = site.area
        minx, miny, maxx, maxy = site.bounds
        if "/" in zone or "|" in zone:
            a, b = zone.replace("|", "/").split("/")
            split = minx + (0.75 if "/" in zone else 0.5) * (maxx - minx)
            zones += [
                {"uq_code": a, "geometry": box(minx - 30, miny - 30, split, maxy + 30)},
                {"uq_code": b, "geometry": box(split, miny - 30, maxx + 30, maxy + 30)},
            ]
        else:
            zones.append({"uq_code": zone, "geometry": shapely.buffer(site, 30)})
        if road:
            roads.append({"width_m": 10.0, "geometry": shapely.buffer(_longest_edge(site), 5.0, cap_style="flat")})
        if slope:
            slopes.append((site, slope))
        apps.append(
            {
                "application_id": case,
                "pnu": pnu,
                "permit_kind": "건축허가",
                "proposed_use": use,
                "use_detail": detail,
                "building_area": round(area * cov / 100, 1),
                "floor_area_above": round(area * far / 100, 1),
                "floors": floors,
                "height": floors * 3.3,
                "geometry": site,
            }
        )
    applications = gpd.GeoDataFrame(apps, geometry="geometry", crs=CRS)
    bounds = applications.total_bounds
    far_away = box(bounds[0] - 5000, bounds[1] - 5000, bounds[0] - 4990, bounds[1] - 4990)
    overlays = gpd.GeoDataFrame([{"kind": "국가유산 보존지역", "subkind": "", "geometry": far_away}], crs=CRS)
    roads.append({"width_m": 10.0, "geometry": far_away})  # so a layer exists even with no road near a site
    return (
        applications,
        gpd.GeoDataFrame(zones, geometry="geometry", crs=CRS),
        gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS),
        overlays,
        _write_dem(tmp_path / "dem.tif", bounds, slopes),
        parcels,
    )


def test_cases_in_gimpo_get_the_verdict_the_law_fixes(tmp_path):
    applications, zoning, roads, overlays, dem, parcels = _build(tmp_path)
    result = check_permits(applications, parcels, zoning, overlays, roads, dem)
    got = dict(zip(result.summary["application_id"], result.summary["verdict_ko"], strict=True))
    expected = {case[0]: case[10] for case in CASES}
    wrong = {c: (expected[c], got[c]) for c in expected if got[c] != expected[c]}
    wrongly_permitted = [c for c, (want, have) in wrong.items() if have == P]
    reasons = result.summary.set_index("application_id")["reasons"]
    print(f"\n{len(expected) - len(wrong)} of {len(expected)} right; wrongly 허가 가능: {len(wrongly_permitted)}")
    assert not wrongly_permitted, {c: reasons[c] for c in wrongly_permitted}
    assert not wrong, {c: (*wrong[c], reasons[c][:400]) for c in wrong}
    # a permitted application lists what it passed, with the 별표 of its use
    permitted = result.summary[result.summary["verdict_ko"] == P]
    assert permitted["reasons"].str.startswith("적합").all() and permitted["use_basis"].str.contains("별표").all()
    assert pd.notna(result.summary["use_status"]).all()
