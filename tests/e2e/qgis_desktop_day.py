"""Run by `qgis --code` in the real QGIS desktop with the demo project open: a tax officer's first minutes.

Presses the 필지 조회 button, clicks a parcel with a real mouse event on the map canvas, searches one,
prints its PDF statement, opens the unmasking dialog, and looks at the menu, the toolbar and the dock.
Everything it sees goes to ``$GIMPO_DAY_OUT/results.json`` (the test asserts on it) and the pictures
to ``$GIMPO_DAY_OUT/*.png`` (`make screenshots` keeps them as the gallery). It always quits QGIS: a
watchdog ends the run after ``GIMPO_DAY_TIMEOUT`` seconds, and no dialog is left open.
"""

import hashlib
import json
import os
import traceback
from pathlib import Path

from qgis.core import QgsPointXY, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QBuffer, QByteArray, QPoint, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface, plugins

OUT = Path(os.environ["GIMPO_DAY_OUT"])
TIMEOUT_S = float(os.environ.get("GIMPO_DAY_TIMEOUT", "150"))
results: dict = {"done": False, "errors": []}
state = {"finished": False}


def save(widget, name: str) -> str:
    path = OUT / name
    widget.grab().save(str(path))
    return str(path)


def settle(ms: int = 300) -> None:
    QTest.qWait(ms)


def icon_digest(icon) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    icon.pixmap(32, 32).toImage().save(buffer, "PNG")
    return hashlib.sha1(bytes(data)).hexdigest()


def look_at_menu_and_toolbar(gui) -> None:
    window = iface.mainWindow()
    bar = window.menuBar()
    menus = [a.menu() for a in bar.actions() if a.menu() is not None]
    ours = next(m for m in menus if m.objectName() == "GimpoGisMenu")
    results["menu_title"] = ours.title()
    results["menu_groups"] = {
        sub.menu().title(): [a.text() for a in sub.menu().actions()] for sub in ours.actions() if sub.menu()
    }
    results["menu_position"] = [m.objectName() for m in menus].index("GimpoGisMenu")
    results["help_position"] = next((i for i, m in enumerate(menus) if m.objectName() == "mHelpMenu"), -1)
    results["toolbar_title"] = gui.toolbar.windowTitle()
    actions = [a for a in gui.toolbar.actions() if not a.isSeparator()]
    results["toolbar_actions"] = [a.text() for a in actions]
    results["toolbar_icons_distinct"] = len({icon_digest(a.icon()) for a in actions})
    tax = gui.submenus["tax"]
    tax.popup(window.mapToGlobal(QPoint(400, 60)))
    settle(300)
    results["menu_png"] = save(tax, "menu_tax.png")
    tax.hide()


def first_click(inspector) -> None:
    canvas = iface.mapCanvas()
    index = inspector.index
    pnu, x, y = next(
        (p, x, y)
        for p, x, y in index.random_points(300, seed=11)
        if len(index.ledger_of(p)) and len(index.findings_of(p))
    )
    canvas.setExtent(QgsRectangle(x - 60, y - 60, x + 60, y + 60))
    canvas.refresh()
    settle(800)
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    QTest.mouseClick(
        canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(pixel.x()), round(pixel.y())),
    )
    settle(500)
    text = inspector.panel.browser.toPlainText()
    row_ids = [str(r) for r in index.ledger_of(pnu)["row_id"]]
    results["click_pnu"] = pnu
    results["statement_pnu"] = inspector.statement.pnu if inspector.statement else None
    results["ledger_rows"] = len(row_ids)
    results["ledger_rows_shown"] = sum(r in text for r in row_ids)
    results["findings_shown"] = sum(str(label) in text for label in index.findings_of(pnu)["label_ko"])
    results["click_ms"] = inspector.last_click_ms


