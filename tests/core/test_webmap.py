"""Web map engine: personal data refused, k-anonymity of every published count (differencing included),
the heat map made only from published counts, legends equal to the QGIS classes, the folder's shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from gimpo_gis_plugin.core import styles
from gimpo_gis_plugin.core.errors import InputError, OutputError
from gimpo_gis_plugin.core.webmap import PublishOptions, VectorInput, publish_web_map
from gimpo_gis_plugin.core.webmap.aggregation import aggregate_events
from gimpo_gis_plugin.core.webmap.disclosure import CountLayer, protect
from gimpo_gis_plugin.core.webmap.personal_data import personal_fields
from gimpo_gis_plugin.core.webmap.qml import parse_qml
from gimpo_gis_plugin.core.webmap.smoothing import density_from_counts

CRS = "EPSG:5186"


def _data(folder: Path, layer_id: str) -> dict:
    text = (folder / "data" / f"{layer_id}.js").read_text(encoding="utf-8")
    return json.loads(text.split("] = ", 1)[1].rstrip().rstrip(";"))


def _config(folder: Path) -> dict:
    text = (folder / "data" / "config.js").read_text(encoding="utf-8")
    return json.loads(text.split(" = ", 1)[1].rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def city_layers(sample_city):
    complaints = sample_city.layers["complaints"]
    dongs = sample_city.admin_dongs.copy()
    joined = gpd.sjoin(complaints[["geometry"]], dongs[["admin_dong_name", "geometry"]], predicate="within")
    dongs["complaints"] = dongs["admin_dong_name"].map(joined["admin_dong_name"].value_counts()).fillna(0).astype(int)
    return complaints, dongs


def test_personal_fields_are_found_by_name_and_by_value():
    frame = gpd.GeoDataFrame(
        {
            "taxpayer": ["김*수"],
            "소유자명": ["이*희"],
            "memo": ["900101-1******"],
            "contact": ["010-1234-5678"],
            "admin_dong_name": ["사우동"],
            "owner_count": [3],
        },
        geometry=[Point(0, 0)],
        crs=CRS,
    )
    found = {f.field: f.kind for f in personal_fields(frame)}
    assert found == {"taxpayer": "납세자", "소유자명": "소유자", "memo": "주민등록번호", "contact": "전화번호",
                     "owner_count": "소유자"}  # fmt: skip


def test_a_layer_with_personal_data_is_refused_naming_the_field(tmp_path, sample_city):
    parcels = sample_city.parcels.head(50).copy()
    parcels["납세자성명"] = "김*수"
    with pytest.raises(InputError, match="납세자성명") as raised:
        publish_web_map(tmp_path / "web", [VectorInput("필지", parcels)])
    assert "개인정보" in str(raised.value)
    assert not (tmp_path / "web").exists()


def test_point_layers_are_refused_unless_given_as_events(tmp_path, city_layers):
    complaints, _ = city_layers
    with pytest.raises(InputError, match="점 레이어"):
        publish_web_map(tmp_path / "web", [VectorInput("민원", complaints[["category", "geometry"]])])


def test_every_published_grid_cell_has_at_least_k_events(city_layers):
    complaints, _ = city_layers
    grid = aggregate_events(complaints, 250, 5)
    assert (grid.cells["count"] >= 5).all()
    assert grid.cells_suppressed > 0  # the demo complaints do have small cells: suppression is exercised
    # The published counts are the true counts of their cells.
    x, y = complaints.geometry.x.to_numpy(), complaints.geometry.y.to_numpy()
    for cell in grid.cells.sample(20, random_state=1).itertuples():
        left, bottom, right, top = cell.geometry.bounds
        inside = (x >= left) & (x < right) & (y >= bottom) & (y < top)
        assert inside.sum() == cell.count


def test_k_is_a_parameter_and_at_least_two(city_layers):
    complaints, _ = city_layers
    assert (aggregate_events(complaints, 250, 10).cells["count"] >= 10).all()
    with pytest.raises(InputError, match="k=1"):
        aggregate_events(complaints, 250, 1)


def _recoverable_small_counts(published: list[tuple[gpd.GeoDataFrame, str]], k: int) -> list[str]:
    """What an attacker holding the web map can compute: each published count, and each published area's
    count minus the published counts of the other layers' features inside it. Returns those in 1..k-1."""
    found = []
    for index, (outer, field) in enumerate(published):
        values = pd.to_numeric(outer[field], errors="coerce")
        for value in values.dropna():
            if 0 < value < k:
                found.append(f"layer {index}: published {value}")
        for other_index, (inner, inner_field) in enumerate(published):
            if other_index == index:
                continue
            inner_values = pd.to_numeric(inner[inner_field], errors="coerce")
            inner_known = inner[inner_values.notna()]
            for area, value in zip(outer.geometry, values, strict=True):
                if pd.isna(value):
                    continue
                inside = inner_known[inner_known.geometry.buffer(-0.01).within(area)]
                if inside.empty:
                    continue
                rest = value - pd.to_numeric(inside[inner_field]).sum()
                if 0 < rest < k:
                    found.append(f"layer {index} minus layer {other_index}: {rest}")
    return found


