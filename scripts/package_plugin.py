"""Build dist/gimpo_gis_plugin.zip from committed files only (no tests, CI or dev files).

The plugin folder inside the zip is assembled from the repository's layout: the package, plus
metadata.txt, resources/, the Processing models (processing/ -> models/), compiled translations and
the dependency declaration (requirements.txt).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "gimpo_gis_plugin"
# repository path prefix -> path inside the plugin folder
LAYOUT = {
    f"{PLUGIN}/": "",
    "resources/": "resources/",
    "processing/": "models/",
    "i18n/": "i18n/",
}
TOP_FILES = {
    "metadata.txt": "metadata.txt",
    "requirements.txt": "requirements.txt",
    "LICENSE": "LICENSE",
    "README.md": "README.md",
}
GENERATED = ("i18n/*.qm",)  # built from committed .ts files by scripts/build_translations.py


def committed_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def plugin_entries() -> list[tuple[Path, str]]:
    entries = []
    files = committed_files()
    for pattern in GENERATED:
        files += [str(p.relative_to(ROOT)) for p in ROOT.glob(pattern)]
    for name in sorted(set(files)):
        if name.endswith((".pyc", ".ts")) or "__pycache__" in name:
            continue
        if name in TOP_FILES:
            entries.append((ROOT / name, f"{PLUGIN}/{TOP_FILES[name]}"))
            continue
        for prefix, target in LAYOUT.items():
            if name.startswith(prefix):
                entries.append((ROOT / name, f"{PLUGIN}/{target}{name[len(prefix) :]}"))
                break
    return entries


def build(dest: Path = ROOT / "dist" / f"{PLUGIN}.zip") -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, arcname in plugin_entries():
            if source.is_file():
                archive.write(source, arcname)
    tmp.replace(dest)
    return dest


if __name__ == "__main__":
    path = build()
    with zipfile.ZipFile(path) as archive:
        print(f"{path}: {len(archive.namelist())} files")
    sys.exit(0)
