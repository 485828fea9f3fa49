"""Where the incident is: a point, a PNU, or a lot address (지번주소) resolved as the tax linkage does.

A reported address names a parcel; the spot is the parcel's representative point (inside it, unlike the
centroid of an L-shaped lot). An address that cannot be placed stops the query with the reason, because
cameras chosen for the wrong parcel are worse than none.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from ..errors import InputError
from ..pnu import parse_pnu
from ..tax_linkage.address import AddressResolver


def place_incident(
    point: shapely.Point | None = None,
    address: str | None = None,
    pnu: str | None = None,
    parcels: gpd.GeoDataFrame | None = None,
    pnu_field: str = "PNU",
    resolver: AddressResolver | None = None,
) -> tuple[shapely.Point, str]:
    """The spot and a label saying how it was found (the point, the PNU, or the address with its PNU)."""
    if point is not None and not point.is_empty:
        return point, f"지점 ({point.x:,.1f}, {point.y:,.1f})"
    if not (address or pnu):
        raise InputError(
            "사건 위치가 없습니다: 지도에서 지점(INCIDENT), 지번주소(ADDRESS) 또는 PNU 중 하나를 지정하세요.",
            "Give INCIDENT (a point), ADDRESS or PNU.",
        )
    if parcels is None or len(parcels) == 0:
        raise InputError(
            "주소나 PNU로 사건 위치를 찾으려면 필지 레이어(연속지적도, PARCELS)가 필요합니다.",
            "Give PARCELS (연속지적도 with the PNU field) to place an address or a PNU.",
        )
    if pnu_field not in parcels.columns:
        raise InputError(
            f"필지 레이어에 PNU 필드 '{pnu_field}'가 없습니다 (있는 필드: {', '.join(map(str, parcels.columns))})."
        )
    label = ""
    if not pnu:
        resolution = (resolver or AddressResolver()).resolve(str(address))
        if not resolution.pnu:
            raise InputError(
                f"주소 '{address}'의 위치를 찾지 못했습니다 ({resolution.reason}: {resolution.message}).",
                "지번주소(예: 월곶면 성동리 산 12-3)나 PNU, 또는 지도의 지점을 지정하세요.",
            )
        pnu = resolution.pnu
        label = f"{address} → "
    code = parse_pnu(str(pnu).strip()).code
    match = parcels[parcels[pnu_field].astype(str).str.strip() == code]
    if match.empty:
        raise InputError(f"PNU {code}인 필지가 필지 레이어에 없습니다: 필지 레이어와 주소를 확인하세요.")
    geometry = match.geometry.iloc[0]
    if geometry is None or geometry.is_empty:
        raise InputError(f"PNU {code}인 필지에 도형이 없습니다: 필지 레이어를 확인하세요.")
    return shapely.point_on_surface(geometry), f"{label}PNU {code}"
