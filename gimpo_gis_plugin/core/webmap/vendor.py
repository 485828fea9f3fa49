"""Where MapLibre GL JS is: in the plugin zip (vendor/maplibre-gl, copied by scripts/package_plugin.py) or,
in the repository, where scripts/install_web_vendor.sh installed it from npm (build/web-vendor)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

_PACKAGE = Path(__file__).resolve().parents[2]
FILES = ("maplibre-gl.js", "maplibre-gl.css", "LICENSE.txt")


def maplibre_dir() -> Path:
    for candidate in (
        _PACKAGE / "vendor" / "maplibre-gl",
        _PACKAGE.parent / "build" / "web-vendor" / "node_modules" / "maplibre-gl" / "dist",
    ):
        if all((candidate / name).is_file() for name in FILES):
            return candidate
    raise InputError(
        "웹 지도용 MapLibre GL JS 파일이 없습니다 (플러그인 vendor/maplibre-gl).",
        "저장소에서는 scripts/install_web_vendor.sh (make setup)를 실행하고, 플러그인 zip을 다시 설치하세요.",
    )
