"""The missing-package message bar inside QGIS (pytest-qgis): Korean first, nothing cut at '<', the tools
that need the package say so instead of raising, the install button runs pip through QProcess and shows
its output, and headless loading stays untouched."""

from __future__ import annotations

import sys

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QTextDocument
from qgis.PyQt.QtWidgets import QAction, QPushButton

from gimpo_gis_plugin import classFactory, dependencies
from gimpo_gis_plugin.gui.dependency_notice import RESTART_HINT, DependencyNotice, InstallDialog


def _simulate_missing(monkeypatch, *names: str) -> None:
    real = dependencies.is_importable
    monkeypatch.setattr(dependencies, "is_importable", lambda name: name not in names and real(name))


def _plain(html_text: str) -> str:
    document = QTextDocument()
    document.setHtml(html_text)
    return document.toPlainText()


def _wait(dialog: InstallDialog) -> None:
    dialog.process.waitForFinished(120_000)
    QgsApplication.processEvents()


def test_numpy_too_new_is_shown_whole_with_its_command(qgis_iface, monkeypatch):
    """'<3' appears in the reason and in the command: an unescaped message would end at the first '<'."""
    by_name = {d.import_name: d for d in dependencies.load_dependencies()}
    found = [dependencies.Problem(by_name["numpy"], "3.0.1"), dependencies.Problem(by_name["numba"], None)]
    notice = DependencyNotice(qgis_iface, found, dependencies.install_plan(found, "windows"))
    try:
        shown = _plain(notice.show().text())
        assert shown.startswith("필요한 Python 패키지가 없습니다: numpy (3.0.1 설치됨, >=1.24,<3 필요; 모든 알고리즘)")
        assert "python -m pip install" in shown and '"numpy>=1.24,<3" "numba>=0.59,<0.63"' in shown
    finally:
        notice.teardown()


def test_missing_packages_on_debian_name_apt_and_pip(qgis_iface, monkeypatch):
    _simulate_missing(monkeypatch, "numpy", "numba")
    notice = DependencyNotice(qgis_iface, dependencies.problems(), None)
    notice.plan = dependencies.install_plan(notice.found, "debian", 12)
    try:
        shown = _plain(notice.show().text())
        assert "numpy (없음; 모든 알고리즘), numba (없음; 히트맵)" in shown
        assert "sudo apt install python3-numpy" in shown
        assert "--no-binary shapely,pyogrio 'numba>=0.59,<0.63'" in shown  # the last command, whole
    finally:
        notice.teardown()


def test_a_tool_that_needs_the_missing_package_shows_the_notice(qgis_iface, monkeypatch):
    _simulate_missing(monkeypatch, "numba")
    started = []
    heatmap = QAction("히트맵", qgis_iface.mainWindow())
    heatmap.setObjectName("gimpo_action_heatmap")
    heatmap.triggered.connect(lambda: started.append("heatmap"))
    ledger = QAction("과세대장 연계", qgis_iface.mainWindow())
    ledger.setObjectName("gimpo_action_linktaxledger")
    ledger.triggered.connect(lambda: started.append("linktaxledger"))
    notice = DependencyNotice(qgis_iface, dependencies.problems())
    try:
        notice.guard_actions([heatmap, ledger])
        assert notice.guarded == [heatmap]
        heatmap.trigger()
        ledger.trigger()
        assert started == ["linktaxledger"], "the heat map must not start without numba"
        assert "numba (없음; 히트맵)" in _plain(notice.item.text())
    finally:
        notice.teardown()


def test_install_button_runs_pip_and_shows_its_output(qgis_iface, monkeypatch):
    _simulate_missing(monkeypatch, "numba")
    found = dependencies.problems()
    plan = dependencies.install_plan(found, "windows")  # pip of QGIS's Python: a button is offered
    notice = DependencyNotice(qgis_iface, found, plan)
    try:
        item = notice.show()
        button = item.findChild(QPushButton, "GimpoDependencyInstallButton")
        assert button is not None and plan.runnable[-1] == "numba>=0.59,<0.63"
        # The real runner on a harmless pip command (installing numba here would change the shared venv).
        dialog = notice.run_install([sys.executable, "-m", "pip", "--version"])
        _wait(dialog)
        assert dialog.exit_code == 0
        assert "pip " in dialog.output.toPlainText()
        assert dialog.status.text() == RESTART_HINT
    finally:
        notice.teardown()


def test_a_failing_install_says_so(qgis_iface):
    dialog = InstallDialog([sys.executable, "-c", "import sys; print('오류 <numpy>'); sys.exit(3)"])
    try:
        _wait(dialog)
        assert dialog.exit_code == 3
        assert "오류 <numpy>" in dialog.output.toPlainText()
        assert "종료 코드 3" in dialog.status.text()
    finally:
        dialog.done(0)


def test_no_button_where_apt_is_needed(qgis_iface, monkeypatch):
    _simulate_missing(monkeypatch, "scipy")
    found = dependencies.problems()
    notice = DependencyNotice(qgis_iface, found, dependencies.install_plan(found, "debian", 12))
    try:
        item = notice.show()
        assert item.findChild(QPushButton, "GimpoDependencyInstallButton") is None
        shown = _plain(item.text())
        assert "sudo apt install python3-scipy" in shown and "관리자 권한" in shown
    finally:
        notice.teardown()


def test_plugin_shows_the_notice_in_the_desktop_and_stays_headless_safe(qgis_iface, monkeypatch):
    _simulate_missing(monkeypatch, "numba")
    headless = classFactory(None)
    headless.initProcessing()  # what qgis_process does: no iface, no message bar, heat map still listed
    try:
        provider = QgsApplication.processingRegistry().providerById("gimpo")
        assert "gimpo:heatmap" in {a.id() for a in provider.algorithms()}
    finally:
        headless.unload()
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert plugin.dependency_notice is not None
        assert "numba" in _plain(plugin.dependency_notice.item.text())
        heatmap = [a for a in plugin.gui.actions if a.objectName() == "gimpo_action_heatmap"]
        assert heatmap and heatmap[0] in plugin.dependency_notice.guarded
    finally:
        plugin.unload()
    assert plugin.dependency_notice is None
