"""Is a layer where its coordinate reference system says it is? Catch degrees labelled as metres and back.

Korean offices mislabel layers in two ways that both give a silent wrong answer downstream: a GPS export
in longitude/latitude declared as EPSG:5186 (every coordinate then sits a few hundred metres from the
false origin, a dig "touches nothing", a heat map is 62 × 62 cells), and a TM layer in metres read as
WGS84 (GeoJSON without a ``crs`` member). Both are recognisable from the numbers alone: degrees of a
Korean layer lie in 123–133 °E, 32–44 °N, which are impossible as metres of a Korean TM grid (its false
origin is 200,000 m east and 500,000–600,000 m north). And whatever the CRS says, the layer's extent, taken
into longitude/latitude, must lie in and around Korea (this plugin only serves 김포시).

The checks take the extent and the CRS only, so the engine (``vector_io.read_vector``) and the Processing
adapters (``GimpoAlgorithm.validate_layer_input``) use the same rules; every message is Korean first and
names the input and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyproj import CRS, Transformer

from .errors import CrsError, InputError

# Korea in longitude/latitude with a margin (Jeju, Dokdo, Baengnyeongdo, the sea around them).
KOREA_LONLAT = (123.0, 32.0, 133.0, 44.0)
# What a layer of this plugin may span once taken to lon/lat: Korea plus a wide margin (offshore data,
# national layers) but not the Gulf of Guinea, where a mislabelled layer ends up.
KOREA_EXTENT_LONLAT = (120.0, 30.0, 135.0, 45.0)
SUGGESTED_CRS = "EPSG:5186"


def looks_like_korean_degrees(bounds: Sequence[float]) -> bool:
    """True when the whole extent fits in Korea's longitude/latitude box (so it cannot be TM metres)."""
    minx, miny, maxx, maxy = bounds
    lo_x, lo_y, hi_x, hi_y = KOREA_LONLAT
    return bool(lo_x <= minx <= maxx <= hi_x and lo_y <= miny <= maxy <= hi_y)


def looks_like_metres(bounds: Sequence[float]) -> bool:
    """True when some coordinate is impossible as degrees (|x| > 180 or |y| > 90)."""
    minx, miny, maxx, maxy = bounds
    return bool(max(abs(minx), abs(maxx)) > 180.0 or max(abs(miny), abs(maxy)) > 90.0)


def check_units(bounds: Sequence[float], crs: CRS | str, label: str) -> None:
    """Raise CrsError when the coordinates contradict the units of ``crs`` (degrees vs metres).

    ``label`` names the input for the message (the parameter's description or the file).
    """
    crs = CRS.from_user_input(crs)
    name = _crs_name(crs)
    minx, miny, _, _ = bounds
    if crs.is_geographic and looks_like_metres(bounds):
        raise CrsError(
            f"{label}: 좌표계는 경위도({name}, 단위 도)로 되어 있지만 좌표가 미터 값입니다 "
            f"(예: x={minx:,.0f}, y={miny:,.0f}). "
            f"The layer says degrees ({name}), but its coordinates look like metres.",
            f"레이어의 실제 좌표계를 지정하세요(김포 자료는 보통 {SUGGESTED_CRS}). "
            f"Give the layer's real CRS (usually {SUGGESTED_CRS}).",
        )
    if crs.is_projected and looks_like_korean_degrees(bounds):
        raise CrsError(
            f"{label}: 좌표계는 {name}(단위 미터)로 되어 있지만 좌표가 경위도(도) 값입니다 "
            f"(예: x={minx:.5f}, y={miny:.5f}). 이대로 분석하면 모든 위치가 수백 미터 안에 몰려 결과가 틀립니다. "
            f"The layer says {name} (metres), but its coordinates look like longitude/latitude degrees.",
            "레이어 속성에서 좌표계를 EPSG:4326(WGS84 경위도)으로 지정하거나, 경위도로 다시 내보내세요. "
            "Set the layer's CRS to EPSG:4326 (WGS84), or export it again with its real CRS.",
        )


def check_in_korea(bounds: Sequence[float], crs: CRS | str, label: str) -> None:
    """Raise CrsError when the extent, taken to longitude/latitude, lies outside Korea."""
    crs = CRS.from_user_input(crs)
    check_units(bounds, crs, label)
    minx, miny, maxx, maxy = bounds
    if crs.is_geographic and crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        lonlat = (minx, miny, maxx, maxy)
    else:
        try:
            transformer = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)
            lonlat = transformer.transform_bounds(minx, miny, maxx, maxy, densify_pts=5)
        except Exception as exc:  # pyproj raises several types; all mean "not transformable"
            raise CrsError(
                f"{label}: 좌표계 {_crs_name(crs)}의 좌표를 경위도로 바꿀 수 없습니다: {exc}",
                f"레이어의 실제 좌표계를 지정하세요(김포 자료는 보통 {SUGGESTED_CRS}).",
            ) from exc
    lo_x, lo_y, hi_x, hi_y = KOREA_EXTENT_LONLAT
    west, south, east, north = lonlat
    if not all(map(_finite, lonlat)) or west < lo_x or east > hi_x or south < lo_y or north > hi_y:
        raise CrsError(
            f"{label}: 좌표계 {_crs_name(crs)} 기준으로 레이어의 범위가 한국 밖입니다 "
            f"(경위도 {west:.3f}, {south:.3f} – {east:.3f}, {north:.3f}). 좌표계가 잘못 지정된 것으로 보입니다. "
            f"The layer's extent lies outside Korea for its declared CRS.",
            f"레이어의 실제 좌표계를 지정하세요(김포 자료는 보통 {SUGGESTED_CRS}, 또는 EPSG:5174/5179/4326). "
            "Give the layer's real CRS.",
        )


def check_not_empty(count: int, label: str) -> None:
    """Raise InputError for an input without features: an empty layer never gives a meaningful result."""
    if count == 0:
        raise InputError(
            f"{label}: 레이어에 객체(피처)가 하나도 없습니다. The layer has no features.",
            "올바른 레이어를 선택했는지, 필터(선택 객체만 사용, 하위 집합 필터)가 모두 걸러내지 않았는지 확인하세요. "
            "Check that the right layer is chosen and that no filter removes every feature.",
        )


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))


def _crs_name(crs: CRS) -> str:
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else crs.name
