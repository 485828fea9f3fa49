"""The use and floors findings of a site, across its zones as 국토계획법 §84 says.

§84①: where a site lies in several 용도지역 and the smallest part is at most 330 m², the rules other than
건폐율 and 용적률 (the use among them) are those of the zone with the largest part. Otherwise each part
keeps its own rules (§84①, and §84③ for a site with a 녹지지역 part over 330 m²): without a site plan
the building may stand in any part, so the use passes only where every part allows it, fails where no
part does, and is sent to review (배치도 확인) when only some parts allow it.
"""

from __future__ import annotations

from .findings import FAIL, INSUFFICIENT, PASS, REVIEW, Finding
from .use_zone import LAW, UseAnswer, UseTable, answer, canonical_use, reclassify
from .zoning import BASIS_84, RatioCheck, SiteZoning

BASIS_84_USE = "국토계획법 §84① (가장 넓은 부분의 용도지역 규정)"


def _zones_applied(zoning: SiteZoning, mode: RatioCheck) -> tuple[list[str], str]:
    if not zoning.parts:
        return [], ""
    if mode.mode in ("single", "weighted") or len(zoning.parts) == 1:
        return [zoning.parts[0][0]], (BASIS_84_USE if len(zoning.parts) > 1 else "")
    return [code for code, _ in zoning.parts], mode.basis or BASIS_84


def use_findings(
    app_id: str,
    table: UseTable,
    zoning: SiteZoning,
    mode: RatioCheck,
    permit_kind: str,
    use_raw: object,
    detail_raw: object,
    floors: float | None,
    use_area: float | None,
    area_source: str,
) -> list[Finding]:
    """[use finding, floors finding] (the floors one only when the use has a floor limit or passes)."""
    use, detail = canonical_use(table, use_raw, detail_raw)
    if not use:
        if permit_kind == "개발행위허가":
            return [
                Finding(
                    app_id,
                    "use",
                    "용도",
                    PASS,
                    detail="건축물 용도가 없는 개발행위허가 (토지형질변경 등): 용도 제한 해당 없음.",
                )
            ]
        return [
            Finding(
                app_id,
                "use",
                "용도",
                INSUFFICIENT,
                detail="신청 용도(proposed_use)가 비어 있습니다: 건축법 시행령 별표 1의 용도를 적어 주십시오.",
            )
        ]
    zones, basis84 = _zones_applied(zoning, mode)
    if not zones:
        return [
            Finding(
                app_id, "use", "용도", INSUFFICIENT, detail="대지의 용도지역을 알 수 없어 용도를 검토할 수 없습니다."
            )
        ]
    new_use, new_detail, moved = reclassify(table, use, detail, use_area)
    prefix = ""
    if moved is not None:
        prefix = (
            f"{use}({detail}) 바닥면적 {use_area:,.1f}㎡ ≥ {moved.at_least_m2:,.0f}㎡ ({area_source}): "
            f"{moved.legal_basis}에 따라 {new_use} 로 봅니다. "
        )
        use, detail = new_use, new_detail
    answers = [(zone, answer(table, zone, use, detail, floors, use_area)) for zone in zones]
    statuses = [a.status for _, a in answers]
    bases = [LAW, *(a.rule.basis for _, a in answers if a.rule is not None)]
    if moved is not None:
        bases.append(moved.legal_basis)
    if basis84:
        bases.append(basis84)
    basis = "; ".join(dict.fromkeys(bases))
    texts = " / ".join(a.reason for _, a in answers)
    if len(answers) == 1:
        status = statuses[0]
    elif all(s == PASS for s in statuses):
        status = PASS
    elif all(s == FAIL for s in statuses):
        status = FAIL
    else:
        status = REVIEW
        allowed = [zone for zone, a in answers if a.status == PASS]
        if allowed:
            texts += (
                f" — 대지가 나뉘어 각 부분의 규정이 적용되므로, 건축물이 {', '.join(allowed)} 부분에만 "
                "놓이는지 배치도로 확인"
            )
    findings = [Finding(app_id, "use", "용도", status, detail=prefix + texts, legal_basis=basis)]
    findings.append(_floors_finding(app_id, answers, floors, basis84))
    return findings


def _floors_finding(app_id: str, answers: list[tuple[str, UseAnswer]], floors: float | None, basis84: str) -> Finding:
    limits = [(zone, a.floors_limit, a.rule) for zone, a in answers if a.floors_limit is not None]
    if not limits:
        return Finding(
            app_id,
            "floors",
            "층수",
            PASS,
            floors,
            None,
            "층",
            detail="용도지역 별표에 층수 제한 없음 (경관 등 조례·지구단위계획 층수는 별도).",
        )
    limit = min(value for _, value, _ in limits)
    annexes = "; ".join(dict.fromkeys(f"국토계획법 시행령 {rule.annex} ({zone})" for zone, _, rule in limits if rule))
    basis = "; ".join(p for p in (annexes, basis84) if p)
    note = " 조례가 4층 이하 범위에서 층수를 따로 정하면 그 층수 (김포시 도시계획 조례 확인)."
    if floors is None:
        return Finding(
            app_id,
            "floors",
            "층수",
            INSUFFICIENT,
            None,
            limit,
            "층",
            basis,
            "층수(floors)가 없어 4층 이하 제한을 볼 수 없습니다.",
        )
    if floors > limit:
        return Finding(
            app_id,
            "floors",
            "층수",
            FAIL,
            floors,
            limit,
            "층",
            basis,
            f"지상 {floors:g}층: {limit:g}층 이하의 건축물만 건축할 수 있습니다.{note}",
        )
    return Finding(
        app_id, "floors", "층수", PASS, floors, limit, "층", basis, f"지상 {floors:g}층 ≤ {limit:g}층.{note}"
    )
