"""The installable zip: built from committed files, loads like QGIS's plugin manager loads it, and
unloads without leaving anything behind."""

from __future__ import annotations

import configparser
import sys
import zipfile

import pytest
import qgis.utils
from qgis.core import QgsApplication

ROOT_NAME = "gimpo_gis_plugin"
REQUIRED_METADATA = (
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
    "tags",
    "category",
    "icon",
    "hasProcessingProvider",
)


@pytest.fixture(scope="module")
def plugin_zip():
    from scripts.package_plugin import build

    return build()


def test_zip_holds_the_plugin_and_nothing_else(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert all(name.startswith(f"{ROOT_NAME}/") for name in names)
    assert f"{ROOT_NAME}/__init__.py" in names
    assert f"{ROOT_NAME}/metadata.txt" in names
    assert f"{ROOT_NAME}/requirements.txt" in names
    assert f"{ROOT_NAME}/resources/icons/gimpo.svg" in names
    assert not [n for n in names if "/tests/" in n or n.endswith((".pyc", "/.ci/run", "Makefile"))]


def test_metadata_is_valid_for_the_plugin_repository(plugin_zip):
    text = zipfile.ZipFile(plugin_zip).read(f"{ROOT_NAME}/metadata.txt").decode("utf-8")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    general = parser["general"]
    for key in REQUIRED_METADATA:
        assert general.get(key, "").strip(), f"metadata.txt lacks {key}"
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert "plugin_dependencies" in general
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert f"{ROOT_NAME}/{general['icon']}" in names


def _forget_plugin_modules() -> dict:
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] == ROOT_NAME}
    for name in saved:
        del sys.modules[name]
    return saved


def test_zip_loads_and_unloads_like_the_plugin_manager(plugin_zip, tmp_path, qgis_iface):
    plugins_dir = tmp_path / "profile" / "python" / "plugins"
    plugins_dir.mkdir(parents=True)
    zipfile.ZipFile(plugin_zip).extractall(plugins_dir)
    saved = _forget_plugin_modules()
    sys.path.insert(0, str(plugins_dir))
    qgis.utils.plugin_paths.insert(0, str(plugins_dir))
    qgis.utils.updateAvailablePlugins()  # the plugin manager's scan; it also tracks the plugin's modules
    try:
        for _ in range(2):  # load, use and unload twice
            assert qgis.utils.loadPlugin(ROOT_NAME)
            assert qgis.utils.startPlugin(ROOT_NAME)
            module = sys.modules[ROOT_NAME]
            assert module.__file__.startswith(str(plugins_dir)), "the unzipped copy must be the one loaded"
            assert QgsApplication.processingRegistry().providerById("gimpo") is not None
            gui = qgis.utils.plugins[ROOT_NAME].gui
            assert gui.toolbar is not None and gui.toolbar.objectName() == "GimpoGisToolbar"
            assert gui.actions, "the menu has an entry per algorithm"
            assert qgis.utils.unloadPlugin(ROOT_NAME)
            assert QgsApplication.processingRegistry().providerById("gimpo") is None
            assert ROOT_NAME not in qgis.utils.plugins
            assert gui.toolbar is None and gui.actions == []
    finally:
        sys.path.remove(str(plugins_dir))
        qgis.utils.plugin_paths.remove(str(plugins_dir))
        qgis.utils.updateAvailablePlugins()
        _forget_plugin_modules()
        sys.modules.update(saved)
