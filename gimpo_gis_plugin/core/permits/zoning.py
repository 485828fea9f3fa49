"""Which zones (용도지역) a site lies in, their shares, and the coverage / floor area ratio limits that
follow from 국토계획법 §84 for a site across several zones.

Where a broad zone (e.g. 도시지역 UQA001) and a specific one (제2종일반주거 UQA122) overlap, the
specific one wins: a broad zone only counts for the part of the site no specific zone covers.

국토계획법 §79②: a 도시지역 or 관리지역 that was never divided into its specific zones takes the rules of
the strictest of them, 보전녹지지역 and 보전관리지역. The limits are read through :func:`with_stand_ins`,
so such a site gets real coverage, floor-area and slope checks (the zone finding still asks for the
도시관리계획 to be confirmed). Other broad codes (e.g. 주거지역 UQA100 without its 종) have no such rule and
stay unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from .findings import FAIL, INSUFFICIENT, PASS, REVIEW, Finding
from .rules import Limit, ZoneRule

SLIVER_M2 = 0.5  # zone parts smaller than this are digitising noise, not a zone of the site
SMALL_PART_M2 = 330.0  # 국토계획법 §84①
SMALL_PART_COMMERCIAL_M2 = 660.0  # 도로변에 띠 모양으로 지정된 상업지역
BASIS_84 = "국토계획법 §84①"
BASIS_84_GREEN = "국토계획법 §84③"
BASIS_79 = "국토계획법 §79②"
UNDIVIDED_STAND_IN = {"UQA001": "UQA410", "UQB001": "UQB300"}  # 도시지역 → 보전녹지, 관리지역 → 보전관리


@dataclass
class SiteZoning:
    parts: list[tuple[str, float]] = field(default_factory=list)  # (code, area m²), largest first
    unzoned_m2: float = 0.0
    stand_ins: list[tuple[str, str]] = field(default_factory=list)  # (zone code, code whose rules it takes)

    @property
    def largest(self) -> str | None:
        return self.parts[0][0] if self.parts else None


def zone_parts(sites: list, zoning: gpd.GeoDataFrame, rules: dict[str, ZoneRule]) -> list[SiteZoning]:
    """Zone parts of every site (None sites get an empty SiteZoning)."""
    codes = zoning["uq_code"].fillna("").astype(str).str.strip().to_numpy()
    geoms = zoning.geometry.to_numpy()
    broad = np.array([code in rules and rules[code].broad for code in codes])
    tree = shapely.STRtree(geoms)
    present = [i for i, s in enumerate(sites) if s is not None]
    result = [SiteZoning() for _ in sites]
    if not present:
        return result
    site_geoms = np.array([sites[i] for i in present], dtype=object)
    pair_site, pair_zone = tree.query(site_geoms, predicate="intersects")
    pieces = shapely.intersection(site_geoms[pair_site], geoms[pair_zone])
    for k, position in enumerate(present):
        chosen = pair_site == k
        zones_here, pieces_here = pair_zone[chosen], pieces[chosen]
        specific = [(codes[z], p) for z, p in zip(zones_here, pieces_here, strict=True) if not broad[z]]
        specific_union = shapely.union_all([p for _, p in specific]) if specific else None
        areas: dict[str, float] = {}
        for code, piece in specific:
            areas[code] = areas.get(code, 0.0) + piece.area
        covered = specific_union
        broad_here = sorted(
            ((codes[z], p) for z, p in zip(zones_here, pieces_here, strict=True) if broad[z]),
            key=lambda item: _breadth(item[0]),
        )
        for code, piece in broad_here:  # 주거지역 (UQA100) before 도시지역 (UQA001): narrower first
            rest = piece.difference(covered) if covered is not None else piece
            if rest.area > 0:
                areas[code] = areas.get(code, 0.0) + rest.area
                covered = rest if covered is None else shapely.union(covered, rest)
        site = sites[position]
        zoned_area = shapely.union_all(list(pieces_here)).area if len(pieces_here) else 0.0
        parts = sorted(((c, a) for c, a in areas.items() if a >= SLIVER_M2), key=lambda p: -p[1])
        result[position] = SiteZoning(parts, max(0.0, site.area - zoned_area))
    return result


def with_stand_ins(zoning: SiteZoning, rules: dict[str, ZoneRule]) -> SiteZoning:
    """The zoning the limits are read from: undivided 도시지역/관리지역 parts as their §79② stand-in (added to
    a part already in that zone, since the same rules then govern both)."""
    areas: dict[str, float] = {}
    swapped = []
    for code, area in zoning.parts:
        stand_in = UNDIVIDED_STAND_IN.get(code)
        if stand_in in rules:
            swapped.append((code, stand_in))
            code = stand_in
        areas[code] = areas.get(code, 0.0) + area
    if not swapped:
        return zoning
    parts = sorted(areas.items(), key=lambda p: -p[1])
    return SiteZoning(parts, zoning.unzoned_m2, swapped)


def _breadth(code: str) -> int:
    """How broad a broad code is: UQA110 (전용주거) 1, UQA100 (주거지역) 2, UQA001 (도시지역) 3."""
    digits = code[-3:]
    return 3 if digits.endswith("01") else len(digits) - len(digits.rstrip("0"))


def zone_findings(app_id: str, site_area: float, zoning: SiteZoning, rules: dict[str, ZoneRule]) -> list[Finding]:
    """The zone finding: every zone and share, and whatever makes the zoning uncertain."""
    if not zoning.parts:
        return [
            Finding(
                app_id,
                "zone",
                "용도지역",
                INSUFFICIENT,
                detail="대지가 어느 용도지역 폴리곤에도 들지 않습니다 (The site lies outside every zone polygon).",
            )
        ]
    text = ", ".join(
        f"{code} {_name(code, rules)} {area:.1f} m² ({100 * area / site_area:.1f}%)" for code, area in zoning.parts
    )
    findings = [Finding(app_id, "zone", "용도지역", PASS, float(len(zoning.parts)), unit="zones", detail=text)]
    for code, area in zoning.parts:
        share = f"대지의 {100 * area / site_area:.1f}%"
        if code not in rules:
            findings.append(
                Finding(
                    app_id,
                    "zone",
                    code,
                    INSUFFICIENT,
                    area,
                    unit="m²",
                    detail=f"용도지역 코드 {code} ({share}) 가 규칙 표에 없어 한도를 알 수 없습니다 "
                    "(not in the rules table). "
                    "용도지역 레이어의 코드를 확인하거나 zoning_limits.csv 에 코드를 더하십시오.",
                )
            )
        elif rules[code].broad:
            stand_in = UNDIVIDED_STAND_IN.get(code)
            rule_text = (
                f"§79②에 따라 {stand_in} {rules[stand_in].name_ko} 의 규정을 적용; "
                if stand_in in rules
                else "한도가 정해지지 않음; "
            )
            findings.append(
                Finding(
                    app_id,
                    "zone",
                    code,
                    REVIEW,
                    area,
                    unit="m²",
                    legal_basis=BASIS_79,
                    detail=f"{code} {rules[code].name_ko} ({share}) 는 세분되지 않은 용도지역: {rule_text}"
                    "도시관리계획으로 세분 용도지역을 확인한 뒤 판단하십시오.",
                )
            )
    if zoning.unzoned_m2 > max(SLIVER_M2, 0.01 * site_area):
        findings.append(
            Finding(
                app_id,
                "zone",
                "unzoned",
                REVIEW,
                zoning.unzoned_m2,
                unit="m²",
                detail=f"대지 중 {zoning.unzoned_m2:.1f}㎡ 가 어느 용도지역에도 들지 않습니다.",
            )
        )
    return findings


def _name(code: str, rules: dict[str, ZoneRule]) -> str:
    return rules[code].name_ko if code in rules else "(unknown)"


def _is_green(code: str) -> bool:
    return code.startswith("UQA4")


def _is_commercial(code: str) -> bool:
    return code.startswith("UQA2")


@dataclass
class RatioCheck:
    """How the site's coverage and floor area ratio limits follow from its zones."""

    mode: str  # single, weighted (§84① small part), separate (each part its own rules), unknown
    basis: str
    note: str = ""


