"""Road-name addresses (도로명주소: ``통진읍 조강로 123``, ``김포한강11로 12-3``) placed through the buildings.

A road-name address names a building, not a lot, so it is resolved through the buildings layer: its
road name (or 도로명코드) and 건물번호 (본번-부번, 지하 or not) lead to the building and the building to
its host parcel. Road names are taken as unique within a 시군구 (how they are given out), so the 읍/면
written before the road is not needed; an address that buildings on different parcels share is
refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

ROAD_TOKEN = re.compile(r"^[가-힣0-9]+(?:로|길)$")
_GLUED_ROAD = re.compile(r"^(?P<road>[가-힣0-9]*[가-힣](?:로|길))(?P<number>\d+(?:-\d+)?)$")
NO_ROAD_NAMES = (
    "건물 레이어에 도로명·건물번호가 없어 도로명주소를 찾을 수 없습니다 (지번주소나 건물관리번호를 주십시오)"
)
_SIDE_ROAD = re.compile(r"^\d+번?(?:길|가길)$")
_NUMBER = re.compile(r"^(?P<main>\d{1,5})(?:-(?P<sub>\d{1,5}))?(?:번)?$")


@dataclass(frozen=True)
class RoadAddress:
    road: str  # the road name without spaces
    main: int
    sub: int
    underground: bool


def road_key(name: str) -> str:
    return re.sub(r"\s+", "", str(name))


def parse_road_address(tokens: list[str]) -> RoadAddress | None:
    """The road and 건물번호 in tokens after the 시군구 (``['통진읍', '조강로', '123']``), or None."""
    expanded: list[str] = []
    for token in tokens:
        if expanded and _SIDE_ROAD.match(token) and ROAD_TOKEN.match(expanded[-1]):
            expanded[-1] += token  # 김포한강11로 140번길 -> 김포한강11로140번길 (one road name)
            continue
        glued = _GLUED_ROAD.match(token)
        expanded.extend([glued.group("road"), glued.group("number")] if glued else [token])
    for i, token in enumerate(expanded[:-1]):
        if not ROAD_TOKEN.match(token) or token[-1:] not in ("로", "길"):
            continue
        rest = expanded[i + 1 :]
        underground = bool(rest) and rest[0] == "지하"
        if underground:
            rest = rest[1:]
        number = _NUMBER.match(rest[0]) if rest else None
        if number:
            return RoadAddress(token, int(number.group("main")), int(number.group("sub") or 0), underground)
    return None


class RoadAddressIndex:
    """(road name, 본번, 부번, 지하) -> host PNUs and building ids of the buildings layer."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._by_address: dict[tuple[str, int, int, bool], list[tuple[str, str]]] = {}
        self.has_road_names = False
        if frame.empty or "road_name" not in frame or "building_main_no" not in frame:
            return
        names = frame["road_name"].fillna("").astype(str).map(road_key)
        main = pd.to_numeric(frame["building_main_no"], errors="coerce")
        sub = pd.to_numeric(frame.get("building_sub_no", pd.Series(0, index=frame.index)), errors="coerce").fillna(0)
        under = frame.get("underground", pd.Series("", index=frame.index)).fillna("").astype(str).eq("1")
        usable = (names != "") & main.notna()
        self.has_road_names = bool(usable.any())
        keys = zip(names[usable], main[usable].astype(int), sub[usable].astype(int), under[usable], strict=True)
        values = zip(frame.loc[usable, "pnu"].astype(str), frame.loc[usable, "bld_id"].astype(str), strict=True)
        for key, value in zip(keys, values, strict=True):
            self._by_address.setdefault(key, []).append(value)

    @classmethod
    def from_buildings(cls, buildings: pd.DataFrame) -> RoadAddressIndex:
        return cls(buildings)

    def lookup(self, address: RoadAddress) -> tuple[str, str, str]:
        """(pnu, bld_id, "") when one parcel carries the address, else ("", "", why not in Korean)."""
        if not self.has_road_names:
            return "", "", NO_ROAD_NAMES
        key = (address.road, address.main, address.sub, address.underground)
        hits = self._by_address.get(key, [])
        number = f"{'지하 ' if address.underground else ''}{address.main}{f'-{address.sub}' if address.sub else ''}"
        if not hits:
            return "", "", f"도로명주소 {address.road} {number}인 건물이 건물 레이어에 없습니다"
        pnus = {p for p, _ in hits if p}
        if len(pnus) != 1:
            spread = f"{len(pnus)}개 필지에 걸쳐 있어" if pnus else "필지를 알 수 없어"
            return "", "", f"도로명주소 {address.road} {number}의 건물이 {spread} 필지를 정할 수 없습니다"
        bld_ids = np.unique([b for _, b in hits])
        return next(iter(pnus)), (bld_ids[0] if len(bld_ids) == 1 else ""), ""
