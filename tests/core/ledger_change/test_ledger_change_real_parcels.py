"""Year-over-year change of the ledger on the real 월곶면 parcels: the second year's cadastre made by real
operations (split, merge, renumber, re-survey, boundary adjustment, new, ended) and its ledger following
them, plus demolished and new buildings, a change of owner and the yearly revaluation. Every object's
class is the one planted, and every ledger row of both years ends in exactly one class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gimpo_gis_plugin.core.ledger_change.change import (
    CHANGED,
    ENDED,
    LINEAGE,
    NEW,
    REVALUED,
    UNCHANGED,
    ledger_change,
)
from gimpo_gis_plugin.core.lineage import parcel_lineage
from gimpo_gis_plugin.core.lineage.lineage import ENDED as PARCEL_ENDED
from gimpo_gis_plugin.core.lineage.lineage import NEW as PARCEL_NEW
from gimpo_gis_plugin.core.lineage.lineage import RESURVEYED
from tests.core.lineage.operations import read_real_parcels, second_year

PRICE_PER_M2 = 85_000.0


def _land_rows(pnus, areas, year, owners, start=1):
    n = len(pnus)
    return pd.DataFrame(
        {
            "row_id": [f"{year}-L{start + k:06d}" for k in range(n)],
            "year": year,
            "object_kind": "토지",
            "pnu": list(pnus),
            "bld_id": "",
            "taxed_area": np.round(np.asarray(areas, dtype=float), 2),
            "taxed_use": "전",
            "assessed_value": np.round(np.asarray(areas, dtype=float) * PRICE_PER_M2),
            "tax": np.round(np.asarray(areas, dtype=float) * PRICE_PER_M2 * 0.0007),
            "taxpayer": list(owners),
        }
    )


@pytest.fixture(scope="module")
def two_years(shared_data):
    old = read_real_parcels(shared_data)
    new, truth = second_year(old, np.random.default_rng(20260601))
    rng = np.random.default_rng(5)
    owners = {
        p: f"김{chr(0xAC00 + int(k) % 400)}수"
        for p, k in zip(old["PNU"], rng.integers(0, 10_000, len(old)), strict=True)
    }
    before = _land_rows(old["PNU"], old.area, 2025, [owners[p] for p in old["PNU"]])
    # Buildings on 200 untouched parcels: 10 demolished in the second year.
    operated = {p for ops in truth.operations.values() for ps, cs in ops for p in ps | cs}
    quiet = [p for p in old["PNU"] if p not in operated]
    hosts = rng.choice(quiet, 200, replace=False)
    buildings = pd.DataFrame(
        {
            "row_id": [f"2025-B{k:05d}" for k in range(200)],
            "year": 2025,
            "object_kind": "건축물",
            "pnu": hosts,
            "bld_id": [f"4157035026100{k:012d}" for k in range(200)],
            "taxed_area": 120.0,
            "taxed_use": "창고",
            "assessed_value": 60_000_000.0,
            "tax": 150_000.0,
            "taxpayer": [owners[p] for p in hosts],
        }
    )
    before = pd.concat([before, buildings], ignore_index=True)

    after_geometry = new.set_index("PNU").geometry
    kept = [p for p in new["PNU"] if p in owners]
    after = _land_rows(kept, [after_geometry[p].area for p in kept], 2026, [owners[p] for p in kept])
    # Children of splits and renumbers take the parent's owner; new parcels a new owner.
    parent_of = {c: next(iter(ps)) for kind, ops in truth.operations.items() for ps, cs in ops for c in cs if ps}
    fresh = [p for p in new["PNU"] if p not in owners]
    after = pd.concat(
        [
            after,
            _land_rows(
                fresh,
                [after_geometry[p].area for p in fresh],
                2026,
                [owners.get(parent_of.get(p, ""), "박신규") for p in fresh],
                start=900_000,
            ),
        ],
        ignore_index=True,
    )
    # Revaluation: 5 % up on most land; the owner changes on 20 quiet parcels; 50 quiet parcels not revalued.
    land = after["object_kind"] == "토지"
    after.loc[land, "assessed_value"] = np.round(after.loc[land, "assessed_value"] * 1.05)
    quiet_rows = after.index[after["pnu"].isin(quiet) & land]
    sold = rng.choice(quiet_rows, 20, replace=False)
    after.loc[sold, "taxpayer"] = "이매수"
    flat = rng.choice(np.setdiff1d(quiet_rows, sold), 50, replace=False)
    last_year = before[before["object_kind"] == "토지"].set_index("pnu")["assessed_value"]
    after.loc[flat, "assessed_value"] = after.loc[flat, "pnu"].map(last_year).to_numpy()
    standing = buildings.iloc[10:].assign(year=2026)
    built = buildings.iloc[:10].assign(
        bld_id=[f"4157035026199{k:012d}" for k in range(10)], row_id=[f"2026-B9{k:04d}" for k in range(10)], year=2026
    )
    after = pd.concat([after, standing, built], ignore_index=True)
    expected = {
        "sold": set(after.loc[sold, "pnu"]),
        "flat": set(after.loc[flat, "pnu"]),
        "demolished": set(buildings["bld_id"].iloc[:10]),
        "built": set(built["bld_id"]),
    }
    return old, new, truth, before, after, expected


def test_every_object_gets_the_planted_class_and_every_row_one_class(two_years):
    old, new, truth, before, after, expected = two_years
    lineage = parcel_lineage(old, new).links
    result = ledger_change(before, after, lineage)
    objects = result.objects.set_index("object_key")
    # Conservation: each row of both years exactly once, with a class.
    assert len(result.rows) == len(before) + len(after)
    assert result.rows["class"].notna().all()
    assert result.rows.groupby("year").size().to_dict() == {"after": len(after), "before": len(before)}
    for kind, operations in truth.operations.items():
        for parents, children in operations:
            keys = [f"land:{p}" for p in parents | children]
            classes = set(objects.loc[keys, "class"])
            if kind == RESURVEYED:
                assert classes == {CHANGED}, (kind, parents, classes)
                assert "과세면적" in objects.loc[keys[0], "explanation"]
            elif kind == PARCEL_ENDED:
                assert classes == {ENDED}
            elif kind == PARCEL_NEW:
                assert classes == {NEW}
            else:
                assert classes == {LINEAGE}, (kind, parents, children, classes)
    split = next(iter(truth.operations["SPLIT"]))
    text = objects.loc[f"land:{next(iter(split[0]))}", "explanation"]
    assert text.startswith("분할: ") and "과세면적 합 일치" in text
    for pnu in expected["sold"]:
        assert objects.loc[f"land:{pnu}", "class"] == CHANGED
        assert "납세자 변경" in objects.loc[f"land:{pnu}", "explanation"]
    for pnu in expected["flat"]:
        assert objects.loc[f"land:{pnu}", "class"] == UNCHANGED
    for bld in expected["demolished"]:
        assert objects.loc[f"building:{bld}", "class"] == ENDED
    for bld in expected["built"]:
        assert objects.loc[f"building:{bld}", "class"] == NEW
    quiet = objects[objects["class"] == REVALUED]
    assert len(quiet) > 3000 and (quiet["delta_assessed_value"] > 0).all()


def test_change_per_legal_dong_and_admin_dong_and_its_headline(two_years, shared_data):
    import geopandas as gpd

    from gimpo_gis_plugin.core.ledger_change.areas import change_by_admin_dong, change_by_area, change_style, headline

    old, new, _truth, before, after, _expected = two_years
    result = ledger_change(before, after, parcel_lineage(old, new).links)
    areas = change_by_area(result.objects, new)
    assert set(areas["legal_dong_code"]) == {"4157035026", "4157035027", "4157035028"}
    assert areas["legal_dong_name"].str.contains("월곶면").all()
    # The objects per class add up to every object, and the Δ to the whole change.
    class_columns = [c for c in areas.columns if c.startswith("n_")]
    assert areas[class_columns].to_numpy().sum() == len(result.objects)
    assert areas["delta_assessed_value"].sum() == pytest.approx(result.objects["delta_assessed_value"].sum())
    assert "<renderer-v2" in change_style(areas, label_field="legal_dong_name")
    lines = headline(areas)
    assert lines[0].startswith("과세표준(시가표준액)이 가장 많이 늘어난 곳: 경기도 김포시 월곶면")
    admin = gpd.read_file(shared_data / "hangjeongdong_gimpo_2021.geojson").to_crs("EPSG:5186")
    by_admin = change_by_admin_dong(result.objects, new, admin)
    assert by_admin.loc[by_admin["adm_nm"].str.contains("월곶면"), "n_revalued"].sum() > 3000


def test_findings_over_time_carry_the_survey_status():
    import geopandas as gpd
    import shapely

    from gimpo_gis_plugin.core.ledger_change.findings_over_time import findings_over_time

    def findings(rows):
        return gpd.GeoDataFrame(
            {"code": [r[0] for r in rows], "pnu": [r[1] for r in rows], "bld_id": "", "row_id": ""},
            geometry=[shapely.Point(0, 0)] * len(rows),
            crs="EPSG:5186",
        )

    last = findings([("AREA_MISMATCH", "1"), ("PARCEL_NOT_TAXED", "2"), ("USE_MISMATCH", "3")])
    last["check_result"] = ["taxable", None, None]
    last["notes"] = ["현장 확인", None, None]
    this = findings([("AREA_MISMATCH", "1"), ("USE_MISMATCH", "3"), ("BUILDING_NOT_TAXED", "4")])
    current, resolved, counts = findings_over_time(last, this)
    assert list(current["over_time"]) == ["persisting", "persisting", "new"]
    assert current["check_result"].iat[0] == "taxable" and current["notes"].iat[0] == "현장 확인"
    assert list(resolved["pnu"]) == ["2"]
    assert counts.set_index("status")["findings"].to_dict() == {"resolved": 1, "persisting": 2, "new": 1}
