"""gimpo:permitcheck through bin/qgis_process on the sample city, as a batch job runs it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from tests.conftest import permit_inputs

pytestmark = pytest.mark.e2e


def test_permit_check_batch_with_reports(qgis_algorithm, sample_city_files, tmp_path):
    out = tmp_path / "permits.gpkg"
    run = qgis_algorithm(
        "gimpo:permitcheck",
        **permit_inputs(sample_city_files, OUTPUT=out, REPORT_FOLDER=tmp_path / "reports", MAX_REPORTS=3),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    applications = gpd.read_file(sample_city_files["gpkg"], layer="permit_applications")
    summary = gpd.read_file(out, layer="summary")
    findings = pd.DataFrame(gpd.read_file(out, layer="findings"))
    assert sorted(summary["application_id"]) == sorted(applications["application_id"])  # none lost
    assert set(summary["verdict"]) == {"permitted", "conditional", "not_permitted", "insufficient_data"}
    counts = summary["verdict"].value_counts()
    assert run.results["PERMITTED"] == counts["permitted"]
    assert set(findings["check"]) >= {"zone", "coverage", "far", "overlay", "access", "slope", "input", "site"}
    unknown_pnu = findings[findings["detail"].str.contains("not in the parcel layer", na=False)]
    assert len(unknown_pnu) == 1
    assert not findings[findings["check"] == "slope"]["detail"].str.contains("NOT checked").any()
    pages = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert "index.html" in pages and len([p for p in pages if p.endswith(".png")]) >= 2
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == len(summary) + 1


def test_without_dem_slope_is_skipped_and_said(qgis_algorithm, sample_city_files, tmp_path):
    params = permit_inputs(sample_city_files, OUTPUT=tmp_path / "p.gpkg")
    del params["DEM"]
    run = qgis_algorithm("gimpo:permitcheck", **params)
    assert run.returncode == 0, run.stderr
    findings = pd.DataFrame(gpd.read_file(tmp_path / "p.gpkg", layer="findings"))
    slope = findings[findings["check"] == "slope"]
    assert len(slope) and (slope["status"] == "needs_review").all()
    assert slope["detail"].str.contains("NOT checked").all()


def test_zoning_without_uq_code_is_refused(qgis_algorithm, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    run = qgis_algorithm(
        "gimpo:permitcheck",
        **permit_inputs(sample_city_files, ZONING=f"{gpkg}|layername=parcels", OUTPUT=tmp_path / "x.gpkg"),
    )
    assert run.returncode != 0
    assert "no 'uq_code' column" in run.stdout + run.stderr
    assert not (tmp_path / "x.gpkg").exists()


def test_rules_table_with_duplicate_is_refused(qgis_algorithm, sample_city_files, tmp_path):
    from gimpo_gis_plugin.core.paths import resource

    lines = resource("rules", "zoning_limits.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "rules.csv"
    bad.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    run = qgis_algorithm(
        "gimpo:permitcheck", **permit_inputs(sample_city_files, ZONING_RULES=bad, OUTPUT=tmp_path / "y.gpkg")
    )
    assert run.returncode != 0
    assert "twice" in run.stdout + run.stderr
