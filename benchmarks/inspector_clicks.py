"""Click latency of the parcel inspector, measured inside one QGIS Python process (offscreen).

Usage: python benchmarks/inspector_clicks.py LINKAGE_GPKG [CLICKS] -> prints one JSON line.
The plugin is loaded as in the desktop (a minimal interface object stands in for QGIS's main window);
each click is a real ``QgsMapMouseEvent`` on the canvas, timed from the event to the filled panel
(lookup, statement, HTML in the panel, highlight). Building the index is timed separately: it happens
once, when the tool is first used.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class BenchInterface:
    """The few QgisInterface calls the plugin's GUI makes, on a real canvas and main window."""

    def __init__(self, canvas, window) -> None:
        self.canvas, self.window = canvas, window

    def mapCanvas(self):  # noqa: N802 - QGIS API name
        return self.canvas

    def mainWindow(self):  # noqa: N802 - QGIS API name
        return self.window

    def addToolBar(self, name: str):  # noqa: N802 - QGIS API name
        return self.window.addToolBar(name)

    def addDockWidget(self, area, dock) -> None:  # noqa: N802 - QGIS API name
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock) -> None:  # noqa: N802 - QGIS API name
        self.window.removeDockWidget(dock)

    def addPluginToMenu(self, *_args) -> None:  # noqa: N802 - QGIS API name
        pass

    def removePluginMenu(self, *_args) -> None:  # noqa: N802 - QGIS API name
        pass

    def registerMapToolHandler(self, _handler) -> None:  # noqa: N802 - QGIS API name
        pass

    def unregisterMapToolHandler(self, _handler) -> None:  # noqa: N802 - QGIS API name
        pass


def main(gpkg: str, clicks: int = 100, seed: int = 7) -> dict:
    import numpy as np
    from qgis.core import (
        QgsApplication,
        QgsCoordinateReferenceSystem,
        QgsPointXY,
        QgsProject,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.gui import QgsMapCanvas, QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, QSize, Qt
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    window = QMainWindow()
    canvas = QgsMapCanvas(window)
    canvas.resize(QSize(800, 600))
    iface = BenchInterface(canvas, window)
    layer = QgsVectorLayer(f"{gpkg}|layername=parcels_tax", "parcels_tax", "ogr")
    QgsProject.instance().addMapLayer(layer, False)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:5186"))

    from gimpo_gis_plugin import classFactory

    plugin = classFactory(iface)
    plugin.initGui()
    inspector = plugin.gui.extensions[0]
    inspector.action.trigger()  # builds the index (once)
    started = time.perf_counter()
    index = inspector.ensure_index()
    index_s = time.perf_counter() - started  # 0 if trigger already built it; see below
    if inspector.index is not None and index_s < 1e-3:
        inspector._index_key = None
        started = time.perf_counter()
        index = inspector.ensure_index()
        index_s = time.perf_counter() - started

    rng = np.random.default_rng(seed)
    picks = rng.choice(len(index.parcels), size=clicks, replace=False)
    points = index.parcels.geometry.iloc[picks].representative_point()
    timings, found = [], 0
    for pnu, point in zip(index.parcels["PNU"].iloc[picks], points, strict=True):
        canvas.setExtent(QgsRectangle(point.x - 100, point.y - 100, point.x + 100, point.y + 100))
        pixel = canvas.getCoordinateTransform().transform(QgsPointXY(point.x, point.y))
        event = QgsMapMouseEvent(
            canvas,
            QEvent.Type.MouseButtonRelease,
            QPoint(round(pixel.x()), round(pixel.y())),
            Qt.MouseButton.LeftButton,
        )
        started = time.perf_counter()
        inspector.tool.canvasReleaseEvent(event)
        app.processEvents()
        timings.append((time.perf_counter() - started) * 1000)
        found += inspector.statement is not None and inspector.statement.pnu == pnu
    plugin.unload()
    return {
        "parcels": len(index.parcels),
        "clicks": clicks,
        "found": int(found),
        "median_ms": statistics.median(timings),
        "p95_ms": float(np.percentile(timings, 95)),
        "max_ms": max(timings),
        "index_s": index_s,
    }


if __name__ == "__main__":
    result = main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100)
    print(json.dumps(result))
    sys.exit(0)
