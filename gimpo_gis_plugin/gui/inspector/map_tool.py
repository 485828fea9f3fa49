"""The "필지 조회" map tool: a click on the map asks the inspector for the parcel under the cursor,
and a handler tells QGIS when the tool may be used (only while a parcel layer with a PNU is loaded)."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsMapLayer, QgsPointXY, QgsVectorLayer, QgsWkbTypes
from qgis.gui import QgsAbstractMapToolHandler, QgsMapCanvas, QgsMapMouseEvent, QgsMapTool
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAction

PNU_FIELD_NAMES = ("PNU", "pnu", "고유번호")
BUILDING_ID_FIELDS = ("bld_id", "BLD_ID", "건물관리번호")


def pnu_field(layer: QgsMapLayer | None) -> str | None:
    """The PNU field of a polygon vector layer, None when the layer cannot be a parcel layer
    (building layers carry their parcel's PNU too: a building id field tells them apart)."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return None
    if layer.geometryType() != QgsWkbTypes.GeometryType.PolygonGeometry:
        return None
    names = {f.name() for f in layer.fields()}
    if names.intersection(BUILDING_ID_FIELDS):
        return None
    return next((n for n in PNU_FIELD_NAMES if n in names), None)


class ParcelInspectorTool(QgsMapTool):
    """Calls ``on_click(point_in_canvas_crs)`` for each left click; does not pan or select."""

    def __init__(self, canvas: QgsMapCanvas, on_click: Callable[[QgsPointXY], None]) -> None:
        super().__init__(canvas)
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.CrossCursor)

    def canvasReleaseEvent(self, event: QgsMapMouseEvent) -> None:  # noqa: N802 - Qt API name
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click(event.mapPoint())


class ParcelInspectorToolHandler(QgsAbstractMapToolHandler):
    """QGIS (≥ 3.16) enables the tool's action only while ``is_usable()`` says a parcel layer is there.

    The tool reads the layer picked in the panel, not the active layer, so compatibility is project-wide.
    """

    def __init__(self, tool: QgsMapTool, action: QAction, is_usable: Callable[[], bool]) -> None:
        super().__init__(tool, action)
        self._is_usable = is_usable

    def isCompatibleWithLayer(self, layer: QgsMapLayer, context) -> bool:  # noqa: N802 - QGIS API name
        return self._is_usable()
