"""May this use be built in this zone? (국토계획법 §76, 시행령 §71 및 별표 2–22)

The answer is data: ``resources/rules/use_in_zone.csv`` gives, per 용도지역 and use of 건축법 시행령
별표 1 (and, where the 별표 treats it apart, per 세부용도), 허용 / 불허 / 조례허용 / 조례불허 / 세부, with its
별표, 호 and 목, the floors and floor-area limits that ride with it, the 김포시 도시계획 조례's answer where
it is encoded, and whether the line was checked against the text.

Only a 허용 line (or a 조례 line whose 김포 answer is encoded as 허용) passes. A 조례 line without the 김포
answer, a use whose answer depends on a 세부용도 that was not given, or an unknown use is "needs review":
the tool never grants what it cannot read in the table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..paths import resource
from .findings import FAIL, PASS, REVIEW

USE_COLUMNS = [
    "version",
    "zone_code",
    "zone_name",
    "use",
    "use_detail",
    "permission",
    "annex",
    "item",
    "sub_item",
    "max_floors",
    "area_below_m2",
    "condition",
    "gimpo",
    "gimpo_basis",
    "checked",
]
AREA_COLUMNS = ["version", "use", "use_detail", "at_least_m2", "to_use", "to_detail", "legal_basis", "checked"]
PERMISSIONS = ("허용", "불허", "조례허용", "조례불허", "세부")
OTHER = "*"
OTHER_NAME = "열거되지 않은 세부용도"
LAW = "국토계획법 §76, 시행령 §71"

# Spellings seen on application forms and in 세움터 exports → the canonical 별표 1 names.
USE_SYNONYMS = {
    "근린생활시설(1종)": "제1종근린생활시설",
    "1종근린생활시설": "제1종근린생활시설",
    "제1종근생": "제1종근린생활시설",
    "1종근생": "제1종근린생활시설",
    "근린생활시설(2종)": "제2종근린생활시설",
    "2종근린생활시설": "제2종근린생활시설",
    "제2종근생": "제2종근린생활시설",
    "2종근생": "제2종근린생활시설",
    "문화집회시설": "문화및집회시설",
    "위험물저장처리시설": "위험물저장및처리시설",
    "위험물시설": "위험물저장및처리시설",
    "동식물관련시설": "동물및식물관련시설",
    "분뇨및쓰레기처리시설": "자원순환관련시설",
    "국방·군사시설": "국방군사시설",
    "군사시설": "국방군사시설",
    "야영장": "야영장시설",
}
DETAIL_SYNONYMS = {
    "다가구": "다가구주택",
    "연립": "연립주택",
    "다세대": "다세대주택",
    "농가주택": "농어가주택",
    "농업인주택": "농어가주택",
    "어업인주택": "농어가주택",
    "농어업인주택": "농어가주택",
    "농업용창고": "농업용창고",
    "농업창고": "농업용창고",
    "임업용창고": "농업용창고",
    "축산업용창고": "농업용창고",
    "수산업용창고": "농업용창고",
    "농산물창고": "농업용창고",
    "주물": "금속주조업",
    "주물공장": "금속주조업",
    "금속주조": "금속주조업",
    "주조업": "금속주조업",
    "금속주조공장": "금속주조업",
    "노래방": "노래연습장",
    "종교집회시설": "종교집회장",
    "의류편조": "의류편조업",
}
_SPACES = re.compile(r"[\s·ㆍ,]+")
_PARENTHESES = re.compile(r"^(.+?)\((.+)\)$")


def normalise(text: object) -> str:
    """Spacing and middle dots removed: "위험물 저장 및 처리 시설" and "위험물저장및처리시설" are one use."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _SPACES.sub("", str(text)).strip()


@dataclass(frozen=True)
class UseRule:
    zone_code: str
    zone_name: str
    use: str
    detail: str
    permission: str
    annex: str
    item: str
    sub_item: str
    max_floors: float | None
    area_below_m2: float | None
    condition: str
    gimpo: str
    gimpo_basis: str
    checked: bool

    @property
    def basis(self) -> str:
        where = " ".join(p for p in (self.item if self.item != "-" else "", self.sub_item) if p)
        text = f"국토계획법 시행령 {self.annex}" + (f" {where}" if where else "")
        if self.gimpo_basis:
            text += f"; {self.gimpo_basis}"
        return text


@dataclass(frozen=True)
class AreaClass:
    use: str
    detail: str
    at_least_m2: float
    to_use: str
    to_detail: str
    legal_basis: str


@dataclass(frozen=True)
class UseTable:
    version: str
    rules: dict[tuple[str, str, str], UseRule]
    uses: frozenset[str]
    detail_use: dict[str, str]  # a 세부용도 that belongs to one use only → that use
    area_classes: list[AreaClass]
    restricted: dict[tuple[str, str], list[str]]  # (zone, use) → 세부용도 the 별표 does not simply allow

    def zone_known(self, zone: str) -> bool:
        return (zone, next(iter(self.uses)), "") in self.rules or any(k[0] == zone for k in self.rules)


