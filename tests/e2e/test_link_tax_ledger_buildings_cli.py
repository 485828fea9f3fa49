"""gimpo:linktaxledger with buildings as the nation ships them: a GIS건물통합정보 shapefile (coded names,
CP949, no .cpg) gives findings on the real building ids; a layer of no known schema is refused."""

from __future__ import annotations

import geopandas as gpd
import pytest

from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger

pytestmark = pytest.mark.e2e


def national_buildings(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The sample city's buildings with the SHP release's coded field names (upper case)."""
    return gpd.GeoDataFrame(
        {
            "UFID": [f"U{i:09d}" for i in range(len(buildings))],
            "BD_MGT_SN": buildings["bld_id"].to_numpy(),
            "PNU": buildings["pnu"].to_numpy(),
            "USABILITY": buildings["use_code"].to_numpy(),
            "ARCHAREA": buildings["building_area"].to_numpy(),
            "TOTALAREA": buildings["total_floor_area"].to_numpy(),
            "GRND_FLR": buildings["floors_above"].to_numpy(),
            "BLD_NM": buildings["use_name"].to_numpy(),  # Korean text in the CP949 DBF
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


def test_gis_building_shapefile_gives_findings_on_the_real_ids(
    qgis_algorithm, sample_city, sample_city_files, tmp_path
):
    shp = tmp_path / "F_FAC_BUILDING_41570.shp"
    national_buildings(sample_city.buildings).to_file(shp, encoding="cp949")
    shp.with_suffix(".cpg").unlink(missing_ok=True)  # as downloads come: no .cpg
    gpkg = sample_city_files["gpkg"]
    run = qgis_algorithm(
        "gimpo:linktaxledger",
        PARCELS=f"{gpkg}|layername=parcels",
        BUILDINGS=shp,
        LEDGER=sample_city_files["ledger_csv"],
        OUTPUT=tmp_path / "national.gpkg",
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "GIS건물통합정보(SHP 약어 필드) 형식으로 인식" in run.stdout
    assert "BD_MGT_SN→건물관리번호" in run.stdout and "TOTALAREA→연면적" in run.stdout
    findings = gpd.read_file(run.results["OUTPUT"], layer="findings")
    assert not findings["bld_id"].fillna("").str.startswith("GIS-").any()
    own = link_tax_ledger(sample_city.parcels, sample_city.buildings, sample_city.ledger.rows)
    assert findings["code"].value_counts().to_dict() == own.findings["code"].value_counts().to_dict()
    building_findings = findings[findings["code"].isin(["AREA_MISMATCH", "USE_MISMATCH", "BUILDING_NOT_TAXED"])]
    ids = building_findings.loc[building_findings["bld_id"].fillna("") != "", "bld_id"]
    assert len(ids) > 0 and ids.isin(sample_city.buildings["bld_id"]).all()


def test_a_building_layer_of_no_known_schema_is_refused_naming_it(
    qgis_algorithm, sample_city, sample_city_files, tmp_path
):
    shp = tmp_path / "mystery_buildings.shp"
    sample_city.buildings[["geometry"]].assign(id=1, area=2.0).head(20).to_file(shp)
    gpkg = sample_city_files["gpkg"]
    run = qgis_algorithm(
        "gimpo:linktaxledger",
        PARCELS=f"{gpkg}|layername=parcels",
        BUILDINGS=shp,
        LEDGER=sample_city_files["ledger_csv"],
        OUTPUT=tmp_path / "refused.gpkg",
    )
    text = run.stdout + run.stderr
    assert run.returncode != 0
    for phrase in ("mystery_buildings", "형식을 알아볼 수 없습니다", "id, area", "BD_MGT_SN", "연면적"):
        assert phrase in text, text[-3000:]
    assert not (tmp_path / "refused.gpkg").exists()
