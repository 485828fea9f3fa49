"""QGIS 4 / Qt6 readiness of every Python file: no short enum forms, no Qt5-only API, and every Qt name and
attribute chain the code touches exists in PyQt6 (checked in a throwaway venv with the PyQt6 wheel, in a
subprocess: PyQt6 is never imported into this QGIS process)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.scope_enums import python_files, short_forms

ROOT = Path(__file__).resolve().parents[2]
PYQT6_VENV = ROOT / "build" / "pyqt6-venv"
PYQT6_REQUIREMENT = "PyQt6>=6.5,<7"
RESOLVER = Path(__file__).with_name("pyqt6_resolve.py")
FILES = python_files(["gimpo_gis_plugin", "tests", "scripts", "benchmarks"])
# Qt5 API that PyQt6 removed: attribute names, and what to use instead.
REMOVED_ATTRIBUTES = {
    "exec_": "exec()",
    "print_": "print()",
    "QRegExp": "QRegularExpression",
    "QDesktopWidget": "QScreen",
    "desktop": "QGuiApplication.screens()",
    "MidButton": "Qt.MouseButton.MiddleButton",
}


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_no_short_enum_forms():
    """Qt.AlignCenter and Qgis.Critical fail on PyQt6; the scoped spelling works on both (scripts/scope_enums.py)."""
    forms = [form for path in FILES for form in short_forms(path) if not form.keep]
    left = [f"{f.path.relative_to(ROOT)}:{f.line}: {f.chain} -> {f.scoped}" for f in forms]
    assert not left, "run `python scripts/scope_enums.py --fix`:\n" + "\n".join(left)


def test_no_qt5_only_api():
    found = []
    for path in FILES:
        if path == Path(__file__) or path.name == "scope_enums.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("PyQt5", "PyQt6"):
                found.append(f"{_where(path, node)}: import from {node.module}: use qgis.PyQt")
            if isinstance(node, ast.Import) and any(
                a.name.split(".")[0] in ("PyQt5", "PyQt6", "sip") for a in node.names
            ):
                found.append(f"{_where(path, node)}: import of PyQt/sip: use qgis.PyQt")
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in REMOVED_ATTRIBUTES:
                found.append(f"{_where(path, node)}: {name} is gone in PyQt6: use {REMOVED_ATTRIBUTES[name]}")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "QVariant":
                found.append(f"{_where(path, node)}: QVariant.{node.attr} differs in PyQt6 (QMetaType.Type)")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("pageRect", "paperRect")
                and not node.args
            ):
                found.append(
                    f"{_where(path, node)}: {node.func.attr}() needs a unit in Qt6 (QPrinter.Unit.DevicePixel)"
                )
    assert not found, "\n".join(found)


def qt_names_and_chains() -> dict[tuple[str, str], str]:
    """Every (qgis.PyQt module, name or attribute chain) the code uses, with one place it is used."""
    used: dict[tuple[str, str], str] = {}
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qgis.PyQt."):
                module = node.module.split(".")[2]
                for alias in node.names:
                    imported[alias.asname or alias.name] = (module, alias.name)
                    used.setdefault((module, alias.name), _where(path, node))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or isinstance(parents.get(node), ast.Attribute):
                continue
            parts, base = [], node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                module, original = imported[base.id]
                used.setdefault((module, ".".join([original, *reversed(parts)])), _where(path, node))
    return used


def _pyqt6_python() -> Path:
    """The PyQt6 venv under build/ (made once, then reused); skip with the reason when PyPI cannot be reached."""
    python = PYQT6_VENV / "bin" / "python"
    marker = PYQT6_VENV / ".pyqt6-ready"
    if marker.is_file() and python.is_file():
        return python
    made = subprocess.run(
        [sys.base_prefix + "/bin/python3", "-m", "venv", "--clear", str(PYQT6_VENV)], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot make a venv for PyQt6 ({made.stderr.strip()[-300:]}); needs python3-venv")
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", PYQT6_REQUIREMENT],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if pip.returncode != 0:
        pytest.skip(f"the PyQt6 wheel could not be installed from PyPI (offline?): {pip.stderr.strip()[-400:]}")
    marker.write_text(PYQT6_REQUIREMENT + "\n", encoding="utf-8")
    return python


def test_every_qt_name_and_enum_exists_in_pyqt6():
    used = qt_names_and_chains()
    assert ("QtCore", "Qt.MouseButton.LeftButton") in used  # the scan sees the code's enum uses
    python = _pyqt6_python()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    done = subprocess.run(
        [str(python), str(RESOLVER)],
        input=json.dumps(sorted(used)),
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    failures = json.loads(done.stdout)
    assert not failures, "absent in PyQt6:\n" + "\n".join(
        f"{used[(module, chain)]}: qgis.PyQt.{module}.{chain} ({error})" for module, chain, error in failures
    )
