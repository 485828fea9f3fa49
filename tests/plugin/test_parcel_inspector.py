"""The parcel inspector in QGIS (pytest-qgis): fake clicks on the canvas, search, export, unload, screenshot.

The data is the real gimpo:linktaxledger output of the 5,000-parcel sample city, written to a GeoPackage
and loaded as QGIS layers, as an officer would open it.
"""

from __future__ import annotations

import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent, QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QToolBar

from gimpo_gis_plugin import classFactory
from gimpo_gis_plugin.gui.inspector.inspector import ACTION_OBJECT_NAME, SETTING_AUDIT_LOG, SETTING_SHOW_PERSONAL
from gimpo_gis_plugin.gui.inspector.panel import DOCK_OBJECT_NAME
from gimpo_gis_plugin.gui.main import TOOLBAR_OBJECT_NAME
from tests.core.inspector.conftest import UNMASKED_NAME, inspector_linkage  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def linkage_gpkg(inspector_linkage, tmp_path_factory):  # noqa: F811
    from gimpo_gis_plugin.core.tax_linkage.output import write_linkage

    path, _ = write_linkage(inspector_linkage[0], tmp_path_factory.mktemp("inspector") / "linked.gpkg")
    return path


@pytest.fixture()
def loaded(qgis_iface, qgis_canvas, linkage_gpkg, tmp_path):
    """The linkage layers in the project and the plugin loaded; everything removed afterwards."""
    settings = QgsSettings()
    settings.setValue(SETTING_SHOW_PERSONAL, False)
    settings.setValue(SETTING_AUDIT_LOG, str(tmp_path / "audit.log"))
    layers = [
        QgsVectorLayer(f"{linkage_gpkg}|layername={name}", name, "ogr") for name in ("parcels_tax", "buildings_tax")
    ]
    assert all(layer.isValid() for layer in layers)
    QgsProject.instance().addMapLayers(layers)
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:5186"))
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    inspector = plugin.gui.extensions[0]
    inspector.action.trigger()
    yield plugin, inspector
    plugin.unload()
    QgsProject.instance().removeAllMapLayers()
    settings.remove(SETTING_SHOW_PERSONAL)
    settings.remove(SETTING_AUDIT_LOG)


