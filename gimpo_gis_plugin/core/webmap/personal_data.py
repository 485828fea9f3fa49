"""Refuse layers that carry personal data (개인정보): taxpayer or owner names, resident numbers, phones.

A citizen-facing map must never carry them, masked or not (a masked 주민등록번호 still gives the birth date
and sex). Fields are judged by their names (English and Korean spellings the city's exports use) and by their
values (resident-registration-number and mobile-phone shapes), so a renamed column is caught as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# Whole name tokens (split on _ - space and camel case) that mark a personal field.
_PERSONAL_TOKENS = {
    "taxpayer": "납세자",
    "owner": "소유자",
    "owners": "소유자",
    "resident": "주민등록번호",
    "rrn": "주민등록번호",
    "jumin": "주민등록번호",
    "ssn": "주민등록번호",
    "phone": "전화번호",
    "tel": "전화번호",
    "mobile": "전화번호",
    "email": "이메일",
    "birth": "생년월일",
    "birthday": "생년월일",
    "complainant": "민원인",
    "applicant": "신청인",
}
_PERSONAL_NAMES = {"name": "성명", "person": "성명", "fullname": "성명", "full_name": "성명"}
# Korean substrings of personal field names.
_PERSONAL_KOREAN = (
    "납세자",
    "소유자",
    "소유주",
    "성명",
    "주민",
    "전화",
    "연락처",
    "휴대",
    "이메일",
    "생년월일",
    "민원인",
    "신청인",
)
_RESIDENT_NUMBER = re.compile(r"^\s*\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])-?[1-8*][0-9*]{6}\s*$")
_MOBILE = re.compile(r"^\s*01[016789]-?\d{3,4}-?\d{4}\s*$")
_SAMPLE = 2000


@dataclass(frozen=True)
class PersonalField:
    field: str
    kind: str  # Korean: what it is (납세자, 주민등록번호, ...)
    evidence: str  # "필드 이름" or "값 모양 (예: 900101-1******)"


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return [token for token in re.split(r"[\s_\-.]+", spaced.lower()) if token]


def _by_name(field: str) -> str | None:
    lowered = field.lower()
    if lowered in _PERSONAL_NAMES:
        return _PERSONAL_NAMES[lowered]
    for token in _tokens(field):
        if token in _PERSONAL_TOKENS:
            return _PERSONAL_TOKENS[token]
    for korean in _PERSONAL_KOREAN:
        if korean in field:
            return korean
    return None


def _by_value(values: pd.Series) -> tuple[str, str] | None:
    text = values.dropna().astype(str).head(_SAMPLE)
    for pattern, kind in ((_RESIDENT_NUMBER, "주민등록번호"), (_MOBILE, "전화번호")):
        hits = text[text.str.match(pattern)]
        if len(hits):
            example = hits.iloc[0].strip()
            return kind, f"값 모양 (예: {example[:8]}…)"
    return None


def personal_fields(frame: pd.DataFrame) -> list[PersonalField]:
    """Every field of ``frame`` that holds personal data, with the reason (empty: the layer may be published)."""
    found = []
    geometry = frame.geometry.name if hasattr(frame, "geometry") else None
    for column in frame.columns:
        if column == geometry:
            continue
        kind = _by_name(str(column))
        if kind:
            found.append(PersonalField(str(column), kind, "필드 이름"))
            continue
        if frame[column].dtype == object:
            match = _by_value(frame[column])
            if match:
                found.append(PersonalField(str(column), *match))
    return found
