"""The field-survey round trip on real parcels: export, edit as a tablet would (in the GeoPackage file),
import; every edit kept, every conflict reported, nothing of the office copy lost."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.geopackage import read_embedded_style, write_geopackage
from gimpo_gis_plugin.core.survey.keys import finding_keys
from gimpo_gis_plugin.core.survey.merge import merge_survey
from gimpo_gis_plugin.core.survey.package import SurveySelection, build_survey_package, survey_styles

CODES = ["BUILDING_NOT_TAXED", "PARCEL_NOT_TAXED", "AREA_MISMATCH", "USE_MISMATCH"]


@pytest.fixture(scope="module")
def worklist(shared_data) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(
        "EPSG:5186", allow_override=True
    )
    rng = np.random.default_rng(7)
    picked = parcels.iloc[rng.choice(len(parcels), 120, replace=False)].reset_index(drop=True)
    findings = gpd.GeoDataFrame(
        {
            "finding_id": np.arange(1, 121),
            "code": rng.choice(CODES, 120),
            "label_ko": "과세 누락 의심",
            "pnu": picked["PNU"],
            "bld_id": "",
            "row_id": [f"R{i}" for i in range(120)],
            "detail": ["비고 800101-1234567 확인" if i == 3 else f"면적 차 {i} m²" for i in range(120)],
            "tax_at_stake": rng.integers(1_000, 900_000, 120),
        },
        geometry=list(picked.geometry.representative_point()),
        crs="EPSG:5186",
    )
    return findings, parcels


def _write(package, path):
    write_geopackage(path, package.layers(), survey_styles())
    return path


def _edit(path, key, delete=False, dx=0.0, **values):
    """Edit one survey feature through GDAL, as QField (GDAL underneath) writes a tablet's edits."""
    from osgeo import ogr

    source = ogr.Open(str(path), update=1)
    layer = source.GetLayerByName("survey")
    layer.SetAttributeFilter(f"finding_key = '{key}'")
    feature = layer.GetNextFeature()
    if delete:
        layer.DeleteFeature(feature.GetFID())
    else:
        for name, value in values.items():
            feature.SetField(name, value)
        if dx:
            point = feature.GetGeometryRef()
            point.SetPoint_2D(0, point.GetX() + dx, point.GetY())
            feature.SetGeometry(point)
        layer.SetFeature(feature)
    source = None


def _read(path):
    return pyogrio.read_dataframe(path, layer="survey"), pyogrio.read_dataframe(path, layer="survey_manifest")


def test_selection_masks_and_carries_the_form(worklist, tmp_path):
    findings, parcels = worklist
    dong = findings["pnu"].iat[0][:10]
    package = build_survey_package(findings, parcels, SurveySelection(legal_dong_prefixes=[dong], min_tax_at_stake=1))
    assert set(package.survey["pnu"].str[:10]) == {dong}
    assert len(package.parcels) == package.survey["pnu"].nunique()
    every = build_survey_package(findings, parcels)
    assert "800101-1******" in every.survey["detail"].iat[3] and "1234567" not in " ".join(every.survey["detail"])
    path = _write(every, tmp_path / "field.gpkg")
    style = read_embedded_style(path, "survey")
    assert 'type="ValueMap"' in style and "과세 대상" in style and 'type="ExternalResource"' in style
    with pytest.raises(InputError, match="조건에 맞는"):
        build_survey_package(findings, parcels, SurveySelection(legal_dong_prefixes=["1111010100"]))


def test_round_trip_keeps_every_edit_and_reports_every_conflict(worklist, tmp_path):
    findings, parcels = worklist
    first = build_survey_package(findings.iloc[:60], parcels)
    second = build_survey_package(findings.iloc[40:80], parcels)  # 40..59 are in both packages
    a, b = _write(first, tmp_path / "a.gpkg"), _write(second, tmp_path / "b.gpkg")
    keys = finding_keys(findings)
    # Package a: results on 0..9 (with notes and a photo on 0), 40 and 41; deletes 10; moves 11 by 30 m;
    # a feature added in the field.
    for k in range(10):
        _edit(a, keys[k], check_result="taxable", surveyor="김조사", checked_at="2026-12-01T10:00:00")
    _edit(a, keys[0], notes="창고 신축 확인", photo="DCIM/0001.jpg")
    _edit(a, keys[10], delete=True)
    _edit(a, keys[11], dx=30.0)
    for k, result in ((40, "checked"), (41, "non_taxable")):
        _edit(a, keys[k], check_result=result)
    # Package b: 40 the same result (fine), 41 another result (edited twice), 70 unreachable.
    for k, result in ((40, "checked"), (41, "taxable"), (70, "unreachable")):
        _edit(b, keys[k], check_result=result)
    survey_a, manifest_a = _read(a)
    added = survey_a.iloc[[0]].copy()
    added["finding_key"] = "0000000000000000"
    survey_a = pd.concat([survey_a, added], ignore_index=True)
    office = findings.copy()
    office["check_result"] = None
    office.loc[office.index[9], "check_result"] = "checked"  # an earlier return said otherwise
    result = merge_survey(office, [("a.gpkg", survey_a, manifest_a), ("b.gpkg", *_read(b))])
    merged = result.worklist.set_index("finding_key")
    # Nothing of the office copy lost: same rows, same columns (plus the survey ones), same values.
    assert len(result.worklist) == len(office)
    assert set(office.columns) <= set(result.worklist.columns)
    assert result.worklist["tax_at_stake"].tolist() == office["tax_at_stake"].tolist()
    for k in range(9):
        assert merged.loc[keys[k], "check_result"] == "taxable"
        assert merged.loc[keys[k], "surveyor"] == "김조사"
    assert merged.loc[keys[0], "notes"] == "창고 신축 확인" and merged.loc[keys[0], "photo"] == "DCIM/0001.jpg"
    assert merged.loc[keys[40], "check_result"] == "checked"
    assert merged.loc[keys[70], "check_result"] == "unreachable"
    assert merged.loc[keys[9], "check_result"] == "checked"  # the office's own status stays
    assert pd.isna(merged.loc[keys[41], "check_result"])  # two packages disagree: not decided here
    problems = result.conflicts.set_index("finding_key")["problem"]
    assert problems[keys[10]] == "deleted"
    assert problems[keys[11]] == "moved"
    assert problems[keys[41]] == "edited_twice"
    assert problems[keys[9]] == "office_differs"
    assert problems["0000000000000000"] == "unknown"
    assert result.conflicts["reason"].str.len().min() > 0
    path = write_geopackage(tmp_path / "merged.gpkg", result.layers())
    assert pyogrio.read_info(path, layer="findings")["features"] == len(office)


def test_a_file_that_is_not_a_survey_package_is_refused(worklist):
    findings, _ = worklist
    with pytest.raises(InputError, match="필드"):
        merge_survey(findings, [("x.gpkg", findings, pd.DataFrame({"finding_key": []}))])
