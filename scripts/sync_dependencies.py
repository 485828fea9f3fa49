"""Write requirements.txt, the README's dependency table and metadata.txt from their one source.

The plugin's Python packages are listed once, in resources/dependencies.csv; the changelog once, in
CHANGELOG.md. Everything else that repeats them is generated here. ``--check`` writes nothing and exits 1
with the differences (tests/plugin/test_dependency_list.py runs the same comparison).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gimpo_gis_plugin.dependencies import Dependency, load_dependencies  # noqa: E402

CSV = ROOT / "resources" / "dependencies.csv"
REQUIREMENTS = ROOT / "requirements.txt"
README = ROOT / "README.md"
METADATA = ROOT / "metadata.txt"
CHANGELOG = ROOT / "CHANGELOG.md"
README_BEGIN = "<!-- dependencies:begin (generated from resources/dependencies.csv by scripts/sync_dependencies.py) -->"
README_END = "<!-- dependencies:end -->"
ABOUT_PACKAGES = re.compile(r"(Needs the Python packages )(.+?)(; a missing one)")

REQUIREMENTS_HEADER = """\
# Runtime Python dependencies of the plugin (QGIS itself comes from Debian).
# Generated from resources/dependencies.csv by scripts/sync_dependencies.py: edit the CSV, then run it.
# pyproj, scipy and psycopg2 are not pip-installed: Debian's builds are kept (constraints.txt, apt-packages.txt).
"""


def _english_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def requirements_text(deps: list[Dependency]) -> str:
    lines = [REQUIREMENTS_HEADER.rstrip("\n")]
    for dep in deps:
        if dep.install == "system":
            continue
        if dep.why:
            lines.append(f"# {dep.why}")
        lines.append(dep.requirement)
    return "\n".join(lines) + "\n"


def readme_table(deps: list[Dependency]) -> str:
    rows = [
        README_BEGIN,
        "| Package | Version | Debian 12 | Debian 13 | Needed by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for dep in deps:
        via = {"wheel": "pip", "source": "pip, from source", "system": "system package"}[dep.install]
        cells = [
            f"`{dep.import_name}`",
            f"`{dep.specifier}`" if dep.specifier else "any",
            f"`{dep.debian12}`" if dep.debian12 else via,
            f"`{dep.debian13}`" if dep.debian13 else via,
            f"{dep.feature_en} ({dep.feature_ko})",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    rows.append(README_END)
    return "\n".join(rows)


def readme_text(current: str, deps: list[Dependency]) -> str:
    if README_BEGIN not in current or README_END not in current:
        raise SystemExit(f"{README}: the markers {README_BEGIN!r} and {README_END!r} are missing")
    before, rest = current.split(README_BEGIN, 1)
    _, after = rest.split(README_END, 1)
    return before + readme_table(deps) + after


def changelog_lines(markdown: str) -> list[str]:
    """CHANGELOG.md as metadata.txt's changelog: the version, then one line per bullet."""
    lines: list[str] = []
    for raw in markdown.splitlines():
        text = raw.strip()
        if raw.startswith("## "):
            lines.append(text[3:].strip())
        elif text.startswith("- "):
            lines.append(text)
        elif text and lines and lines[-1].startswith("- ") and raw.startswith(" "):
            lines[-1] += " " + text  # a bullet's continuation line
    return lines


def metadata_text(current: str, deps: list[Dependency], changelog_markdown: str) -> str:
    names = _english_list([d.import_name for d in deps])
    if not ABOUT_PACKAGES.search(current):
        raise SystemExit(f"{METADATA}: about= lacks 'Needs the Python packages ...; a missing one'")
    text = ABOUT_PACKAGES.sub(lambda m: f"{m.group(1)}{names}{m.group(3)}", current)
    changelog = changelog_lines(changelog_markdown)
    block = "changelog=" + changelog[0] + "".join(f"\n    {line}" for line in changelog[1:]) + "\n"
    kept = re.sub(r"^changelog=.*?(?=^\S|\Z)", "", text, flags=re.MULTILINE | re.DOTALL)
    return kept.rstrip("\n") + "\n" + block


def expected_files() -> dict[Path, str]:
    """Each generated file with the text it must have."""
    deps = load_dependencies(CSV)
    return {
        REQUIREMENTS: requirements_text(deps),
        README: readme_text(README.read_text(encoding="utf-8"), deps),
        METADATA: metadata_text(METADATA.read_text(encoding="utf-8"), deps, CHANGELOG.read_text(encoding="utf-8")),
    }


def drift() -> dict[Path, str]:
    """Generated files that differ from what they should be, with a unified diff each."""
    found = {}
    for path, wanted in expected_files().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != wanted:
            diff = difflib.unified_diff(
                current.splitlines(), wanted.splitlines(), str(path), f"{path} (generated)", lineterm=""
            )
            found[path] = "\n".join(diff)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file has drifted")
    args = parser.parse_args(argv)
    if args.check:
        found = drift()
        for path, diff in found.items():
            print(f"{path.relative_to(ROOT)} differs from resources/dependencies.csv / CHANGELOG.md:\n{diff}")
        return 1 if found else 0
    for path, wanted in expected_files().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != wanted:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
