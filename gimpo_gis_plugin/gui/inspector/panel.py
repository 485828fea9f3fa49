"""The inspector's dock panel: search box with 법정동 completion, the statement, settings, export."""

from __future__ import annotations

from qgis.core import QgsMapLayerProxyModel
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QStringListModel, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr

DOCK_OBJECT_NAME = "GimpoParcelInspectorDock"


class InspectorPanel(QgsDockWidget):
    search_requested = pyqtSignal(str)
    export_requested = pyqtSignal()
    settings_changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Parcel inspector"), parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        body = QWidget(self)
        layout = QVBoxLayout(body)

        search_row = QHBoxLayout()
        self.search_edit = QLineEdit(body)
        self.search_edit.setPlaceholderText(tr("PNU or address, e.g. 사우동 123-4"))
        self.completer = QCompleter(self)
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search_edit.setCompleter(self.completer)
        self.search_button = QPushButton(tr("Search"), body)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_button)
        layout.addLayout(search_row)

        self.status_label = QLabel(tr("Click a parcel on the map with the parcel inspector tool."), body)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.browser = QTextBrowser(body)
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)

        self.export_button = QPushButton(tr("Export statement (HTML/PDF)…"), body)
        self.export_button.setEnabled(False)
        layout.addWidget(self.export_button)

        self.settings_box = QgsCollapsibleGroupBox(tr("Settings"), body)
        form = QFormLayout(self.settings_box)
        self.parcel_layer_combo = QgsMapLayerComboBox(self.settings_box)
        self.parcel_layer_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        form.addRow(tr("Parcel layer"), self.parcel_layer_combo)
        self.building_layer_combo = QgsMapLayerComboBox(self.settings_box)
        self.building_layer_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.building_layer_combo.setAllowEmptyLayer(True)
        form.addRow(tr("Building layer"), self.building_layer_combo)
        self.ledger_file = QgsFileWidget(self.settings_box)
        self.ledger_file.setFilter("CSV/XLSX (*.csv *.xlsx)")
        form.addRow(tr("Tax ledger file"), self.ledger_file)
        self.show_personal_check = QCheckBox(tr("Show personal data (audited)"), self.settings_box)
        form.addRow(self.show_personal_check)
        layout.addWidget(self.settings_box)
        self.setWidget(body)

        self.search_button.clicked.connect(self._emit_search)
        self.search_edit.returnPressed.connect(self._emit_search)
        self.export_button.clicked.connect(self.export_requested)
        self.parcel_layer_combo.layerChanged.connect(lambda _layer: self.settings_changed.emit())
        self.building_layer_combo.layerChanged.connect(lambda _layer: self.settings_changed.emit())
        self.ledger_file.fileChanged.connect(lambda _path: self.settings_changed.emit())
        self.show_personal_check.toggled.connect(lambda _on: self.settings_changed.emit())

    def _emit_search(self) -> None:
        self.search_requested.emit(self.search_edit.text())

    def set_completions(self, names: list[str]) -> None:
        self.completer.model().setStringList(names)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def show_statement_html(self, title: str, html: str) -> None:
        self.status_label.setText(title)
        self.browser.setHtml(html)
        self.export_button.setEnabled(True)

    def clear_statement(self, message: str) -> None:
        self.status_label.setText(message)
        self.browser.clear()
        self.export_button.setEnabled(False)