def _read(path: Path, columns: list[str]) -> tuple[pd.DataFrame, str]:
    if not path.is_file():
        raise InputError(
            f"용도 규칙 표 {path} 가 없습니다.", "resources/rules/use_in_zone.csv 형식의 CSV 경로를 주십시오."
        )
    try:
        frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"용도 규칙 표 {path} 를 읽을 수 없습니다: {exc}", "UTF-8 CSV로 저장하십시오.") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"용도 규칙 표 {path} 에 열 {', '.join(missing)} 이(가) 없습니다.", f"머리글: {','.join(columns)}"
        )
    frame = frame.apply(lambda col: col.str.strip())
    versions = sorted(set(frame["version"]) - {""})
    if len(versions) != 1:
        raise InputError(f"용도 규칙 표 {path}: version 열에 한 가지 판만 있어야 합니다 (찾은 값: {versions}).")
    return frame, versions[0]


def _number(text: str, path: Path, line: int, column: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"용도 규칙 표 {path} {line}행: {column} '{text}' 는 숫자가 아닙니다.") from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"용도 규칙 표 {path} {line}행: {column} 은(는) 0보다 커야 합니다 ({text}).")
    return value


def load_use_table(path: str | Path | None = None, area_path: str | Path | None = None) -> UseTable:
    """The use-in-zone table; a row with an unknown permission or a duplicated key is refused with its line."""
    path = Path(path) if path else resource("rules", "use_in_zone.csv")
    frame, version = _read(path, USE_COLUMNS)
    rules: dict[tuple[str, str, str], UseRule] = {}
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        if row["permission"] not in PERMISSIONS:
            raise InputError(
                f"용도 규칙 표 {path} {line}행: permission '{row['permission']}' 을(를) 알 수 없습니다.",
                f"{', '.join(PERMISSIONS)} 중 하나로 쓰십시오.",
            )
        if row["gimpo"] not in ("", "허용", "불허"):
            raise InputError(f"용도 규칙 표 {path} {line}행: gimpo 는 비우거나 허용/불허 로 쓰십시오.")
        key = (
            row["zone_code"],
            normalise(row["use"]),
            normalise(row["use_detail"]) if row["use_detail"] != OTHER else OTHER,
        )
        if key in rules:
            raise InputError(f"용도 규칙 표 {path} {line}행: {key} 가 두 번 나옵니다.")
        rules[key] = UseRule(
            row["zone_code"],
            row["zone_name"],
            key[1],
            key[2],
            row["permission"],
            row["annex"],
            row["item"],
            row["sub_item"],
            _number(row["max_floors"], path, line, "max_floors"),
            _number(row["area_below_m2"], path, line, "area_below_m2"),
            row["condition"],
            row["gimpo"],
            row["gimpo_basis"],
            row["checked"].lower() == "true",
        )
    uses = frozenset(k[1] for k in rules)
    owners: dict[str, set[str]] = {}
    for _, use, detail in rules:
        if detail and detail != OTHER:
            owners.setdefault(detail, set()).add(use)
    detail_use = {d: next(iter(u)) for d, u in owners.items() if len(u) == 1}
    detail_use.update({"아파트": "공동주택", "단란주점": "제2종근린생활시설", "안마시술소": "제2종근린생활시설"})
    area_path = Path(area_path) if area_path else resource("rules", "use_area_classes.csv")
    area_frame, _ = _read(area_path, AREA_COLUMNS)
    classes = [
        AreaClass(
            normalise(r["use"]),
            normalise(r["use_detail"]),
            _number(r["at_least_m2"], area_path, i + 2, "at_least_m2") or 0.0,
            normalise(r["to_use"]),
            normalise(r["to_detail"]),
            r["legal_basis"],
        )
        for i, r in enumerate(area_frame.to_dict("records"))
    ]
    restricted: dict[tuple[str, str], list[str]] = {}
    for (zone, use, detail), rule in rules.items():
        if detail and detail != use and rule.permission != "허용":
            restricted.setdefault((zone, use), []).append(detail)
    return UseTable(version, rules, uses, detail_use, classes, restricted)


def canonical_use(table: UseTable, use: object, detail: object) -> tuple[str, str]:
    """(use, 세부용도) in the table's spelling; a 세부용도 given as the use (e.g. "아파트") finds its use."""
    use_n, detail_n = normalise(use), normalise(detail)
    use_n = USE_SYNONYMS.get(use_n, use_n)
    inner = _PARENTHESES.match(use_n)
    if inner and not detail_n:  # "공동주택(아파트)", "제2종근린생활시설(단란주점)"
        use_n, detail_n = inner.group(1), inner.group(2)
        use_n = USE_SYNONYMS.get(use_n, use_n)
    detail_n = DETAIL_SYNONYMS.get(detail_n, detail_n)
    if detail_n and detail_n not in table.detail_use and detail_n + "업" in table.detail_use:
        detail_n += "업"  # "인쇄" → "인쇄업"
    if use_n not in table.uses and use_n + "시설" in table.uses:
        use_n += "시설"
    if use_n == "교정및군사시설":  # the pre-2023 name: 교정시설 and 국방·군사시설 are now apart
        use_n = "국방군사시설" if "군사" in detail_n else "교정시설"
    if use_n not in table.uses:
        as_detail = DETAIL_SYNONYMS.get(use_n, use_n)
        if as_detail in table.detail_use:
            return table.detail_use[as_detail], detail_n or as_detail
    return use_n, detail_n


