"""The plugin object QGIS loads: registers the Processing provider, and the GUI when there is one.

This module is deliberately thin and imports no qgis.gui or Qt widget module at import time, because
``qgis_process`` loads it too (then only ``initProcessing`` is called). The GUI lives in ``gui/`` and is
imported in :meth:`GimpoGisPlugin.initGui`.
"""

from __future__ import annotations

from typing import Any

from qgis.core import QgsApplication

from .i18n import install_translator, remove_translator


class GimpoGisPlugin:
    """Entry point object: the provider always, toolbar/menu/docks only in the desktop."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.provider = None
        self.gui = None
        self.dependency_notice = None
        install_translator()

    def initProcessing(self) -> None:  # noqa: N802 - QGIS API name
        from .processing.provider import GimpoProvider

        if self.provider is None:
            self.provider = GimpoProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 - QGIS API name
        self.initProcessing()
        from .gui.main import GimpoGui

        self.gui = GimpoGui(self.iface)
        self.gui.setup()
        self._notify_missing_dependencies()

    def _notify_missing_dependencies(self) -> None:
        """Missing packages: a Korean message bar with the install command, and their tools say so when used."""
        from .dependencies import problems

        found = problems()
        if not found:
            return
        from .gui.dependency_notice import DependencyNotice

        self.dependency_notice = DependencyNotice(self.iface, found)
        self.dependency_notice.show()
        self.dependency_notice.guard_actions(self.gui.actions)

    def unload(self) -> None:
        if self.dependency_notice is not None:
            self.dependency_notice.teardown()
            self.dependency_notice = None
        if self.gui is not None:
            self.gui.teardown()
            self.gui = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator()
