"""A buildings layer in any recognised schema, read into the engine's columns with real ids.

The id a building is known by is the one the ledger uses: of the id fields the layer has (건물관리번호,
건축물대장 PK, UFID, GIS건물통합식별번호), the one most ledger building rows carry, else the
건물관리번호. Every other id of the same building is kept as an alias, so a ledger row carrying the
register PK still finds the building known by its 건물관리번호.

The host PNU comes from a PNU field, else from the lot fields (시군구 + 읍면동 + 리 + 산 + 본번 + 부번,
with each schema's 산 convention), else from the first 19 digits of the 건물관리번호, whose 11th digit is
checked against the lot fields (the 도로명주소 key writes 산 as 0/1 in some releases, 1/2 in others);
buildings left without one are placed on the parcel under them by the linkage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .building_schema import ID_LABELS_KO, ID_PREFERENCE, SchemaMatch, require_schema
from .building_use import use_classes

TEXT_COLUMNS = ("bld_id", "pnu", "use_code", "use_name", "use_class", "approval_date", "building_name", "id_field",
                "pnu_source", "bld_mgt_sn", "register_pk", "road_code", "road_name", "underground")  # fmt: skip
NUMBER_COLUMNS = ("building_area", "total_floor_area", "floors_above", "floors_below", "building_main_no",
                  "building_sub_no")  # fmt: skip
# The fields read as text (the others of a schema are not read at all, or read as numbers).
TEXT_FIELDS = frozenset({*ID_PREFERENCE, "pnu", "legal_dong_code", "sigungu_code", "bjdong_code", "emd_code",
                         "ri_code", "mountain", "register_site_kind", "main_lot", "sub_lot", "use_code", "use_name",
                         "road_code", "underground"})  # fmt: skip
PLAIN_FIELDS = frozenset({"approval_date", "building_name", "road_name"})
# 산 flags to the PNU's land-register digit: 도로명주소 MNTN_YN 0 대지 / 1 산; 건축물대장 platGbCd 0 대지 /
# 1 산 / 2 블록 (no PNU); Y/N in some exports.
JUSO_MOUNTAIN = {"0": "1", "1": "2", "N": "1", "Y": "2", "n": "1", "y": "2"}
REGISTER_SITE_KIND = {"0": "1", "1": "2"}


@dataclass
class PreparedBuildings:
    frame: gpd.GeoDataFrame
    aliases: pd.Series  # every known id of a building -> its bld_id
    messages: list[str] = field(default_factory=list)  # what was recognised (Korean, for the log)
    warnings: list[str] = field(default_factory=list)  # what could not be read (Korean)
    schema: SchemaMatch | None = None


def text_values(values: pd.Series) -> pd.Series:
    """Codes and ids as text: stripped, a spreadsheet float's ``.0`` undone, missing as "". Worked on the
    distinct values (a 200,000-building layer has a few hundred codes; ids are cleaned once each)."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == values.round())
        text = values.map("{:.0f}".format).where(whole, values.astype(str)).where(values.notna(), "")
        return text.astype(object)
    raw = values.to_numpy(dtype=object)
    if len(raw) > 5000 and len(set(raw[:1000].tolist())) > 500:  # ids: nearly all distinct, clean each once
        return pd.Series([_clean_text(v) for v in raw], index=values.index, dtype=object)
    positions, distinct = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*map(_clean_text, distinct), ""], dtype=object)
    return pd.Series(table[positions], index=values.index, dtype=object)


def _clean_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def empty_buildings(crs: object) -> PreparedBuildings:
    columns = {c: pd.Series(dtype=object) for c in TEXT_COLUMNS}
    columns.update({c: pd.Series(dtype=float) for c in NUMBER_COLUMNS})
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    return PreparedBuildings(frame, pd.Series(dtype=object))


