"""gimpo:ledgerchange, gimpo:exportfieldsurvey and gimpo:importfieldsurvey through bin/qgis_process on the
sample city: a second year's ledger made from the first, and the worklist's round trip to the field."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


def test_ledger_change_between_two_years_keeps_every_row(qgis_algorithm, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    before = pd.read_csv(sample_city_files["ledger_csv"], encoding="cp949", dtype=str)
    after = before.copy()
    value = next(c for c in after.columns if "시가표준액" in c)
    after[value] = (pd.to_numeric(after[value], errors="coerce") * 1.05).round().astype("Int64").astype(str)
    after = after.iloc[10:]  # ten objects ended
    path = tmp_path / "tax_ledger_2027.csv"
    after.to_csv(path, index=False, encoding="cp949")
    out = tmp_path / "change.gpkg"
    run = qgis_algorithm(
        "gimpo:ledgerchange",
        LEDGER_BEFORE=sample_city_files["ledger_csv"],
        LEDGER_AFTER=path,
        PARCELS_BEFORE=f"{gpkg}|layername=parcels",
        PARCELS_AFTER=f"{gpkg}|layername=parcels",
        ADMIN_DONGS=f"{gpkg}|layername=admin_dongs",
        OUTPUT=out,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = gpd.read_file(out, layer="change_rows")
    assert len(rows) == len(before) + len(after)
    assert rows["class"].notna().all()
    assert "과세표준(시가표준액)이 가장 많이 늘어난 곳" in run.stdout + run.stderr
    by_dong = gpd.read_file(out, layer="change_by_legal_dong")
    assert len(by_dong) > 3 and by_dong.geometry.notna().all()
    objects = gpd.read_file(out, layer="change_objects")
    assert (objects["class"] == "ended").sum() >= 1 and (objects["class"] == "revalued").sum() > 100


def test_field_survey_round_trip(qgis_algorithm, sample_city_files, tmp_path):
    from osgeo import ogr

    gpkg = sample_city_files["gpkg"]
    linkage = tmp_path / "linkage.gpkg"
    assert (
        qgis_algorithm(
            "gimpo:linktaxledger",
            PARCELS=f"{gpkg}|layername=parcels",
            BUILDINGS=f"{gpkg}|layername=buildings",
            LEDGER=sample_city_files["ledger_csv"],
            OUTPUT=linkage,
        ).returncode
        == 0
    )
    package = tmp_path / "field" / "survey.gpkg"
    run = qgis_algorithm(
        "gimpo:exportfieldsurvey",
        FINDINGS=f"{linkage}|layername=findings",
        PARCELS=f"{linkage}|layername=parcels_tax",
        LIMIT=40,
        OUTPUT=package,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert package.with_suffix(".qgs").exists()
    source = ogr.Open(str(package), update=1)
    layer = source.GetLayerByName("survey")
    assert layer.GetFeatureCount() == 40
    edited = []
    for k, feature in enumerate(layer):
        if k < 5:
            feature.SetField("check_result", "taxable")
            feature.SetField("notes", "현장 확인")
            layer.SetFeature(feature)
            edited.append(feature.GetField("finding_key"))
    source = None
    merged = tmp_path / "worklist.gpkg"
    run = qgis_algorithm(
        "gimpo:importfieldsurvey",
        OFFICE=f"{linkage}|layername=findings",
        RETURNS=f"{package}|layername=survey",
        OUTPUT=merged,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    worklist = gpd.read_file(merged, layer="findings")
    office = gpd.read_file(linkage, layer="findings")
    assert len(worklist) == len(office)
    assert set(worklist.loc[worklist["check_result"] == "taxable", "finding_key"]) == set(edited)