def ratio_mode(zoning: SiteZoning, rules: dict[str, ZoneRule]) -> RatioCheck:
    parts = zoning.parts
    if not parts:
        return RatioCheck("unknown", "", "no zone")
    if any(code not in rules or rules[code].broad for code, _ in parts):
        return RatioCheck("unknown", "", "a zone of the site has no limits in the rules table")
    if len(parts) == 1:
        return RatioCheck("single", "", "")
    smallest_code, smallest = parts[-1]
    threshold = SMALL_PART_M2
    note = ""
    if any(_is_commercial(c) for c, _ in parts) and SMALL_PART_M2 < smallest <= SMALL_PART_COMMERCIAL_M2:
        note = (
            f"가장 작은 부분({smallest:.1f}㎡)이 660㎡ 이하: 상업지역이 도로변 띠 모양이면 "
            "§84①의 가중평균이 적용됩니다: 도시관리계획으로 확인하십시오."
        )
    if any(_is_green(c) for c, _ in parts) and not (_is_green(smallest_code) and smallest <= threshold):
        return RatioCheck(
            "separate", BASIS_84_GREEN, "대지에 녹지지역이 있어 각 부분의 규정을 적용 (each part keeps its own rules)."
        )
    if smallest <= threshold:
        return RatioCheck(
            "weighted",
            BASIS_84,
            f"가장 작은 부분 {smallest:.1f}㎡ (≤ {threshold:.0f}㎡): 가중평균 한도; 그 밖의 건축제한은 "
            f"가장 넓은 부분({parts[0][0]})의 규정.",
        )
    return RatioCheck(
        "separate",
        BASIS_84,
        f"가장 작은 부분 {smallest:.1f}㎡ (> {threshold:.0f}㎡): 각 부분의 규정 적용 (each part keeps its own rules). "
        f"{note}".strip(),
    )


