"""The message bar that says which Python packages are missing, how to install them, and can run the install.

Korean first. The text is HTML-escaped: requirements such as ``numpy<2`` would otherwise open a tag and cut
the message there. The install button appears only where it is safe to run without the user's terminal:
``pip --user`` into QGIS's own Python (never apt, which needs root). While a package a tool needs is
missing, that tool's menu and toolbar action shows this notice instead of failing with a traceback.
"""

from __future__ import annotations

import contextlib
import html
from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtCore import QProcess, QProcessEnvironment
from qgis.PyQt.QtGui import QFont
from qgis.PyQt.QtWidgets import (
    QAction,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from ..dependencies import InstallPlan, Problem, install_plan, problem_summary, problems_for
from ..i18n import tr

ACTION_PREFIX = "gimpo_action_"
RESTART_HINT = "설치가 끝났습니다. QGIS를 다시 시작하면 플러그인이 새 패키지를 씁니다. / Installed: restart QGIS."


def notice_html(found: list[Problem], plan: InstallPlan) -> str:
    """The message bar's text: the summary, then each command on its own line, everything escaped."""
    lines = [html.escape(problem_summary(found, prefix=False))]  # the bar's title already says 김포 GIS
    lines.append(html.escape(tr("설치 명령 (터미널에서 실행):")))
    lines += [f"<code>{html.escape(command)}</code>" for command in plan.commands]
    if plan.runnable is None and plan.why_not_runnable:
        lines.append(html.escape(plan.why_not_runnable))
    elif plan.runnable is not None:
        lines.append(html.escape(tr("또는 '지금 설치'를 누르세요. 설치 후 QGIS를 다시 시작해야 합니다.")))
    return "<br>".join(lines)


def _show_every_line(item: Any, lines: int) -> None:
    """A message bar item shows about one line and scrolls the rest: make it as tall as its text."""
    browser = item.findChild(QTextBrowser)
    if browser is None:
        return
    height = int((lines + 0.6) * browser.fontMetrics().lineSpacing()) + 2 * browser.frameWidth() + 6
    browser.setMinimumHeight(height)
    browser.setMaximumHeight(height)


class InstallDialog(QDialog):
    """Runs one pip command through QProcess and shows its output as it comes, then the restart hint."""

    def __init__(self, argv: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("김포 GIS: Python 패키지 설치"))
        self.setObjectName("GimpoDependencyInstallDialog")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(html.escape(" ".join(argv)), self))
        self.output = QPlainTextEdit(self)
        self.output.setReadOnly(True)
        self.output.setFont(QFont("monospace"))
        layout.addWidget(self.output, 1)
        self.status = QLabel(tr("설치 중..."), self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.exit_code: int | None = None
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        environment = QProcessEnvironment.systemEnvironment()
        environment.insert("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        environment.insert("PYTHONIOENCODING", "utf-8")
        self.process.setProcessEnvironment(environment)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._failed_to_start)
        self.process.start(argv[0], argv[1:])

    def _read(self) -> None:
        data = bytes(self.process.readAllStandardOutput())
        self.output.appendPlainText(data.decode("utf-8", errors="replace").rstrip("\n"))

    def _finished(self, exit_code: int, _status: Any = None) -> None:
        self._read()
        self.exit_code = exit_code
        if exit_code == 0:
            self.status.setText(tr(RESTART_HINT))
        else:
            self.status.setText(
                tr("설치가 실패했습니다 (종료 코드 {code}). 위 출력을 확인하고 명령을 터미널에서 실행하세요.").format(
                    code=exit_code
                )
            )

    def _failed_to_start(self, error: Any) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.exit_code = -1
            self.status.setText(tr("설치 명령을 시작하지 못했습니다: {error}").format(error=self.process.errorString()))

    def done(self, result: int) -> None:  # closing the dialog never leaves pip running behind
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(5000)
        super().done(result)


class DependencyNotice:
    """The notice for the problems found at start-up, and the guard on the actions of tools that need them."""

    def __init__(self, iface: Any, found: list[Problem], plan: InstallPlan | None = None) -> None:
        self.iface = iface
        self.found = found
        self.plan = plan or install_plan(found)
        self.item = None
        self.dialog: InstallDialog | None = None
        self.guarded: list[QAction] = []

    def show(self, found: list[Problem] | None = None) -> Any:
        """Push the message bar item (again); ``found`` narrows it to the packages one tool needs."""
        shown = found or self.found
        plan = self.plan if found is None else install_plan(shown)
        bar = self.iface.messageBar()
        self.close()
        text = notice_html(shown, plan)
        item = bar.createMessage(html.escape(tr("김포 GIS")), text)
        item.setObjectName("GimpoDependencyNotice")
        if plan.runnable is not None:
            button = QPushButton(tr("지금 설치"), item)
            button.setObjectName("GimpoDependencyInstallButton")
            button.clicked.connect(lambda _checked=False, argv=plan.runnable: self.run_install(argv))
            item.layout().addWidget(button)
        blocking = any(p.dependency.blocks_everything for p in shown)
        level = Qgis.MessageLevel.Critical if blocking else Qgis.MessageLevel.Warning
        self.item = bar.pushWidget(item, level, 0)  # 0: stays until the user closes it
        _show_every_line(self.item, text.count("<br>") + 1)  # after the push, which lays the item out anew
        return self.item

    def run_install(self, argv: list[str]) -> InstallDialog:
        self.dialog = InstallDialog(argv, self.iface.mainWindow())
        self.dialog.show()
        return self.dialog

    def guard_actions(self, actions: list[QAction]) -> None:
        """Actions of tools that need a missing package show the notice instead of starting the tool."""
        for action in actions:
            name = action.objectName().removeprefix(ACTION_PREFIX)
            needed = problems_for(name, self.found)
            if not needed:
                continue
            with contextlib.suppress(TypeError):  # TypeError: it had no connection yet
                action.triggered.disconnect()
            action.setCheckable(False)
            action.triggered.connect(lambda _checked=False, needed=needed: self.show(needed))
            self.guarded.append(action)

    def close(self) -> None:
        if self.item is not None:
            with contextlib.suppress(RuntimeError):  # already closed by the user (the C++ item is gone)
                self.iface.messageBar().popWidget(self.item)
            self.item = None

    def teardown(self) -> None:
        self.close()
        if self.dialog is not None:
            self.dialog.done(0)
            self.dialog = None
        self.guarded.clear()
