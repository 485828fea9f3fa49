"""V-World base maps: the key lives in the QGIS authentication database only — a saved .qgz with V-World
layers holds no key — tile requests get it on the way out, and without a key the plugin says how to get one."""

from __future__ import annotations

import zipfile

import pytest
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from gimpo_gis_plugin import vworld_connections
from gimpo_gis_plugin.core.basemap.vworld import KEY_PLACEHOLDER, LAYERS, check_key

KEY = "1A2B3C4D-5E6F-4A1B-9C2D-3E4F5A6B7C8D"


@pytest.fixture()
def auth_database(qgis_app):
    manager = QgsApplication.authManager()
    manager.setMasterPassword("gimpo-test-master", True)
    vworld_connections.forget_key()
    yield manager
    vworld_connections.remove_request_hook()
    vworld_connections.forget_key()


def test_saved_project_with_vworld_layers_holds_no_key(auth_database, tmp_path):
    authcfg = vworld_connections.store_key(KEY.lower())
    assert authcfg in auth_database.configIds()
    vworld_connections._STATE["key"] = None  # read it back from the database, not the cache
    assert vworld_connections.load_key() == KEY
    project = QgsProject()
    layers, message = vworld_connections.add_base_layers(project, ("Base", "Satellite", "Hybrid"))
    assert message is None
    assert [layer.name() for layer in layers] == ["V-World 배경지도", "V-World 영상", "V-World 하이브리드"]
    assert all(KEY_PLACEHOLDER in layer.source() and KEY not in layer.source() for layer in layers)
    path = tmp_path / "with_vworld.qgz"
    assert project.write(str(path))
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert KEY.encode() not in data and KEY.lower().encode() not in data, name
        qgs = next(n for n in archive.namelist() if n.endswith(".qgs"))
        assert KEY_PLACEHOLDER.encode() in archive.read(qgs)
    # The layers are the bottom of the layer tree (under any thematic layer added before).
    assert project.layerTreeRoot().layerOrder()[-1].name() == "V-World 하이브리드"


def test_tile_requests_get_the_key_on_the_way_out(auth_database):
    vworld_connections.store_key(KEY)
    assert vworld_connections.install_request_hook()
    tile = LAYERS["Base"].url().replace("{z}", "12").replace("{y}", "1585").replace("{x}", "3490")
    request = QNetworkRequest(QUrl(tile))
    vworld_connections._put_key(request)
    assert request.url().toString() == f"https://api.vworld.kr/req/wmts/1.0.0/{KEY}/Base/12/1585/3490.png"
    other = QNetworkRequest(QUrl("https://tile.openstreetmap.org/1/1/1.png"))
    vworld_connections._put_key(other)
    assert other.url().toString() == "https://tile.openstreetmap.org/1/1/1.png"


def test_without_a_key_the_layer_is_off_and_the_plugin_says_how_to_get_one(auth_database):
    project = QgsProject()
    layers, message = vworld_connections.add_base_layers(project)
    assert "인증키" in message and "vworld.kr" in message
    node = project.layerTreeRoot().findLayer(layers[0].id())
    assert not node.isVisible()


def test_a_malformed_key_is_refused_in_korean():
    with pytest.raises(ValueError, match="인증키 모양"):
        check_key("not-a-key")
