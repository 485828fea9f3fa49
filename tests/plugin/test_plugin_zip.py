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


@pytest.fixture(scope="module")
def plugin_zip():
    from scripts.package_plugin import build

    return build()


def test_zip_holds_the_plugin_and_nothing_else(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert all(name.startswith(f"{ROOT_NAME}/") for name in names)
    for required in (
        "__init__.py",
        "metadata.txt",
        "LICENSE",
        "CHANGELOG.md",
        "requirements.txt",
        "resources/dependencies.csv",  # dependencies.py reads it at run time
        "resources/icons/gimpo.svg",
    ):
        assert f"{ROOT_NAME}/{required}" in names, required
    assert not [n for n in names if "/tests/" in n or n.endswith((".pyc", "/.ci/run", "Makefile"))]


def test_zip_passes_the_plugin_repository_rules(plugin_zip):
    from scripts.package_plugin import MAX_SIZE, zip_problems

    assert zip_problems(plugin_zip) == []
    assert plugin_zip.stat().st_size < MAX_SIZE / 10  # far below the site's limit: no data or binaries slipped in


def test_metadata_declares_qt6_and_the_versions_it_runs_on(plugin_zip):
    text = zipfile.ZipFile(plugin_zip).read(f"{ROOT_NAME}/metadata.txt").decode("utf-8")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    general = parser["general"]
    assert general["qgisMinimumVersion"] == "3.22"  # the oldest QGIS the suite runs on
    assert general["qgisMaximumVersion"] == "4.99"
    assert general["supportsQt6"] == "True"
    assert general["hasProcessingProvider"] == "yes"
    assert general["category"] == "Vector"
    assert "plugin_dependencies" in general
    changelog = general["changelog"].splitlines()
    assert changelog[0] == general["version"], "the changelog starts with this version's changes"
    assert any(line.startswith("- ") for line in changelog[1:])


def test_the_rules_catch_a_bad_zip(tmp_path):
    from scripts.package_plugin import zip_problems

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(f"{ROOT_NAME}/__init__.py", "")
        archive.writestr(f"{ROOT_NAME}/__pycache__/plugin.cpython-311.pyc", b"\x00")
        archive.writestr(f"{ROOT_NAME}/lib/fast.so", b"\x7fELF....")
        archive.writestr(f"{ROOT_NAME}/tool", b"\x7fELF....")
        archive.writestr(
            f"{ROOT_NAME}/metadata.txt",
            "[general]\nname=x\ndescription=김포 도구\nversion=1\nqgisMinimumVersion=3.22\nauthor=a/b\n"
            "email=e\nabout=a\ntracker=http://bugs\nrepository=repo\ncategory=Analysis\nicon=icon.png\n",
        )
    problems = "\n".join(zip_problems(bad))
    for expected in (
        "__pycache__",
        "fast.so: compiled or binary file",
        "tool: executable binary",
        "LICENSE is missing",
        "icon 'icon.png' is not in the zip",
        "author contains a slash",
        "repository is not a URL",
        "tracker is the plugin template's placeholder",
        "category 'Analysis'",
        "description is not English only",
        "supportsQt6",
        "qgisMaximumVersion",
        "no changelog",
    ):
        assert expected in problems, expected


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
