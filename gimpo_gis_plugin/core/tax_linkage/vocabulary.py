"""The Korean cadastre and tax vocabulary the ledger linkage reads, kept as data in
``resources/vocabulary/`` so that a new spelling seen in an office's export is one line in a table, not a
code change: ledger header synonyms, 과세물건 spellings and codes (지방세법 §105), 지목 codes, the words of
totals rows, the words exports write for "empty", and 산구분 values.

This is the only module that opens those files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..paths import resource

LAND, BUILDING, HOUSE, SHIP, AIRCRAFT = "land", "building", "house", "ship", "aircraft"
# Kinds that stand on a parcel (and, for 주택, on a building too); 선박 and 항공기 are on no map.
MAPPED_KINDS = frozenset({LAND, BUILDING, HOUSE})

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPACES = re.compile(r"[\s_·.*\"']+")


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(resource("vocabulary", name), dtype=str, keep_default_na=False, encoding="utf-8")


def normal_header(text: object) -> str:
    """A header as compared with the vocabulary: NFKC (full-width letters), bracketed parts dropped
    (``과세면적(㎡)``, ``주민(법인)등록번호``), blanks, dots and underscores dropped, lower case."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    value = _BRACKETS.sub("", value)
    return _SPACES.sub("", value).lower()


def normal_word(text: object) -> str:
    """A cell value as compared with a word list: NFKC, no blanks, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).lower()


@dataclass(frozen=True)
class LedgerKey:
    key: str
    required: bool
    meaning_ko: str
    meaning_en: str


@lru_cache(maxsize=1)
def ledger_keys() -> dict[str, LedgerKey]:
    """Every field the ledger reader knows, in the order the help lists them."""
    table = _table("ledger_keys.csv")
    return {
        row.key: LedgerKey(row.key, row.required == "yes", row.meaning_ko, row.meaning_en)
        for row in table.itertuples(index=False)
    }


@lru_cache(maxsize=1)
def header_synonyms() -> dict[str, tuple[str, ...]]:
    """key -> the normalised headers that mean it, most specific first (the file's order)."""
    table = _table("ledger_headers.csv")
    synonyms: dict[str, list[str]] = {}
    for key, header in zip(table["key"], table["header"], strict=True):
        synonyms.setdefault(key, []).append(normal_header(header))
    unknown = set(synonyms) - set(ledger_keys())
    if unknown:  # pragma: no cover - a broken resource file
        raise ValueError(f"ledger_headers.csv names unknown keys: {sorted(unknown)}")
    return {key: tuple(headers) for key, headers in synonyms.items()}


@lru_cache(maxsize=1)
def object_kinds() -> dict[str, str]:
    """Normalised spelling or code of a 과세물건 -> land / building / house / ship / aircraft."""
    table = _table("object_kinds.csv")
    return {normal_word(s): k for s, k in zip(table["spelling"], table["kind"], strict=True)}


def object_kind_of(values: pd.Series) -> pd.Series:
    """The kind of each 과세대상구분 value ("" when unknown); each distinct value is looked up once."""
    kinds = object_kinds()
    codes, distinct = pd.factorize(values.fillna("").astype(str))
    lookup = [kinds.get(normal_word(v), kinds.get(normal_word(v).rstrip("분"), "")) for v in distinct]
    return pd.Series(pd.array([*lookup, ""], dtype=object)[codes], index=values.index, dtype=object)


@lru_cache(maxsize=1)
def jimok_codes() -> dict[str, str]:
    """지목 code (one character, as in 연속지적도 JIBUN) -> name (공간정보관리법 시행령 §58)."""
    table = _table("jimok.csv")
    return dict(zip(table["code"], table["name"], strict=True))


@lru_cache(maxsize=1)
def building_use_classes() -> dict[str, str]:
    """주용도코드 (건축법 시행령 별표 1) -> taxed-use class (주거용/상업용/공업용/기타), from resources/rules."""
    table = pd.read_csv(resource("rules", "building_use_classes.csv"), dtype=str)
    return dict(zip(table["use_code"], table["taxed_use_class"], strict=True))


@lru_cache(maxsize=1)
def summary_words() -> frozenset[str]:
    """Words that mark a totals row (합계, 소계, 총계 ...), normalised."""
    return frozenset(normal_word(w) for w in _table("summary_rows.csv")["word"])


@lru_cache(maxsize=1)
def null_words() -> frozenset[str]:
    """What exports write for an empty cell (NULL, None, nan, -), normalised."""
    return frozenset(normal_word(w) for w in _table("null_words.csv")["word"])


@lru_cache(maxsize=1)
def mountain_flags() -> dict[str, bool]:
    """Normalised 산구분 word -> whether it means 산 (임야대장)."""
    table = _table("mountain_flags.csv")
    return {normal_word(v): m == "yes" for v, m in zip(table["value"], table["mountain"], strict=True)}
