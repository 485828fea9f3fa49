"""One adapter shape (pytest-qgis): every result layer is handed to Processing to load on completion, with
its Korean name and its style; the provider never drops a broken algorithm module without a word; a 0
typed by the user stays 0; inputs are validated the same way everywhere."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer
from shapely.geometry import Point

from gimpo_gis_plugin.processing import provider as provider_module
from gimpo_gis_plugin.processing.base import GimpoAlgorithm, LayerOutput
from gimpo_gis_plugin.processing.provider import ALGORITHMS, GimpoProvider

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture()
def gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def _run(algorithm: str, parameters: dict) -> tuple[dict, QgsProcessingContext]:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results = processing.run(algorithm, parameters, context=context, feedback=QgsProcessingFeedback())
    return results, context


def test_a_run_hands_every_result_layer_to_the_map_with_a_korean_name_and_style(gimpo, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    results, context = _run("gimpo:facilityaging", {"FACILITIES": str(gpkg), "OUTPUT": str(tmp_path / "aging.gpkg")})
    to_load = context.layersToLoadOnCompletion()
    algorithm = QgsApplication.processingRegistry().algorithmById("gimpo:facilityaging")
    assert {spec.layer for spec in algorithm.MAP_LAYERS} == {"segments", "areas"}
    for spec in algorithm.MAP_LAYERS:
        source = results[spec.output_id]
        assert source == f"{tmp_path / 'aging.gpkg'}|layername={spec.layer}"
        details = to_load[source]
        assert HANGUL.search(details.name), details.name
        assert details.outputName == spec.output_id
        # the post-processor gives the layer the style written with it (Processing loads layers without it)
        layer = QgsVectorLayer(source, details.name, "ogr")
        before = layer.renderer().type()
        details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
        assert layer.renderer().type() in ("categorizedSymbol", "graduatedSymbol") != before


def test_a_raster_result_is_loaded_with_its_qml(gimpo, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    target = tmp_path / "heat.tif"
    results, context = _run(
        "gimpo:heatmap",
        {"INPUT": f"{gpkg}|layername=complaints", "RADIUS": 300, "PIXEL_SIZE": 50, "OUTPUT": str(target)},
    )
    details = context.layersToLoadOnCompletion()[results["OUTPUT"]]
    assert HANGUL.search(details.name) and details.postProcessor() is not None
    assert target.with_suffix(".qml").is_file()
    assert oct(target.stat().st_mode & 0o077) != "0o0"  # follows the umask, not 0600


def test_every_algorithm_module_is_listed():
    from pathlib import Path

    from gimpo_gis_plugin.processing import algorithms

    modules = {p.stem for p in Path(algorithms.__path__[0]).glob("*.py") if p.stem != "__init__"}
    assert modules == {module for module, _ in ALGORITHMS}


def test_a_broken_module_is_not_dropped_silently(qgis_app, monkeypatch):
    logged = []
    monkeypatch.setattr(provider_module, "ALGORITHMS", (*ALGORITHMS, ("no_such_module", "Nothing")))
    monkeypatch.setattr(
        provider_module.QgsMessageLog, "logMessage", lambda message, *args, **kwargs: logged.append(message)
    )
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        assert len(provider.load_errors) == 1 and "no_such_module" in provider.load_errors[0]
        assert any("no_such_module" in message for message in logged)
        assert len([a for a in provider.algorithms() if not a.id().startswith("gimpo:") or "_" not in a.name()]) >= 11
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)


def test_every_display_string_is_korean_first(gimpo):
    for algorithm in gimpo.algorithms():
        assert HANGUL.search(algorithm.displayName()), algorithm.id()
        assert HANGUL.search(algorithm.group()), algorithm.id()
        for parameter in algorithm.parameterDefinitions():
            assert HANGUL.search(parameter.description()) or parameter.description() in ("DEM",), (
                algorithm.id(),
                parameter.name(),
                parameter.description(),
            )
            assert parameter.description().count("GeoPackage") <= 1, parameter.description()
            assert len(parameter.description()) <= 45, parameter.description()  # longer labels are cut
        for output in algorithm.outputDefinitions():
            assert HANGUL.search(output.description()), (algorithm.id(), output.name(), output.description())


def test_empty_layer_and_degrees_labelled_as_metres_are_refused_naming_the_parameter(gimpo, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    empty = tmp_path / "empty.gpkg"
    gpd.GeoDataFrame({"a": []}, geometry=gpd.GeoSeries([], crs="EPSG:5186"), crs="EPSG:5186").to_file(empty)
    degrees = tmp_path / "degrees.gpkg"
    gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(126.70, 37.60), Point(126.72, 37.62)], crs="EPSG:5186").to_file(
        degrees
    )
    for layer, expected in ((empty, "객체(피처)가 하나도 없습니다"), (degrees, "경위도(도)")):
        with pytest.raises(QgsProcessingException) as caught:
            processing.run(
                "gimpo:statisticalmap",
                {"INPUT": str(layer), "AREA_KIND": 1, "OUTPUT": str(tmp_path / "out.gpkg")},
                feedback=QgsProcessingFeedback(),
            )
        assert expected in str(caught.value) and "집계할 레코드" in str(caught.value)
    assert not (tmp_path / "out.gpkg").exists()


def test_a_zero_the_user_types_stays_zero(qgis_app):
    from gimpo_gis_plugin.processing.algorithms.heatmap import _default

    assert _default(0.0, 1000.0) == 0.0 and _default(None, 1000.0) == 1000.0


def test_layer_outputs_default_to_the_upper_case_layer_name():
    assert LayerOutput("findings", "점검 목록").output_id == "FINDINGS"
    assert LayerOutput("rejects", "제외", None).output_id is None
    assert issubclass(GimpoProvider, object) and GimpoAlgorithm.MAP_LAYERS == ()


def test_english_comes_from_qgis_locale_through_the_translation_file(gimpo):
    from qgis.core import QgsSettings

    from gimpo_gis_plugin import i18n
    from scripts.build_translations import build

    build()
    settings = QgsSettings()
    algorithm = QgsApplication.processingRegistry().algorithmById("gimpo:statisticalmap")
    assert i18n.language() == "ko" and algorithm.displayName() == "통계지도"  # no choice in QGIS: Korean first
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "en_US")
    try:
        i18n.remove_translator()
        i18n.install_translator()
        assert i18n.language() == "en"
        assert algorithm.displayName() == "Statistical map"
        fresh = algorithm.create()
        labels = [p.description() for p in fresh.parameterDefinitions()]
        assert "Records to aggregate" in labels
        assert "Statistical map (GeoPackage or PostGIS)" in labels  # once, not twice
        assert QgsApplication.processingRegistry().algorithmById("gimpo:annual_tax_audit").displayName() == (
            "Annual property-tax audit"
        )
    finally:
        settings.remove("locale/overrideFlag")
        settings.remove("locale/userLocale")
        i18n.remove_translator()
    assert algorithm.displayName() == "통계지도"


def test_a_model_run_puts_its_steps_results_on_the_map(gimpo, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    results, context = _run(
        "gimpo:dig_safety_check",
        {
            "FACILITIES": str(gpkg),
            "DIGS": f"{gpkg}|layername=planned_digs",
            "DEPTH_FIELD": "depth_m",
            "ID_FIELD": "dig_id",
            "impact:affected": str(tmp_path / "affected.gpkg"),
            "impact:notices": str(tmp_path / "notices"),
            "clearance:conflicts": str(tmp_path / "conflicts.gpkg"),
        },
    )
    to_load = context.layersToLoadOnCompletion()
    affected = f"{tmp_path / 'affected.gpkg'}|layername=affected"
    assert results["CHILD_RESULTS"]["impact"]["AFFECTED_LAYER"] == affected
    assert to_load[affected].name == "굴착 영향 시설물" and to_load[affected].postProcessor() is not None
    crossing = f"{tmp_path / 'conflicts.gpkg'}|layername=conflict_points"
    assert HANGUL.search(to_load[crossing].name)


def test_a_model_loads_only_its_own_outputs_not_the_steps_in_between(gimpo, sample_city_files, tmp_path):
    from qgis.core import QgsProcessingParameterFeatureSource

    from gimpo_gis_plugin.processing.provider import GimpoModel
    from scripts.build_models import _child, _from_child, _from_input, _input, _value

    model = GimpoModel("chain_test", "업무 모델", "gimpo_models")
    _input(model, QgsProcessingParameterFeatureSource("POINTS", "민원"))
    _input(model, QgsProcessingParameterFeatureSource("AREAS", "지역"))
    _child(
        model,
        "stats",
        "gimpo:statisticalmap",
        "통계지도",
        {"INPUT": _from_input("POINTS"), "AREAS": _from_input("AREAS"), "OUTPUT": _value("TEMPORARY_OUTPUT")},
    )
    _child(
        model,
        "policy",
        "gimpo:policymap",
        "정책지도",
        {"INPUT": _from_child("stats", "OUTPUT_LAYER"), "INDICATORS": _value("value:+:1"), "K": _value(4)},
        {"OUTPUT": ("policy_map", "정책지도")},
    )
    model.updateDestinationParameters()
    assert model.validate()[0]
    gpkg = sample_city_files["gpkg"]
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    ok = model.run(
        {
            "POINTS": f"{gpkg}|layername=complaints",
            "AREAS": f"{gpkg}|layername=admin_dongs",
            "policy:policy_map": str(tmp_path / "policy.gpkg"),
        },
        context,
        QgsProcessingFeedback(),
    )[1]
    assert ok
    sources = set(context.layersToLoadOnCompletion())
    assert f"{tmp_path / 'policy.gpkg'}|layername=policy_map" in sources
    assert all(source.startswith(str(tmp_path / "policy.gpkg")) for source in sources), sources
