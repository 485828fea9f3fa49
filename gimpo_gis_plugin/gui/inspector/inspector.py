"""The parcel inspector extension of the plugin GUI: action, map tool, highlight, dock, export.

Registered in :class:`~gimpo_gis_plugin.gui.main.GimpoGui` (``extensions``); ``teardown`` removes
everything ``setup`` added. What the panel shows comes from :mod:`gimpo_gis_plugin.core.inspector`.

The index behind the clicks is prepared in the background (:mod:`.index_task`), from a side file when
the linkage output was read before; a click that comes while it is being prepared is answered as soon
as it is ready. The layer it reads is chosen by :mod:`.layer_choice` and remembered in the project.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsWkbTypes,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication, QStandardPaths, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QColor, QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QDockWidget, QFileDialog, QInputDialog

from ...core.errors import GimpoError, InputError
from ...core.inspector.gpkg_index import GeoPackageIndex, has_lookup_indexes
from ...core.paths import resource
from ...i18n import tr
from . import layer_choice
from .index_task import IndexTask, start
from .map_tool import ParcelInspectorTool, ParcelInspectorToolHandler, pnu_field
from .panel import PANEL_WIDTH, InspectorPanel
from .personal_data import PersonalDataSession, UnmaskDialog

ACTION_OBJECT_NAME = "gimpo_action_parcel_inspector"
SETTING_SHOW_PERSONAL = "gimpo_gis_plugin/show_personal_data"  # no longer read: unmasking is per session
SETTING_AUDIT_LOG = "gimpo_gis_plugin/audit_log"
SETTING_EXPORT_FOLDER = "gimpo_gis_plugin/export_folder"
# Right-hand docks the panel joins as a tab (QGIS's object names), in order of preference.
TABIFY_WITH = ["ProcessingToolbox", "LayerStyling", "IdentifyResultsDock", "BrowserDock2", "Bookmarks"]
CADASTRAL_SCALE = 1200  # 지적도 1:1,200: a searched parcel is never shown closer than this
ZOOM_MARGIN = 0.6  # of the parcel's larger side, on each side
INDEXING_DELAY_MS = 4000  # a GeoPackage opened the first time gets its lookup indexes after the first answer


def audit_log_path() -> Path:
    default = Path(QgsApplication.qgisSettingsDirPath()) / "gimpo_gis_plugin" / "personal_data_audit.log"
    return Path(str(QgsSettings().value(SETTING_AUDIT_LOG, str(default))))


def export_folder() -> str:
    """The folder of the last export, else the user's documents (never the process's working folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = str(QgsSettings().value(SETTING_EXPORT_FOLDER, "") or "")
    return folder if folder and Path(folder).is_dir() else (documents or str(Path.home()))


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
        self.index_from_cache = False
        self.task: IndexTask | None = None  # the index is being built: clicks wait for it
        self.indexing: IndexTask | None = None  # lookup indexes being added: clicks are answered meanwhile
        self.completions: IndexTask | None = None  # the search box's 법정동 names, loaded once per session
        self.completions_pending = False
        self._indexing_due: tuple | None = None  # (GeoPackage, key) whose lookup indexes are still to add
        self._pending: Callable[[], object] | None = None  # the click or search waiting for the index
        self.statement = None
        self.last_click_ms: float | None = None
        self.personal = PersonalDataSession()  # in memory only: a restart starts masked
        self.last_pdf = None

    # --- life cycle ---------------------------------------------------------------------------------
    def setup(self) -> None:
        canvas = self.iface.mapCanvas()
        window = self.iface.mainWindow()
        QgsSettings().remove(SETTING_SHOW_PERSONAL)  # older versions stored it across restarts
        icon = QIcon(str(resource("icons", "parcel_inspector.svg")))
        self.action = QAction(icon, tr("Parcel inspector"), window)
        self.action.setObjectName(ACTION_OBJECT_NAME)
        self.action.setToolTip(tr("Parcel inspector: click a parcel to see its ledger, buildings and findings"))
        self.action.setCheckable(True)
        self.action.triggered.connect(self.activate)
        self.gui.add_action(self.action, toolbar=True, task="tax")
        self.tool = ParcelInspectorTool(canvas, self.inspect_point)
        self.tool.setAction(self.action)
        self.handler = ParcelInspectorToolHandler(self.tool, self.action, self.has_parcel_layer)
        self.iface.registerMapToolHandler(self.handler)
        self.panel = InspectorPanel(window)
        self.panel.set_personal_checked(False)
        self.panel.building_layer_combo.setLayer(None)  # no building layer until the officer picks one
        self.panel.search_requested.connect(self.search)
        self.panel.export_requested.connect(self._ask_export)
        self.panel.settings_changed.connect(self._settings_changed)
        self.panel.personal_toggled.connect(self._personal_toggled)
        self.panel.parcel_layer_picked.connect(self._layer_picked)
        log = audit_log_path()
        self.panel.show_audit_log(str(log), QUrl.fromLocalFile(str(log.parent)).toString())
        self.iface.addTabifiedDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel, TABIFY_WITH, True)
        self.panel.hide()
        project = QgsProject.instance()
        project.layersAdded.connect(self.update_enabled)
        project.layersRemoved.connect(self.update_enabled)
        project.readProject.connect(self._project_read)
        self.update_enabled()
        self._project_read()

    def teardown(self) -> None:
        project = QgsProject.instance()
        for signal, slot in (
            (project.layersAdded, self.update_enabled),
            (project.layersRemoved, self.update_enabled),
            (project.readProject, self._project_read),
        ):
            with contextlib.suppress(TypeError):  # never connected (setup failed half-way)
                signal.disconnect(slot)
        for task in (self.task, self.indexing):
            if task is not None:
                with contextlib.suppress(RuntimeError):  # already deleted by the task manager
                    task.cancel()
        self._pending = None
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
        self.index = self._index_key = self.statement = self.task = self.indexing = None
        self.personal.revoke()

    # --- state --------------------------------------------------------------------------------------
    @property
    def show_personal(self) -> bool:
        return self.personal.shown

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

    def _project_read(self, *_args: object) -> None:
        """A project where the inspector was used before: prepare its index in the background at once."""
        if self.panel is not None and layer_choice.remembered(QgsProject.instance()) is not None:
            with contextlib.suppress(GimpoError):
                self.prepare(ask=False)

    def show_panel(self) -> None:
        """Show the dock as a tab among the right-hand docks (the Processing toolbox opened after the
        plugin loaded would otherwise stack it into a sliver), at least ``PANEL_WIDTH`` wide."""
        window = self.iface.mainWindow()
        self.panel.show()
        if not self.panel.isFloating() and not window.tabifiedDockWidgets(self.panel):
            right = Qt.DockWidgetArea.RightDockWidgetArea
            others = [
                dock
                for dock in window.findChildren(QDockWidget)
                if dock is not self.panel
                and dock.isVisible()
                and not dock.isFloating()
                and window.dockWidgetArea(dock) == right
            ]
            others.sort(key=lambda d: TABIFY_WITH.index(d.objectName()) if d.objectName() in TABIFY_WITH else 99)
            if others and window.dockWidgetArea(self.panel) == right:
                window.tabifyDockWidget(others[0], self.panel)
        self.panel.raise_()
        if not self.panel.isFloating() and self.panel.width() < PANEL_WIDTH:
            window.resizeDocks([self.panel], [PANEL_WIDTH], Qt.Orientation.Horizontal)

    def activate(self) -> None:
        self.iface.mapCanvas().setMapTool(self.tool)
        self.show_panel()
        try:
            self.prepare()
        except GimpoError as error:
            self.panel.show_message(str(error))

    def _settings_changed(self) -> None:
        if self.panel is None:
            return
        if self.panel.isVisible():
            with contextlib.suppress(GimpoError):
                self.prepare(ask=False)

    def _layer_picked(self) -> None:
        """The officer chose the parcel layer in the panel: that choice is what the project remembers."""
        layer = self.panel.parcel_layer_combo.currentLayer()
        if pnu_field(layer):
            layer_choice.remember(QgsProject.instance(), layer)
            self.panel.show_layer(layer_choice.describe(layer))
            with contextlib.suppress(GimpoError):
                self.prepare(ask=False)

    # --- personal data ------------------------------------------------------------------------------
    def _personal_toggled(self, on: bool) -> None:
        if not on:
            self.personal.revoke()
        else:
            reason = self.ask_unmask_reason()
            if reason:
                self.personal.allow(reason)
            self.panel.set_personal_checked(self.personal.shown)
        if self.statement is not None:
            self.show_pnu(self.statement.pnu)

    def ask_unmask_reason(self) -> str | None:
        """The reason the officer gave in the dialog, None when cancelled (modal; tests drive it)."""
        dialog = UnmaskDialog(str(audit_log_path()), self.panel)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.reason() if accepted else None
        finally:
            dialog.deleteLater()

    def _audit(self):
        from ...core.inspector import AuditLog

        return AuditLog(audit_log_path(), reason=self.personal.reason)

    # --- the layer and the index --------------------------------------------------------------------
    def choose_layer(self, ask: bool = True):
        """The parcel layer to read: the panel's pick, the project's remembered one, the linkage output;
        asks (``ask``) when two linkage outputs (or, without one, two parcel layers) could be meant."""
        project = QgsProject.instance()
        combo = self.panel.parcel_layer_combo
        picked = combo.currentLayer() if pnu_field(combo.currentLayer()) else None
        remembered = layer_choice.remembered(project)
        found = layer_choice.candidates(project)
        if remembered is not None:
            layer = remembered
        elif len(found.linkage) == 1:
            layer = found.linkage[0]
        elif found.linkage:
            layer = self.ask_layer(found.linkage) if ask else None
        elif picked is not None:
            layer = picked
        elif len(found.others) == 1 or (found.others and not ask):
            layer = found.others[0]
        elif found.others:
            layer = self.ask_layer(found.others)
        else:
            layer = None
        if layer is None:
            return None
        layer_choice.remember(project, layer)
        if combo.currentLayer() is not layer:
            self.panel.blockSignals(True)
            combo.setLayer(layer)
            self.panel.blockSignals(False)
        self.panel.show_layer(layer_choice.describe(layer))
        return layer

    def ask_layer(self, layers: list):
        """Which of several parcel layers? (modal; tests drive it)."""
        project = QgsProject.instance()
        labels = [layer_choice.label(layer, project) for layer in layers]
        text, ok = QInputDialog.getItem(
            self.panel,
            tr("필지 조회: 레이어 선택"),
            tr("필지 레이어가 여러 개입니다. 조회할 레이어를 고르세요 (프로젝트에 기억됩니다):"),
            labels,
            0,
            False,
        )
        return layers[labels.index(text)] if ok and text in labels else None

    def _key(self, layer) -> tuple:
        buildings = self.panel.building_layer_combo.currentLayer()
        return (
            layer.id() if layer else None,
            layer.source() if layer else None,
            buildings.id() if buildings else None,
            self.panel.ledger_file.filePath(),
        )

    def prepare(self, ask: bool = True) -> None:
        """Make sure the index for the chosen layer is ready or being prepared in the background."""
        layer = self.choose_layer(ask)
        if layer is None:
            raise InputError(tr("No parcel layer (polygons with a PNU field) is loaded."))
        key = self._key(layer)
        if self.index is not None and key == self._index_key:
            return
        if self.task is not None and self.task.key == key:
            return
        linkage = layer_choice.linkage_path(layer)
        if linkage is not None:
            # Opening takes milliseconds: clicks are answered at once. A file opened for the first time gets
            # its lookup indexes in the background; until then a lookup scans its table (still < 1 s).
            self.index, self._index_key = GeoPackageIndex(linkage, add_indexes=False), key
            self.index_from_cache = has_lookup_indexes(linkage)
            if not self.index_from_cache:  # after the first answer (or a few seconds), not against it
                self._indexing_due = (linkage, key)
                QTimer.singleShot(INDEXING_DELAY_MS, self._start_indexing)
            self._ready_message()
            return
        build = self._builder(layer)
        self.index, self._index_key = None, None
        self.task = IndexTask(tr("필지 조회 색인 준비"), key, build, self._index_ready)
        self.panel.show_message(tr("필지 색인을 준비하고 있습니다… (이 파일은 처음 한 번만)"))
        start(self.task)

    def _start_background(self) -> None:
        self._start_indexing()
        self._load_completions()

    def _start_indexing(self) -> None:
        due, self._indexing_due = self._indexing_due, None
        if due is not None and self.panel is not None and self._index_key == due[1]:
            self._add_lookup_indexes(*due)

    def _add_lookup_indexes(self, path: str, key: tuple) -> None:
        from ...core.inspector.gpkg_index import ensure_lookup_indexes

        def done(task: IndexTask) -> None:
            if task is self.indexing and self.panel is not None:
                self.indexing = None
                self.index_from_cache = task.error is None

        self.indexing = IndexTask(tr("필지 조회: GeoPackage 색인 추가"), key, lambda: ensure_lookup_indexes(path), done)
        start(self.indexing)

    def _builder(self, layer) -> Callable[[], tuple]:
        """What the background task runs, with every path taken from the layers here (main thread)."""
        buildings = self.panel.building_layer_combo.currentLayer()
        ledger_path = self.panel.ledger_file.filePath()
        if buildings is None or not ledger_path:
            raise InputError(
                tr("The parcel layer is not a gimpo:linktaxledger output."),
                tr("Pick a building layer and a tax ledger file in the panel's settings, or load the linkage output."),
            )
        parcel_file = layer_choice.layer_file(layer)
        building_file = layer_choice.layer_file(buildings)
        return lambda: (_live_index(parcel_file, building_file, ledger_path), False)

    def _index_ready(self, task: IndexTask) -> None:
        if task is not self.task or self.panel is None:
            return  # a task for earlier settings, or the plugin was unloaded meanwhile
        self.task = None
        if task.error is not None or task.result is None:
            self._pending = None
            message = str(task.error) if task.error is not None else tr("필지 색인을 만들지 못했습니다.")
            self.panel.clear_statement(message)
            return
        self.index, self.index_from_cache = task.result
        self._index_key = task.key
        self._ready_message()
        pending, self._pending = self._pending, None
        if pending is not None:
            pending()

    def _ready_message(self) -> None:
        # Background work holds Python's lock part of the time: it starts after the first answer (or soon).
        QTimer.singleShot(INDEXING_DELAY_MS, self._load_completions)
        self.panel.show_message(
            tr("Ready: {count} parcels. Click a parcel or search.").format(count=f"{len(self.index):,}")
        )

    def _load_completions(self) -> None:
        """법정동 names for the search box, read in the background (the 법정동 table takes a second to load,
        and the first click must not wait for it)."""
        from ...core.inspector.search import completion_names

        if self.completions is not None or self.panel is None:
            return

        def done(task: IndexTask) -> None:
            self.completions_pending = False
            if self.panel is not None and task.result:
                self.panel.set_completions(task.result)

        self.completions = IndexTask(tr("필지 조회: 법정동 목록"), (), completion_names, done)
        self.completions_pending = True
        start(self.completions)

    def wait_until_ready(self, timeout_s: float = 180.0, indexed: bool = False) -> bool:
        """Let Qt run until the index is ready (tests, benchmarks, scripted use); ``indexed``: and until
        the GeoPackage's lookup indexes are added and the search box's names are loaded."""
        deadline = time.monotonic() + timeout_s

        def busy() -> bool:
            background = self.indexing is not None or self._indexing_due is not None
            background = background or self.completions is None or self.completions_pending
            return self.task is not None or (indexed and background)

        while busy() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return self.index is not None

    def ensure_index(self, timeout_s: float = 180.0):
        """The index for the current settings, waiting for the background task (scripted use)."""
        self.prepare()
        if not self.wait_until_ready(timeout_s) and self.task is None:
            raise InputError(self.panel.status_label.text())
        return self.index

    def _when_ready(self, action: Callable[[], object]) -> bool:
        """Run ``action`` now when the index is ready, else when it is (True: ran now)."""
        self.panel.show()
        if isinstance(self.index, GeoPackageIndex) and not self.index.is_current():
            self.index.close()  # the linkage was run again (or our indexes were added): open the new file
            self.index = self._index_key = None
        if self.index is None or self.task is not None:
            try:
                self.prepare()
            except GimpoError as error:
                self.panel.clear_statement(str(error))
                return False
        if self.index is not None and self.task is None:
            return True
        self._pending = action
        self.panel.show_message(tr("필지 색인을 준비하고 있습니다. 준비되면 바로 보여 드립니다…"))
        return False

    # --- clicking, searching, showing ---------------------------------------------------------------
    def _index_crs(self) -> QgsCoordinateReferenceSystem:
        return QgsCoordinateReferenceSystem(self.index.crs.to_string() if self.index.crs else "EPSG:5186")

    def inspect_point(self, point: QgsPointXY) -> str | None:
        """A click at ``point`` (canvas CRS): the parcel's statement in the panel, or a message outside."""
        started = time.perf_counter()
        if not self._when_ready(lambda: self.inspect_point(point)):
            return None
        canvas_crs = self.iface.mapCanvas().mapSettings().destinationCrs()
        to_index = QgsCoordinateTransform(canvas_crs, self._index_crs(), QgsProject.instance())
        local = to_index.transform(point)
        pnu = self.index.pnu_at(local.x(), local.y())
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

        if not self._when_ready(lambda: self.search(text)):
            return None
        found = search_parcel(self.index, text)
        if found.pnu is None:
            message = found.message
            if found.candidates:
                message += "\n" + ", ".join(label for _, label in found.candidates[:10])
            self.panel.clear_statement(message)
            return None
        self.show_pnu(found.pnu, zoom=True)
        return found.pnu

    def show_pnu(self, pnu: str, zoom: bool = False) -> None:
        from ...core.inspector import build_statement
        from ...core.inspector.export import statement_html

        show_personal = self.show_personal
        try:
            audit = self._audit() if show_personal else None
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
        QTimer.singleShot(0, self._start_background)

    # --- highlight and zoom -------------------------------------------------------------------------
    def _band(self, color: QColor, fill: QColor, width: int) -> QgsRubberBand:
        band = QgsRubberBand(self.iface.mapCanvas(), QgsWkbTypes.GeometryType.PolygonGeometry)
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
            band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
            canvas.scene().removeItem(band)
        self.bands.clear()

    def zoom_to(self, pnu: str) -> None:
        """The parcel in the middle with its neighbours around it: a margin of ``ZOOM_MARGIN`` of its size
        on each side, and never closer than the cadastral map's 1:1,200 (a 10 m lot alone is no context)."""
        minx, miny, maxx, maxy = self.index.parcel_geometry(pnu).bounds
        rect = QgsRectangle(minx, miny, maxx, maxy)
        rect.grow(max(maxx - minx, maxy - miny, 1.0) * ZOOM_MARGIN)
        canvas = self.iface.mapCanvas()
        to_canvas = QgsCoordinateTransform(
            self._index_crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance()
        )
        canvas.setExtent(to_canvas.transformBoundingBox(rect))
        if canvas.scale() < CADASTRAL_SCALE:
            canvas.zoomScale(CADASTRAL_SCALE)
        canvas.refresh()

    # --- export -------------------------------------------------------------------------------------
    def _ask_export(self) -> None:
        if self.statement is None:
            return
        path = self.ask_export_path()
        if path:
            try:
                written = self.export(path)
            except GimpoError as error:
                self.panel.show_message(str(error))
                return
            self.panel.show_message(tr("Statement written to {path}").format(path=written))

    def ask_export_path(self) -> str | None:
        """Where to save (modal file dialog in the last export folder; remembered for the next time)."""
        suggested = str(Path(export_folder()) / f"필지조서_{self.statement.pnu}.pdf")
        path, _ = QFileDialog.getSaveFileName(
            self.panel, tr("Export parcel statement"), suggested, "PDF (*.pdf);;HTML (*.html)"
        )
        if not path:
            return None
        QgsSettings().setValue(SETTING_EXPORT_FOLDER, str(Path(path).parent))
        return path

    def export(self, path: str | Path) -> Path:
        """The shown statement as HTML (map as SVG) or, for a .pdf path, as an A4 PDF with a true-scale map.

        An export that carries unmasked personal data is written to the audit log with its path."""
        from ...core.geopackage import atomic_path
        from ...core.inspector.audit import EXPORTED
        from ...core.inspector.export import statement_html, statement_svg_map, write_statement_html

        if self.statement is None:
            raise InputError(tr("No parcel is shown: click or search a parcel first."))
        path = Path(path)
        if not path.is_absolute():
            raise InputError(
                tr("내보낼 파일의 전체 경로를 지정하세요: {path}").format(path=path),
                tr("작업 폴더에는 쓰지 않습니다."),
            )
        if self.statement.shows_personal_values():
            self._audit().record(self.statement.pnu, f"{EXPORTED}: {path}")
        if path.suffix.lower() != ".pdf":
            svg = statement_svg_map(self.index, self.statement.pnu)
            return write_statement_html(path, statement_html(self.statement, svg))
        from .pdf_statement import MAP_NAME, map_html_size, render_map, write_pdf

        canvas = self.iface.mapCanvas()
        layers = [layer for layer in canvas.layers() if layer.isSpatial()]
        image, scale = render_map(self.index, self.statement.pnu, layers, self._index_crs())
        html = statement_html(
            self.statement,
            map_src=MAP_NAME,
            map_size=map_html_size(),
            map_caption=f"축척 1:{scale:,} (A4 실제 크기) · 빨간 선: 이 필지 · 회색: 건축물",
            printed=True,
        )
        with atomic_path(path) as tmp:
            pdf = write_pdf(tmp, html, image, scale)
        self.last_pdf = pdf
        return path


def _live_index(parcel_file: tuple[str, str | None], building_file: tuple[str, str | None], ledger_path: str):
    """Link the officer's own parcel layer, building layer and ledger file now (in the background task)."""
    from ...core.inspector import InspectorIndex
    from ...core.tax_linkage import read_ledger
    from ...core.vector_io import read_vector

    parcels = read_vector(*parcel_file)
    buildings = read_vector(*building_file)
    return InspectorIndex.from_live(parcels, buildings, read_ledger(ledger_path).rows)