def _limit_value(rule: ZoneRule, kind: str) -> tuple[float, float | None, Limit, Limit | None]:
    """(national bound, ordinance value or None, national Limit, ordinance Limit or None)."""
    national, ordinance = rule.limit(kind)
    assert national is not None and national.value is not None  # guaranteed by the loader
    return national.value, (ordinance.value if ordinance else None), national, ordinance


def ratio_finding(
    app_id: str, kind: str, proposed_m2: float, site_area: float, zoning: SiteZoning, rules: dict[str, ZoneRule]
) -> Finding:
    """Coverage (kind "coverage": building area / site area) or floor area ratio ("far")."""
    label = "건폐율" if kind == "coverage" else "용적률"
    measured = 100.0 * proposed_m2 / site_area
    mode = ratio_mode(zoning, rules)
    if mode.mode == "unknown":
        return Finding(
            app_id,
            kind,
            label,
            INSUFFICIENT,
            round(measured, 2),
            None,
            "%",
            detail=f"한도 없음 (no limit): {mode.note}.",
        )
    shares = [(code, area / site_area) for code, area in zoning.parts]
    values = [_limit_value(rules[code], kind) for code, _ in shares]
    national = sum(share * v[0] for (_, share), v in zip(shares, values, strict=True))
    ordinance_known = all(v[1] is not None for v in values)
    ordinance = sum(share * v[1] for (_, share), v in zip(shares, values, strict=True)) if ordinance_known else None
    ordinance_confirmed = ordinance_known and all(v[3] is not None and v[3].binding for v in values)
    bases = sorted(
        {v[2].legal_basis for v in values} | ({v[3].legal_basis for v in values if v[3]} if ordinance_known else set())
    )
    basis = "; ".join(filter(None, [mode.basis, *bases, BASIS_79 if zoning.stand_ins else ""]))
    limit = ordinance if ordinance is not None else national
    parts_text = ", ".join(f"{code} {v[0]:g}%" for (code, _), v in zip(shares, values, strict=True))
    ordinance_note = (
        ""
        if ordinance_known
        else " 김포시 도시계획 조례 값이 규칙 표에 없어 국토계획법 시행령 상한을 적용 (조례 확인 필요)."
    )
    if ordinance_known and not ordinance_confirmed:
        ordinance_note += " 조례 값은 원문 대조 전 (조례 확인 필요)."
    stand_in_note = "".join(f" {code} 은(는) {to} 로 봅니다 ({BASIS_79})." for code, to in zoning.stand_ins)
    detail = f"{label} {measured:.2f}% (한도 {limit:.2f}%; {parts_text}). {mode.note}{ordinance_note}"
    detail = (detail + stand_in_note).strip()
    if measured > national + 1e-9:
        status = FAIL
    elif ordinance is not None and measured > ordinance + 1e-9:
        status = FAIL  # an unconfirmed ordinance value is still the best knowledge: it decides (and says so)
    elif mode.mode == "separate":
        status, extra = _separate_parts(proposed_m2, zoning, values)
        detail += extra
    else:
        status = PASS
    return Finding(app_id, kind, label, status, round(measured, 2), round(limit, 2), "%", basis, detail)


def _separate_parts(proposed_m2: float, zoning: SiteZoning, values: list) -> tuple[str, str]:
    """Each part keeps its own limit and the site plan is not known: the proposal fits wherever it is
    placed when it fits in the part with the least capacity (limit × area); it fits nowhere when it
    exceeds the sum of all capacities; in between the site plan (배치도) decides."""
    capacities = [
        area * (v[1] if v[1] is not None else v[0]) / 100.0 for (_, area), v in zip(zoning.parts, values, strict=True)
    ]
    if proposed_m2 <= min(capacities) + 1e-9:
        return PASS, f" 어느 부분에 배치하더라도 각 부분의 한도 안 (가장 작은 허용 면적 {min(capacities):,.1f}㎡)."
    if proposed_m2 > sum(capacities) + 1e-9:
        return FAIL, f" 각 부분 한도의 합 {sum(capacities):,.1f}㎡ 를 넘습니다."
    return REVIEW, " 각 부분의 한도는 배치에 따라 달라집니다: 배치도(site plan)로 부분별 확인 필요."