def reclassify(table: UseTable, use: str, detail: str, area: float | None) -> tuple[str, str, AreaClass | None]:
    """A 근린생활시설 over its 별표 1 floor-area bound is the larger use (단란주점 150 ㎡ 이상 → 위락시설)."""
    if area is None:
        return use, detail, None
    for rule in table.area_classes:
        if rule.use == use and rule.detail == detail and area >= rule.at_least_m2:
            return rule.to_use, rule.to_detail, rule
    return use, detail, None


@dataclass(frozen=True)
class UseAnswer:
    """The answer of the table for one zone: status, the rule that gave it and why."""

    status: str
    rule: UseRule | None
    reason: str
    floors_limit: float | None = None


def answer(table: UseTable, zone: str, use: str, detail: str, floors: float | None, area: float | None) -> UseAnswer:
    """The table's answer for one zone (no §84 here: see :func:`use_findings`)."""
    general = table.rules.get((zone, use, ""))
    if general is None and not any(k[0] == zone for k in table.rules):
        return UseAnswer(REVIEW, None, f"용도지역 {zone} 은(는) 용도 규칙 표에 없습니다")
    if use not in table.uses:
        return UseAnswer(
            REVIEW, None, f"용도 '{use}' 를 건축법 시행령 별표 1의 용도로 알아볼 수 없습니다: 용도를 확인하십시오"
        )
    rule = None
    if detail:
        rule = table.rules.get((zone, use, detail)) or table.rules.get((zone, use, OTHER))
    if rule is None:
        rule = general
    if rule is None:
        return UseAnswer(REVIEW, None, f"{zone} 의 {use} 줄이 규칙 표에 없습니다")
    hidden = table.restricted.get((zone, use), []) if not detail and use != "단독주택" else []
    if hidden and rule.permission == "허용":
        # "단독주택" alone reads as 별표 1 제1호가목; any other use whose sub-uses the 별표 treats apart
        # cannot be granted without knowing which sub-use it is.
        names = ", ".join(OTHER_NAME if d == OTHER else d for d in hidden)
        return UseAnswer(
            REVIEW,
            rule,
            f"{rule.zone_name} {use}: 세부용도에 따라 허용 여부가 다릅니다 ({names} 은(는) 허용이 아님). "
            "세부용도(use_detail)를 적어 주십시오",
            rule.max_floors,
        )
    floors_limit = rule.max_floors
    name = f"{rule.zone_name} {use}" + (f"({detail})" if detail else "")
    cond = f" — {rule.condition}" if rule.condition else ""
    if rule.permission == "세부":
        return UseAnswer(
            REVIEW,
            rule,
            f"{name}: 허용 여부가 세부용도에 따라 다릅니다{cond}. 세부용도(use_detail)를 적어 주십시오 "
            "(depends on the sub-use: give use_detail)",
            floors_limit,
        )
    if rule.permission == "불허":
        return UseAnswer(
            FAIL, rule, f"{name}: 건축할 수 없는 용도입니다{cond} (not permitted in this zone)", floors_limit
        )
    if rule.permission in ("조례허용", "조례불허"):
        if rule.gimpo == "허용":
            status, text = PASS, f"{name}: 김포시 도시계획 조례로 허용{cond}"
        elif rule.gimpo == "불허":
            return UseAnswer(FAIL, rule, f"{name}: 김포시 도시계획 조례로 건축할 수 없음{cond}", floors_limit)
        else:
            how = "조례로 정하는 경우에만 허용" if rule.permission == "조례허용" else "조례로 금지할 수 있는 용도"
            return UseAnswer(
                REVIEW,
                rule,
                f"{name}: {rule.annex} {rule.item} — {how}{cond}. "
                "김포시 도시계획 조례 별표 확인 필요 (도시계획 부서 협의; depends on the city ordinance)",
                floors_limit,
            )
    else:
        status, text = PASS, f"{name}: 허용{cond} (permitted in this zone)"
    if rule.area_below_m2 is not None:
        if area is None:
            return UseAnswer(
                REVIEW,
                rule,
                f"{text}; 바닥면적 {rule.area_below_m2:,.0f}㎡ 미만 조건을 볼 면적이 없습니다",
                floors_limit,
            )
        if area >= rule.area_below_m2:
            return UseAnswer(
                FAIL,
                rule,
                f"{name}: 해당 용도 바닥면적 합계 {area:,.1f}㎡ 가 {rule.area_below_m2:,.0f}㎡ 미만 조건을 넘어 "
                "건축할 수 없습니다",
                floors_limit,
            )
        text += f" (바닥면적 {area:,.1f}㎡ < {rule.area_below_m2:,.0f}㎡)"
    if not rule.checked:
        text += " [법령 원문 대조 전 (checked=false)]"
    return UseAnswer(status, rule, text, floors_limit)
