"""Menu action 'V-World 배경지도 추가': asks for the key once (kept in the QGIS authentication database),
adds the 배경지도 / 영상 / 하이브리드 connections and the base layer under the thematic layers."""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtWidgets import QAction, QInputDialog, QLineEdit

from .. import vworld_connections
from ..core.basemap.vworld import HOW_TO_GET_A_KEY
from ..i18n import tr


class VWorldAction:
    """An extension of GimpoGui (setup/teardown)."""

    def __init__(self, iface: Any, gui: Any) -> None:
        self.iface = iface
        self.gui = gui
        self.action: QAction | None = None

    def setup(self) -> None:
        self.action = QAction(tr("V-World 배경지도 추가"), self.iface.mainWindow())
        self.action.setObjectName("gimpo_action_vworld_basemap")
        self.action.triggered.connect(self.run)
        self.gui.add_action(self.action)
        vworld_connections.install_request_hook()  # a project saved with V-World layers shows them at once

    def teardown(self) -> None:
        vworld_connections.remove_request_hook()
        self.action = None

    def run(self) -> None:
        if vworld_connections.load_key() is None:
            key, accepted = QInputDialog.getText(
                self.iface.mainWindow(), tr("V-World 인증키"), HOW_TO_GET_A_KEY, QLineEdit.EchoMode.Password
            )
            if accepted and key.strip():
                try:
                    vworld_connections.store_key(key)
                except (ValueError, RuntimeError) as exc:
                    self.iface.messageBar().pushMessage("V-World", str(exc), Qgis.MessageLevel.Warning, 0)
                    return
        vworld_connections.add_connections()
        _, message = vworld_connections.add_base_layers()
        if message:
            self.iface.messageBar().pushMessage("V-World", message, Qgis.MessageLevel.Info, 0)
