"""V-World base maps in QGIS, usable headless: the key in the authentication database, XYZ connections,
layers under the thematic layers, and the request hook that puts the key into tile requests.

The key is stored as a Basic authentication configuration (user ``vworld``, password = key) in QGIS's
encrypted authentication database; the plugin's settings keep only the configuration's id. Layers and
connections carry the placeholder of core/basemap/vworld.py, so a saved .qgz holds no key. A request
preprocessor (QgsNetworkAccessManager.setRequestPreprocessor) swaps the placeholder for the key when a tile
request to api.vworld.kr leaves QGIS.
"""

from __future__ import annotations

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsNetworkAccessManager,
    QgsProject,
    QgsRasterLayer,
    QgsSettings,
)
from qgis.PyQt.QtCore import QUrl

from .core.basemap.vworld import HOW_TO_GET_A_KEY, LAYERS, MAX_ZOOM, MIN_ZOOM, check_key, with_key

SETTINGS_KEY = "gimpo_gis_plugin/vworld/authcfg"
AUTH_NAME = "V-World API 키 (Gimpo GIS)"
_STATE: dict[str, str | None] = {"key": None, "preprocessor": None}


def stored_authcfg() -> str | None:
    value = QgsSettings().value(SETTINGS_KEY, "")
    return str(value) if value else None


def store_key(key: str) -> str:
    """Put ``key`` (checked) into the QGIS authentication database; return the configuration id."""
    key = check_key(key)
    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig("Basic")
    existing = stored_authcfg()
    if existing and existing in manager.configIds():
        manager.loadAuthenticationConfig(existing, config, True)
    config.setName(AUTH_NAME)
    config.setMethod("Basic")
    config.setUri("https://api.vworld.kr")
    config.setConfig("username", "vworld")
    config.setConfig("password", key)
    stored = manager.updateAuthenticationConfig(config) if config.id() else manager.storeAuthenticationConfig(config)
    if not stored or not config.id():
        raise RuntimeError("V-World 인증키를 QGIS 인증 데이터베이스에 저장하지 못했습니다 (마스터 암호를 확인하세요).")
    QgsSettings().setValue(SETTINGS_KEY, config.id())
    _STATE["key"] = key
    return config.id()


def load_key() -> str | None:
    """The key from the authentication database (None when none is stored or the database is locked)."""
    if _STATE["key"]:
        return _STATE["key"]
    authcfg = stored_authcfg()
    if not authcfg:
        return None
    config = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(authcfg, config, True):
        return None
    key = config.config("password") or None
    _STATE["key"] = key
    return key


def forget_key() -> None:
    authcfg = stored_authcfg()
    if authcfg:
        QgsApplication.authManager().removeAuthenticationConfig(authcfg)
    QgsSettings().remove(SETTINGS_KEY)
    _STATE["key"] = None


def _put_key(request) -> None:
    key = _STATE["key"]
    if not key:
        return
    url = request.url().toString()
    changed = with_key(url, key)
    if changed != url:
        request.setUrl(QUrl(changed))


def install_request_hook() -> bool:
    """Swap the key into V-World tile requests from now on (once per session); False without a key."""
    if load_key() is None:
        return False
    if _STATE["preprocessor"] is None:
        _STATE["preprocessor"] = QgsNetworkAccessManager.setRequestPreprocessor(_put_key)
    return True


def remove_request_hook() -> None:
    if _STATE["preprocessor"] is not None:
        QgsNetworkAccessManager.removeRequestPreprocessor(_STATE["preprocessor"])
        _STATE["preprocessor"] = None


def add_connections() -> list[str]:
    """The three V-World layers as XYZ connections of the browser panel (no key in them)."""
    settings = QgsSettings()
    names = []
    for layer in LAYERS.values():
        name = layer.title
        url = layer.url()
        try:  # QGIS >= 3.30 keeps connections in its settings tree
            from qgis.core import QgsXyzConnectionSettings

            QgsXyzConnectionSettings.settingsUrl.setValue(url, name)
            QgsXyzConnectionSettings.settingsZmin.setValue(MIN_ZOOM, name)
            QgsXyzConnectionSettings.settingsZmax.setValue(MAX_ZOOM, name)
        except (ImportError, AttributeError):
            base = f"qgis/connections-xyz/{name}"
            settings.setValue(f"{base}/url", url)
            settings.setValue(f"{base}/zmin", MIN_ZOOM)
            settings.setValue(f"{base}/zmax", MAX_ZOOM)
        names.append(name)
    return names


def add_base_layers(project: QgsProject | None = None, kinds: tuple[str, ...] = ("Base",)) -> tuple[list, str | None]:
    """Add V-World layers at the bottom of the layer tree, under the thematic layers.

    Without a stored key the layers are added switched off and the Korean how-to is returned as the message
    (the second item); with a key the request hook is installed and the layers are visible.
    """
    project = project or QgsProject.instance()
    has_key = install_request_hook()
    added = []
    root = project.layerTreeRoot()
    for kind in kinds:
        spec = LAYERS[kind]
        layer = QgsRasterLayer(spec.xyz_uri(), spec.title, "wms")
        project.addMapLayer(layer, False)
        node = root.insertLayer(len(root.children()), layer)
        node.setItemVisibilityChecked(has_key)
        added.append(layer)
    return added, None if has_key else HOW_TO_GET_A_KEY
