"""The national 법정동 code table (행정표준코드관리시스템), bundled in ``resources/data``.

Ten-digit codes: 시도 (2) + 시군구 (3) + 읍면동 (3) + 리 (2). Abolished (폐지) rows are kept: old
ledgers and addresses still use their names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .paths import resource

TABLE_FILE = resource("data", "legal_dong_codes_2020.csv")


@lru_cache(maxsize=4)
def load_legal_dong_table(path: Path | None = None) -> pd.DataFrame:
    """Columns: code, full_name, abolished (bool), sido, sigungu, eupmyeondong, ri, last (the last name part)."""
    frame = pd.read_csv(path or TABLE_FILE, dtype=str, encoding="utf-8").rename(
        columns={"법정동코드": "code", "법정동명": "full_name", "폐지여부": "status"}
    )
    frame["code"] = frame["code"].str.strip()
    frame["full_name"] = frame["full_name"].str.strip()
    frame["abolished"] = frame["status"].str.strip() == "폐지"
    parts = frame["full_name"].str.split(" ")
    frame["last"] = parts.str[-1]
    frame["sido"] = parts.str[0]
    return frame.drop(columns="status")


def legal_dongs_of(sigungu_code: str, include_abolished: bool = False) -> pd.DataFrame:
    """The 읍면동 and 리 rows (not the 시군구 row itself) under a five-digit 시군구 code."""
    table = load_legal_dong_table()
    rows = table[table["code"].str.startswith(sigungu_code) & (table["code"] != f"{sigungu_code}00000")]
    if not include_abolished:
        rows = rows[~rows["abolished"]]
    return rows.reset_index(drop=True)


def predecessor_sigungu_codes(sigungu_code: str, table: pd.DataFrame | None = None) -> list[str]:
    """The abolished 시군구 that a 시군구 continues, by the table alone: same 시도, same name stem, 폐지
    (경기도 김포군 41870 for 김포시 41570: the 군 became a 시 in 1998). Old ledgers still write them."""
    table = load_legal_dong_table() if table is None else table
    heads = table[table["code"].str.endswith("00000") & ~table["code"].str.endswith("00000000")]
    current = heads.loc[heads["code"] == f"{sigungu_code}00000", "full_name"]
    if current.empty:
        return []
    sido, name = current.iat[0].split(" ")[0], current.iat[0].split(" ")[-1]
    old = heads[heads["abolished"] & heads["code"].str.startswith(sigungu_code[:2])]
    parts = old["full_name"].str.split(" ")
    same = (
        (parts.str.len() == 2)
        & (parts.str[0] == sido)
        & (parts.str[-1].str[:-1] == name[:-1])
        & (parts.str[-1] != name)
    )
    return sorted(old.loc[same, "code"].str[:5])