def click(canvas, tool, x: float, y: float) -> None:
    """A left click at map coordinates (x, y): the canvas is centred there first, as a user would pan."""
    canvas.setExtent(QgsRectangle(x - 100, y - 100, x + 100, y + 100))
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    position = QPoint(round(pixel.x()), round(pixel.y()))
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        event = QgsMapMouseEvent(
            canvas, kind, position, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        (tool.canvasPressEvent if kind == QEvent.Type.MouseButtonPress else tool.canvasReleaseEvent)(event)


def inside(parcels, pnu: str):
    return parcels.loc[parcels["PNU"] == pnu].geometry.iloc[0].representative_point()


def test_click_shows_the_parcels_ledger_and_findings(loaded, qgis_canvas, inspector_linkage):  # noqa: F811
    _, inspector = loaded
    result = inspector_linkage[0]
    parcels = result.parcels_tax
    assert qgis_canvas.mapTool() is inspector.tool
    assert inspector.action.isEnabled()

    with_findings = result.buildings_tax.loc[result.buildings_tax["n_findings"] > 0, "pnu"].iloc[0]
    point = inside(parcels, with_findings)
    click(qgis_canvas, inspector.tool, point.x, point.y)
    text = inspector.panel.browser.toPlainText()
    assert inspector.statement.pnu == with_findings
    for row_id in result.ledger_matched.loc[result.ledger_matched["pnu"] == with_findings, "row_id"]:
        assert row_id in text
    for label in result.findings.loc[result.findings["pnu"] == with_findings, "label_ko"]:
        assert label in text
    assert inspector.statement.pnu_formatted in inspector.panel.status_label.text()
    assert len(inspector.bands) == 2  # the parcel and its buildings

    bare = parcels[(parcels["n_findings"] == 0) & (parcels["ledger_rows"] == 0)]["PNU"].iloc[0]
    point = inside(parcels, bare)
    click(qgis_canvas, inspector.tool, point.x, point.y)
    text = inspector.panel.browser.toPlainText()
    assert inspector.statement.pnu == bare and "발견사항 없음" in text and "과세대장 없음" in text

    mountain = parcels[parcels["PNU"].str[10] == "2"]["PNU"].iloc[0]
    point = inside(parcels, mountain)
    click(qgis_canvas, inspector.tool, point.x, point.y)
    assert inspector.statement.pnu == mountain and "산 " in inspector.panel.status_label.text()

    quirky = parcels[parcels["PNU"].str[10] == "6"]["PNU"].iloc[0]
    point = inside(parcels, quirky)
    click(qgis_canvas, inspector.tool, point.x, point.y)
    text = inspector.panel.browser.toPlainText()
    assert inspector.statement.pnu == quirky and "대장구분 6" in text and "PNU_NONSTANDARD" in text

    minx, miny, _, _ = parcels.total_bounds
    click(qgis_canvas, inspector.tool, minx - 500, miny - 500)
    assert inspector.statement is None and inspector.panel.browser.toPlainText() == ""
    assert inspector.bands == []


def test_search_by_pnu_and_address_zooms_to_the_parcel(loaded, qgis_canvas, inspector_linkage):  # noqa: F811
    _, inspector = loaded
    parcels = inspector_linkage[0].parcels_tax
    row = parcels[parcels["PNU"].str[10] == "1"].iloc[20]
    inspector.panel.search_edit.setText(row["PNU"])
    inspector.panel.search_button.click()
    assert inspector.statement.pnu == row["PNU"]
    assert qgis_canvas.extent().contains(QgsPointXY(*row.geometry.representative_point().coords[0]))
    other = parcels[parcels["PNU"].str[10] == "1"].iloc[40]
    assert inspector.search(f"{other['legal_dong_name']} {other['lot']}") == other["PNU"]
    assert inspector.search("가상동 1-1") is None and "가상동" in inspector.panel.status_label.text()
    completions = inspector.panel.completer.model().stringList()
    assert "사우동" in completions


def test_export_html_and_pdf_without_unmasked_names(loaded, named_pnu_from_linkage, tmp_path):
    _, inspector = loaded
    assert inspector.search(named_pnu_from_linkage) == named_pnu_from_linkage
    assert UNMASKED_NAME not in inspector.panel.browser.toPlainText()
    html = inspector.export(tmp_path / "statement.html").read_text(encoding="utf-8")
    assert named_pnu_from_linkage in html and UNMASKED_NAME not in html and "<svg" in html
    pdf = inspector.export(tmp_path / "statement.pdf")
    assert pdf.read_bytes()[:4] == b"%PDF" and pdf.stat().st_size > 5000


def test_personal_data_shown_only_when_switched_on_and_audited(loaded, named_pnu_from_linkage, tmp_path):
    _, inspector = loaded
    inspector.panel.show_personal_check.setChecked(True)
    inspector.search(named_pnu_from_linkage)
    assert UNMASKED_NAME in inspector.panel.browser.toPlainText()
    lines = (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()
    assert lines and all(line.split("\t")[2] == named_pnu_from_linkage for line in lines)
    inspector.panel.show_personal_check.setChecked(False)
    assert UNMASKED_NAME not in inspector.panel.browser.toPlainText()


@pytest.fixture()
def named_pnu_from_linkage(inspector_linkage):  # noqa: F811
    return inspector_linkage[1]


def _leftovers(iface, canvas) -> dict[str, int]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    window = iface.mainWindow()
    return {
        "actions": len(window.findChildren(QAction, ACTION_OBJECT_NAME)),
        "docks": len(window.findChildren(QDockWidget, DOCK_OBJECT_NAME)),
        "toolbars": len(window.findChildren(QToolBar, TOOLBAR_OBJECT_NAME)),
        "rubber_bands": len([i for i in canvas.scene().items() if isinstance(i, QgsRubberBand)]),
        "provider": int(QgsApplication.processingRegistry().providerById("gimpo") is not None),
    }


def test_load_use_unload_twice_leaves_nothing(qgis_iface, qgis_canvas, linkage_gpkg, inspector_linkage):  # noqa: F811
    layer = QgsVectorLayer(f"{linkage_gpkg}|layername=parcels_tax", "parcels_tax", "ogr")
    QgsProject.instance().addMapLayer(layer)
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:5186"))
    before = _leftovers(qgis_iface, qgis_canvas)
    try:
        for _ in range(2):
            plugin = classFactory(qgis_iface)
            plugin.initGui()
            inspector = plugin.gui.extensions[0]
            inspector.action.trigger()
            point = inside(inspector_linkage[0].parcels_tax, inspector_linkage[1])
            click(qgis_canvas, inspector.tool, point.x, point.y)
            assert inspector.statement is not None and inspector.bands
            tool = inspector.tool
            plugin.unload()
            assert qgis_canvas.mapTool() is not tool
            assert _leftovers(qgis_iface, qgis_canvas) == before
            assert qgis_iface.unregisterMapToolHandler.called
    finally:
        QgsProject.instance().removeAllMapLayers()


def test_tool_disabled_without_a_parcel_layer(qgis_iface):
    QgsProject.instance().removeAllMapLayers()
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        inspector = plugin.gui.extensions[0]
        assert not inspector.action.isEnabled() and not inspector.handler.isCompatibleWithLayer(None, None)
    finally:
        plugin.unload()


def test_screenshot_of_the_panel_with_findings(loaded, qgis_canvas, inspector_linkage, artifacts_dir):  # noqa: F811
    _, inspector = loaded
    result = inspector_linkage[0]
    parcels = result.parcels_tax
    busy = result.buildings_tax.loc[result.buildings_tax["n_findings"] > 0, "pnu"]
    pnu = parcels[parcels["PNU"].isin(busy) & (parcels["n_findings"] > 0)]["PNU"].iloc[0]
    point = inside(parcels, pnu)
    click(qgis_canvas, inspector.tool, point.x, point.y)
    panel = inspector.panel
    panel.setFloating(True)
    panel.resize(640, 900)
    panel.show()
    QCoreApplication.processEvents()
    path = artifacts_dir / "parcel_inspector_panel.png"
    assert panel.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_ui_speaks_korean_by_default_and_english_as_fallback(qgis_iface):
    from gimpo_gis_plugin import i18n
    from scripts.build_translations import build

    build()
    QgsProject.instance().removeAllMapLayers()
    plugin = classFactory(qgis_iface)  # installs the translator of the configured language (default ko)
    plugin.initGui()
    try:
        inspector = plugin.gui.extensions[0]
        assert inspector.action.text() == "필지 조회"
        assert inspector.panel.search_button.text() == "검색"
        assert inspector.panel.settings_box.title() == "설정"
    finally:
        plugin.unload()
    assert i18n.tr("Parcel inspector") == "Parcel inspector"  # translator removed: English source strings


def test_live_on_picked_parcel_building_layers_and_ledger_file(qgis_iface, qgis_canvas, sample_city_files, tmp_path):
    """Not a linkage output: the officer picks the building layer and the ledger file in the settings."""
    gpkg = sample_city_files["gpkg"]
    parcels = QgsVectorLayer(f"{gpkg}|layername=parcels", "parcels", "ogr")
    buildings = QgsVectorLayer(f"{gpkg}|layername=buildings", "buildings", "ogr")
    QgsProject.instance().addMapLayers([parcels, buildings])
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:5186"))
    QgsSettings().setValue(SETTING_SHOW_PERSONAL, False)
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        inspector = plugin.gui.extensions[0]
        inspector.action.trigger()
        assert "과세대장" in inspector.panel.status_label.text() or "ledger" in inspector.panel.status_label.text()
        inspector.panel.building_layer_combo.setLayer(buildings)
        inspector.panel.ledger_file.setFilePath(str(sample_city_files["ledger_csv"]))
        feature = next(f for f in parcels.getFeatures() if f["jimok"] == "대")
        point = feature.geometry().pointOnSurface().asPoint()
        click(qgis_canvas, inspector.tool, point.x(), point.y())
        assert inspector.statement is not None and inspector.statement.pnu == feature["PNU"]
        assert inspector.statement.land_ledger or inspector.statement.findings
        assert inspector.panel.parcel_layer_combo.currentLayer() is parcels
    finally:
        plugin.unload()
        QgsProject.instance().removeAllMapLayers()