def test_no_published_value_recovers_a_count_below_k(tmp_path, city_layers):
    """The demo complaints published three ways (250 m grid, per 행정동, per 500 m cell): neither a single
    value nor the difference of an area and the cells inside it gives a count of 1..k-1."""
    complaints, dongs = city_layers
    k = 5
    x0, y0, x1, y1 = complaints.total_bounds
    coarse = [box(x, y, x + 500, y + 500) for x in np.arange(np.floor(x0 / 500) * 500, x1, 500)
              for y in np.arange(np.floor(y0 / 500) * 500, y1, 500)]  # fmt: skip
    coarse = gpd.GeoDataFrame(geometry=coarse, crs=CRS)
    joined = gpd.sjoin(complaints[["geometry"]], coarse, predicate="within")
    coarse["complaints"] = joined["index_right"].value_counts().reindex(coarse.index).fillna(0).astype(int)
    coarse["score"] = coarse["complaints"] * 1.5
    coarse = coarse[coarse["complaints"] > 0].reset_index(drop=True)
    qml = styles.single_symbol(styles.Symbol("fill", "#fdae61"))
    result = publish_web_map(
        tmp_path / "web",
        [VectorInput("행정동 민원", dongs, qml), VectorInput("500 m 민원", coarse, qml)],
        events=complaints,
        options=PublishOptions(k=k, cell_size=250, popup_fields=("complaints", "score", "count")),
    )
    folder = result.index.parent
    published = []
    for layer_id, field in (("v0", "complaints"), ("v1", "complaints"), ("events", "count")):
        collection = _data(folder, layer_id)["geojson"]
        frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326").to_crs(CRS)
        published.append((frame, field))
    # Before protection the raw layers do leak (so the test can fail):
    raw = [(dongs, "complaints"), (coarse, "complaints"), (aggregate_events(complaints, 250, k).cells, "count")]
    assert _recoverable_small_counts(raw, k)
    assert _recoverable_small_counts(published, k) == []
    # A withheld feature keeps no other number that would give its count back (score = 1.5 × count).
    coarse_published = published[1][0]
    withheld = coarse_published[coarse_published["complaints"].isna()]
    assert len(withheld) and withheld["score"].isna().all()


def test_differencing_rule_on_a_planted_case():
    """An area of 12 events holding published cells of 5 and 6: the rest (1 event) is a suppressed cell."""
    area = gpd.GeoDataFrame({"complaints": [12]}, geometry=[box(0, 0, 300, 100)], crs=CRS)
    cells = gpd.GeoDataFrame({"count": [5, 6]}, geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=CRS)
    layers = [CountLayer("area", area, ["complaints"]), CountLayer("cells", cells, ["count"])]
    withheld = protect(layers, 5)
    assert withheld["area"] == 1 and np.isnan(layers[0].frame.loc[0, "complaints"])
    assert withheld["cells"] == 0


def test_heat_map_comes_from_the_published_counts_only(city_layers):
    complaints, _ = city_layers
    grid = aggregate_events(complaints, 250, 5)
    surface = density_from_counts(grid.cells, 500, 50)
    # Moving an event inside a suppressed cell (or dropping it) changes nothing that is published.
    again = aggregate_events(complaints.iloc[1:] if _in_suppressed(complaints, grid) else complaints, 250, 5)
    assert again.cells["count"].tolist() == grid.cells["count"].tolist()
    assert np.array_equal(
        np.nan_to_num(density_from_counts(again.cells, 500, 50).values), np.nan_to_num(surface.values)
    )
    # Integrated over the plane it gives back the published events (quartic kernel, per km²).
    total = np.nansum(surface.values) * (50 * 50) / 1e6
    assert total == pytest.approx(grid.cells["count"].sum(), rel=0.02)


def _in_suppressed(points: gpd.GeoDataFrame, grid) -> bool:
    first = points.geometry.iloc[0]
    return not grid.cells.geometry.buffer(0).contains(first).any()