def prepare_building_layer(
    buildings: gpd.GeoDataFrame, ledger_ids: pd.Series | None = None, layer_label: str = "건물 레이어"
) -> PreparedBuildings:
    """Detect the schema (stopping with the fields expected when it has no id or floor area), and
    return the buildings in the engine's columns with the log of what was used."""
    geometry = buildings.geometry.name
    columns = [c for c in buildings.columns if c != geometry and isinstance(c, str)]
    if len(buildings) == 0:
        return empty_buildings(buildings.crs)
    match = require_schema(columns, layer_label)
    source = match.columns
    values = {name: text_values(buildings[column]) for name, column in source.items() if name in TEXT_FIELDS}
    for name in PLAIN_FIELDS & source.keys():  # shown, never joined on: as text, without cleaning
        values[name] = buildings[source[name]].astype(object).where(buildings[source[name]].notna(), "").astype(str)
    out: dict[str, object] = {}
    result = PreparedBuildings(gpd.GeoDataFrame(), pd.Series(dtype=object), schema=match)
    result.messages.append(f"{layer_label}: {match.schema.label_ko} 형식으로 인식 — {match.mapping_text()}")
    out["bld_id"], out["id_field"], result.aliases = _ids(values, source, ledger_ids, result)
    out["pnu"], out["pnu_source"] = _host_pnus(values, source, result)
    blank = pd.Series("", index=buildings.index, dtype=object)
    codes = values.get("use_code", blank)
    out["use_code"] = _padded_codes(codes)
    out["use_class"], out["use_name"] = use_classes(codes, values.get("use_name", blank), match.schema.use_code_table)
    _log_uses(out["use_class"], out["use_code"], match, result)
    for name in ("approval_date", "building_name", "bld_mgt_sn", "register_pk", "road_name", "underground"):
        out[name] = values.get(name, blank)
    out["road_code"] = _road_codes(values, blank)
    for name in NUMBER_COLUMNS:
        out[name] = pd.to_numeric(buildings[source[name]], errors="coerce") if name in source else np.nan
    if not match.schema.needs_floor_area:
        result.warnings.append(
            f"{layer_label}: {match.schema.label_ko}에는 연면적이 없어 건물 면적 점검(AREA_MISMATCH)을 하지 않습니다."
        )
    columns = {
        name: (value.to_numpy() if isinstance(value, pd.Series) else np.full(len(buildings), value))
        for name, value in out.items()
    }
    frame = pd.DataFrame(columns, index=buildings.index, copy=False)
    frame[geometry] = buildings.geometry.array
    result.frame = gpd.GeoDataFrame(frame, geometry=geometry, crs=buildings.crs, copy=False)
    return result


def _ids(
    values: dict[str, pd.Series], source: dict[str, str], ledger_ids: pd.Series | None, result: PreparedBuildings
) -> tuple[pd.Series, pd.Series, pd.Series]:
    present = [name for name in ID_PREFERENCE if name in values]
    wanted = set(text_values(ledger_ids)) - {""} if ledger_ids is not None else set()
    overlap = {name: int(values[name].isin(wanted).sum()) for name in present}
    chosen = max(present, key=lambda name: (overlap[name], -present.index(name)))
    ids = values[chosen].copy()
    id_field = pd.Series(source[chosen], index=ids.index)
    for other in (name for name in present if name != chosen):  # a blank id: the building's other id
        blank = ids == ""
        if not blank.any():
            break
        ids[blank] = values[other][blank]
        id_field[blank & (ids != "")] = source[other]
    label = f"{ID_LABELS_KO[chosen]}({source[chosen]})"
    used = f"과세대장 건물 행이 쓰는 번호 {overlap[chosen]:,}개 일치" if wanted else "과세대장에 건물 ID 없음"
    result.messages.append(f"건물 ID: {label} 사용 — {used}")
    missing = ids == ""
    if missing.any():
        ids[missing] = "GIS-" + pd.Series(np.flatnonzero(missing.to_numpy()) + 1, index=ids.index[missing]).astype(str)
        id_field[missing] = ""
        result.warnings.append(
            f"건물 {int(missing.sum()):,}동에 건물 ID가 없어 임시 ID(GIS-n)를 붙였습니다: 과세대장과는 필지와 "
            "연면적으로만 맞춥니다."
        )
    repeated = ids.duplicated(keep="first")
    if repeated.any():
        serial = ids.groupby(ids).cumcount() + 1
        ids[repeated] = ids[repeated] + "#" + serial[repeated].astype(str)
        result.warnings.append(
            f"{label}가 같은 건물 {int(repeated.sum()):,}동은 두 번째부터 '#2' 등을 붙여 구분했습니다 "
            "(한 건물이 여러 도형으로 나뉜 경우)."
        )
    return ids, id_field, _aliases(values, present, ids)


