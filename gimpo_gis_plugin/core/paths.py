"""Where the plugin's bundled resources live, in the repository and in the installed plugin.

In the repository ``resources/`` sits beside the package; in the installed plugin (the zip, or the
development folder under build/plugins) it sits inside it. Looking in both keeps one code path.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_UNRESOLVED_PACKAGE_DIR = Path(__file__).parent.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def resources_dir() -> Path:
    """The folder with QML styles, icons, rule tables and bundled reference data."""
    return _first_existing(
        _UNRESOLVED_PACKAGE_DIR / "resources",
        _PACKAGE_DIR / "resources",
        _PACKAGE_DIR.parent / "resources",
    )


def resource(*parts: str) -> Path:
    """Path of one bundled resource file, e.g. ``resource("styles", "parcels.qml")``."""
    return resources_dir().joinpath(*parts)


def models_dir() -> Path:
    """The folder with the Processing models (.model3) shipped with the plugin."""
    return _first_existing(
        _UNRESOLVED_PACKAGE_DIR / "models",
        _PACKAGE_DIR / "models",
        _PACKAGE_DIR.parent / "processing",
    )
