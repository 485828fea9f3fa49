"""Click latency of the parcel inspector, measured inside one QGIS Python process (offscreen).

Usage: python benchmarks/inspector_clicks.py LINKAGE_GPKG [CLICKS] [--fresh] -> prints one JSON line.
The plugin is loaded as in the desktop (a minimal interface object stands in for QGIS's main window);
each click is a real ``QgsMapMouseEvent`` on the canvas, timed from the event to the filled panel
(lookup, statement, HTML in the panel, highlight). ``first_click_s`` is the officer's wait from
pressing the tool's button to the first filled panel, in a fresh process; with ``--fresh`` the
GeoPackage is a copy without the inspector's lookup indexes (the very first use of a linkage output).
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

    def addTabifiedDockWidget(self, area, dock, _tabify_with=(), _raise_tab=False) -> None:  # noqa: N802
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


def main(gpkg: str, clicks: int = 100, seed: int = 7, fresh: bool = False) -> dict:
    import numpy as np
    from qgis.core import (
        QgsApplication,
        QgsCoordinateReferenceSystem,
        QgsProject,
        QgsVectorLayer,
    )
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtWidgets import QMainWindow

    if fresh:
        gpkg = without_lookup_indexes(gpkg)
    picks = random_parcel_points(gpkg, clicks + 1, seed)  # read before anything is timed
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
    started = time.perf_counter()
    inspector.action.trigger()  # the officer presses the tool's button ...
    first_pnu, x, y = picks[0]
    _click(app, canvas, inspector, x, y)  # ... and clicks a parcel at once (answered when ready)
    inspector.wait_until_ready(600)
    first_click_s = time.perf_counter() - started
    first_found = inspector.statement is not None and inspector.statement.pnu == first_pnu
    timings, found = [], 0
    for pnu, x, y in picks[1:]:
        timings.append(_click(app, canvas, inspector, x, y) * 1000)
        found += inspector.statement is not None and inspector.statement.pnu == pnu
    parcels = len(inspector.index)
    plugin.unload()
    return {
        "parcels": parcels,
        "first_click_s": first_click_s,
        "first_click_found": bool(first_found),
        "indexed_now": bool(fresh),
        "clicks": clicks,
        "found": int(found),
        "median_ms": statistics.median(timings),
        "p95_ms": float(np.percentile(timings, 95)),
        "max_ms": max(timings),
    }


def random_parcel_points(gpkg: str, count: int, seed: int) -> list[tuple[str, float, float]]:
    import numpy as np
    import pyogrio

    frame = pyogrio.read_dataframe(gpkg, layer="parcels_tax", columns=["PNU"])
    rows = frame.iloc[np.random.default_rng(seed).choice(len(frame), size=count, replace=False)]
    return [(str(p), pt.x, pt.y) for p, pt in zip(rows["PNU"], rows.geometry.representative_point(), strict=True)]


def without_lookup_indexes(gpkg: str) -> str:
    """A copy of the linkage output as gimpo:linktaxledger wrote it (no inspector indexes yet)."""
    import shutil
    import sqlite3
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="inspector_fresh_")) / Path(gpkg).name
    shutil.copy(gpkg, copy)
    with sqlite3.connect(copy) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'gimpo_inspector_%'")]
        for name in names:
            db.execute(f"DROP INDEX {name}")
    return str(copy)


def _click(app, canvas, inspector, x: float, y: float) -> float:
    """One left click at map coordinates (x, y) after centring the canvas there; seconds until answered."""
    from qgis.core import QgsPointXY, QgsRectangle
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    canvas.setExtent(QgsRectangle(x - 100, y - 100, x + 100, y + 100))
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    event = QgsMapMouseEvent(
        canvas, QEvent.Type.MouseButtonRelease, QPoint(round(pixel.x()), round(pixel.y())), Qt.MouseButton.LeftButton
    )
    started = time.perf_counter()
    inspector.tool.canvasReleaseEvent(event)
    app.processEvents()
    return time.perf_counter() - started


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--fresh"]
    result = main(args[0], int(args[1]) if len(args) > 1 else 100, fresh="--fresh" in sys.argv)
    print(json.dumps(result))
    sys.exit(0)
