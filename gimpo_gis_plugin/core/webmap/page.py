"""index.html of the web map: the page names every script it needs (MapLibre, the data, the app), so it
runs from file:// without a server and without any network request (the base map is the viewer's
choice: V-World needs the viewer's own key, typed in the page and kept in that browser only)."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

from ..paths import resource


def write_page(folder: Path, title: str, scripts: list[str]) -> Path:
    """Write index.html, app.js and app.css into ``folder``."""
    for name in ("app.js", "app.css"):
        shutil.copy2(resource("web", name), folder / name)
    data = "\n".join(f'<script src="{escape(path)}"></script>' for path in scripts)
    html = f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="lib/maplibre-gl.css">
<link rel="stylesheet" href="app.css">
</head>
<body>
<header id="title">{escape(title)}</header>
<div id="map" role="region" aria-label="지도"></div>
<aside id="legend" aria-label="범례"></aside>
<noscript>이 지도는 JavaScript가 필요합니다.</noscript>
<script src="lib/maplibre-gl.js"></script>
<script src="data/config.js"></script>
{data}
<script src="app.js"></script>
</body>
</html>
"""
    path = folder / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
