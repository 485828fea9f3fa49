"""Settings of the ledger linkage, with the defaults explained.

Area tolerances: the 연속지적도 polygon area is never exactly the registered (대장) area: the map is a
digitised, edge-matched product, and small parcels differ most. In the 김포 sample a land row's area
scatters about 1 % around the GIS area; real 연속지적도 differences of a few per cent are normal. A row
is flagged when it differs by more than 15 % AND by more than 15 m², which stays clear of that noise
while catching the errors that matter for tax (a parcel or floor area taxed at half or 1.5 times).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# 지목 not subject to 재산세 as land: 도로, 구거, 하천, 제방, 유지 (public water bodies), 학교용지, 공원.
DEFAULT_NON_TAXABLE_JIMOK = frozenset({"도", "구", "천", "제", "유", "학", "공"})


@dataclass
class LinkageOptions:
    area_relative_tolerance: float = 0.15
    area_absolute_tolerance_m2: float = 15.0
    non_taxable_jimok: frozenset[str] = DEFAULT_NON_TAXABLE_JIMOK
    exempt_pnus: frozenset[str] = field(default_factory=frozenset)  # 비과세·감면 parcels (국공유지 ...)
    sigungu_code: str = "41570"
    show_personal_data: bool = False

    def __post_init__(self) -> None:
        if self.area_relative_tolerance < 0 or self.area_absolute_tolerance_m2 < 0:
            from ..errors import InputError

            raise InputError(
                "Area tolerances must not be negative "
                f"(got {self.area_relative_tolerance} and {self.area_absolute_tolerance_m2} m²).",
                "Use e.g. 0.15 (15 %) and 15 m².",
            )
