"""The provider inside QGIS (pytest-qgis): registration, headless loading, missing dependencies."""

from __future__ import annotations

from qgis.core import QgsApplication

from gimpo_gis_plugin import classFactory
from gimpo_gis_plugin.processing import provider as provider_module
from gimpo_gis_plugin.processing.provider import GimpoProvider


def _registry():
    return QgsApplication.processingRegistry()


def test_provider_lists_the_algorithms(qgis_app):
    provider = GimpoProvider()
    assert _registry().addProvider(provider)
    try:
        assert provider.id() == "gimpo"
        assert not provider.icon().isNull()
        ids = {a.id() for a in provider.algorithms()}
        assert "gimpo:createsamplecity" in ids
        for algorithm in provider.algorithms():
            assert algorithm.shortHelpString(), f"{algorithm.id()} has no help for planners"
            assert algorithm.group()
    finally:
        _registry().removeProvider(provider)


def test_headless_load_touches_no_iface(qgis_app):
    # qgis_process loads the plugin with no interface: classFactory and initProcessing must cope.
    plugin = classFactory(None)
    plugin.initProcessing()
    try:
        assert _registry().providerById("gimpo") is not None
    finally:
        plugin.unload()
    assert _registry().providerById("gimpo") is None


def test_missing_dependency_is_named_with_the_fix(qgis_app, monkeypatch):
    logged = []
    monkeypatch.setattr(provider_module, "missing_dependencies", lambda: ["geopandas", "rasterio"])
    monkeypatch.setattr(
        provider_module.QgsMessageLog, "logMessage", lambda message, *args, **kwargs: logged.append(message)
    )
    provider = GimpoProvider()
    _registry().addProvider(provider)
    try:
        assert provider.algorithms() == []
        assert logged and "geopandas" in logged[0] and "rasterio" in logged[0] and "pip install" in logged[0]
    finally:
        _registry().removeProvider(provider)
