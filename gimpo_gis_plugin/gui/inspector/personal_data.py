"""Unmasking personal data in the inspector: a stated reason, a confirmation, for this session only.

Taxpayer names and resident numbers are masked by default. An officer who needs them for a task says why
(the reason goes into every audit line), confirms that the access is logged, and sees them until QGIS
is closed: the choice lives in memory only, never in the QGIS settings or the project, so a restart or
another user of the same profile starts masked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr

DIALOG_OBJECT_NAME = "GimpoUnmaskDialog"
MINIMUM_REASON = 4  # characters: "확인" is not a reason, "체납 민원 응대" is
COMMON_REASONS = ("재산세 과세자료 정비", "납세자 민원 응대", "체납 처분 업무", "세무조사")


@dataclass
class PersonalDataSession:
    """Whether personal data is shown, and why; held by the running plugin only."""

    shown: bool = False
    reason: str = ""

    def allow(self, reason: str) -> None:
        self.shown, self.reason = True, reason.strip()

    def revoke(self) -> None:
        self.shown, self.reason = False, ""


class UnmaskDialog(QDialog):
    """Asks for the reason and the confirmation; OK stays disabled until both are given."""

    def __init__(self, audit_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(DIALOG_OBJECT_NAME)
        self.setWindowTitle(tr("개인정보 표시"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "납세자 성명과 주민등록번호를 가리지 않고 표시합니다. 업무상 필요한 사유를 적으세요. "
                "표시와 개인정보가 담긴 내보내기는 모두 사유와 함께 감사기록에 남습니다."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel(tr("열람 사유"), self))
        self.reason_combo = QComboBox(self)
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(["", *COMMON_REASONS])
        self.reason_combo.setCurrentIndex(0)
        self.reason_combo.lineEdit().setPlaceholderText(tr("예: 납세자 민원 응대 (민원번호 …)"))
        layout.addWidget(self.reason_combo)
        self.confirm_check = QCheckBox(
            tr("업무 목적으로만 열람하며, 열람 기록이 남는 것을 확인합니다 (개인정보 보호법 제29조)."), self
        )
        layout.addWidget(self.confirm_check)
        where = QLabel(tr("감사기록 파일: {path}").format(path=audit_path), self)
        where.setWordWrap(True)
        layout.addWidget(where)
        session = QLabel(tr("이번 QGIS 세션 동안만 표시합니다 (다시 시작하면 가려집니다)."), self)
        layout.addWidget(session)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("표시"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("취소"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_combo.editTextChanged.connect(self._update)
        self.confirm_check.toggled.connect(self._update)
        self._update()

    def reason(self) -> str:
        return " ".join(self.reason_combo.currentText().split())

    def is_complete(self) -> bool:
        return len(self.reason()) >= MINIMUM_REASON and self.confirm_check.isChecked()

    def _update(self, *_args: object) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.is_complete())

    def accept(self) -> None:
        if self.is_complete():  # Enter in the reason box must not slip past the confirmation
            super().accept()
