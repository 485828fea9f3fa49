"""The inspector's dock panel: search box with 법정동 completion, the statement, settings, export.

The panel opens wide enough for a ledger row (460 px) and tall enough for a statement: it asks for that
size through ``sizeHint`` and the inspector tabifies it with the other right-hand docks (the Processing
toolbox, layer styling) instead of squeezing it below them.
"""

from __future__ import annotations

from qgis.core import QgsMapLayerProxyModel
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QSize, QStringListModel, Qt, pyqtSignal
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
PANEL_WIDTH = 460  # px: a compact ledger row (연도 … 비고) fits on one line
PANEL_HEIGHT = 720
MINIMUM_WIDTH = 360


class _Body(QWidget):
    """The dock's content: asks QMainWindow for a usable size (a bare widget asks for ~300×370)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API name
        return QSize(PANEL_WIDTH, PANEL_HEIGHT)


class InspectorPanel(QgsDockWidget):
    search_requested = pyqtSignal(str)
    export_requested = pyqtSignal()
    settings_changed = pyqtSignal()
    personal_toggled = pyqtSignal(bool)
    parcel_layer_picked = pyqtSignal()  # the officer chose a layer in the combo (not Qt's auto-selection)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Parcel inspector"), parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        body = _Body(self)
        body.setMinimumWidth(MINIMUM_WIDTH)
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

        self.layer_label = QLabel("", body)  # which layer the clicks read, and why it was chosen
        self.layer_label.setWordWrap(True)
        self.layer_label.setObjectName("gimpo_inspector_layer_label")
        layout.addWidget(self.layer_label)

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
        self.show_personal_check.setToolTip(
            tr("사유를 입력하고 확인하면 이번 QGIS 세션 동안만 표시합니다. 표시와 내보내기는 감사기록에 남습니다.")
        )
        form.addRow(self.show_personal_check)
        # Where unmasked displays and exports are logged: always visible, not folded into the settings.
        self.audit_label = QLabel("", body)
        self.audit_label.setObjectName("gimpo_inspector_audit_label")
        self.audit_label.setWordWrap(True)
        self.audit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.audit_label.setOpenExternalLinks(True)
        layout.addWidget(self.audit_label)
        self.settings_box.setCollapsed(True)  # the statement gets the height; the layer in use is shown above
        layout.addWidget(self.settings_box)
        self.setWidget(body)

        self.search_button.clicked.connect(self._emit_search)
        self.search_edit.returnPressed.connect(self._emit_search)
        self.export_button.clicked.connect(self.export_requested)
        self.parcel_layer_combo.layerChanged.connect(lambda _layer: self.settings_changed.emit())
        self.parcel_layer_combo.activated.connect(lambda _index: self.parcel_layer_picked.emit())
        self.building_layer_combo.layerChanged.connect(lambda _layer: self.settings_changed.emit())
        self.ledger_file.fileChanged.connect(lambda _path: self.settings_changed.emit())
        self.show_personal_check.toggled.connect(self.personal_toggled)

    def _emit_search(self) -> None:
        self.search_requested.emit(self.search_edit.text())

    def set_completions(self, names: list[str]) -> None:
        self.completer.model().setStringList(names)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def show_layer(self, text: str) -> None:
        self.layer_label.setText(text)

    def show_audit_log(self, path: str, url: str) -> None:
        self.audit_label.setText(tr("개인정보 감사기록: <a href='{url}'>{path}</a>").format(url=url, path=path))

    def set_personal_checked(self, on: bool) -> None:
        """Tick or untick the box without asking again (the inspector already decided)."""
        self.show_personal_check.blockSignals(True)
        self.show_personal_check.setChecked(on)
        self.show_personal_check.blockSignals(False)

    def show_statement_html(self, title: str, html: str) -> None:
        self.status_label.setText(title)
        self.browser.setHtml(html)
        self.export_button.setEnabled(True)

    def clear_statement(self, message: str) -> None:
        self.status_label.setText(message)
        self.browser.clear()
        self.export_button.setEnabled(False)
