"""V-World (국토교통부 공간정보 오픈플랫폼) WMTS base maps: URLs without the key, and the key's rules.

V-World puts the API key in the tile URL's path (``/req/wmts/1.0.0/{key}/Base/{z}/{y}/{x}.png``). A layer
whose source held the key would write it into every saved project, so the layers the plugin adds carry
:data:`KEY_PLACEHOLDER` instead, and the plugin swaps in the key, read from the QGIS authentication
database, on each request as it leaves QGIS (see vworld_connections.py). Nothing here imports qgis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

KEY_PLACEHOLDER = "GIMPO-VWORLD-KEY"
HOST = "api.vworld.kr"
WMTS_ROOT = f"https://{HOST}/req/wmts/1.0.0/"
MIN_ZOOM, MAX_ZOOM = 6, 19
# V-World issues keys as an upper-case UUID (8-4-4-4-12 hexadecimal digits).
_KEY = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")

HOW_TO_GET_A_KEY = (
    "V-World 배경지도에는 인증키가 필요합니다. 발급 방법: https://www.vworld.kr 회원가입 → 로그인 → "
    "'오픈API' → '인증키 발급' (활용 구분: 2D 지도 WMTS/WMS 배경지도, 서비스 URL: QGIS에서 쓰려면 "
    "http://localhost). 발급된 키(예: 1A2B3C4D-…)를 메뉴 'Gimpo GIS → V-World 배경지도 추가'에 넣으면 QGIS "
    "인증 데이터베이스에만 저장되고, 프로젝트 파일·로그·출력에는 쓰이지 않습니다.\n"
    "A V-World API key is needed: register at https://www.vworld.kr, then 오픈API → 인증키 발급."
)


@dataclass(frozen=True)
class VWorldLayer:
    kind: str  # V-World layer name in the URL
    title: str  # Korean layer name in QGIS
    extension: str
    overlay: bool = False  # Hybrid: labels and roads on a transparent background (over Satellite)

    def url(self, key: str = KEY_PLACEHOLDER) -> str:
        return f"{WMTS_ROOT}{key}/{self.kind}/{{z}}/{{y}}/{{x}}.{self.extension}"

    def xyz_uri(self) -> str:
        """The QGIS ``wms`` provider URI of an XYZ layer (no key: the placeholder)."""
        return f"type=xyz&url={quote(self.url(), safe=':/')}&zmin={MIN_ZOOM}&zmax={MAX_ZOOM}"


LAYERS = {
    "Base": VWorldLayer("Base", "V-World 배경지도", "png"),
    "Satellite": VWorldLayer("Satellite", "V-World 영상", "jpeg"),
    "Hybrid": VWorldLayer("Hybrid", "V-World 하이브리드", "png", overlay=True),
}


def check_key(key: str) -> str:
    """The key stripped; ValueError (Korean) when it does not look like a V-World key."""
    stripped = (key or "").strip()
    if not _KEY.match(stripped):
        raise ValueError(
            "V-World 인증키 모양이 아닙니다 (8-4-4-4-12자리 16진수, 예: 1A2B3C4D-1A2B-1A2B-1A2B-1A2B3C4D5E6F). "
            + HOW_TO_GET_A_KEY
        )
    return stripped.upper()


def with_key(url: str, key: str) -> str:
    """A request URL of ours with the key put in (other URLs unchanged)."""
    if HOST not in url or KEY_PLACEHOLDER not in url:
        return url
    return url.replace(KEY_PLACEHOLDER, key)


def without_key(text: str, key: str) -> str:
    """``text`` with every occurrence of the key replaced by the placeholder (for anything written out)."""
    return text.replace(key, KEY_PLACEHOLDER) if key else text