def look_at_dock(inspector) -> None:
    window = iface.mainWindow()
    panel = inspector.panel
    results["dock_size"] = [panel.width(), panel.height()]
    results["dock_floating"] = panel.isFloating()
    results["dock_area"] = str(window.dockWidgetArea(panel))
    results["dock_tabified_with"] = [d.objectName() for d in window.tabifiedDockWidgets(panel)]
    results["right_docks_visible"] = [
        d.objectName()
        for d in window.findChildren(QDockWidget)
        if d.isVisible() and not d.isFloating() and window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea
    ]
    results["window_size"] = [window.width(), window.height()]
    results["dock_png"] = save(panel, "inspector_dock.png")
    results["window_png"] = save(window, "qgis_window.png")


def search_and_print(inspector) -> None:
    canvas = iface.mapCanvas()
    pnu = results["click_pnu"]
    inspector.panel.search_edit.setText(pnu)
    inspector.panel.search_button.click()
    settle(800)
    results["search_scale"] = canvas.scale()
    geometry = inspector.index.parcel_geometry(pnu)
    minx, miny, maxx, maxy = geometry.bounds
    results["search_extent_contains_parcel"] = canvas.extent().contains(QgsRectangle(minx, miny, maxx, maxy))
    results["search_png"] = save(iface.mainWindow(), "qgis_after_search.png")
    pdf = inspector.export(OUT / "statement.pdf")
    results["pdf"] = str(pdf)
    results["pdf_scale"] = inspector.last_pdf.scale
    results["pdf_map_box_mm"] = list(inspector.last_pdf.map_box_mm)
    results["pdf_pages"] = inspector.last_pdf.pages


def unmask_dialog(inspector) -> None:
    from gimpo_gis_plugin.gui.inspector.inspector import audit_log_path
    from gimpo_gis_plugin.gui.inspector.personal_data import UnmaskDialog

    dialog = UnmaskDialog(str(audit_log_path()), inspector.panel)
    dialog.show()
    dialog.reason_combo.setEditText("납세자 민원 응대 (민원 2026-0412)")
    dialog.confirm_check.setChecked(True)
    settle(200)
    results["unmask_dialog_png"] = save(dialog, "unmask_dialog.png")
    dialog.reject()
    dialog.deleteLater()


def run_day() -> None:
    try:
        plugin = plugins.get("gimpo_gis_plugin")
        results["plugin_loaded"] = plugin is not None and plugin.gui is not None
        gui = plugin.gui
        inspector = gui.extensions[0]
        look_at_menu_and_toolbar(gui)
        toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
        if toolbox is not None:  # an officer who keeps the Processing toolbox open on the right
            toolbox.show()
            settle(200)
        inspector.action.trigger()
        results["ready"] = inspector.wait_until_ready(120)
        results["layer_label"] = inspector.panel.layer_label.text()
        layer = inspector.panel.parcel_layer_combo.currentLayer()
        results["layer_name"] = layer.name() if layer else None
        results["layer_source"] = layer.source() if layer else None
        results["layer_id"] = layer.id() if layer else None
        settle(500)
        first_click(inspector)
        look_at_dock(inspector)
        search_and_print(inspector)
        unmask_dialog(inspector)
        results["remembered_layer"] = QgsProject.instance().readEntry("gimpo_gis", "/inspector/parcel_layer")[0]
        results["done"] = True
    except Exception:
        results["errors"].append(traceback.format_exc())
    finish()


def finish() -> None:
    if state["finished"]:
        return
    state["finished"] = True
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    for widget in QApplication.topLevelWidgets():  # nothing modal may stay open
        if widget.isModal() and widget.isVisible():
            widget.close()
    # Nothing to ask on exit: not "save the project?" (the inspector wrote its layer choice into it).
    QgsProject.instance().clear()
    QgsProject.instance().setDirty(False)
    iface.actionExit().trigger()


def watchdog() -> None:
    if not state["finished"]:
        results["errors"].append(f"watchdog: the day did not finish within {TIMEOUT_S:.0f} s")
        finish()


QTimer.singleShot(3000, run_day)
QTimer.singleShot(int(TIMEOUT_S * 1000), watchdog)