def _aliases(values: dict[str, pd.Series], present: list[str], ids: pd.Series) -> pd.Series:
    """Each id value of any id field -> bld_id, leaving out values that name two buildings (none to
    make when the layer has one id field and no id was changed)."""
    if len(present) == 1 and (values[present[0]].to_numpy() == ids.to_numpy()).all():
        return pd.Series(dtype=object)
    pairs = pd.concat(
        [pd.DataFrame({"alias": values[name].to_numpy(), "bld_id": ids.to_numpy()}) for name in present]
        + [pd.DataFrame({"alias": ids.to_numpy(), "bld_id": ids.to_numpy()})],
        ignore_index=True,
    ).drop_duplicates()
    pairs = pairs[pairs["alias"] != ""]
    pairs = pairs[~pairs["alias"].duplicated(keep=False)]
    return pd.Series(pairs["bld_id"].to_numpy(), index=pairs["alias"].to_numpy())


def _legal_dong_codes(values: dict[str, pd.Series], blank: pd.Series) -> pd.Series:
    """법정동코드 (10) from the fields a schema has: a full code, 시군구 + 법정동 (5 + 5), or 시군구 + 읍면동
    (3) + 리 (2), or 시군구 + 읍면동 (5)."""
    if "legal_dong_code" in values:
        return values["legal_dong_code"]
    sigungu = values.get("sigungu_code", blank)
    if "bjdong_code" in values:
        return sigungu + values["bjdong_code"].str.zfill(5)
    if "emd_code" in values:
        emd = values["emd_code"]
        ri = values.get("ri_code", blank)
        return np.where(
            emd.str.len() == 5, sigungu + emd, sigungu + emd.str.zfill(3) + ri.replace("", "00").str.zfill(2)
        )
    return blank


def _lot_pnus(values: dict[str, pd.Series], blank: pd.Series) -> pd.Series:
    """PNU from the lot fields; "" where a part is missing or not a lot (블록)."""
    if "main_lot" not in values:
        return blank
    code = pd.Series(_legal_dong_codes(values, blank), index=blank.index)
    if "mountain" in values:
        digit = values["mountain"].map(JUSO_MOUNTAIN)
    elif "register_site_kind" in values:
        digit = values["register_site_kind"].map(REGISTER_SITE_KIND)
    else:
        digit = pd.Series("1", index=blank.index)
    main = pd.to_numeric(values["main_lot"], errors="coerce")
    sub = pd.to_numeric(values.get("sub_lot", blank), errors="coerce").fillna(0)
    ok = code.str.fullmatch(r"\d{10}") & digit.notna() & main.between(0, 9999) & sub.between(0, 9999)
    pnu = blank.copy()
    if ok.any():
        pnu[ok] = (
            code[ok] + digit[ok] + main[ok].astype(int).map("{:04d}".format) + sub[ok].astype(int).map("{:04d}".format)
        )
    return pnu


def _host_pnus(
    values: dict[str, pd.Series], source: dict[str, str], result: PreparedBuildings
) -> tuple[pd.Series, pd.Series]:
    blank = pd.Series("", index=next(iter(values.values())).index)
    given = _valid_pnus(values.get("pnu", blank))
    lots = _lot_pnus(values, blank)
    from_key = _management_number_pnus(values, lots, result)
    pnu = given.where(given != "", lots.where(lots != "", from_key))
    labels = np.where(
        given != "", "PNU 필드", np.where(lots != "", "지번 필드", np.where(from_key != "", "건물관리번호", ""))
    )
    where = pd.Series(labels.astype(object), index=blank.index)
    counts = where[where != ""].value_counts()
    parts = ", ".join(f"{name} {count:,}동" for name, count in counts.items())
    none = int((where == "").sum())
    result.messages.append(
        f"필지(PNU): {parts or '없음'}" + (f"; 나머지 {none:,}동은 건물 아래 필지로 찾습니다" if none else "")
    )
    return pnu, where