def test_legend_and_paint_follow_the_qgis_classes(tmp_path, city_layers):
    _, dongs = city_layers
    ranges = [styles.Range(0, 200, "200건 이하", styles.Symbol("fill", "#ffffb2")),
              styles.Range(200, 400, "200 - 400건", styles.Symbol("fill", "#fd8d3c")),
              styles.Range(400, 1e9, "400건 초과", styles.Symbol("fill", "#bd0026"))]  # fmt: skip
    qml = styles.graduated("complaints", ranges, labels=styles.label_field("admin_dong_name"))
    result = publish_web_map(tmp_path / "web", [VectorInput("행정동별 민원", dongs, qml)],
                             options=PublishOptions(title="민원 지도"))  # fmt: skip
    config = _config(result.index.parent)
    entry = config["layers"][0]
    assert [(e["label"], e["colour"]) for e in entry["legend"][:3]] == [
        ("200건 이하", "#ffffb2"), ("200 - 400건", "#fd8d3c"), ("400건 초과", "#bd0026")]  # fmt: skip
    assert entry["legend"][-1]["suppressed"]  # the withheld class is in the legend
    paint = entry["layers"][0]["paint"]["fill-color"]
    assert paint[3:] == [["<=", ["to-number", ["get", "complaints"]], 200.0], "#ffffb2",
                         ["<=", ["to-number", ["get", "complaints"]], 400.0], "#fd8d3c", "#bd0026"]  # fmt: skip
    data = _data(result.index.parent, "v0")
    assert set(data["geojson"]["features"][0]["properties"]) == {"complaints", "admin_dong_name"}
    assert {label[2] for label in data["labels"]} == set(dongs["admin_dong_name"])


def test_qml_written_by_qgis_style_props_is_read():
    qml = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis><renderer-v2 type="categorizedSymbol" attr="zone"><categories>
<category render="true" symbol="0" value="A" label="주거"/><category render="false" symbol="1" value="B" label="x"/>
</categories><symbols><symbol type="fill" name="0" alpha="0.5"><layer class="SimpleFill">
<prop k="color" v="255,0,0,255"/><prop k="outline_color" v="0,0,0,255"/></layer></symbol>
<symbol type="fill" name="1"><layer class="SimpleFill"><prop k="color" v="0,0,255,255"/></layer></symbol>
</symbols></renderer-v2></qgis>"""
    style = parse_qml(qml)
    assert style.renderer == "categorized" and style.attribute == "zone"
    assert [(c.label, c.value, c.paint.fill, c.paint.fill_opacity) for c in style.classes] == [
        ("주거", "A", "#ff0000", 0.5)
    ]


def test_folder_opens_offline_and_is_replaced_only_when_ours(tmp_path, city_layers):
    _, dongs = city_layers
    target = tmp_path / "web"
    result = publish_web_map(target, [VectorInput("행정동", dongs[["admin_dong_name", "geometry"]])])
    html = result.index.read_text(encoding="utf-8")
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
        assert (target / src).is_file(), src
    assert (target / "lib" / "LICENSE.txt").is_file()
    publish_web_map(target, [VectorInput("행정동", dongs[["admin_dong_name", "geometry"]])])  # ours: replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(OutputError, match="덮어쓰지"):
        publish_web_map(other, [VectorInput("행정동", dongs[["admin_dong_name", "geometry"]])])


def test_raster_overlay_keeps_the_qgis_ramp_and_nodata_transparent(tmp_path):
    """A GeoTIFF with its .qml (as core/heatmap writes them) becomes a PNG overlay in Web Mercator: values
    coloured by the QGIS ramp, nodata and zero transparent, corners around the raster's extent."""
    import struct
    import zlib

    from gimpo_gis_plugin.core.heatmap import write_geotiff
    from gimpo_gis_plugin.core.heatmap.grid import Grid
    from gimpo_gis_plugin.core.webmap.qml import sidecar_qml
    from gimpo_gis_plugin.core.webmap.raster_image import raster_overlay

    values = np.zeros((20, 30))
    values[5:15, 10:20] = np.linspace(1, 10, 100).reshape(10, 10)
    values[0, 0] = np.nan
    grid = Grid(xmin=182_000.0, ymin=555_800.0, xmax=182_300.0, ymax=556_000.0, pixel=10.0, rows=20, cols=30)
    path = write_geotiff(tmp_path / "surface.tif", [values], grid, CRS)
    style = parse_qml(sidecar_qml(path))
    assert style.renderer == "pseudocolor" and style.classes[0].paint.fill == "#ffffb2"
    overlay = raster_overlay(path, style)
    assert overlay.png.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", overlay.png[16:24])
    raw = zlib.decompress(overlay.png[33:-12][8:-4])  # IDAT payload (one chunk), rows with filter byte 0
    pixels = np.frombuffer(raw, dtype=np.uint8).reshape(height, width * 4 + 1)[:, 1:].reshape(height, width, 4)
    alpha = pixels[..., 3]
    assert alpha[0, 0] == 0 and alpha[height // 2, width // 2] > 0  # nodata/zero transparent, the square drawn
    assert 0.1 < (alpha > 0).mean() < 0.25  # 100 of 600 cells carry values
    (west, north), _, (east, south), _ = overlay.corners
    assert 126.5 < west < east < 126.8 and 37.5 < south < north < 37.8
