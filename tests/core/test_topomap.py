"""NGII 수치지형도 v2.0 deliveries: two 도엽 with several layer codes, CP949 .dbf without .cpg, a sheet
delivered twice, a feature on both sheets (same UFID): one styled layer per code with Korean names."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, box

from gimpo_gis_plugin.core.basemap.topomap import load_topo_map
from gimpo_gis_plugin.core.basemap.topomap_codes import layer_codes, lookup
from gimpo_gis_plugin.core.errors import InputError

CRS = "EPSG:5186"
X0, Y0 = 182_000.0, 555_000.0  # 김포 in EPSG:5186


def _write_cp949(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A shapefile as the NGII ships it: CP949 attributes, no .cpg; a .prj only when the frame has a CRS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # QGIS sets SHAPE_ENCODING="" in its process (it recodes itself), which makes GDAL write UTF-8 whatever
    # the encoding asked: unset it for the write, as a shapefile writer outside QGIS has it.
    before = pyogrio.get_gdal_config_option("SHAPE_ENCODING")
    pyogrio.set_gdal_config_options({"SHAPE_ENCODING": None})
    try:
        pyogrio.write_dataframe(frame, path, encoding="CP949")
    finally:
        pyogrio.set_gdal_config_options({"SHAPE_ENCODING": before})
    path.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf").read_bytes()
    text = next(
        str(v) for c in frame.columns if c != "geometry" for v in frame[c] if isinstance(v, str) and v[-1] > "~"
    )
    assert text.encode("cp949") in dbf and text.encode("utf-8") not in dbf  # really CP949 bytes


def _sheet(root: Path, sheet: str, dx: float) -> Path:
    folder = root / f"(B010)수치지도_{sheet}_2024_00000123456"
    buildings = gpd.GeoDataFrame(
        {"UFID": [f"B{sheet}1", f"B{sheet}2", "BSHARED"], "명칭": ["김포시청", "사우동주민센터", "경계건물"],
         "종류": ["시청", "주민센터", "주택"], "층수": [7, 3, 2]},
        geometry=[box(X0 + dx, Y0, X0 + dx + 40, Y0 + 30), box(X0 + dx + 100, Y0, X0 + dx + 130, Y0 + 20),
                  box(X0 + 995, Y0, X0 + 1005, Y0 + 10)],
        crs=CRS,
    )  # fmt: skip
    _write_cp949(buildings, folder / "N3A_B0010000.shp")
    roads = gpd.GeoDataFrame(
        {"UFID": [f"R{sheet}"], "도로명": ["김포대로"], "도로폭": [20.0]},
        geometry=[LineString([(X0 + dx, Y0 - 50), (X0 + dx + 1000, Y0 - 50)])], crs=CRS,
    )  # fmt: skip
    _write_cp949(roads, folder / "N3L_A0020000.shp")
    contours = gpd.GeoDataFrame(
        {"UFID": [f"F{sheet}"], "등고수치": [20.0], "구분": ["주곡선"]},
        geometry=[LineString([(X0 + dx, Y0 + 200), (X0 + dx + 900, Y0 + 260)])],
    )  # fmt: skip (no CRS: no .prj, as some deliveries)
    with pytest.warns(UserWarning, match="crs"):
        _write_cp949(contours, folder / "N3L_F0010000.shp")
    spots = gpd.GeoDataFrame({"UFID": [f"P{sheet}"], "수치": [31.5], "비고": ["김포"]},
                             geometry=[Point(X0 + dx + 500, Y0 + 400)], crs=CRS)  # fmt: skip
    _write_cp949(spots, folder / "N3P_F0020000.shp")
    return folder


@pytest.fixture()
def delivery(tmp_path) -> Path:
    root = tmp_path / "김포시_수치지형도"
    first = _sheet(root / "김포시", "37612001", 0.0)
    _sheet(root / "김포시", "37612002", 1000.0)
    shutil.copytree(first, root / "인천서구" / first.name)  # a boundary sheet delivered in two folders
    gpd.GeoDataFrame({"x": [1]}, geometry=[Point(X0, Y0)], crs=CRS).to_file(root / "김포시" / "index.shp")
    return root


def test_two_sheets_load_as_one_styled_layer_per_code_with_korean_names(delivery):
    topo = load_topo_map(delivery)
    assert topo.sheets == ["37612001", "37612002"]
    assert set(topo.layers) == {"건물_B0010000", "도로중심선_A0020000", "등고선_F0010000", "표고점_F0020000"}
    buildings = topo.layers["건물_B0010000"]
    # 2 + 2 buildings of their own, the shared one once; the duplicated sheet folder read once.
    assert len(buildings) == 5 and topo.duplicates == 1
    assert set(buildings["명칭"]) == {"김포시청", "사우동주민센터", "경계건물"}  # CP949 without .cpg read right
    assert set(buildings["sheet"]) == {"37612001", "37612002"} and set(buildings["scale"]) == {"1/5,000"}
    assert buildings.crs.to_epsg() == 5186 and topo.layers["등고선_F0010000"].crs.to_epsg() == 5186
    assert topo.titles["건물_B0010000"] == "건물 (B0010000, 1/5,000)"
    assert any("index.shp" in reason for reason in topo.skipped)
    for layer, qml in topo.styles.items():
        renderer = ElementTree.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
        assert renderer is not None and renderer.get("type") == "singleSymbol", layer
    fill = ElementTree.fromstring(topo.styles["건물_B0010000"].split("\n", 1)[1]).find(".//layer")
    assert fill.get("class") == "SimpleFill"
    assert ElementTree.fromstring(topo.styles["등고선_F0010000"].split("\n", 1)[1]).find(".//layer").get("class") == (
        "SimpleLine"
    )


def test_cp949_is_read_right_inside_qgis_too(delivery):
    """QGIS's process has SHAPE_ENCODING="" (GDAL then recodes nothing by itself): still read as CP949."""
    before = pyogrio.get_gdal_config_option("SHAPE_ENCODING")
    pyogrio.set_gdal_config_options({"SHAPE_ENCODING": ""})
    try:
        topo = load_topo_map(delivery)
    finally:
        pyogrio.set_gdal_config_options({"SHAPE_ENCODING": before})
    assert set(topo.layers["도로중심선_A0020000"]["도로명"]) == {"김포대로"}


def test_zipped_sheets_are_read_too(delivery, tmp_path):
    zipped = tmp_path / "zipped"
    zipped.mkdir()
    for folder in (delivery / "김포시").iterdir():
        if folder.is_dir():
            shutil.make_archive(str(zipped / folder.name), "zip", folder.parent, folder.name)
    topo = load_topo_map(zipped)
    assert topo.sheets == ["37612001", "37612002"] and len(topo.layers["건물_B0010000"]) == 5


def test_every_code_row_cites_its_source_and_specific_codes_fall_back_to_their_layer():
    rows = layer_codes()
    assert len(rows) > 50 and all(row.source and row.name for row in rows.values())
    assert lookup("B0014112").name == "건물"  # 주택 -> its layer 건물경계
    assert lookup("A0033320").name == "인도" and lookup("F0017110").name.startswith("등고선")


def test_a_folder_without_shapefiles_is_refused_in_korean(tmp_path):
    with pytest.raises(InputError, match="shapefile"):
        load_topo_map(tmp_path)
