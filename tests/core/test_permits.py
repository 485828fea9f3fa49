"""Permit checks on synthetic sites with known answers: §84 small-part rule, road frontage, overlays,
slope, and every kind of bad input ending in an explicit finding."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from gimpo_gis_plugin.core.errors import InputError, MissingColumnsError
from gimpo_gis_plugin.core.permits import check_permits, load_rules
from gimpo_gis_plugin.core.permits.rules import load_zoning_rules
from gimpo_gis_plugin.core.permits.slope import horn_slope
from gimpo_gis_plugin.core.sample_city.extensions.planning import dem_elevation, write_dem

CRS = "EPSG:5186"
X0, Y0 = 180_000.0, 560_000.0


def _frame(records: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)


def _zoning(split_x: float) -> gpd.GeoDataFrame:
    """UQA122 west of split_x, UQA123 east of it, a broad 도시지역 under both."""
    return _frame(
        [
            {"uq_code": "UQA001", "geometry": box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)},
            {"uq_code": "UQA122", "geometry": box(X0 - 500, Y0 - 500, split_x, Y0 + 500)},
            {"uq_code": "UQA123", "geometry": box(split_x, Y0 - 500, X0 + 500, Y0 + 500)},
        ]
    )


def _roads() -> gpd.GeoDataFrame:
    # An 8 m road whose south edge is y = Y0 + 30 + 0 (centre 4 m north of the lots' north side).
    return _frame([{"width_m": 8.0, "geometry": LineString([(X0 - 400, Y0 + 34), (X0 + 400, Y0 + 34)])}])


def _application(app_id: str, site, building: float, floor_area: float, **extra) -> dict:
    row = {
        "application_id": app_id,
        "pnu": "",
        "permit_kind": "건축허가",
        "proposed_use": "단독주택",
        "building_area": building,
        "floor_area_above": floor_area,
        "floors": 2,
        "height": 8.0,
        "geometry": site,
    }
    row.update(extra)
    return row


def _check(applications: list[dict], zoning=None, roads=None, overlays=None, dem=None, parcels=None):
    parcels = parcels if parcels is not None else _frame([{"PNU": "4157010100100010000", "geometry": box(0, 0, 1, 1)}])
    return check_permits(
        _frame(applications),
        parcels,
        zoning if zoning is not None else _zoning(X0 + 30),
        overlays,
        roads if roads is not None else _roads(),
        dem,
    )


def _finding(result, app_id: str, check: str) -> pd.Series:
    rows = result.findings[(result.findings["application_id"] == app_id) & (result.findings["check"] == check)]
    assert len(rows) >= 1, f"no {check} finding for {app_id}"
    return rows.iloc[0]


# A 40 x 30 m lot (1,200 m²) touching the road along its 40 m north side.
SITE = box(X0, Y0, X0 + 40, Y0 + 30)


def test_small_part_under_330_gives_weighted_limits():
    # split at X0 + 30: UQA122 900 m² (75%), UQA123 300 m² (25%) -> coverage 0.75*60 + 0.25*50 = 57.5%
    result = _check([_application("A", SITE, 0.57 * 1200, 1000), _application("B", SITE, 0.58 * 1200, 1000)])
    a, b = _finding(result, "A", "coverage"), _finding(result, "B", "coverage")
    assert a["limit"] == pytest.approx(57.5) and a["status"] == "pass"
    assert b["status"] == "fail" and "§84" in b["legal_basis"]
    far = _finding(result, "A", "far")
    assert far["limit"] == pytest.approx(0.75 * 230 + 0.25 * 250)  # 김포 조례 values (to be confirmed) decide
    zone = _finding(result, "A", "zone")
    assert "UQA122" in zone["detail"] and "75.0%" in zone["detail"] and "UQA001" not in zone["detail"]


def test_small_part_over_330_keeps_each_parts_rules():
    # split at X0 + 28: the smaller part is 12 x 30 = 360 m² > 330 m²: separate rules, site plan needed
    result = _check([_application("A", SITE, 0.5 * 1200, 1000)], zoning=_zoning(X0 + 28))
    coverage = _finding(result, "A", "coverage")
    assert coverage["status"] == "needs_review"
    assert "each part keeps its own rules" in coverage["detail"]
    assert coverage["limit"] == pytest.approx((840 * 60 + 360 * 50) / 1200)
    over = _check([_application("B", SITE, 0.6 * 1200, 1000)], zoning=_zoning(X0 + 28))
    assert _finding(over, "B", "coverage")["status"] == "fail"  # above even the site-wide bound


def test_flag_lot_frontage_of_1_9_m_fails_and_2_1_m_passes():
    def flag(pole: float) -> Polygon:
        body = box(X0, Y0, X0 + 20, Y0 + 20)
        return shapely.union(body, box(X0, Y0 + 20, X0 + pole, Y0 + 30))  # the pole reaches the road edge

    result = _check([_application("narrow", flag(1.9), 100, 150), _application("wide", flag(2.1), 100, 150)])
    narrow, wide = _finding(result, "narrow", "access"), _finding(result, "wide", "access")
    assert narrow["measured"] == pytest.approx(1.9, abs=0.01) and narrow["status"] == "fail"
    assert wide["measured"] == pytest.approx(2.1, abs=0.01) and wide["status"] == "pass"
    assert "§44" in wide["legal_basis"]


def test_large_building_needs_6_m_road_along_4_m():
    result = _check(
        [_application("big", SITE, 500, 2500)],
        roads=_frame([{"width_m": 5.0, "geometry": LineString([(X0 - 400, Y0 + 32.5), (X0 + 400, Y0 + 32.5)])}]),
    )
    access = _finding(result, "big", "access")
    assert access["status"] == "fail" and "너비 6 m 이상" in access["detail"] and "28" in access["legal_basis"]


def test_unknown_zone_code_is_an_explicit_finding():
    zoning = _frame([{"uq_code": "UQA124", "geometry": box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)}])
    result = _check([_application("A", SITE, 200, 300)], zoning=zoning)
    zone = result.findings[(result.findings["check"] == "zone") & (result.findings["item"] == "UQA124")]
    assert len(zone) == 1 and zone.iloc[0]["status"] == "insufficient"
    assert result.summary.iloc[0]["verdict"] == "insufficient_data"
    assert _finding(result, "A", "coverage")["status"] == "insufficient"


def test_site_outside_every_zone_and_unknown_pnu():
    parcels = _frame([{"PNU": "4157010100100010000", "geometry": box(X0 + 2000, Y0, X0 + 2030, Y0 + 30)}])
    result = _check(
        [
            _application("outside", None, 100, 150, pnu="4157010100100010000"),
            _application("nopnu", None, 100, 150, pnu="4157010100199990000"),
        ],
        parcels=parcels,
    )
    assert _finding(result, "outside", "zone")["detail"].startswith("대지가 어느 용도지역")
    assert "not in the parcel layer" in _finding(result, "nopnu", "site")["detail"]
    assert set(result.summary["verdict"]) == {"insufficient_data"}
    assert len(result.summary) == 2  # every application ends in the summary


def test_missing_dem_skips_slope_and_says_so():
    result = _check([_application("A", SITE, 200, 300)])
    slope = _finding(result, "A", "slope")
    assert slope["status"] == "needs_review" and "NOT checked" in slope["detail"]
    assert result.summary.iloc[0]["verdict"] == "conditional"


def test_invalid_polygon_is_reported_and_repaired():
    bowtie = Polygon([(X0, Y0), (X0 + 40, Y0 + 30), (X0 + 40, Y0), (X0, Y0 + 30)])
    result = _check([_application("A", bowtie, 100, 150)])
    site = _finding(result, "A", "site")
    assert site["status"] == "insufficient" and "invalid" in site["detail"] and "Self-intersection" in site["detail"]
    assert result.summary.iloc[0]["site_area_m2"] == pytest.approx(600.0)


@pytest.mark.parametrize(
    ("building", "floor_area", "field", "phrase"),
    [
        (0.0, 150.0, "building_area", "more than zero"),
        (100.0, -5.0, "floor_area_above", "more than zero"),
        (100.0, 60.0, "floor_area_above", "less than the building area"),
        (np.nan, 150.0, "building_area", "missing"),
    ],
)
def test_bad_figures_give_insufficient_data(building, floor_area, field, phrase):
    result = _check([_application("A", SITE, building, floor_area)])
    found = result.findings[(result.findings["check"] == "input") & (result.findings["item"] == field)]
    assert len(found) == 1 and phrase in found.iloc[0]["detail"]
    assert result.summary.iloc[0]["verdict"] == "insufficient_data"


def test_overlays_height_limit_and_prohibition():
    overlays = _frame(
        [
            {
                "kind": "비행안전구역",
                "subkind": "제5구역",
                "name": "test",
                "max_height_m": 10.0,
                "geometry": SITE.buffer(5),
            },
            {
                "kind": "개발제한구역",
                "subkind": "",
                "name": "gb",
                "max_height_m": None,
                "geometry": box(X0 + 30, Y0 - 10, X0 + 60, Y0 + 40),
            },
        ]
    )
    result = _check(
        [_application("low", SITE, 200, 300), _application("tall", SITE, 200, 300, height=12.0)], overlays=overlays
    )
    rows = result.findings[result.findings["check"] == "overlay"]
    tall = rows[(rows["application_id"] == "tall") & rows["item"].str.startswith("비행")].iloc[0]
    low = rows[(rows["application_id"] == "low") & rows["item"].str.startswith("비행")].iloc[0]
    assert tall["status"] == "fail" and tall["limit"] == 10.0 and low["status"] == "needs_review"
    gb = rows[(rows["application_id"] == "low") & (rows["item"] == "개발제한구역")].iloc[0]
    assert gb["status"] == "fail" and gb["measured"] == pytest.approx(25.0)  # 10 of 40 m width
    assert set(result.summary["verdict"]) == {"not_permitted"}


def test_permitted_when_everything_passes(tmp_path):
    dem = write_dem(tmp_path, (X0 - 100, Y0 - 100, X0 + 100, Y0 + 100))
    far_away = _frame([{"kind": "개발제한구역", "subkind": "", "geometry": box(X0 + 300, Y0, X0 + 400, Y0 + 100)}])
    result = _check([_application("A", SITE, 300, 500)], dem=dem, overlays=far_away)
    assert result.summary.iloc[0]["verdict"] == "permitted", result.findings.to_string()
    assert _finding(result, "A", "slope")["status"] == "pass"


def test_horn_slope_of_a_plane():
    angle = 12.0
    xs = np.arange(20) * 5.0
    z = np.tile(xs * np.tan(np.radians(angle)), (10, 1))
    slope = horn_slope(z, 5.0, 5.0)
    assert np.isnan(slope[0]).all() and np.isnan(slope[:, 0]).all()
    assert np.allclose(slope[1:-1, 1:-1], angle)


def test_dem_has_munsusan_high_and_the_plain_low():
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(126.536, 37.717)
    assert dem_elevation(np.array([x]), np.array([y]))[0] > 300
    assert dem_elevation(np.array([X0]), np.array([Y0]))[0] < 30


def _rules_csv(tmp_path, drop: str | None = None, duplicate: str | None = None):
    from gimpo_gis_plugin.core.paths import resource

    lines = resource("rules", "zoning_limits.csv").read_text(encoding="utf-8").splitlines()
    if drop:
        lines = [line for line in lines if not (f",{drop}," in line and ",coverage,national," in line)]
    if duplicate:
        lines.append(next(line for line in lines if f",{duplicate}," in line and ",far,national," in line))
    path = tmp_path / "zoning_limits.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rules_table_with_missing_coverage_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"zone UQA122 .* has no national coverage limit"):
        load_zoning_rules(_rules_csv(tmp_path, drop="UQA122"))


def test_rules_table_with_duplicated_code_names_both_rows(tmp_path):
    with pytest.raises(InputError, match=r"UQA430 has its far \(national\) limit twice, rows \d+ and \d+"):
        load_zoning_rules(_rules_csv(tmp_path, duplicate="UQA430"))


def test_rules_table_without_a_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("version,code,limit\n2026.1,UQA122,coverage\n", encoding="utf-8")
    with pytest.raises(MissingColumnsError, match="lacks the column"):
        load_zoning_rules(path)


def test_bundled_rules_hold_the_national_bounds():
    rules = load_rules()
    expected = {"UQA111": (50, 100), "UQA123": (50, 300), "UQA210": (90, 1500), "UQB100": (40, 100), "UQD001": (20, 80)}
    for code, (coverage, far) in expected.items():
        assert rules.zones[code].national["coverage"].value == coverage
        assert rules.zones[code].national["far"].value == far
    assert len([z for z in rules.zones.values() if not z.broad]) == 21
    assert rules.zones["UQA410"].national.get("slope") is None
    assert rules.zones["UQA410"].ordinance["slope"].status == "to-be-confirmed"


def test_sample_city_planning_layers(sample_city):
    zoning = sample_city.layers["zoning"]
    applications = sample_city.layers["permit_applications"]
    assert {"UQA001", "UQA124", "UQA122", "UQB100"} <= set(zoning["uq_code"])
    assert 200 <= len(applications) <= 300 and applications["application_id"].is_unique
    assert {"건축허가", "개발행위허가"} == set(applications["permit_kind"])
    kinds = set(sample_city.layers["overlays"]["kind"])
    assert {
        "개발제한구역",
        "비행안전구역",
        "군사기지 및 군사시설 보호구역",
        "국가유산 보존지역",
        "상수원보호구역",
    } <= kinds
    # some parcels lie across two specific zones
    specific = zoning[zoning["is_broad"] == 0]
    lots = sample_city.parcels.iloc[:2000]
    pairs = gpd.sjoin(lots, specific, predicate="intersects")
    pieces = pairs.groupby(level=0).size()
    assert (pieces >= 2).sum() >= 20


def test_nested_broad_zones_count_once_and_the_narrower_wins():
    # 도시지역 everywhere, 주거지역 (not 세분) on the west 30 m, 제2종일반주거 only on the east 10 m
    zoning = _frame(
        [
            {"uq_code": "UQA001", "geometry": box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)},
            {"uq_code": "UQA100", "geometry": box(X0 - 500, Y0 - 500, X0 + 30, Y0 + 500)},
            {"uq_code": "UQA122", "geometry": box(X0 + 30, Y0 - 500, X0 + 500, Y0 + 500)},
        ]
    )
    result = _check([_application("A", SITE, 200, 300)], zoning=zoning)
    assert result.summary.iloc[0]["zones"] == "UQA100 75%, UQA122 25%"
    broad = result.findings[result.findings["item"] == "UQA100"].iloc[0]
    assert broad["status"] == "needs_review" and "§79" in broad["legal_basis"]


@pytest.mark.parametrize(
    ("broad", "stand_in", "coverage", "far"), [("UQA001", "UQA410", 20, 80), ("UQB001", "UQB300", 20, 80)]
)
def test_undivided_urban_or_management_area_takes_the_strictest_zone_s_limits(broad, stand_in, coverage, far):
    # 국토계획법 §79②: 도시지역 / 관리지역 never divided → the rules of 보전녹지지역 / 보전관리지역
    zoning = _frame([{"uq_code": broad, "geometry": box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)}])
    result = _check(
        [_application("OK", SITE, 200, 600), _application("BIG", SITE, 300, 600)], zoning=zoning
    )  # 1,200 m² lot: 16.7 % / 50 % and 25 % / 50 %
    for app_id, status in (("OK", "pass"), ("BIG", "fail")):
        ratio = _finding(result, app_id, "coverage")
        assert ratio["status"] == status and ratio["limit"] == coverage
        assert "§79②" in ratio["legal_basis"] and f"{broad} 은(는) {stand_in} 로 봅니다" in ratio["detail"]
        assert _finding(result, app_id, "far")["limit"] == far
    zone = result.findings[(result.findings["item"] == broad)].iloc[0]
    assert zone["status"] == "needs_review" and stand_in in zone["detail"]
    verdicts = result.summary.set_index("application_id")["verdict"]
    assert verdicts["BIG"] == "not_permitted" and verdicts["OK"] != "insufficient_data"


def test_a_broad_zone_without_a_stand_in_has_no_limits():
    zoning = _frame([{"uq_code": "UQA100", "geometry": box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)}])
    result = _check([_application("A", SITE, 200, 300)], zoning=zoning)
    assert _finding(result, "A", "coverage")["status"] == "insufficient"
    assert "한도가 정해지지 않음" in result.findings[result.findings["item"] == "UQA100"].iloc[0]["detail"]
