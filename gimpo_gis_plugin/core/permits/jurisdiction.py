"""건축법 §3②: where §44–47 (대지와 도로, 건축선) do not apply.

"「국토의 계획 및 이용에 관한 법률」에 따른 도시지역 및 같은 법 제51조제3항에 따른 지구단위계획구역 외의
지역으로서 동이나 읍(동이나 읍에 속하는 섬의 경우에는 인구가 500명 이상인 경우만 해당된다)이 아닌
지역은 제44조부터 제47조까지, 제51조 및 제57조를 적용하지 아니한다."

So: a 면 (대곶면, 월곶면, 하성면 in 김포), outside every 도시지역 zone (UQA…) and every 지구단위계획구역.
Islands of a 동 or 읍 with fewer than 500 people are the other case; the tool does not know populations
and keeps §44 there (the stricter reading). Whether a site is in a 면, 읍 or 동 comes from its 법정동
(PNU digits 6–8, named in the national 법정동 table); a site without a PNU is placed in the 행정동
boundaries (a 면's 행정동 and 법정동 are the same area).
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from ..legal_dong import load_legal_dong_table
from ..paths import resource

BASIS_3_2 = "건축법 §3② (도시지역·지구단위계획구역 외의 면 지역: §44–47 미적용)"
PLAN_AREA_KINDS = ("지구단위계획구역",)


@lru_cache(maxsize=1)
def _kind_by_code() -> dict[str, tuple[str, str]]:
    """8-digit 시군구+읍면동 code → (읍/면/동, name), from the 읍면동 rows (리 digits 00) of the table."""
    table = load_legal_dong_table()
    rows = table[table["code"].str.len().eq(10) & table["code"].str.endswith("00") & ~table["code"].str[5:8].eq("000")]
    kinds = {}
    for code, last, abolished in zip(rows["code"], rows["last"], rows["abolished"], strict=True):
        kind = last[-1] if last and last[-1] in "읍면동" else ""
        key = code[:8]
        if key not in kinds or not abolished:  # a living row wins over an abolished one with the same code
            kinds[key] = (kind, last)
    return kinds


def township_of_pnu(pnu: str) -> tuple[str, str]:
    """("면" | "읍" | "동" | "", name) of a PNU's 법정동; ("", "") when the code is not in the table."""
    digits = "".join(ch for ch in str(pnu or "") if ch.isdigit())
    if len(digits) < 8:
        return "", ""
    return _kind_by_code().get(digits[:8], ("", ""))


@lru_cache(maxsize=1)
def _admin_areas() -> tuple[np.ndarray, list[str]]:
    path = resource("data", "hangjeongdong_gimpo_2021.geojson")
    if not path.is_file():
        return np.array([], dtype=object), []
    frame = gpd.read_file(path).to_crs("EPSG:5186")
    return frame.geometry.to_numpy(), [str(n).split(" ")[-1] for n in frame["adm_nm"]]


def township_of_site(site: shapely.Geometry) -> tuple[str, str]:
    geoms, names = _admin_areas()
    if not len(geoms):
        return "", ""
    point = shapely.point_on_surface(site)
    hits = np.flatnonzero(shapely.contains(geoms, point))
    if not len(hits):
        return "", ""
    name = names[hits[0]]
    return (name[-1] if name[-1] in "읍면동" else ""), name


def outside_building_act_roads(township: str, zone_codes: list[str], in_plan_area: bool) -> bool:
    """True where 건축법 §3② lifts §44–47: a 면, no 도시지역 zone on the site, no 지구단위계획구역."""
    urban = any(code.startswith("UQA") for code in zone_codes)
    return township == "면" and not urban and not in_plan_area and bool(zone_codes)
