"""Run by `qgis --code`: wait until the map canvas has drawn the project, grab the main window, quit.

Used by tests/e2e/test_demo_project.py to take a real screenshot of QGIS with the demo project open.
"""

import os

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface

OUT = os.environ["GIMPO_SCREENSHOT"]
state = {"done": False}


def grab():
    if state["done"]:
        return
    state["done"] = True
    iface.mainWindow().grab().save(OUT)
    # Nothing to ask on exit (a modal question would hang the test): not "save the project?", and not
    # "save the temporary layers?", which QGIS asks of layers under /tmp (a clone there, as in CI).
    QgsProject.instance().clear()
    QgsProject.instance().setDirty(False)
    iface.actionExit().trigger()


def on_refreshed():
    QTimer.singleShot(1500, grab)


# A fresh profile's window size is QGIS's own and differs between versions (3.22 fills the 1600x1000
# screen, 3.40 opens at 969x381): the whole screen on every version, so the shots compare.
iface.mainWindow().setGeometry(QApplication.primaryScreen().availableGeometry())
iface.mapCanvas().mapCanvasRefreshed.connect(on_refreshed)
QTimer.singleShot(45000, grab)  # never hang: grab whatever is there after 45 s
