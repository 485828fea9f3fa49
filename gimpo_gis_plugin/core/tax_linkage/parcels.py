"""Stage 1b: the parcel layer (연속지적도) as the linkage reads it: PNU as text, 지목 (from the sample
city's column or from JIBUN), 법정동 code and name, the lot as written in addresses, the GIS area."""

from __future__ import annotations

import re
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError, MissingColumnsError
from ..legal_dong import load_legal_dong_table
from ..pnu import REGISTER_GENERAL, REGISTER_MOUNTAIN, clean_pnu, pnu_parts
from .vocabulary import jimok_codes

_JIBUN = re.compile(r"^산?\s*\d+(?:-\d+)?\s*(?P<jimok>[가-힣]+)?$")


def parcel_fields(names: list[str]) -> list[str] | None:
    """The parcel-layer fields the linkage reads (PNU, JIBUN, jimok); None (all) when there is no PNU,
    so that the error lists the layer's fields."""
    if "PNU" not in {name.upper() for name in names}:
        return None
    return [name for name in names if name.upper() in ("PNU", "JIBUN") or name == "jimok"]


def check_parcel_layer(parcels: gpd.GeoDataFrame, source: str) -> None:
    """Refuse a parcel layer that is not polygons, naming it."""
    kinds = set(parcels.geom_type.dropna().unique())
    if kinds and not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(
            f"{source}: 필지 레이어는 면(폴리곤)이어야 하는데 {', '.join(sorted(kinds))}입니다. "
            f"({source}: parcels must be polygons, found {', '.join(sorted(kinds))}.)",
            "연속지적도 면 레이어를 주세요 (give the 연속지적도 polygon layer).",
        )


def jimok_from_jibun(jibun: pd.Series) -> pd.Series:
    """The 지목 written after the lot in 연속지적도 JIBUN (``435-3 과``, ``639답``); "" when absent."""
    found = jibun.fillna("").astype(str).str.strip().str.extract(_JIBUN)["jimok"].fillna("")
    return found.where(found.isin(list(jimok_codes())), "")


@lru_cache(maxsize=1)
def _legal_dong_full_names() -> dict[str, str]:
    table = load_legal_dong_table()
    return dict(zip(table["code"], table["full_name"], strict=True))


def legal_dong_names(codes: pd.Series) -> pd.Series:
    """The 법정동 name below the 시군구 (``월곶면 성동리``) of each code; "" for unknown codes.
    Only the few distinct codes are looked up (splitting all 20,000 names of the table costs 0.2 s)."""
    full = _legal_dong_full_names()
    names = {code: " ".join(full[code].split(" ")[2:]) for code in codes.unique() if isinstance(full.get(code), str)}
    return codes.map(pd.Series(names, dtype=object)).fillna("")


def prepare_parcels(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parcels with the columns the linkage reads: PNU (text), jimok, legal_dong_code/name, lot, area."""
    columns = {c.upper(): c for c in parcels.columns if isinstance(c, str)}
    if "PNU" not in columns:
        raise MissingColumnsError(
            f"필지 레이어에 PNU 필드가 없습니다. 있는 필드: {', '.join(map(str, parcels.columns))}. "
            f"(The parcel layer has no PNU field.)",
            "연속지적도 레이어(PNU, JIBUN 필드)를 주세요.",
        )
    frame = parcels.rename(
        columns={columns["PNU"]: "PNU", **({columns["JIBUN"]: "JIBUN"} if "JIBUN" in columns else {})}
    )
    if "JIBUN" not in columns:
        frame["JIBUN"] = ""
    frame["PNU"] = clean_pnu(frame["PNU"])
    # The sample city carries jimok; real 연속지적도 has it only inside JIBUN.
    jimok = frame["jimok"].fillna("").astype(str) if "jimok" in frame else pd.Series("", index=frame.index)
    unknown = jimok == ""
    if unknown.any():
        jimok = jimok.copy()
        jimok[unknown] = jimok_from_jibun(frame.loc[unknown, "JIBUN"])
    frame["jimok"] = jimok
    parts = pnu_parts(frame["PNU"])
    frame["pnu_valid"] = parts["valid"]
    frame["legal_dong_code"] = parts["legal_dong_code"]
    frame["legal_dong_name"] = legal_dong_names(frame["legal_dong_code"])
    register = parts["register"]
    lot = parts["main"].astype(str) + np.where(parts["sub"] > 0, "-" + parts["sub"].astype(str), "")
    frame["lot"] = np.where(
        register == REGISTER_MOUNTAIN, "산 " + lot, np.where(register == REGISTER_GENERAL, lot, frame["JIBUN"])
    )
    frame["register"] = register
    frame["gis_area_m2"] = frame.geometry.area.round(2)
    return frame
