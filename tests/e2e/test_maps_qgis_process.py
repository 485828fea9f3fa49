"""gimpo:statisticalmap and gimpo:policymap through bin/qgis_process, as a batch job runs them: exit codes,
outputs chained from one to the next, and bad input refused with a message naming the field."""

from __future__ import annotations

import geopandas as gpd
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stacked_map(qgis_algorithm, sample_city_files, tmp_path_factory):
    """Complaints per 1,000 residents and arrears per 행정동, stacked on one layer."""
    gpkg = sample_city_files["gpkg"]
    out = tmp_path_factory.mktemp("maps")
    first = qgis_algorithm(
        "gimpo:statisticalmap",
        INPUT=f"{gpkg}|layername=complaints",
        AREAS=f"{gpkg}|layername=population_admin_dong",
        STATISTIC=5,
        POPULATION_FIELD="population",
        VALUE_NAME="complaints_per_1000",
        OUTPUT=out / "complaints.gpkg",
    )
    assert first.returncode == 0, first.stderr
    second = qgis_algorithm(
        "gimpo:statisticalmap",
        INPUT=f"{gpkg}|layername=tax_arrears",
        AREAS=first.results["OUTPUT_LAYER"],
        STATISTIC=1,
        FIELD="amount",
        VALUE_NAME="arrears_amount",
        METHOD=1,
        CLASSES=4,
        OUTPUT=out / "stacked.gpkg",
    )
    assert second.returncode == 0, second.stderr
    return second.results["OUTPUT_LAYER"], out


def test_statistical_maps_stack(stacked_map):
    uri, _ = stacked_map
    path, layer = uri.split("|layername=")
    frame = gpd.read_file(path, layer=layer)
    assert len(frame) == 14
    assert frame["complaints_per_1000"].gt(0).all() and frame["arrears_amount_class"].between(1, 4).all()


def test_policy_map_with_html(qgis_algorithm, stacked_map):
    uri, out = stacked_map
    run = qgis_algorithm(
        "gimpo:policymap",
        INPUT=uri,
        INDICATORS="complaints_per_1000:+:2;arrears_amount:+:1",
        K=4,
        OUTPUT=out / "policy.gpkg",
        OUTPUT_HTML=out / "policy.html",
    )
    assert run.returncode == 0, run.stderr
    frame = gpd.read_file(out / "policy.gpkg", layer="policy_map")
    assert set(frame["priority"]) == {1, 2, 3, 4, 5}
    assert "정책지도" in (out / "policy.html").read_text(encoding="utf-8")
    permuted = qgis_algorithm(
        "gimpo:policymap",
        INPUT=uri,
        INDICATORS="complaints_per_1000:+:2;arrears_amount:+:1",
        K=4,
        PERMUTATIONS=499,
        OUTPUT=out / "policy_permuted.gpkg",
    )
    assert permuted.returncode == 0, permuted.stderr
    hot = gpd.read_file(out / "policy_permuted.gpkg", layer="hotspots")
    assert hot["gi_p"].min() >= 1 / 500 and hot["gi_p"].max() <= 1
    method = gpd.read_file(out / "policy_permuted.gpkg", layer="policy_method")
    assert method.astype(str).apply(lambda column: column.str.contains("499 conditional permutations")).any().any()


@pytest.mark.parametrize(
    ("algorithm", "parameters", "message"),
    [
        ("gimpo:statisticalmap", {"STATISTIC": 1, "FIELD": "amount"}, "amount"),
        ("gimpo:statisticalmap", {"STATISTIC": 2}, "needs a value field"),
        ("gimpo:statisticalmap", {"VALUE_NAME": "1 bad"}, "필드 이름으로 쓸 수 없습니다"),
        ("gimpo:policymap", {"INDICATORS": "no_such_field:+:1"}, "no field 'no_such_field'"),
    ],
)
def test_bad_input_exits_non_zero_naming_the_problem(
    qgis_algorithm, sample_city_files, tmp_path, algorithm, parameters, message
):
    gpkg = sample_city_files["gpkg"]
    base = {"INPUT": f"{gpkg}|layername=complaints", "OUTPUT": tmp_path / "x.gpkg"}
    if algorithm == "gimpo:statisticalmap":
        base["AREAS"] = f"{gpkg}|layername=population_admin_dong"
    else:
        base["INPUT"] = f"{gpkg}|layername=population_admin_dong"
    run = qgis_algorithm(algorithm, **base, **parameters)
    assert run.returncode != 0
    assert message in run.stdout + run.stderr
    assert not (tmp_path / "x.gpkg").exists()
