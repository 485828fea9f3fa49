"""Resolve 소재지 addresses, written the ways real exports write them, into PNUs.

Lot addresses (지번주소) go through the national 법정동 code table: ``경기도 김포시 월곶면 성동리 산 12-3``,
``성동리산12-3``, ``김포시 사우동 １２３－４번지``, ``사우동 123번지 4호``, ``성동리 12 외 2필지``, ``사우동 123-4
행복빌라``. Old names resolve through the table's 폐지 rows: ``김포군`` is the 시군구 that became 김포시
(same 시도, same stem), and an abolished 법정동 is read as the one existing 법정동 that continues it —
the same 리 in the 읍/면 of the same stem (고촌면 향산리 → 고촌읍 향산리), the same 리 elsewhere in the
시군구 when only one has that name, or, for the 읍 that gave the city its name, the 동 of the same stem
(김포읍 사우리 → 사우동, the 1998 시 승격). When the table does not make the successor unique, or the old
읍/면 went to another 시군구 (김포군 검단면 → 인천), the address is left unresolved with the reason.

Road-name addresses (도로명주소) are resolved through the buildings layer (road_address). Every
unresolved address carries a reason code and a Korean sentence saying why and what to do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from ..legal_dong import load_legal_dong_table, predecessor_sigungu_codes
from ..paths import resource
from ..pnu import REGISTER_GENERAL, REGISTER_MOUNTAIN, compose_pnu
from .address_text import normalise, parse_lot, split_glued
from .road_address import RoadAddressIndex, parse_road_address

# Reason codes of an address that cannot be resolved; the message says why and what to do.
UNKNOWN_DONG = "UNKNOWN_DONG"
ADMIN_DONG = "ADMIN_DONG_NAME"  # a 행정동 (김포본동) where the 법정동 belongs
AMBIGUOUS_DONG = "AMBIGUOUS_DONG"
ABOLISHED_DONG = "ABOLISHED_DONG"
NO_LOT = "NO_LOT"
MALFORMED_LOT = "MALFORMED_LOT"
OUTSIDE_SIGUNGU = "OUTSIDE_SIGUNGU"
ROAD_ADDRESS_UNRESOLVED = "ROAD_ADDRESS_UNRESOLVED"
EMPTY = "EMPTY_ADDRESS"
# Spellings the table itself uses for one name over time (월곳면 → 월곶면, 보구곳리 → 보구곶리).
_OLD_SPELLINGS = str.maketrans({"곳": "곶"})
_ADMIN_LIKE = re.compile(r"[가-힣]+(?:본|\d)동")  # 김포본동, 김포2동: 행정동 names, never 법정동 in 김포
_ELSEWHERE = ("특별시", "광역시", "특별자치시", "특별자치도", "도", "시", "군", "구")


@dataclass(frozen=True)
class Resolution:
    pnu: str  # "" when unresolved
    legal_dong_code: str
    reason: str  # "" when resolved, else one of the reason codes above
    message: str  # why it failed, or the warning (old name, 외 n필지) when it resolved
    bld_id: str = ""  # the building, when a road-name address named exactly one


@dataclass(frozen=True)
class _Dong:
    code: str
    path: str  # "월곶면 성동리", "사우동" (below the 시군구)
    abolished: bool


def _canon(name: str) -> str:
    return name.translate(_OLD_SPELLINGS)


def _stem(name: str) -> str:
    return _canon(name)[:-1]


class AddressResolver:
    """Resolves addresses within one 시군구 (default 김포시 41570); ``roads`` places 도로명주소."""

    def __init__(
        self, sigungu_code: str = "41570", table: pd.DataFrame | None = None, roads: RoadAddressIndex | None = None
    ) -> None:
        table = load_legal_dong_table() if table is None else table
        self.sigungu_code = sigungu_code
        self.roads = roads
        head = table[table["code"] == f"{sigungu_code}00000"]
        if head.empty:
            raise ValueError(f"시군구 code {sigungu_code} is not in the 법정동 table")
        head_parts = head["full_name"].iat[0].split(" ")
        self.sigungu_label = " ".join(head_parts[1:])
        self.sido_names = {head_parts[0], _short_sido(head_parts[0])}
        self.sigungu_names = {" ".join(head_parts[1:]), head_parts[-1], head_parts[-1][:-1]}
        self.old_sigungu_names: set[str] = set()
        codes = [sigungu_code]
        for old in predecessor_sigungu_codes(sigungu_code, table):
            name = table.loc[table["code"] == f"{old}00000", "full_name"].iat[0].split(" ")[-1]
            self.old_sigungu_names.add(name)
            codes.append(old)
        self._by_key: dict[str, list[_Dong]] = {}
        self._current: list[_Dong] = []
        for code_prefix in codes:
            rows = table[table["code"].str.startswith(code_prefix) & (table["code"] != f"{code_prefix}00000")]
            depth = len(table.loc[table["code"] == f"{code_prefix}00000", "full_name"].iat[0].split(" "))
            for code, full_name, abolished in rows[["code", "full_name", "abolished"]].itertuples(index=False):
                path = " ".join(full_name.split(" ")[depth:])
                if not _bears_lots(path):
                    continue
                dong = _Dong(code, path, bool(abolished) or code_prefix != sigungu_code)
                if not dong.abolished:
                    self._current.append(dong)
                for key in _keys(path):
                    self._by_key.setdefault(key, []).append(dong)
        parts = {p for ds in self._by_key.values() for d in ds for p in d.path.split(" ")}
        parts |= {self._emd_of(d) for d in self._current}
        self._names = frozenset(parts | self.sido_names | self.sigungu_names | self.old_sigungu_names) - {""}
        legal = {p for d in self._current for p in d.path.split(" ")}
        self._admin_names = frozenset(admin_dong_names(sigungu_code)) - legal
        self.resolve = lru_cache(maxsize=None)(self._resolve)

    @staticmethod
    def _emd_of(dong: _Dong) -> str:
        return dong.path.split(" ")[0] if " " in dong.path else ""

    def dong_names(self) -> list[str]:
        """Every existing 법정동 path of the 시군구 that carries lots (for completion in search boxes)."""
        return sorted({d.path for d in self._current})

    def _resolve(self, address: str) -> Resolution:
        text = normalise(address)
        if not text:
            return Resolution("", "", EMPTY, "주소도 PNU도 없습니다 (no address and no PNU)")
        tokens = [part for token in text.split(" ") for part in split_glued(token, self._names)]
        old_name = ""
        while tokens and (
            tokens[0] in self.sido_names or tokens[0] in self.sigungu_names or tokens[0] in self.old_sigungu_names
        ):
            if tokens[0] in self.old_sigungu_names:
                old_name = tokens[0]
            tokens.pop(0)
        if tokens and tokens[0].endswith(_ELSEWHERE) and not self._by_key.get(_canon(tokens[0])):
            return Resolution(
                "", "", OUTSIDE_SIGUNGU, f"'{tokens[0]}'은(는) {self.sigungu_label} 밖입니다 (outside the 시군구)"
            )
        lot_start = next(
            (
                i
                for i, t in enumerate(tokens)
                if t[:1].isdigit() or t == "산" or (t.startswith("산") and t[1:2].isdigit())
            ),
            len(tokens),
        )
        name_tokens, lot_tokens = tokens[:lot_start], tokens[lot_start:]
        dong, problem = (
            self._find_dong(name_tokens)
            if name_tokens
            else (None, (UNKNOWN_DONG, f"'{text}'에 법정동 이름이 없습니다"))
        )
        if dong is None:
            road = parse_road_address(tokens)
            if road is not None:
                return self._resolve_road(road, text)
            return Resolution("", "", *problem)
        if not lot_tokens:
            return Resolution("", dong.code, NO_LOT, f"'{text}'에 지번이 없습니다 (no lot number)")
        lot, why = parse_lot(" ".join(lot_tokens))
        if lot is None:
            road = parse_road_address(lot_tokens)  # 장기동 김포한강11로 12: a road name after the 동
            if road is not None and not lot_tokens[0][:1].isdigit() and lot_tokens[0] != "산":
                return self._resolve_road(road, text)
            return Resolution("", dong.code, MALFORMED_LOT, why)
        if lot.main == 0:
            return Resolution(
                "",
                dong.code,
                MALFORMED_LOT,
                "본번 0은 보통 지번이 아닙니다 (가지번 등 특수 지번): 이 행은 PNU로 적어 주십시오",
            )
        code, warning = self._current_code(dong)
        if code is None:
            return Resolution("", dong.code, ABOLISHED_DONG, warning)
        notes = [
            n
            for n in (
                f"폐지된 이름 {old_name}을(를) {self.sigungu_label}(으)로 읽었습니다" if old_name else "",
                warning,
                lot.note,
            )
            if n
        ]
        register = REGISTER_MOUNTAIN if lot.mountain else REGISTER_GENERAL
        return Resolution(compose_pnu(code, register, lot.main, lot.sub), code, "", "; ".join(notes))

    def _resolve_road(self, road, text: str) -> Resolution:
        if self.roads is None:
            return Resolution(
                "",
                "",
                ROAD_ADDRESS_UNRESOLVED,
                f"도로명주소 '{text}'는 건물 레이어가 있어야 찾을 수 있습니다 (give a buildings layer)",
            )
        pnu, bld_id, why = self.roads.lookup(road)
        if not pnu:
            return Resolution("", "", ROAD_ADDRESS_UNRESOLVED, why)
        return Resolution(pnu, pnu[:10], "", "", bld_id)

    def _find_dong(self, name_tokens: list[str]) -> tuple[_Dong | None, tuple[str, str]]:
        # Longest suffix first: "월곶면 성동리" before "성동리".
        for start in range(len(name_tokens)):
            key = _canon(" ".join(name_tokens[start:]))
            found = self._by_key.get(key, [])
            if not found:
                continue
            current = {d.code: d for d in found if not d.abolished}
            if len(current) == 1:
                return next(iter(current.values())), ("", "")
            if len(current) > 1:
                options = ", ".join(sorted(d.path for d in current.values()))
                return None, (AMBIGUOUS_DONG, f"'{key}'은(는) 여럿입니다 ({options}): 읍/면까지 적어 주십시오")
            successors = {self._successor(d) for d in found}
            if len(successors) == 1:  # one successor, or none at all (then unresolved below, with the reason)
                return found[0], ("", "")
            options = ", ".join(sorted({d.path for d in found}))
            return None, (
                AMBIGUOUS_DONG,
                f"폐지된 이름 '{key}'은(는) 여러 곳이었습니다 ({options}): 현재 주소로 적어 주십시오",
            )
        admin = next((t for t in name_tokens if t in self._admin_names or _ADMIN_LIKE.fullmatch(t)), "")
        if admin:
            return None, (
                ADMIN_DONG,
                f"'{admin}'은(는) 행정동 이름으로 보입니다: 소재지는 법정동과 지번으로 적어 주십시오 (not a 법정동)",
            )
        return None, (
            UNKNOWN_DONG,
            f"법정동 '{' '.join(name_tokens)}'은(는) {self.sigungu_label}에 없습니다 (unknown 법정동)",
        )

    @cache  # noqa: B019 - one resolver per run, a few hundred 법정동
    def _successor(self, dong: _Dong) -> _Dong | None:
        """The one existing 법정동 that continues an abolished one, or None."""
        parts = dong.path.split(" ")
        if len(parts) == 1:
            same = [d for d in self._current if " " not in d.path and _canon(d.path) == _canon(parts[0])]
            return same[0] if len(same) == 1 else None
        emd, ri = parts[0], parts[-1]
        two = [d for d in self._current if " " in d.path]
        same_emd = [d for d in two if _stem(self._emd_of(d)) == _stem(emd)]
        if same_emd:
            exact = [d for d in same_emd if _canon(d.path.split(" ")[-1]) == _canon(ri)]
            if len(exact) == 1:
                return exact[0]
            moved = [d for d in two if _canon(d.path.split(" ")[-1]) == _canon(ri)]
            return moved[0] if len(moved) == 1 else None
        if _stem(emd) in {_stem(n) for n in self.sigungu_names if len(n) > 1}:  # 김포읍 사우리 -> 사우동
            dongs = [
                d for d in self._current if " " not in d.path and d.path.endswith("동") and _stem(d.path) == _stem(ri)
            ]
            return dongs[0] if len(dongs) == 1 else None
        return None

    def _current_code(self, dong: _Dong) -> tuple[str | None, str]:
        if not dong.abolished:
            return dong.code, ""
        new = self._successor(dong)
        if new is not None:
            return new.code, (
                f"폐지된 법정동 {dong.path}({dong.code})를 {new.path}({new.code})(으)로 읽었습니다 "
                "(abolished 법정동 read as its successor)"
            )
        return None, (
            f"폐지된 법정동 {dong.path}({dong.code})에 이어지는 {self.sigungu_label}의 현재 법정동을 법정동 표에서 "
            "하나로 정할 수 없습니다 (다른 시군구로 편입되었거나 나뉨): 현재 주소로 적어 주십시오"
        )


@lru_cache(maxsize=4)
def admin_dong_names(sigungu_code: str) -> tuple[str, ...]:
    """The 행정동 names of the bundled boundaries (김포시 only), to tell an officer who wrote one."""
    try:
        data = json.loads(resource("data", "hangjeongdong_gimpo_2021.geojson").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(
        f["properties"]["adm_nm"].split(" ")[-1]
        for f in data.get("features", [])
        if str(f["properties"].get("adm_cd2", "")).startswith(sigungu_code)
    )


def known_building_ids(ids: pd.Series, aliases: pd.Series) -> pd.Series:
    """Ledger building ids as the buildings layer knows them: a row carrying another id of the same
    building (its 건축물대장 PK, UFID ...) gets the id the building is known by."""
    if aliases.empty:
        return ids
    text = ids.fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    mapped = text.map(aliases)
    return mapped.where(mapped.notna(), ids)


def place_by_building_id(rows: pd.DataFrame, buildings: pd.DataFrame) -> int:
    """Rows whose address did not resolve but whose building id names a building: the building's host
    parcel is their parcel (pnu_source ``building_id``). Returns how many were placed."""
    failed = (
        rows["reason_code"].isin(["ADDRESS_UNRESOLVED", "PNU_MALFORMED"])
        & (rows["kind"] != "")
        & (rows["bld_id"] != "")
    )
    if not failed.any() or buildings.empty:
        return 0
    host = pd.Series(buildings["pnu"].to_numpy(), index=buildings["bld_id"].to_numpy())
    pnu = rows.loc[failed, "bld_id"].map(host)
    ok = pnu.notna() & (pnu.astype(str).str.len() == 19)
    placed = pnu.index[ok.to_numpy()]
    rows.loc[placed, "pnu"] = pnu[ok].to_numpy()
    rows.loc[placed, "pnu_source"] = "building_id"
    rows.loc[placed, ["reason_code", "reason"]] = ""
    return len(placed)


def _keys(path: str) -> set[str]:
    canon = _canon(path)
    return {path, path.split(" ")[-1], path.replace(" ", ""), canon, canon.split(" ")[-1], canon.replace(" ", "")}


def _bears_lots(path: str) -> bool:
    """동/가/로 and 리 carry lot numbers; 읍 and 면 themselves do not."""
    last = path.split(" ")[-1]
    return last.endswith(("리", "동", "가", "로")) and not last.endswith(("읍", "면"))


def _short_sido(name: str) -> str:
    for suffix in ("특별자치도", "특별자치시", "특별시", "광역시", "도"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
