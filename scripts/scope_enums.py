"""Find, and with ``--fix`` rewrite, short enum forms (``Qt.AlignCenter``, ``Qgis.Critical``) in the code.

PyQt6 (QGIS 4) knows enum members only through their enum (``Qt.AlignmentFlag.AlignCenter``); PyQt5 knows
both. QGIS's own ``pyqt5_to_pyqt6.py`` rewrites the Qt ones; this does the same for QGIS's enums, judged
against the running QGIS (3.22 here), and backs the test that none is left. Run inside the project's
environment (``source scripts/env.sh``): ``python scripts/scope_enums.py [--fix] [paths...]``.

Some QGIS enums moved into ``Qgis`` and renamed their members in later releases (e.g. QGIS 3.44:
``QgsProcessing.SourceType = Qgis.ProcessingSourceType`` whose member is ``VectorPolygon``, not
``TypeVectorPolygon``). Their 3.22 scoped spelling would fail there, while the short spelling is kept as an
alias (``QgsProcessing.TypeVectorPolygon = Qgis.ProcessingSourceType.VectorPolygon``, read in QGIS 3.44's
qgis/core/__init__.py). Those stay short: it is the one spelling both 3.22 and current QGIS accept.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("gimpo_gis_plugin", "tests", "scripts", "benchmarks")
# QGIS enums whose 3.22 member names changed when they moved into Qgis (checked against QGIS 3.44).
RENAMED_LATER = {
    ("QgsProcessing", "SourceType"): "Qgis.ProcessingSourceType (VectorPolygon, ...)",
    ("QgsProcessingAlgorithm", "Flag"): "Qgis.ProcessingAlgorithmFlag (NoThreading, ...)",
    ("QgsProcessingParameterDefinition", "Flag"): "Qgis.ProcessingParameterFlag (Advanced, ...)",
    ("QgsWkbTypes", "GeometryType"): "Qgis.GeometryType (Point, Line, Polygon)",
    ("QgsWkbTypes", "Type"): "Qgis.WkbType",
    ("QgsFeatureSink", "Flag"): "QgsFeatureSink.Flag (kept)",
}


@dataclass(frozen=True)
class ShortForm:
    path: Path
    line: int
    column: int
    chain: str  # e.g. "Qt.AlignCenter"
    scoped: str  # e.g. "Qt.AlignmentFlag.AlignCenter"
    keep: str  # why it stays short ("" = rewrite it)


def _imported_classes(tree: ast.AST) -> dict[str, str]:
    """Local name -> module, for names imported from qgis.* (qgis.PyQt.* included)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "qgis":
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
    return names


def _enum_name(owner: object, member: str) -> str | None:
    """The name of the enum ``owner.member`` belongs to, when it is an enum member reached unscoped."""
    try:
        value = getattr(owner, member)
    except AttributeError:
        return None
    enum_type = type(value)
    if type(enum_type).__name__ not in ("enumtype", "EnumType", "EnumMeta"):
        return None
    name = enum_type.__name__
    if name == member or getattr(owner, name, None) is not enum_type:
        return None
    return name


def short_forms(path: Path) -> list[ShortForm]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = _imported_classes(tree)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        if node.value.id not in classes:
            continue
        try:
            owner = getattr(importlib.import_module(classes[node.value.id]), node.value.id)
        except (ImportError, AttributeError):
            continue
        enum = _enum_name(owner, node.attr)
        if enum is None:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            continue  # Cls.Enum.Member: node is Cls.Enum, the enum itself
        keep = RENAMED_LATER.get((node.value.id, enum), "")
        chain = f"{node.value.id}.{node.attr}"
        found.append(ShortForm(path, node.lineno, node.col_offset, chain, f"{node.value.id}.{enum}.{node.attr}", keep))
    return found


def python_files(paths: list[str]) -> list[Path]:
    files = []
    for name in paths:
        target = ROOT / name
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return [f for f in files if "build" not in f.relative_to(ROOT).parts[:1]]


def fix(path: Path, forms: list[ShortForm]) -> int:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = 0
    for form in sorted(forms, key=lambda f: (f.line, f.column), reverse=True):
        if form.keep:
            continue
        raw = lines[form.line - 1].encode("utf-8")  # ast columns count UTF-8 bytes
        start = form.column
        if raw[start : start + len(form.chain)].decode("utf-8") != form.chain:
            continue
        raw = raw[:start] + form.scoped.encode("utf-8") + raw[start + len(form.chain) :]
        lines[form.line - 1] = raw.decode("utf-8")
        changed += 1
    if changed:
        path.write_text("".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the short forms in place")
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    args = parser.parse_args(argv)
    left = 0
    for path in python_files(args.paths):
        forms = short_forms(path)
        if args.fix:
            fixed = fix(path, forms)
            if fixed:
                print(f"{path.relative_to(ROOT)}: {fixed} rewritten")
            forms = short_forms(path)
        for form in forms:
            note = f"  (kept: later QGIS renamed it, {form.keep})" if form.keep else ""
            print(f"{path.relative_to(ROOT)}:{form.line}: {form.chain} -> {form.scoped}{note}")
            left += not form.keep
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
