"""Build dist/gimpo_gis_plugin.zip from committed files only (no tests, CI or dev files), and check it.

The plugin folder inside the zip is assembled from the repository's layout: the package, plus
metadata.txt, resources/ (with dependencies.csv, the one dependency list), the Processing models
(processing/ -> models/), compiled translations, requirements.txt, LICENSE and CHANGELOG.md.

The build refuses to run when requirements.txt, README or metadata.txt have drifted from
resources/dependencies.csv / CHANGELOG.md, and the finished zip is checked against the rules
plugins.qgis.org applies to an upload (its validator: size, paths, no .pyc or __pycache__/.git/__MACOSX,
one top folder with a valid name, __init__.py, metadata.txt with the required fields, the icon, LICENSE,
author without slashes, URLs with scheme and host), plus ours: no binaries or compiled code, Qt6 declared.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make scripts.sync_dependencies importable
    sys.path.insert(0, str(ROOT))
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
    "CHANGELOG.md": "CHANGELOG.md",
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
    from scripts.sync_dependencies import drift

    drifted = drift()
    if drifted:
        names = ", ".join(str(path.relative_to(ROOT)) for path in drifted)
        raise SystemExit(
            f"{names} differ from resources/dependencies.csv / CHANGELOG.md: run scripts/sync_dependencies.py"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, arcname in plugin_entries():
            if source.is_file():
                archive.write(source, arcname)
    tmp.replace(dest)
    return dest


# --- the plugin repository's rules ---------------------------------------------------------------------
MAX_SIZE = 25_000_000  # bytes: plugins.qgis.org's PLUGIN_MAX_UPLOAD_SIZE
REQUIRED_METADATA = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about")
REQUIRED_METADATA += ("tracker", "repository")
# Listed in QGIS's plugin template and used by the plugin manager's filter; anything else is flagged.
CATEGORIES = ("Raster", "Vector", "Database", "Web")
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
COMPILED_SUFFIXES = (".pyc", ".pyo", ".pyd", ".so", ".dll", ".dylib", ".exe", ".o", ".a", ".class", ".jar")
BINARY_MAGIC = (b"\x7fELF", b"MZ", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")  # ELF, PE, Mach-O
HANGUL = re.compile(r"[\uac00-\ud7a3\u3130-\u318f]")


def zip_problems(path: Path) -> list[str]:
    """Every rule the zip breaks (empty when the plugin site would take it)."""
    found: list[str] = []
    if path.stat().st_size > MAX_SIZE:
        found.append(f"{path.stat().st_size} bytes: over the plugin site's {MAX_SIZE}")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        bad = archive.testzip()
        if bad:
            found.append(f"CRC error in {bad}")
        tops = {name.split("/")[0] for name in names}
        if tops != {PLUGIN}:
            found.append(f"top-level folders {sorted(tops)}, expected only {PLUGIN}")
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", PLUGIN):
            found.append(f"folder name {PLUGIN} is not allowed")
        for name in names:
            parts = name.split("/")
            if ".." in name or name.startswith("/"):
                found.append(f"{name}: path information")
            if ".pyc" in name or any(part in FORBIDDEN_DIRS for part in parts):
                found.append(f"{name}: forbidden file or folder")
            if name.lower().endswith(COMPILED_SUFFIXES):
                found.append(f"{name}: compiled or binary file")
            elif not name.endswith("/") and archive.read(name)[:4].startswith(BINARY_MAGIC):
                found.append(f"{name}: executable binary")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{PLUGIN}/{required}" not in names:
                found.append(f"{PLUGIN}/{required} is missing")
        if f"{PLUGIN}/metadata.txt" in names:
            found += _metadata_problems(archive.read(f"{PLUGIN}/metadata.txt").decode("utf-8"), names)
    return found


def _metadata_problems(text: str, names: list[str]) -> list[str]:
    found = []
    parser = configparser.ConfigParser()
    parser.optionxform = str
    parser.read_string(text)
    general = dict(parser.items("general"))
    found += [f"metadata.txt lacks {key}" for key in REQUIRED_METADATA if not general.get(key, "").strip()]
    icon = general.get("icon", "").removeprefix("./")
    if not icon or f"{PLUGIN}/{icon}" not in names:
        found.append(f"metadata.txt icon {icon!r} is not in the zip")
    if "/" in general.get("author", ""):
        found.append("metadata.txt author contains a slash")
    for key, placeholder in (
        ("tracker", "http://bugs"),
        ("repository", "http://repo"),
        ("homepage", "http://homepage"),
    ):
        url = urlparse(general.get(key, ""))
        if key in general and not (url.scheme and url.netloc):
            found.append(f"metadata.txt {key} is not a URL")
        elif general.get(key) == placeholder:
            found.append(f"metadata.txt {key} is the plugin template's placeholder")
    if general.get("category") and general["category"] not in CATEGORIES:
        found.append(f"metadata.txt category {general['category']!r} is none of {', '.join(CATEGORIES)}")
    for key in ("name", "description", "about", "tags"):
        if HANGUL.search(general.get(key, "")):
            found.append(f"metadata.txt {key} is not English only")
    if general.get("supportsQt6", "").lower() not in ("true", "yes"):
        found.append("metadata.txt does not declare supportsQt6=True (QGIS 4 would not load the plugin)")
    if not general.get("qgisMaximumVersion", "").startswith("4."):
        found.append("metadata.txt qgisMaximumVersion is not 4.x (the plugin manager would assume 3.99)")
    if not general.get("changelog", "").strip():
        found.append("metadata.txt has no changelog")
    return found


if __name__ == "__main__":
    path = build()
    problems = zip_problems(path)
    with zipfile.ZipFile(path) as archive:
        print(f"{path}: {len(archive.namelist())} files, {path.stat().st_size:,} bytes")
    for problem in problems:
        print(f"plugin repository rule broken: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)
