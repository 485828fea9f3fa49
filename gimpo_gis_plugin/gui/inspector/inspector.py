"""The parcel inspector extension of the plugin GUI: action, map tool, highlight, dock, export.

Registered in :class:`~gimpo_gis_plugin.gui.main.GimpoGui` (``extensions``); ``teardown`` removes
everything ``setup`` added. What the panel shows comes from :mod:`gimpo_gis_plugin.core.inspector`.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsProviderRegistry,
    QgsRectangle,
    QgsSettings,
    QgsWkbTypes,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QByteArray, QSizeF, Qt, QUrl
from qgis.PyQt.QtGui import QColor, QIcon, QImage, QPainter, QTextDocument
from qgis.PyQt.QtWidgets import QAction, QFileDialog

from ...core.errors import GimpoError, InputError
from ...core.paths import resource
from ...i18n import tr
from .map_tool import ParcelInspectorTool, ParcelInspectorToolHandler, pnu_field
from .panel import InspectorPanel

ACTION_OBJECT_NAME = "gimpo_action_parcel_inspector"
SETTING_SHOW_PERSONAL = "gimpo_gis_plugin/show_personal_data"
SETTING_AUDIT_LOG = "gimpo_gis_plugin/audit_log"


def audit_log_path() -> Path:
    default = Path(QgsApplication.qgisSettingsDirPath()) / "gimpo_gis_plugin" / "personal_data_audit.log"
    return Path(str(QgsSettings().value(SETTING_AUDIT_LOG, str(default))))


def _layer_file(layer) -> tuple[str, str | None]:
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return str(parts.get("path") or layer.source()), parts.get("layerName") or None


class ParcelInspector:
    def __init__(self, iface: Any, gui: Any) -> None:
        self.iface = iface
        self.gui = gui
        self.action: QAction | None = None
        self.tool: ParcelInspectorTool | None = None
        self.handler: ParcelInspectorToolHandler | None = None
        self.panel: InspectorPanel | None = None
        self.bands: list[QgsRubberBand] = []
        self.index = None
        self._index_key: tuple | None = None
        self.statement = None
        self.last_click_ms: float | None = None

    # --- life cycle ---------------------------------------------------------------------------------
    def setup(self) -> None:
        canvas = self.iface.mapCanvas()
        window = self.iface.mainWindow()
        self.action = QAction(QIcon(str(resource("icons", "gimpo.svg"))), tr("Parcel inspector"), window)
        self.action.setObjectName(ACTION_OBJECT_NAME)
        self.action.setToolTip(tr("Parcel inspector: click a parcel to see its ledger, buildings and findings"))
        self.action.setCheckable(True)
        self.action.triggered.connect(self.activate)
        self.gui.add_action(self.action, toolbar=True)
        self.tool = ParcelInspectorTool(canvas, self.inspect_point)
        self.tool.setAction(self.action)
        self.handler = ParcelInspectorToolHandler(self.tool, self.action, self.has_parcel_layer)
        self.iface.registerMapToolHandler(self.handler)
        self.panel = InspectorPanel(window)
        self.panel.show_personal_check.setChecked(self.show_personal)
        self.panel.building_layer_combo.setLayer(None)  # no building layer until the officer picks one
        self.panel.search_requested.connect(self.search)
        self.panel.export_requested.connect(self._ask_export)
        self.panel.settings_changed.connect(self._settings_changed)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel)
        self.panel.hide()
        project = QgsProject.instance()
        project.layersAdded.connect(self.update_enabled)
        project.layersRemoved.connect(self.update_enabled)
        self.update_enabled()

    def teardown(self) -> None:
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved):
            with contextlib.suppress(TypeError):  # never connected (setup failed half-way)
                signal.disconnect(self.update_enabled)
        self.clear_highlight()
        canvas = self.iface.mapCanvas()
        if self.tool is not None:
            if canvas.mapTool() is self.tool:
                canvas.unsetMapTool(self.tool)
            if self.handler is not None:
                self.iface.unregisterMapToolHandler(self.handler)
            self.tool.deleteLater()
        if self.panel is not None:
            self.panel.blockSignals(True)  # its layer combos still react to layer removal until deleted
            self.iface.removeDockWidget(self.panel)
            self.panel.deleteLater()
        self.action = self.tool = self.handler = self.panel = None
        self.index = self._index_key = self.statement = None

    # --- state --------------------------------------------------------------------------------------
    @property
    def show_personal(self) -> bool:
        return str(QgsSettings().value(SETTING_SHOW_PERSONAL, "false")).lower() in ("true", "1")

    def parcel_layers(self) -> list:
        return [layer for layer in QgsProject.instance().mapLayers().values() if pnu_field(layer)]

    def has_parcel_layer(self) -> bool:
        return bool(self.parcel_layers())

    def update_enabled(self, *_args: object) -> None:
        if self.action is not None:
            usable = self.has_parcel_layer()
            self.action.setEnabled(usable)
            if not usable and self.tool is not None and self.iface.mapCanvas().mapTool() is self.tool:
                self.iface.mapCanvas().unsetMapTool(self.tool)

    def activate(self) -> None:
        self.iface.mapCanvas().setMapTool(self.tool)
        self.panel.show()
        self.panel.raise_()
        try:
            self.ensure_index()
        except GimpoError as error:
            self.panel.show_message(str(error))

    def _settings_changed(self) -> None:
        if self.panel is None:
            return
        QgsSettings().setValue(SETTING_SHOW_PERSONAL, self.panel.show_personal_check.isChecked())
        self._index_key = None if self._index_key is None or self._key() != self._index_key else self._index_key
        if self.statement is not None:
            self.show_pnu(self.statement.pnu)

    # --- the index ----------------------------------------------------------------------------------
    def _parcel_layer(self):
        """The parcel layer picked in the settings, else the first suitable one (shown in the picker)."""
        combo = self.panel.parcel_layer_combo
        if pnu_field(combo.currentLayer()):
            return combo.currentLayer()
        layers = self.parcel_layers()
        if not layers:
            return None
        self.panel.blockSignals(True)
        combo.setLayer(layers[0])
        self.panel.blockSignals(False)
        return layers[0]

    def _key(self) -> tuple:
        layer = self._parcel_layer()
        buildings = self.panel.building_layer_combo.currentLayer()
        return (
            layer.id() if layer else None,
            buildings.id() if buildings else None,
            self.panel.ledger_file.filePath(),
        )

    def ensure_index(self):
        """The index for the current settings (built once per setting: a 200,000-parcel city takes seconds)."""
        from ...core.inspector import InspectorIndex
        from ...core.inspector.search import completion_names

        key = self._key()
        if self.index is not None and key == self._index_key:
            return self.index
        layer = self._parcel_layer()
        if layer is None:
            raise InputError(tr("No parcel layer (polygons with a PNU field) is loaded."))
        path, layer_name = _layer_file(layer)
        index = None
        if path.lower().endswith(".gpkg"):
            import pyogrio

            names = {name for name, _ in pyogrio.list_layers(path)}
            if "ledger_matched" in names:
                index = InspectorIndex.from_geopackage(path)
        if index is None:
            index = self._live_index(path, layer_name)
        self.index, self._index_key = index, key
        self.panel.set_completions(completion_names())
        self.panel.show_message(tr("Ready: {count} parcels. Click a parcel or search.").format(count=f"{len(index):,}"))
        return index

    def _live_index(self, parcel_path: str, parcel_layer: str | None):
        from ...core.inspector import InspectorIndex
        from ...core.tax_linkage import read_ledger
        from ...core.vector_io import read_vector

        buildings = self.panel.building_layer_combo.currentLayer()
        ledger_path = self.panel.ledger_file.filePath()
        if buildings is None or not ledger_path:
            raise InputError(
                tr("The parcel layer is not a gimpo:linktaxledger output."),
                tr("Pick a building layer and a tax ledger file in the panel's settings, or load the linkage output."),
            )
        building_path, building_layer = _layer_file(buildings)
        parcels = read_vector(parcel_path, parcel_layer)
        building_frame = read_vector(building_path, building_layer)
        return InspectorIndex.from_live(parcels, building_frame, read_ledger(ledger_path).rows)

    # --- clicking, searching, showing ---------------------------------------------------------------
    def _index_crs(self) -> QgsCoordinateReferenceSystem:
        return QgsCoordinateReferenceSystem(self.index.crs.to_string() if self.index.crs else "EPSG:5186")

    def inspect_point(self, point: QgsPointXY) -> str | None:
        """A click at ``point`` (canvas CRS): the parcel's statement in the panel, or a message outside."""
        started = time.perf_counter()
        try:
            index = self.ensure_index()
        except GimpoError as error:
            self.panel.show()
            self.panel.clear_statement(str(error))
            return None
        canvas_crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        to_index = QgsCoordinateTransform(canvas_crs, self._index_crs(), QgsProject.instance())
        local = to_index.transform(point)
        pnu = index.pnu_at(local.x(), local.y())
        if pnu is None:
            self.clear_highlight()
            self.statement = None
            self.panel.clear_statement(tr("No parcel at this point."))
        else:
            self.show_pnu(pnu)
        self.last_click_ms = (time.perf_counter() - started) * 1000
        return pnu

    def search(self, text: str) -> str | None:
        from ...core.inspector import search_parcel

        self.panel.show()
        try:
            index = self.ensure_index()
        except GimpoError as error:
            self.panel.clear_statement(str(error))
            return None
        found = search_parcel(index, text)
        if found.pnu is None:
            message = found.message
            if found.candidates:
                message += "\n" + ", ".join(label for _, label in found.candidates[:10])
            self.panel.clear_statement(message)
            return None
        self.show_pnu(found.pnu, zoom=True)
        return found.pnu

    def show_pnu(self, pnu: str, zoom: bool = False) -> None:
        from ...core.inspector import AuditLog, build_statement
        from ...core.inspector.export import statement_html

        show_personal = self.show_personal
        audit = AuditLog(audit_log_path()) if show_personal else None
        try:
            statement = build_statement(self.index, pnu, show_personal=show_personal, audit=audit)
        except GimpoError as error:
            self.panel.clear_statement(str(error))
            return
        self.statement = statement
        title = f"{statement.legal_dong_name} {statement.lot} · PNU {statement.pnu_formatted}"
        self.panel.show_statement_html(title, statement_html(statement, compact=True))
        self.highlight(pnu)
        if zoom:
            self.zoom_to(pnu)

    # --- highlight and zoom -------------------------------------------------------------------------
    def _band(self, color: QColor, fill: QColor, width: int) -> QgsRubberBand:
        band = QgsRubberBand(self.iface.mapCanvas(), QgsWkbTypes.PolygonGeometry)
        band.setStrokeColor(color)
        band.setFillColor(fill)
        band.setWidth(width)
        self.bands.append(band)
        return band

    def highlight(self, pnu: str) -> None:
        import shapely

        self.clear_highlight()
        crs = self._index_crs()
        parcel = self.index.parcel_geometry(pnu)
        if parcel is not None:
            band = self._band(QColor(215, 48, 31), QColor(215, 48, 31, 40), 3)
            band.setToGeometry(QgsGeometry.fromWkt(shapely.to_wkt(parcel)), crs)
        buildings = list(self.index.buildings_of(pnu).geometry)
        if buildings:
            band = self._band(QColor(37, 37, 37), QColor(255, 200, 0, 120), 2)
            band.setToGeometry(QgsGeometry.fromWkt(shapely.to_wkt(shapely.union_all(buildings))), crs)

    def clear_highlight(self) -> None:
        canvas = self.iface.mapCanvas()
        for band in self.bands:
            band.reset(QgsWkbTypes.PolygonGeometry)
            canvas.scene().removeItem(band)
        self.bands.clear()

    def zoom_to(self, pnu: str) -> None:
        minx, miny, maxx, maxy = self.index.parcel_geometry(pnu).bounds
        rect = QgsRectangle(minx, miny, maxx, maxy)
        rect.grow(max(maxx - minx, maxy - miny, 20.0))
        canvas = self.iface.mapCanvas()
        to_canvas = QgsCoordinateTransform(
            self._index_crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance()
        )
        canvas.setExtent(to_canvas.transformBoundingBox(rect))
        canvas.refresh()

    # --- export -------------------------------------------------------------------------------------
    def _ask_export(self) -> None:
        if self.statement is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.panel,
            tr("Export parcel statement"),
            f"필지조서_{self.statement.pnu}.html",
            "HTML (*.html);;PDF (*.pdf)",
        )
        if path:
            try:
                written = self.export(path)
            except GimpoError as error:
                self.panel.show_message(str(error))
                return
            self.panel.show_message(tr("Statement written to {path}").format(path=written))

    def export(self, path: str | Path) -> Path:
        """The shown statement as HTML (map as SVG) or, for a .pdf path, printed to PDF (map as image)."""
        from ...core.inspector.export import statement_html, statement_svg_map, write_statement_html

        if self.statement is None:
            raise InputError(tr("No parcel is shown: click or search a parcel first."))
        path = Path(path)
        svg = statement_svg_map(self.index, self.statement.pnu)
        if path.suffix.lower() != ".pdf":
            return write_statement_html(path, statement_html(self.statement, svg))
        from ...core.geopackage import atomic_path

        document = QTextDocument()
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("map.png"), svg_image(svg))
        document.setHtml(statement_html(self.statement, map_src="map.png"))
        with atomic_path(path) as tmp:
            print_pdf(document, str(tmp))
        return path


def svg_image(svg: str, size: int = 640) -> QImage:
    from qgis.PyQt.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter)
    painter.end()
    return image


def print_pdf(document: QTextDocument, path: str) -> None:
    from qgis.PyQt.QtGui import QPageSize
    from qgis.PyQt.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(path)
    document.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.DevicePixel).size()))
    document.print(printer)
