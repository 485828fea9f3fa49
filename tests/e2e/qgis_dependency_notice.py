"""Run by `qgis --code`: the plugin in the real QGIS desktop with numba simulated missing; grab the window.

Used by tests/e2e/test_dependency_notice_desktop.py. The plugin is imported from this repository (QGIS runs
with --noplugins and a fresh profile); only the import check is patched, everything else is the real thing.
"""

import json
import os
import sys

from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface

sys.path.insert(0, os.environ["GIMPO_REPO"])

from gimpo_gis_plugin import classFactory, dependencies

OUT = os.environ["GIMPO_SCREENSHOT"]
_real = dependencies.is_importable
dependencies.is_importable = lambda name: name != "numba" and _real(name)
plugin = classFactory(iface)
plugin.initGui()


def grab():
    iface.mainWindow().resize(1500, 900)
    heatmap = [a for a in plugin.gui.actions if a.objectName() == "gimpo_action_heatmap"]
    if heatmap:
        heatmap[0].trigger()  # a guarded tool: shows the notice again instead of the heat map dialog
    QTimer.singleShot(1500, save)


def save():
    iface.mainWindow().grab().save(OUT)
    item = iface.messageBar().currentItem()
    state = {
        "text": item.text() if item is not None else None,
        "guarded": [a.objectName() for a in plugin.dependency_notice.guarded],
    }
    with open(OUT + ".json", "w", encoding="utf-8") as handle:
        json.dump(state, handle, ensure_ascii=False)
    plugin.unload()
    iface.actionExit().trigger()


QTimer.singleShot(4000, grab)
QTimer.singleShot(60000, save)  # never hang
