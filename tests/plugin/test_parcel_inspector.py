"""The parcel inspector in QGIS (pytest-qgis): fake clicks on the canvas, search, export, unload, screenshot.

The data is the real gimpo:linktaxledger output of the 5,000-parcel sample city, written to a GeoPackage
and loaded as QGIS layers, as an officer would open it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
from qgis.PyQt.QtWidgets import QAction, QDialogButtonBox, QDockWidget, QToolBar

from gimpo_gis_plugin import classFactory
from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.gui.inspector.inspector import (
    ACTION_OBJECT_NAME,
    CADASTRAL_SCALE,
    SETTING_AUDIT_LOG,
    SETTING_EXPORT_FOLDER,
)
from gimpo_gis_plugin.gui.inspector.panel import DOCK_OBJECT_NAME
from gimpo_gis_plugin.gui.main import MENU_OBJECT_NAME, TOOLBAR_OBJECT_NAME
from tests.core.inspector.conftest import UNMASKED_NAME, inspector_linkage  # noqa: F401 - fixture
from tests.plugin.dialogs import answer_next_dialog


@pytest.fixture(scope="module")
def linkage_gpkg(inspector_linkage, tmp_path_factory):  # noqa: F811
    from gimpo_gis_plugin.core.tax_linkage.output import write_linkage

    path, _ = write_linkage(inspector_linkage[0], tmp_path_factory.mktemp("inspector") / "linked.gpkg")
    return path


@pytest.fixture()
def loaded(qgis_iface, qgis_canvas, linkage_gpkg, tmp_path):
    """The linkage layers in the project and the plugin loaded; everything removed afterwards."""
    settings = QgsSettings()
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
    assert inspector.wait_until_ready(120, indexed=True)
    yield plugin, inspector
    plugin.unload()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().removeEntry("gimpo_gis", "/")
    settings.remove(SETTING_AUDIT_LOG)
    settings.remove(SETTING_EXPORT_FOLDER)


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
    minx, miny, maxx, maxy = row.geometry.bounds
    assert qgis_canvas.extent().contains(QgsRectangle(minx, miny, maxx, maxy))  # the whole parcel, with margin
    assert qgis_canvas.extent().width() > 1.5 * (maxx - minx)
    assert qgis_canvas.scale() >= CADASTRAL_SCALE - 1  # never a 1:447 close-up of one lot
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
    assert pdf.read_bytes()[:4] == b"%PDF"
    if shutil.which("pdftotext"):
        text = pdf_text(pdf)
        assert UNMASKED_NAME not in text and "홍*동" in text
    assert not (tmp_path / "audit.log").exists()  # masked exports are not personal-data accesses


def test_export_asks_where_to_save_and_remembers_the_folder(loaded, named_pnu_from_linkage, tmp_path, monkeypatch):
    from qgis.PyQt.QtWidgets import QFileDialog

    _, inspector = loaded
    inspector.search(named_pnu_from_linkage)
    asked = []
    target = tmp_path / "chosen" / "조서.pdf"
    target.parent.mkdir()

    def save_dialog(parent, title, suggested, filters):
        asked.append(suggested)
        return str(target), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    inspector.panel.export_button.click()
    assert target.is_file() and str(target) in inspector.panel.status_label.text()
    assert Path(asked[0]).is_absolute() and Path(asked[0]).parent != Path.cwd()
    inspector.panel.export_button.click()
    assert Path(asked[1]).parent == target.parent  # the last folder, remembered
    with pytest.raises(InputError):
        inspector.export("relative.pdf")  # never into the working folder


def pdf_text(path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_pdf_statement_prints_a_true_scale_map_and_legible_korean(
    loaded,
    inspector_linkage,  # noqa: F811
    tmp_path,
    artifacts_dir,
):
    from qgis.PyQt.QtGui import QImage

    from gimpo_gis_plugin.gui.inspector.pdf_statement import MAP_HEIGHT_MM, MAP_WIDTH_MM

    _, inspector = loaded
    result = inspector_linkage[0]
    busy = result.parcels_tax[(result.parcels_tax["n_findings"] > 0) & (result.parcels_tax["ledger_rows"] > 0)]
    pnu = busy["PNU"].iloc[0]
    assert inspector.search(pnu) == pnu
    pdf = inspector.export(tmp_path / "statement.pdf")
    layout = inspector.last_pdf
    shutil.copy(pdf, artifacts_dir / "parcel_statement.pdf")
    text = pdf_text(pdf)
    for label in ("필지 조서", "발견사항", "토지 과세대장", "건축물", f"1:{layout.scale:,}"):
        assert label in text, label
    assert inspector.statement.pnu_formatted in text
    for code in result.findings.loc[result.findings["pnu"] == pnu, "code"]:
        assert code in text
    for row_id in result.ledger_matched.loc[result.ledger_matched["pnu"] == pnu, "row_id"]:
        assert row_id in text

    dpi = 100
    done = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], timeout=60
    )
    assert done.returncode == 0
    png = next(tmp_path.glob("page*.png"))
    shutil.copy(png, artifacts_dir / "parcel_statement_page1.png")
    page = QImage(str(png))
    assert abs(page.width() - 210 / 25.4 * dpi) < 3  # A4, printed at its size (not in a corner of the page)
    x, y, w, h = (v / 25.4 * dpi for v in layout.map_box_mm)
    assert abs(w - MAP_WIDTH_MM / 25.4 * dpi) < 2 and abs(h - MAP_HEIGHT_MM / 25.4 * dpi) < 2
    # Inside the box (1 mm in from its frame) the map is drawn edge to edge: neighbours, the parcel, buildings.
    inset = 1 / 25.4 * dpi
    xs, ys = [], []
    for px in range(round(x + inset), round(x + w - inset), 2):
        for py in range(round(y + inset), round(y + h - inset), 2):
            colour = page.pixelColor(px, py)
            if min(colour.red(), colour.green(), colour.blue()) < 245:
                xs.append(px)
                ys.append(py)
    assert len(xs) > 0.2 * ((w - 2 * inset) / 2) * ((h - 2 * inset) / 2)
    assert max(xs) - min(xs) > 0.95 * (w - 2 * inset - 2) and max(ys) - min(ys) > 0.95 * (h - 2 * inset - 2)
    # The parcel's red outline is in the middle of the box.
    red = [
        px
        for px in range(round(x), round(x + w), 2)
        for py in range(round(y), round(y + h), 2)
        if (c := page.pixelColor(px, py)).red() > 180 and c.green() < 110 and c.blue() < 110
    ]
    assert red and abs(sum(red) / len(red) - (x + w / 2)) < 0.15 * w


def test_personal_data_shown_only_when_switched_on_and_audited(loaded, named_pnu_from_linkage, tmp_path):
    _, inspector = loaded
    inspector.search(named_pnu_from_linkage)
    log = tmp_path / "audit.log"
    assert str(log) in inspector.panel.audit_label.text()  # the panel says where the log is

    answer_next_dialog(lambda dialog: dialog.reject())
    inspector.panel.show_personal_check.setChecked(True)
    assert not inspector.panel.show_personal_check.isChecked() and not log.exists()
    assert UNMASKED_NAME not in inspector.panel.browser.toPlainText()

    def no_reason_then_reason(dialog):
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.confirm_check.setChecked(True)
        assert not ok.isEnabled()  # a confirmation alone is not enough: a reason is needed
        dialog.reason_combo.setEditText("납세자 민원 응대 2026-123")
        assert ok.isEnabled()
        ok.click()

    answer_next_dialog(no_reason_then_reason)
    inspector.panel.show_personal_check.setChecked(True)
    assert inspector.panel.show_personal_check.isChecked()
    assert UNMASKED_NAME in inspector.panel.browser.toPlainText()
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.split("\t")[2] == named_pnu_from_linkage for line in lines)
    assert all(line.split("\t")[4] == "납세자 민원 응대 2026-123" for line in lines)

    exported = inspector.export(tmp_path / "with_names.html")
    assert UNMASKED_NAME in exported.read_text(encoding="utf-8")
    export_line = log.read_text(encoding="utf-8").splitlines()[-1]
    assert "내보내기" in export_line and str(exported) in export_line

    # A parcel without ledger rows shows no personal data: no "shown" line for it.
    before = len(log.read_text(encoding="utf-8").splitlines())
    bare = next(p for p, _, _ in inspector.index.random_points(400) if len(inspector.index.ledger_of(p)) == 0)
    inspector.show_pnu(bare)
    assert len(log.read_text(encoding="utf-8").splitlines()) == before

    inspector.panel.show_personal_check.setChecked(False)
    inspector.show_pnu(named_pnu_from_linkage)
    assert UNMASKED_NAME not in inspector.panel.browser.toPlainText()
    assert QgsSettings().value("gimpo_gis_plugin/show_personal_data") is None  # nothing stored for a restart


def test_unmasking_lasts_for_the_session_only(qgis_iface, linkage_gpkg, tmp_path):
    QgsSettings().setValue(SETTING_AUDIT_LOG, str(tmp_path / "audit.log"))
    QgsSettings().setValue("gimpo_gis_plugin/show_personal_data", True)  # as an older version stored it
    layer = QgsVectorLayer(f"{linkage_gpkg}|layername=parcels_tax", "parcels_tax", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        for _ in range(2):  # the second load is what a restart sees
            plugin = classFactory(qgis_iface)
            plugin.initGui()
            inspector = plugin.gui.extensions[0]
            assert not inspector.show_personal and not inspector.panel.show_personal_check.isChecked()
            inspector.personal.allow("체납 처분 업무")
            plugin.unload()
    finally:
        QgsProject.instance().clear()
        QgsSettings().remove(SETTING_AUDIT_LOG)


def test_picks_the_linkage_layer_not_the_raw_cadastre_and_remembers_it(
    qgis_iface, qgis_canvas, linkage_gpkg, sample_city_files, tmp_path
):
    raw = QgsVectorLayer(f"{sample_city_files['gpkg']}|layername=parcels", "parcels", "ogr")
    linked = QgsVectorLayer(f"{linkage_gpkg}|layername=parcels_tax", "parcels_tax", "ogr")
    project = QgsProject.instance()
    project.addMapLayers([raw, linked])  # the raw layer first, as in the demo project
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        inspector = plugin.gui.extensions[0]
        inspector.action.trigger()
        assert inspector.wait_until_ready(120)
        assert inspector.panel.parcel_layer_combo.currentLayer() is linked
        said = inspector.panel.layer_label.text()
        assert "parcels_tax" in said and "linked.gpkg" in said
        assert project.readEntry("gimpo_gis", "/inspector/parcel_layer")[0] == linked.id()
        saved = tmp_path / "remember.qgz"
        assert project.write(str(saved))
        plugin.unload()
        project.clear()
        plugin = classFactory(qgis_iface)
        plugin.initGui()
        assert project.read(str(saved))  # a restart: the plugin is there, then the project opens
        inspector = plugin.gui.extensions[0]
        assert inspector.wait_until_ready(120)  # prepared when the project was read
        remembered = project.mapLayer(project.readEntry("gimpo_gis", "/inspector/parcel_layer")[0])
        assert remembered is not None and remembered.name() == "parcels_tax"
        assert inspector.panel.parcel_layer_combo.currentLayer() is remembered
    finally:
        plugin.unload()
        project.clear()


def test_asks_which_layer_when_two_linkage_outputs_are_loaded(qgis_iface, linkage_gpkg, tmp_path):
    copy = tmp_path / "linked_copy.gpkg"
    shutil.copy(linkage_gpkg, copy)
    first = QgsVectorLayer(f"{linkage_gpkg}|layername=parcels_tax", "parcels_tax", "ogr")
    second = QgsVectorLayer(f"{copy}|layername=parcels_tax", "parcels_tax", "ogr")
    project = QgsProject.instance()
    project.addMapLayers([first, second])
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        inspector = plugin.gui.extensions[0]
        offered = []

        def pick_the_copy(dialog):
            offered.extend(dialog.comboBoxItems())
            dialog.setTextValue(next(item for item in offered if "linked_copy.gpkg" in item))
            dialog.accept()

        answer_next_dialog(pick_the_copy)
        inspector.action.trigger()
        assert len(offered) == 2
        assert inspector.wait_until_ready(120)
        assert inspector.panel.parcel_layer_combo.currentLayer() is second
        assert project.readEntry("gimpo_gis", "/inspector/parcel_layer")[0] == second.id()
    finally:
        plugin.unload()
        project.clear()


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
        "menus": len([a for a in window.menuBar().actions() if a.menu() and a.menu().objectName() == MENU_OBJECT_NAME]),
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
            assert inspector.wait_until_ready(120)
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
        click(qgis_canvas, inspector.tool, point.x(), point.y())  # answered once the live index is linked
        assert inspector.wait_until_ready(300)
        assert inspector.statement is not None and inspector.statement.pnu == feature["PNU"]
        assert inspector.statement.land_ledger or inspector.statement.findings
        assert inspector.panel.parcel_layer_combo.currentLayer() is parcels
    finally:
        plugin.unload()
        QgsProject.instance().removeAllMapLayers()


def test_a_new_linkage_run_replacing_the_file_is_read_at_the_next_click(
    loaded,
    qgis_canvas,
    linkage_gpkg,
    inspector_linkage,  # noqa: F811
    tmp_path,
):
    import os

    _, inspector = loaded
    before = inspector.index
    rewritten = linkage_gpkg.with_name("rewritten.gpkg")
    shutil.copy(linkage_gpkg, rewritten)
    os.replace(rewritten, linkage_gpkg)  # as gimpo:linktaxledger writes: a new file renamed into place
    point = inside(inspector_linkage[0].parcels_tax, inspector_linkage[1])
    click(qgis_canvas, inspector.tool, point.x, point.y)
    assert inspector.index is not before and inspector.statement.pnu == inspector_linkage[1]
