"""gimpo:publishwebmap through qgis_process, then the folder opened from disk in headless chromium (Debian's
package): no console error, a map canvas that is not blank, the legend equal to the QGIS classes, the
popup fields only the published ones; the screenshot stays in tests/artifacts/web_map.png."""

from __future__ import annotations

import pyogrio
import pytest

from gimpo_gis_plugin.core.webmap.qml import parse_qml, stored_qml
from tests.e2e.chromium_cdp import Browser, chromium_binary

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed (scripts/apt-packages.txt)"),
]

LEGEND = """Array.from(document.querySelectorAll('.legend-layer')).map(s => ({
  id: s.dataset.layer,
  title: s.querySelector('label').textContent.trim(),
  classes: Array.from(s.querySelectorAll('.legend-class')).map(li => [
    li.querySelector('.legend-label').textContent, li.querySelector('.swatch').dataset.colour])}))"""
# Distinct colours on the WebGL canvas (drawn into a 2D canvas; the map keeps its drawing buffer).
CANVAS_COLOURS = """(() => {
  const gl = document.querySelector('#map canvas');
  const c = document.createElement('canvas'); c.width = gl.width; c.height = gl.height;
  const ctx = c.getContext('2d'); ctx.drawImage(gl, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 97) { seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]); }
  return seen.size; })()"""


@pytest.fixture(scope="module")
def web_map(qgis_process, qgis_algorithm, sample_city_files, tmp_path_factory):
    gpkg = sample_city_files["gpkg"]
    out = tmp_path_factory.mktemp("web")
    statistics = qgis_algorithm(
        "gimpo:statisticalmap",
        INPUT=f"{gpkg}|layername=complaints",
        AREAS=f"{gpkg}|layername=population_admin_dong",
        STATISTIC=5,
        POPULATION_FIELD="population",
        VALUE_NAME="complaints_per_1000",
        OUTPUT=out / "complaints.gpkg",
    )
    assert statistics.returncode == 0, statistics.stderr
    done = qgis_process(
        "--json", "run", "gimpo:publishwebmap", "--",
        f"VECTORS={gpkg}|layername=admin_dongs",
        f"VECTORS={out / 'complaints.gpkg'}|layername=statistical_map",
        "LAYER_TITLES=행정동 경계;주민 1,000명당 민원",
        f"EVENTS={gpkg}|layername=complaints",
        "TITLE=김포시 민원 지도",
        f"OUTPUT={out / 'site'}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_published_map_opens_from_disk_with_the_qgis_legend(web_map, artifacts_dir):
    index = web_map / "site" / "index.html"
    with Browser() as browser:
        browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)
        assert browser.open(index.as_uri()), f"the map never became idle; console: {browser.messages}"
        shot = browser.screenshot(artifacts_dir / "web_map.png")
        colours = browser.evaluate(CANVAS_COLOURS)
        legend = browser.evaluate(LEGEND)
        titles = browser.evaluate("document.title")
        errors = list(browser.errors)
    assert errors == [], errors
    assert shot.stat().st_size > 10_000
    assert colours >= 8, f"the map canvas looks blank ({colours} colours)"
    assert titles == "김포시 민원 지도"
    by_title = {layer["title"]: layer["classes"] for layer in legend}
    style = parse_qml(stored_qml(web_map / "complaints.gpkg", "statistical_map"))
    qgis_classes = [[c.label, c.paint.fill] for c in style.classes]
    assert by_title["주민 1,000명당 민원"][: len(qgis_classes)] == qgis_classes
    assert by_title["주민 1,000명당 민원"][-1][0] == "비공개 (5건 미만)"
    assert "민원 (격자 집계) 히트맵 (건/km²)" in by_title and "민원 (격자 집계) (250 m 격자)" in by_title
    assert pyogrio.list_layers(web_map / "complaints.gpkg") is not None


def test_popup_shows_only_the_published_fields(web_map):
    data = (web_map / "site" / "data" / "v1.js").read_text(encoding="utf-8")
    assert '"population"' not in data and '"households"' not in data  # not the style's field: not published
    assert '"complaints_per_1000"' in data and '"admin_dong_name"' in data


def test_personal_data_layer_is_refused_with_exit_code_and_no_output(qgis_process, sample_city, tmp_path):
    parcels = sample_city.parcels.head(20).copy()
    parcels["소유자"] = "김*수"
    parcels.to_file(tmp_path / "owners.gpkg", layer="parcels", driver="GPKG")
    done = qgis_process(
        "run", "gimpo:publishwebmap", "--",
        f"VECTORS={tmp_path / 'owners.gpkg'}|layername=parcels", f"OUTPUT={tmp_path / 'site'}",
    )  # fmt: skip
    assert done.returncode != 0
    assert "소유자" in done.stderr + done.stdout and "개인정보" in done.stderr + done.stdout
    assert not (tmp_path / "site" / "index.html").exists()
