"""Building use codes to the ledger's taxed-use classes (주거용 / 상업용 / 공업용 / 기타).

Two code tables are in use and they disagree above 04000: the 건축물대장 주용도코드 (건축법 시행령
별표 1 numbering × 1000: 10000 교육연구시설, 14000 업무시설) that GIS건물통합정보 and the register carry,
and the older numbering that 도로명주소 건물 (TL_SPBD_BULD ``BDTYP_CD``) and the register's ``Z`` codes
use (10000 업무시설, 14000 창고시설). Reading one with the other's table would call an office a
warehouse, so each schema names its table. Detailed codes (02001 아파트, 03001 소매점) are read by their
major code (first two digits + 000); codes that lost their leading zero in a spreadsheet (``2001``) are
padded back to five digits.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..paths import resource

TABLES = {
    "current": resource("rules", "building_use_classes.csv"),
    "juso": resource("rules", "building_use_classes_juso.csv"),
}


@lru_cache(maxsize=4)
def use_table(table: str) -> pd.DataFrame:
    """use_code (major, 5 digits), use_name, taxed_use_class of one code table."""
    return pd.read_csv(TABLES[table], dtype=str, keep_default_na=False)


def major_use_codes(codes: pd.Series, table: str) -> pd.Series:
    """The major code of each use code text: ``02001`` -> ``02000``, ``2001`` -> ``02000``, ``Z6000`` ->
    ``06000`` (old numbering, read with the juso table); "" where the text is not a code."""
    text = codes.fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    distinct = pd.Series(text.unique())
    majors = distinct.map(_major).to_numpy()
    return text.map(dict(zip(distinct, majors, strict=True)))


def _major(code: str) -> str:
    if code[:1] in ("Z", "z") and code[1:].isdigit() and len(code) == 5:
        return f"0{code[1]}000"  # Z-codes: the old table, 1..9 only
    if not code.isdigit() or not 1 <= len(code) <= 5:
        return ""
    return code.zfill(5)[:2] + "000"


def use_classes(codes: pd.Series, names: pd.Series, table: str) -> tuple[pd.Series, pd.Series]:
    """(use_class, use_name) per building: by code in ``table`` (Z-codes by the old table), else by
    the name in either table; "" when neither is known (no use check is then made for it). Worked on
    the distinct (code, name) pairs: a layer has a few hundred."""
    code_text = codes.fillna("").astype(str)
    positions, distinct = pd.factorize(code_text + "\x1f" + names.fillna("").astype(str))
    split = [pair.split("\x1f", 1) for pair in distinct]
    unique = pd.DataFrame(split or {"code": [], "name": []}, columns=["code", "name"], dtype=object)
    use_class, use_name = _classes_of(unique["code"], unique["name"], table)
    index = codes.index
    return (
        pd.Series(use_class.to_numpy()[positions], index=index, dtype=object),
        pd.Series(use_name.to_numpy()[positions], index=index, dtype=object),
    )


def _classes_of(codes: pd.Series, names: pd.Series, table: str) -> tuple[pd.Series, pd.Series]:
    code_text = codes.str.strip()
    majors = major_use_codes(code_text, table)
    is_z = code_text.str[:1].str.upper() == "Z"
    current = use_table(table).set_index("use_code")
    old = use_table("juso").set_index("use_code")
    use_class = majors.map(current["taxed_use_class"]).fillna("")
    use_name = majors.map(current["use_name"]).fillna("")
    if is_z.any():
        use_class[is_z] = majors[is_z].map(old["taxed_use_class"]).fillna("")
        use_name[is_z] = majors[is_z].map(old["use_name"]).fillna("")
    given_names = names.str.strip()
    by_name = {
        _squeeze(name): use
        for source in ("juso", "current")
        for name, use in zip(use_table(source)["use_name"], use_table(source)["taxed_use_class"], strict=True)
    }
    unknown = use_class == ""
    if unknown.any():
        use_class[unknown] = given_names[unknown].map(_squeeze).map(by_name).fillna("")
    use_name = pd.Series(np.where(given_names != "", given_names, use_name), index=codes.index)
    return use_class, use_name


def _squeeze(name: str) -> str:
    """Names compared without spaces and dots: 동물및식물관련시설 = 동물 및 식물 관련시설 = 동.식물 관련시설."""
    return "".join(c for c in name if c not in " ·.")
