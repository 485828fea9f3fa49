"""The plugin's toolbar and menu: one entry per algorithm of the ``gimpo`` provider, plus the tools
that other modules of this package register (map tools, panels).

The menu "김포 GIS" (in the menu bar, before 도움말/Help) is grouped by the officer's task (세무, 지도,
인허가, 시설물, 자료), each tool with its own icon from ``resources/icons``. Everything added here is
remembered and removed again in :meth:`GimpoGui.teardown`, so loading and unloading the plugin any
number of times leaves QGIS as it was.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu, QToolBar

from ..core.paths import resource
from ..i18n import tr

PLUGIN_NAME = "김포 GIS"  # the plugin's one name in the GUI: menu, toolbar, dialogs
MENU_OBJECT_NAME = "GimpoGisMenu"
TOOLBAR_OBJECT_NAME = "GimpoGisToolbar"
# Algorithms that also get a toolbar button (the rest are in the menu and the Processing toolbox).
TOOLBAR_ALGORITHMS = ("gimpo:linktaxledger", "gimpo:permitcheck", "gimpo:heatmap", "gimpo:excavationimpact")
# The menu's task groups, in menu order: (key, title).
TASKS = (
    ("tax", "세무 (재산세)"),
    ("maps", "지도 (히트맵·통계·정책)"),
    ("permits", "인허가"),
    ("facilities", "시설물 (지상·지하)"),
    ("data", "자료·통합DB"),
)
# Algorithm name -> (task, icon file in resources/icons). A name not listed goes to "data" with the logo.
TOOLS = {
    "linktaxledger": ("tax", "link_tax_ledger.svg"),
    "annual_tax_audit": ("tax", "model_tax_audit.svg"),
    "heatmap": ("maps", "heatmap.svg"),
    "statisticalmap": ("maps", "statistical_map.svg"),
    "policymap": ("maps", "policy_map.svg"),
    "permitcheck": ("permits", "permit_check.svg"),
    "permit_desk_day": ("permits", "model_permit_day.svg"),
    "excavationimpact": ("facilities", "excavation_impact.svg"),
    "clearancecheck": ("facilities", "clearance_check.svg"),
    "facilityaging": ("facilities", "facility_aging.svg"),
    "cctvcoverage": ("facilities", "cctv_coverage.svg"),
    "dig_safety_check": ("facilities", "model_dig_safety.svg"),
    "safety_review": ("facilities", "model_safety_review.svg"),
    "createsamplecity": ("data", "sample_city.svg"),
    "publishtodatabase": ("data", "publish_database.svg"),
}


def tool_icon(file_name: str) -> QIcon:
    path = resource("icons", file_name)
    return QIcon(str(path if path.is_file() else resource("icons", "gimpo.svg")))


def open_algorithm_dialog(algorithm_id: str) -> None:
    import processing  # QGIS's own Processing plugin (not ours)

    processing.execAlgorithmDialog(algorithm_id)


class GimpoGui:
    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.toolbar: QToolBar | None = None
        self.menu: QMenu | None = None
        self.submenus: dict[str, QMenu] = {}
        self.actions: list[QAction] = []
        self.extensions: list[Any] = []  # objects with setup()/teardown(), e.g. the parcel inspector
        from .inspector import ParcelInspector

        self.extensions.append(ParcelInspector(iface, self))

    def setup(self) -> None:
        window = self.iface.mainWindow()
        self.toolbar = self.iface.addToolBar(PLUGIN_NAME)
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)
        self.toolbar.setWindowTitle(PLUGIN_NAME)
        self.menu = QMenu(PLUGIN_NAME, window)
        self.menu.setObjectName(MENU_OBJECT_NAME)
        for key, title in TASKS:
            submenu = self.menu.addMenu(tr(title))
            submenu.setObjectName(f"GimpoGisMenu_{key}")
            self.submenus[key] = submenu
        _insert_before_help(window.menuBar(), self.menu)
        provider = QgsApplication.processingRegistry().providerById("gimpo")
        algorithms = sorted(provider.algorithms(), key=lambda a: a.displayName()) if provider else []
        for algorithm in algorithms:
            task, icon = TOOLS.get(algorithm.name(), ("data", "gimpo.svg"))
            action = QAction(tool_icon(icon), algorithm.displayName(), window)
            action.setObjectName(f"gimpo_action_{algorithm.name()}")
            action.setToolTip(algorithm.shortDescription() or algorithm.displayName())
            action.triggered.connect(partial(open_algorithm_dialog, algorithm.id()))
            self.add_action(action, toolbar=algorithm.id() in TOOLBAR_ALGORITHMS, task=task)
        for extension in self.extensions:
            extension.setup()

    def add_action(self, action: QAction, toolbar: bool = False, task: str = "data") -> None:
        submenu = self.submenus.get(task) or self.submenus["data"]
        submenu.addAction(action)
        if toolbar and self.toolbar is not None:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def teardown(self) -> None:
        for extension in reversed(self.extensions):
            extension.teardown()
        for action in self.actions:
            action.deleteLater()
        self.actions.clear()
        if self.menu is not None:
            self.iface.mainWindow().menuBar().removeAction(self.menu.menuAction())
            self.menu.deleteLater()
            self.menu = None
            self.submenus.clear()
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None


def _insert_before_help(menu_bar, menu: QMenu) -> None:
    """QGIS's menus end with Help (object name ``mHelpMenu``); a plugin's own menu goes before it."""
    for action in menu_bar.actions():
        if action.menu() is not None and action.menu().objectName() == "mHelpMenu":
            menu_bar.insertMenu(action, menu)
            return
    menu_bar.addMenu(menu)
