"""The plugin's toolbar and menu: one entry per algorithm of the ``gimpo`` provider, plus the tools
that other modules of this package register (map tools, panels).

Everything added here is remembered and removed again in :meth:`GimpoGui.teardown`, so loading and
unloading the plugin any number of times leaves QGIS as it was.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QAction, QToolBar

from ..i18n import tr

MENU = "&Gimpo GIS"
TOOLBAR_OBJECT_NAME = "GimpoGisToolbar"
# Algorithms that also get a toolbar button (the rest are in the menu and the Processing toolbox).
TOOLBAR_ALGORITHMS = ("gimpo:linktaxledger", "gimpo:permitcheck", "gimpo:heatmap", "gimpo:excavationimpact")


def open_algorithm_dialog(algorithm_id: str) -> None:
    import processing  # QGIS's own Processing plugin (not ours)

    processing.execAlgorithmDialog(algorithm_id)


class GimpoGui:
    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.toolbar: QToolBar | None = None
        self.actions: list[QAction] = []
        self.extensions: list[Any] = []  # objects with setup()/teardown(), e.g. the parcel inspector
        from .inspector import ParcelInspector

        self.extensions.append(ParcelInspector(iface, self))
        from .vworld_action import VWorldAction

        self.extensions.append(VWorldAction(iface, self))

    def setup(self) -> None:
        self.toolbar = self.iface.addToolBar(tr("Gimpo GIS"))
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)
        provider = QgsApplication.processingRegistry().providerById("gimpo")
        algorithms = sorted(provider.algorithms(), key=lambda a: (a.group(), a.displayName())) if provider else []
        for algorithm in algorithms:
            action = QAction(algorithm.icon(), algorithm.displayName(), self.iface.mainWindow())
            action.setObjectName(f"gimpo_action_{algorithm.name()}")
            action.setToolTip(algorithm.shortDescription() or algorithm.displayName())
            action.triggered.connect(partial(open_algorithm_dialog, algorithm.id()))
            self.add_action(action, toolbar=algorithm.id() in TOOLBAR_ALGORITHMS)
        for extension in self.extensions:
            extension.setup()

    def add_action(self, action: QAction, toolbar: bool = False) -> None:
        self.iface.addPluginToMenu(MENU, action)
        if toolbar and self.toolbar is not None:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def teardown(self) -> None:
        for extension in reversed(self.extensions):
            extension.teardown()
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            action.deleteLater()
        self.actions.clear()
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
