"""Find a parcel from what an officer types: a PNU (with or without dashes), an address
(``사우동 123-4``, ``김포시 월곶면 성동리 산 12-3``) or a lot alone (``산 12-3``).

Addresses are resolved by the linkage's own :class:`AddressResolver`, so the panel and the ledger
linkage read an address the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..tax_linkage.address import AddressResolver
from .gpkg_index import GeoPackageIndex
from .index import InspectorIndex

_PNU_TEXT = re.compile(r"^[\d\s-]+$")
_LOT_ONLY = re.compile(r"^(산\s*)?\d+(-\d+)?(번지)?$")


@dataclass(frozen=True)
class SearchResult:
    pnu: str | None
    message: str  # why nothing was found, or "" when found
    candidates: tuple[tuple[str, str], ...] = field(default=())  # (pnu, "법정동 지번") when ambiguous


@lru_cache(maxsize=4)
def resolver_for(sigungu_code: str = "41570") -> AddressResolver:
    return AddressResolver(sigungu_code)


def completion_names(sigungu_code: str = "41570") -> list[str]:
    """법정동 names for completion: full paths (``월곶면 성동리``) and, for 리, the short name too."""
    paths = resolver_for(sigungu_code).dong_names()
    short = {p.split(" ")[-1] for p in paths if " " in p}
    return sorted(set(paths) | short)


def _lot_key(text: str) -> str:
    text = text.replace("번지", "").strip()
    mountain = text.startswith("산")
    lot = text[1:].strip() if mountain else text
    return f"산 {lot}" if mountain else lot


def search_parcel(index: InspectorIndex | GeoPackageIndex, text: str, sigungu_code: str = "41570") -> SearchResult:
    query = re.sub(r"\s+", " ", str(text or "")).strip()
    if not query:
        return SearchResult(None, "검색어를 입력하세요 (PNU 또는 주소).")
    if _PNU_TEXT.match(query):
        digits = re.sub(r"\D", "", query)
        if len(digits) == 19:
            if index.has_parcel(digits):
                return SearchResult(digits, "")
            return SearchResult(None, f"PNU {digits}: 이 필지가 지적도에 없습니다 (no such parcel).")
        if len(digits) > 8 or not _LOT_ONLY.match(query):  # a lot has at most 4+4 digits
            return SearchResult(None, f"{query!r}: PNU는 19자리입니다 (a PNU has 19 digits).")
    if _LOT_ONLY.match(query.replace(" ", "")) or _LOT_ONLY.match(query):
        lot = _lot_key(query)
        hits = index.parcels_with_lot(lot)
        if len(hits) == 1:
            return SearchResult(str(hits["PNU"].iat[0]), "")
        if len(hits) == 0:
            return SearchResult(None, f"지번 {lot}: 해당 필지가 없습니다 (no parcel with this lot).")
        candidates = tuple(
            (str(pnu), f"{name} {lot}")
            for pnu, name in zip(hits["PNU"][:50], hits["legal_dong_name"][:50], strict=True)
        )
        return SearchResult(None, f"지번 {lot}: {len(hits)}개 법정동에 있습니다. 법정동을 함께 입력하세요.", candidates)
    resolution = resolver_for(sigungu_code).resolve(query)
    if not resolution.pnu:
        return SearchResult(None, f"{query!r}: 주소를 해석할 수 없습니다 ({resolution.message}).")
    if not index.has_parcel(resolution.pnu):
        return SearchResult(None, f"{query!r} → PNU {resolution.pnu}: 지적도에 없는 필지입니다 (no such parcel).")
    return SearchResult(resolution.pnu, resolution.message)
