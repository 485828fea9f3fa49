"""Compile the Qt translations: i18n/*.ts (committed, edited with Qt Linguist) -> i18n/*.qm (generated).

Uses ``lrelease`` from Debian's qttools5-dev-tools (scripts/apt-packages.txt). A .qm is rebuilt only when
its .ts is newer, so setup stays fast. The plugin loads the .qm through gimpo_gis_plugin/i18n.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "i18n"


def lrelease() -> str:
    for name in ("lrelease", "lrelease-qt5"):
        found = shutil.which(name)
        if found:
            return found
    qt5 = Path("/usr/lib/qt5/bin/lrelease")
    if qt5.is_file():
        return str(qt5)
    raise SystemExit("lrelease not found: install qttools5-dev-tools (sudo apt-get install qttools5-dev-tools).")


def build(force: bool = False) -> list[Path]:
    built = []
    for ts in sorted(I18N.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not force and qm.is_file() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        done = subprocess.run(
            [lrelease(), "-silent", str(ts), "-qm", str(qm)],
            capture_output=True,
            text=True,
            check=False,
            env={"QT_SELECT": "qt5", "PATH": "/usr/bin:/bin"},
        )
        if done.returncode != 0 or not qm.is_file():
            raise SystemExit(f"lrelease failed on {ts}:\n{done.stdout}{done.stderr}")
        built.append(qm)
    return built


if __name__ == "__main__":
    for path in build(force="--force" in sys.argv):
        print(f"[i18n] built {path.relative_to(ROOT)}")
    sys.exit(0)
