"""Address text as officers and exports write it, put into one spelling before it is read.

Real 소재지 cells carry full-width digits and dashes (``１２３－４``), ``번지``, ``123번지 4호`` (the old way
of writing 123-4), ``123의 4``, ``山`` for 산, ``외 2필지``, a building name or a unit after the lot
(``사우동 123-4 행복빌라 101동 202호``), the 지목 after it (``산31-1임``), parenthesised notes, and names
typed together (``김포시월곶면성동리123``). This module only rewrites and splits text; which 법정동 a
name is, is the resolver's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff0d\ufe58\ufe63~]")
_OF = re.compile(r"(\d)\s*의\s*(\d)")  # 123의 4 -> 123-4
_BRACKETS = re.compile(r"[(\[{（][^)\]}）]*[)\]}）]")
_OTHER_LOTS = re.compile(r"외\s*(?P<n>\d+)\s*(?:필지|筆|건)?")
_LOT = re.compile(
    r"^(?P<mountain>산)?\s*(?P<main>\d{1,4})(?:\s*-\s*(?P<sub>\d{1,4}))?(?P<beonji>\s*번지)?(?P<rest>.*)$"
)
_HO = re.compile(r"^(?P<ho>\d{1,4})\s*호")
_NUMBERED_NAME = re.compile(r"^\d+(?:동|로|길|리|가)$")
_DETAIL_NUMBER = re.compile(r"^\d+\s*(?:동|호|층|번길|번|블럭|블록|로트|bl|BL)")


@dataclass(frozen=True)
class Lot:
    mountain: bool
    main: int
    sub: int
    note: str  # "" or what was read past (외 n필지), in Korean, for the warning


def normalise(address: object) -> str:
    """One spelling: NFKC (full-width letters, digits, dashes), every dash as "-", 山 as 산, 123의 4 as
    123-4, parenthesised notes and commas as spaces, single spaces."""
    text = unicodedata.normalize("NFKC", "" if address is None else str(address))
    text = _DASHES.sub("-", text).replace("山", "산")
    text = _OF.sub(r"\1-\2", text)
    text = _BRACKETS.sub(" ", text).replace(",", " ").replace("·", " ")
    return re.sub(r"\s+", " ", text).strip()


def split_glued(token: str, names: frozenset[str]) -> list[str]:
    """``김포시월곶면성동리123`` -> ``김포시``, ``월곶면``, ``성동리``, ``123``: known names taken greedily
    from the front (longest first) when what follows is a name or a lot too, so that a road name
    that starts like a place (``김포한강11로``) stays whole."""
    parts: list[str] = []
    rest = token
    longest = max((len(n) for n in names), default=0)

    def is_lot(text: str) -> bool:
        if _NUMBERED_NAME.match(text):  # 김포2동, 11로: a name with a number, not a lot
            return False
        return text[:1].isdigit() or text == "산" or (text.startswith("산") and text[1:2].isdigit())

    def known_start(text: str) -> bool:
        return is_lot(text) or any(text[:n] in names for n in range(2, min(longest, len(text)) + 1))

    while rest and not is_lot(rest):
        cuts = range(min(longest, len(rest) - 1), 1, -1)
        hit = next((rest[:n] for n in cuts if rest[:n] in names and known_start(rest[n:])), None)
        if hit is None:
            break
        parts.append(hit)
        rest = rest[len(hit) :]
    return [*parts, rest] if rest else parts


def parse_lot(text: str) -> tuple[Lot | None, str]:
    """The lot at the start of ``text`` (what follows the 법정동 name): (lot, "") or (None, why not, in
    Korean). A second number that could be a lot or a unit is refused rather than guessed."""
    match = _LOT.match(text.strip())
    if match is None:
        return None, f"지번 '{text}'을(를) 123, 123-4, 산 12-3 꼴로 읽을 수 없습니다"
    sub = int(match.group("sub") or 0)
    rest = match.group("rest").strip()
    ho = _HO.match(rest)
    if ho is not None and match.group("sub") is None:
        if not match.group("beonji"):
            return (
                None,
                f"'{text}'의 '{ho.group('ho')}호'가 부번인지 호수인지 알 수 없습니다 (123-4 꼴로 적어 주십시오)",
            )
        sub = int(ho.group("ho"))  # 123번지 4호: the old way of writing 123-4
        rest = rest[ho.end() :].strip()
    note = ""
    other = _OTHER_LOTS.match(rest)
    if other:
        note = f"외 {other.group('n')}필지: 첫 지번으로 찾았습니다"
        rest = rest[other.end() :].strip()
    if rest and rest[0].isdigit() and not _DETAIL_NUMBER.match(rest):
        return None, f"'{text}'에 지번이 둘 이상 있거나 뒤의 숫자 '{rest.split(' ')[0]}'의 뜻을 알 수 없습니다"
    if rest.startswith("-"):
        return None, f"지번 '{text}'을(를) 123, 123-4, 산 12-3 꼴로 읽을 수 없습니다"
    return Lot(bool(match.group("mountain")), int(match.group("main")), sub, note), ""
