"""Resolve lot addresses (지번주소) written the ways officers type them into PNUs, with the national
법정동 code table.

``경기도 김포시 월곶면 성동리 산 12-3``, ``김포시 사우동 123-4번지``, ``사우동 123`` and ``성동리 산12-3`` all
resolve. Abolished (폐지) 법정동 names still resolve, with a warning: to the existing 법정동 of the same
name in the same 시군구 when there is exactly one (고촌면 향산리 became 고촌읍 향산리), else to the old code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..legal_dong import load_legal_dong_table
from ..pnu import REGISTER_GENERAL, REGISTER_MOUNTAIN, compose_pnu

_LOT = re.compile(
    r"^(?P<mountain>산)?\s*(?P<main>\d{1,4})(?:\s*-\s*(?P<sub>\d{1,4}))?\s*(?:번지)?(?:\s*(?P<ho>\d{1,4})호)?$"
)
_HAS_DIGIT = re.compile(r"\d")
_GLUED = re.compile(r"^(?P<name>[가-힣]+?[동리가로])(?P<lot>산?\d.*)$")

# Reason codes of an address that cannot be resolved; the text says what to do.
UNKNOWN_DONG = "UNKNOWN_DONG"
AMBIGUOUS_DONG = "AMBIGUOUS_DONG"
NO_LOT = "NO_LOT"
MALFORMED_LOT = "MALFORMED_LOT"
OUTSIDE_SIGUNGU = "OUTSIDE_SIGUNGU"
EMPTY = "EMPTY_ADDRESS"


@dataclass(frozen=True)
class Resolution:
    pnu: str  # "" when unresolved
    legal_dong_code: str
    reason: str  # "" when resolved, else one of the reason codes above
    message: str  # why it failed, or the warning (abolished name) when it resolved


@dataclass(frozen=True)
class _Dong:
    code: str
    path: str  # "월곶면 성동리", "사우동"
    abolished: bool


class AddressResolver:
    """Resolves addresses within one 시군구 (default 김포시 41570)."""

    def __init__(self, sigungu_code: str = "41570", table: pd.DataFrame | None = None) -> None:
        table = load_legal_dong_table() if table is None else table
        self.sigungu_code = sigungu_code
        head = table[table["code"] == f"{sigungu_code}00000"]
        if head.empty:
            raise ValueError(f"시군구 code {sigungu_code} is not in the 법정동 table")
        head_parts = head["full_name"].iat[0].split(" ")
        self.sido_names = {head_parts[0], _short_sido(head_parts[0])}
        self.sigungu_names = {" ".join(head_parts[1:]), head_parts[-1], head_parts[-1][:-1]}
        self._by_key: dict[str, list[_Dong]] = {}
        rows = table[table["code"].str.startswith(sigungu_code) & (table["code"] != f"{sigungu_code}00000")]
        for code, full_name, abolished in rows[["code", "full_name", "abolished"]].itertuples(index=False):
            path = " ".join(full_name.split(" ")[len(head_parts) :])
            if not _bears_lots(path):
                continue
            dong = _Dong(code, path, bool(abolished))
            for key in {path, path.split(" ")[-1], path.replace(" ", "")}:
                self._by_key.setdefault(key, []).append(dong)
        self._current_by_last = {}
        for dong in (d for ds in self._by_key.values() for d in ds if not d.abolished):
            self._current_by_last.setdefault(dong.path.split(" ")[-1], set()).add(dong)
        self.resolve = lru_cache(maxsize=None)(self._resolve)

    def dong_names(self) -> list[str]:
        """Every 법정동 path of the 시군구 that carries lots (for completion in search boxes)."""
        return sorted({d.path for ds in self._by_key.values() for d in ds if not d.abolished})

    def _resolve(self, address: str) -> Resolution:
        text = re.sub(r"\s+", " ", str(address or "")).strip()
        if not text:
            return Resolution("", "", EMPTY, "no address and no PNU")
        tokens = text.replace(",", " ").split(" ")
        while tokens and (tokens[0] in self.sido_names or tokens[0] in self.sigungu_names):
            tokens.pop(0)
        elsewhere = ("특별시", "광역시", "도", "시", "군", "구")
        if tokens and tokens[0].endswith(elsewhere) and not _bears_lots(tokens[0]) and not self._lookup(tokens[0]):
            return Resolution("", "", OUTSIDE_SIGUNGU, f"{tokens[0]} is outside 시군구 {self.sigungu_code}")
        tokens = [part for token in tokens for part in _unglue(token)]
        lot_start = next((i for i, t in enumerate(tokens) if _HAS_DIGIT.search(t) or t == "산"), len(tokens))
        name_tokens, lot_tokens = tokens[:lot_start], tokens[lot_start:]
        if not name_tokens:
            return Resolution("", "", UNKNOWN_DONG, f"{text!r} names no 법정동")
        dong, problem = self._find_dong(name_tokens)
        if dong is None:
            return Resolution("", "", *problem)
        lot_text = " ".join(lot_tokens)
        if not lot_text:
            return Resolution("", dong.code, NO_LOT, f"{text!r} has no lot number (지번)")
        match = _LOT.match(lot_text)
        if match is None:
            return Resolution(
                "", dong.code, MALFORMED_LOT, f"lot number {lot_text!r} is not like 123, 123-4 or 산 12-3"
            )
        register = REGISTER_MOUNTAIN if match.group("mountain") else REGISTER_GENERAL
        main, sub = int(match.group("main")), int(match.group("sub") or match.group("ho") or 0)
        code, warning = self._current_code(dong)
        return Resolution(compose_pnu(code, register, main, sub), code, "", warning)

    def _lookup(self, key: str) -> list[_Dong]:
        return self._by_key.get(key, [])

    def _find_dong(self, name_tokens: list[str]) -> tuple[_Dong | None, tuple[str, str]]:
        # Longest suffix first: "월곶면 성동리" before "성동리".
        for start in range(len(name_tokens)):
            key = " ".join(name_tokens[start:])
            found = self._lookup(key)
            if not found:
                continue
            current = [d for d in found if not d.abolished]
            candidates = current or found
            if len({d.code for d in candidates}) == 1:
                return candidates[0], ("", "")
            options = ", ".join(sorted(d.path for d in candidates))
            return None, (AMBIGUOUS_DONG, f"{key!r} is ambiguous ({options}): write the 읍/면 too")
        return None, (UNKNOWN_DONG, f"법정동 {' '.join(name_tokens)!r} is not in 시군구 {self.sigungu_code}")

    def _current_code(self, dong: _Dong) -> tuple[str, str]:
        if not dong.abolished:
            return dong.code, ""
        successors = self._current_by_last.get(dong.path.split(" ")[-1], set())
        if len(successors) == 1:
            new = next(iter(successors))
            return new.code, f"abolished 법정동 {dong.path} ({dong.code}) read as {new.path} ({new.code})"
        return dong.code, f"abolished 법정동 {dong.path} ({dong.code}) has no unique successor; old code kept"


def _unglue(token: str) -> list[str]:
    """``사우동123-4`` -> ``사우동``, ``123-4``; ``성동리산12`` -> ``성동리``, ``산12`` (the lot typed on)."""
    glued = _GLUED.match(token)
    return [glued.group("name"), glued.group("lot")] if glued else [token]


def _bears_lots(path: str) -> bool:
    """동/가/로 and 리 carry lot numbers; 읍 and 면 themselves do not."""
    last = path.split(" ")[-1]
    return last.endswith(("리", "동", "가", "로")) and not last.endswith(("읍", "면"))


def _short_sido(name: str) -> str:
    for suffix in ("특별자치도", "특별자치시", "특별시", "광역시", "도"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
