"""The planners' Processing models, end to end through bin/qgis_process on the sample city."""

from __future__ import annotations

import geopandas as gpd
import pytest

pytestmark = pytest.mark.e2e


def _layers(path) -> dict[str, int]:
    return {
        name: len(gpd.read_file(path, layer=name)) for name in gpd.list_layers(path)["name"] if name != "layer_styles"
    }


@pytest.fixture(scope="module")
def city(sample_city_files):
    gpkg = sample_city_files["gpkg"]
    return {"gpkg": gpkg, "folder": gpkg.parent, "ledger": sample_city_files["ledger_csv"]}


def test_models_are_listed_under_the_provider(qgis_process):
    listed = qgis_process("list").stdout
    for model in ("annual_tax_audit", "permit_desk_day", "dig_safety_check", "safety_review"):
        assert f"gimpo:{model}" in listed


def test_annual_tax_audit(qgis_algorithm, city, tmp_path):
    c = city["gpkg"]
    run = qgis_algorithm(
        "gimpo:annual_tax_audit",
        PARCELS=f"{c}|layername=parcels",
        BUILDINGS=f"{c}|layername=buildings",
        LEDGER=city["ledger"],
        AREAS=f"{c}|layername=legal_dong_areas",
        **{
            "link:linkage": tmp_path / "linkage.gpkg",
            "findings_map:findings_map": tmp_path / "findings_map.gpkg",
            "untaxed_map:untaxed_map": tmp_path / "untaxed_map.gpkg",
            "policy:policy_map": tmp_path / "policy.gpkg",
            "policy:policy_summary": tmp_path / "policy.html",
        },
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    findings = _layers(tmp_path / "linkage.gpkg")["findings"]
    per_area = gpd.read_file(tmp_path / "findings_map.gpkg", layer="statistical_map")
    written = _layers(tmp_path / "findings_map.gpkg")
    rejects = written.get("rejects", 0) + written.get("rejected_inputs", 0)  # the engine's and the screening's
    assert per_area["n_records"].sum() + rejects >= findings  # a point on a border counts in both areas
    assert _layers(tmp_path / "policy.gpkg")["policy_map"] > 10
    assert (tmp_path / "policy.html").stat().st_size > 500


def test_dig_safety_check(qgis_algorithm, city, tmp_path):
    c = city["gpkg"]
    run = qgis_algorithm(
        "gimpo:dig_safety_check",
        FACILITIES=c,
        DIGS=f"{c}|layername=planned_digs",
        DEPTH_FIELD="depth_m",
        ID_FIELD="dig_id",
        **{
            "impact:affected": tmp_path / "affected.gpkg",
            "impact:notices": tmp_path / "notices",
            "clearance:conflicts": tmp_path / "conflicts.gpkg",
        },
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    affected = gpd.read_file(tmp_path / "affected.gpkg", layer="affected")
    planned = gpd.read_file(c, layer="planned_digs")
    assert len(affected) > 0 and set(affected["dig_id"]) <= set(planned["dig_id"].astype(str))
    assert list((tmp_path / "notices").glob("*.html"))
    conflicts = _layers(tmp_path / "conflicts.gpkg")
    assert conflicts["conflict_points"] + conflicts["conflict_lines"] > 0


def test_safety_review(qgis_algorithm, city, tmp_path):
    c = city["gpkg"]
    run = qgis_algorithm(
        "gimpo:safety_review",
        COMPLAINTS=f"{c}|layername=complaints",
        AREA=f"{c}|layername=admin_dongs",
        CAMERAS=f"{c}|layername=cctv",
        BUILDINGS=f"{c}|layername=buildings",
        CANDIDATES=f"{c}|layername=streetlights",
        **{"heat:heatmap": tmp_path / "heat.tif", "coverage:coverage": tmp_path / "coverage.gpkg"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "heat.tif").stat().st_size > 1000
    layers = _layers(tmp_path / "coverage.gpkg")
    assert layers["target_areas"] > 0 and layers["proposed_sites"] > 0


def test_permit_desk_day(qgis_algorithm, city, tmp_path):
    c = city["gpkg"]
    run = qgis_algorithm(
        "gimpo:permit_desk_day",
        APPLICATIONS=f"{c}|layername=permit_applications",
        PARCELS=f"{c}|layername=parcels",
        ZONING=f"{c}|layername=zoning",
        OVERLAYS=f"{c}|layername=overlays",
        ROADS=f"{c}|layername=roads",
        DEM=city["folder"] / "gimpo_dem_5m.tif",
        MAX_REPORTS=5,
        **{"permits:verdicts": tmp_path / "verdicts.gpkg", "permits:reports": tmp_path / "reports"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = gpd.read_file(tmp_path / "verdicts.gpkg", layer="summary")
    assert len(summary) == _layers(c)["permit_applications"]
    pages = [p for p in (tmp_path / "reports").glob("*.html") if p.name != "index.html"]
    assert 0 < len(pages) <= 5


@pytest.mark.parametrize("recipe", ["linktaxledger", "annual_tax_audit"])
def test_batch_recipes_name_real_parameters(qgis_process, recipe):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "processing" / "batch" / f"{recipe}.json"
    inputs = json.loads(path.read_text(encoding="utf-8"))["inputs"]
    described = qgis_process("help", f"gimpo:{recipe}").stdout
    for name in inputs:
        assert f"{name}:" in described, f"{path.name}: {name} is not a parameter of gimpo:{recipe}"


def test_batch_recipe_runs_from_stdin_with_json_results(city, tmp_path):
    import json
    import subprocess

    from tests.conftest import QGIS_PROCESS

    c = city["gpkg"]
    recipe = {
        "inputs": {
            "PARCELS": f"{c}|layername=parcels",
            "BUILDINGS": f"{c}|layername=buildings",
            "LEDGER": str(city["ledger"]),
            "OUTPUT": str(tmp_path / "linkage.gpkg"),
        }
    }
    done = subprocess.run(
        [str(QGIS_PROCESS), "--json", "run", "gimpo:linktaxledger", "-"],
        input=json.dumps(recipe),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)["results"]
    assert results["LEDGER_ROWS"] == results["MATCHED"] + results["UNMATCHED"]