def _valid_pnus(text: pd.Series) -> pd.Series:
    """PNU texts with spaces or dashes typed in removed; "" where 19 digits do not remain."""
    positions, distinct = pd.factorize(text)
    fixed = [p if len(p) == 19 and p.isdigit() else p.replace(" ", "").replace("-", "") for p in distinct]
    table = np.array([p if len(p) == 19 and p.isdigit() else "" for p in fixed] + [""], dtype=object)
    return pd.Series(table[positions], index=text.index, dtype=object)


def _management_number_pnus(values: dict[str, pd.Series], lots: pd.Series, result: PreparedBuildings) -> pd.Series:
    """The first 19 digits of the 25-digit 건물관리번호 as a PNU, with the 산 digit read in the convention
    that agrees with the lot fields (0/1 or 1/2); "" where that cannot be told."""
    blank = pd.Series("", index=lots.index)
    if "bld_mgt_sn" not in values:
        return blank
    key = values["bld_mgt_sn"]
    usable = key.str.fullmatch(r"\d{25}")
    head = key.str[:19].where(usable, "")
    digit = head.str[10:11]
    converted = head.str[:10] + digit.map({"0": "1", "1": "2"}).fillna("") + head.str[11:]
    both = usable & (lots != "")
    as_is_agrees = int((head[both] == lots[both]).sum())
    converted_agrees = int((converted[both] == lots[both]).sum())
    if both.any():
        result.messages.append(
            f"건물관리번호 앞 19자리와 지번 필드 PNU 비교 ({int(both.sum()):,}동): 그대로 일치 {as_is_agrees:,}, "
            f"산여부 0/1→1/2로 읽으면 일치 {converted_agrees:,} — 지번 필드 PNU를 씁니다"
        )
    if converted_agrees > as_is_agrees or (not both.any() and digit.eq("0").any()):
        return converted.where(usable & digit.isin(["0", "1"]), "")
    if as_is_agrees > 0 or (not both.any() and digit.eq("2").any()):
        return head.where(usable & digit.isin(["1", "2"]), "")
    if usable.any() and not both.any():
        result.warnings.append(
            "건물관리번호의 산여부 자리가 모두 1이어서 표기 방식(0/1 또는 1/2)을 알 수 없습니다: 건물관리번호로 "
            "필지를 정하지 않고 건물 아래 필지로 찾습니다."
        )
    return blank


def _road_codes(values: dict[str, pd.Series], blank: pd.Series) -> pd.Series:
    """도로명코드 as 12 digits (시군구 5 + 도로명 7): TL_SPBD_BULD carries the 7 after SIG_CD."""
    if "road_code" not in values or "sigungu_code" not in values:
        return values.get("road_code", blank)
    road = values["road_code"]
    sigungu = values["sigungu_code"]
    return road.where(~(road.str.fullmatch(r"\d{7}") & sigungu.str.fullmatch(r"\d{5}")), sigungu + road)


def _log_uses(use_class: pd.Series, use_code: pd.Series, match: SchemaMatch, result: PreparedBuildings) -> None:
    juso = match.schema.use_code_table == "juso"
    table = "도로명주소 건물용도코드(BDTYP_CD, 구 용도 분류)" if juso else "건축물대장 주용도코드"
    unknown = use_class == ""
    known = len(use_class) - int(unknown.sum())
    result.messages.append(f"용도: {table} 표로 읽음 — {len(use_class):,}동 중 {known:,}동 분류")
    if unknown.any():
        top = use_code[unknown].replace("", "(없음)").value_counts().head(5)
        listed = ", ".join(f"{code} {count:,}동" for code, count in top.items())
        result.warnings.append(
            f"용도를 알 수 없는 건물 {int(unknown.sum()):,}동 ({listed}): 이 건물들은 용도 점검을 하지 않습니다."
        )


def _padded_codes(codes: pd.Series) -> pd.Series:
    """Use codes that a spreadsheet read as numbers (``2001``) back to five digits (``02001``)."""
    positions, distinct = pd.factorize(codes)
    fixed = np.array([c.zfill(5) if c.isdigit() and len(c) < 5 else c for c in distinct] + [""], dtype=object)
    return pd.Series(fixed[positions], index=codes.index, dtype=object)
