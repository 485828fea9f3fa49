"""Join the property-tax ledger to parcels and buildings and turn every discrepancy into a finding.

The order of work follows what a tax officer trusts most: a PNU given in the ledger, then a lot address
resolved with the 법정동 table, then (for building rows without a building id) which building stands on
the parcel. Every ledger row ends in exactly one of ``ledger_matched`` or ``ledger_unmatched`` (with the
reason); :attr:`LinkageResult.counts` proves it.

Tax at stake is an estimate meant to rank the worklist, not an assessment: for untaxed objects the
median tax per m² of comparable taxed objects (same 법정동 and 지목 for land, same use class for
buildings) times the object's area; for area mismatches the row's tax scaled by the area difference;
for duplicates and unmatched rows the tax the row charges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError, MissingColumnsError
from ..legal_dong import load_legal_dong_table
from ..paths import resource
from ..privacy import mask_frame
from ..progress import SILENT, Progress
from .address import AddressResolver, known_building_ids, place_by_building_id
from .building_layer import PreparedBuildings, prepare_building_layer
from .building_register import BuildingRegister, link_building_register
from .building_schema import fields_to_read
from .building_use import use_classes
from .findings import CATALOGUE, SEVERITY_LABELS
from .options import LinkageOptions
from .road_address import RoadAddressIndex

LAND, BUILDING = "land", "building"
KIND_WORDS = {"토지": LAND, "land": LAND, "건축물": BUILDING, "건물": BUILDING, "building": BUILDING}
JIMOK_CODES = frozenset("전답과목임광염대장학차주창도철제천구유양수공체원종사묘잡")
_JIBUN = re.compile(r"^산?\s*\d+(?:-\d+)?\s*(?P<jimok>[가-힣]+)?$")
VACANT_LAND = "나대지"
LEDGER_OUTPUT_COLUMNS = [
    "row_id",
    "year",
    "object_kind",
    "address",
    "pnu",
    "pnu_source",
    "bld_id",
    "share",
    "taxed_area",
    "taxed_use",
    "assessed_value",
    "tax",
    "taxpayer",
    "resident_no",
    "source_row",
]
BUILDING_COLUMNS = {
    "bld_id": "",
    "pnu": "",
    "use_code": "",
    "use_name": "",
    "building_area": np.nan,
    "total_floor_area": np.nan,
    "floors_above": np.nan,
    "floors_below": np.nan,
    "approval_date": "",
}


def parcel_fields(names: list[str]) -> list[str] | None:
    """The parcel-layer fields the linkage reads (PNU, JIBUN, jimok); None (all) when there is no PNU,
    so that the error lists the layer's fields."""
    if "PNU" not in {name.upper() for name in names}:
        return None
    return [name for name in names if name.upper() in ("PNU", "JIBUN") or name == "jimok"]


def building_fields(names: list[str]) -> list[str] | None:
    """The building-layer fields the linkage reads: those of the schema it is in (building_schema);
    None (all) when no schema is recognised, so that the refusal lists the layer's fields."""
    return fields_to_read(names)


@dataclass
class LinkageResult:
    parcels_tax: gpd.GeoDataFrame
    buildings_tax: gpd.GeoDataFrame
    findings: gpd.GeoDataFrame
    ledger_matched: pd.DataFrame
    ledger_unmatched: pd.DataFrame
    summary: pd.DataFrame
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    register_matched: pd.DataFrame | None = None  # only when a 건축물대장 표제부 was given
    register_unmatched: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)  # what was recognised in the inputs (for the log)

    def layers(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        layers = {
            "parcels_tax": self.parcels_tax,
            "buildings_tax": self.buildings_tax,
            "findings": self.findings,
            "ledger_matched": self.ledger_matched,
            "ledger_unmatched": self.ledger_unmatched,
            "summary": self.summary,
        }
        if self.register_matched is not None:
            layers["register_matched"] = self.register_matched
            layers["register_unmatched"] = self.register_unmatched
        return layers


@lru_cache(maxsize=1)
def building_use_classes() -> dict[str, str]:
    """주용도코드 -> taxed-use class (주거용/상업용/공업용/기타), from resources/rules."""
    table = pd.read_csv(resource("rules", "building_use_classes.csv"), dtype=str)
    return dict(zip(table["use_code"], table["taxed_use_class"], strict=True))


def clean_pnu(values: pd.Series) -> pd.Series:
    """PNUs as 19-character text: spaces and dashes dropped, spreadsheet floats (``…0.0``) undone."""
    text = values.fillna("").astype(str)
    dirty = (text.str.len() != 19) | ~text.str.isdigit()  # cheap tests first: most PNUs are clean
    if dirty.any():
        fixed = text[dirty].str.strip().str.replace(r"\.0$", "", regex=True).str.replace(r"[\s-]", "", regex=True)
        text = text.copy()
        text[dirty] = fixed
    return text


def jimok_from_jibun(jibun: pd.Series) -> pd.Series:
    """The 지목 written after the lot in 연속지적도 JIBUN (``435-3 과``, ``639답``); "" when absent."""
    found = jibun.fillna("").astype(str).str.strip().str.extract(_JIBUN)["jimok"].fillna("")
    return found.where(found.isin(JIMOK_CODES), "")


def share_fraction(values: pd.Series) -> np.ndarray:
    """지분 as a fraction: ``1``, ``1/2``, ``0.5``, ``50%``; empty or unreadable means sole ownership."""
    text = values.fillna("").astype(str)
    fractions = {value: _share_value(value) for value in text.unique()}  # a ledger has few distinct shares
    return text.map(fractions).to_numpy(dtype=float)


def _share_value(text: str) -> float:
    text = text.strip()
    try:
        if "/" in text:
            numerator, denominator = text.split("/", 1)
            value = float(numerator) / float(denominator)
        elif text.endswith("%"):
            value = float(text[:-1]) / 100
        else:
            value = float(text) if text else 1.0
    except (ValueError, ZeroDivisionError):
        return 1.0
    return value if np.isfinite(value) and value > 0 else 1.0


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


def pnu_valid(pnu: pd.Series) -> np.ndarray:
    """Whether each PNU text is 19 decimal digits: what ``\\d{19}`` accepts (``str.isdecimal`` is the
    Unicode category Nd, as ``\\d``), without running a regex per row."""
    return ((pnu.str.len() == 19) & pnu.str.isdecimal()).to_numpy(dtype=bool)


def pnu_parts(pnu: pd.Series) -> pd.DataFrame:
    """valid (19 digits), legal_dong_code (first 10, "" unless valid), register (11th character, ""),
    main and sub lot numbers (0 when unreadable) of PNU texts. 19 ASCII digits, i.e. nearly all, are
    read from their code points with numpy; the rest by the string rules."""
    n = len(pnu)
    text = pnu.to_numpy(dtype="U19")  # longer texts are cut, their length tells them apart
    lengths = pnu.str.len().to_numpy()
    digits = text.view(np.uint32).reshape(n, 19) - np.uint32(ord("0"))  # below "0" wraps round: > 9
    fast = (lengths == 19) & (digits <= 9).all(axis=1)
    valid = fast.copy()
    other = ~fast
    maybe = other & (lengths == 19)  # 19 characters that are digits of another script, or not digits
    if maybe.any():
        valid[maybe] = pnu[maybe].str.fullmatch(r"\d{19}").to_numpy(dtype=bool)
    place = np.array([1000, 100, 10, 1], dtype=np.int64)
    main = np.where(fast, digits[:, 11:15].astype(np.int64) @ place, 0)
    sub = np.where(fast, digits[:, 15:19].astype(np.int64) @ place, 0)
    if other.any():
        rest = pnu[other]
        main[other] = pd.to_numeric(rest.str[11:15], errors="coerce").fillna(0).astype(int).to_numpy()
        sub[other] = pd.to_numeric(rest.str[15:19], errors="coerce").fillna(0).astype(int).to_numpy()
    register = text.view("U1").reshape(n, 19)[:, 10].astype(object) if n else np.array([], dtype=object)
    return pd.DataFrame(
        {
            "valid": valid,
            "legal_dong_code": _legal_dong_codes(text, digits, fast, valid),
            "register": register,
            "main": pd.Series(main, dtype=np.int64, index=pnu.index),
            "sub": pd.Series(sub, dtype=np.int64, index=pnu.index),
        },
        index=pnu.index,
    )


def _legal_dong_codes(text: np.ndarray, digits: np.ndarray, fast: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The first ten characters of valid PNUs ("" otherwise), one text object per distinct code (a few
    hundred 법정동: not one new string per parcel)."""
    codes = np.full(len(text), "", dtype=object)
    if fast.any():
        number = digits[fast, :10].astype(np.int64) @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
        positions, distinct = pd.factorize(number)
        codes[fast] = np.array([f"{code:010d}" for code in distinct], dtype=object)[positions]
    other = valid & ~fast
    if other.any():
        codes[other] = text[other].astype("U10").astype(object)
    return codes


def prepare_parcels(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parcels with the columns the linkage reads: PNU (text), jimok, legal_dong_code/name, lot, area."""
    columns = {c.upper(): c for c in parcels.columns if isinstance(c, str)}
    if "PNU" not in columns:
        raise MissingColumnsError(
            f"The parcel layer has no PNU field. It has: {', '.join(map(str, parcels.columns))}.",
            "Give a 연속지적도 layer (fields PNU, JIBUN ...).",
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
    frame["lot"] = np.where(register == "2", "산 " + lot, np.where(register == "1", lot, frame["JIBUN"]))
    frame["register"] = register
    frame["gis_area_m2"] = frame.geometry.area.round(2)
    return frame


def prepare_buildings(
    buildings: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, ledger_ids: pd.Series | None = None
) -> PreparedBuildings:
    """Buildings in the engine's columns (schema detected and logged: building_layer), each with a host
    parcel: the PNU they carry when it names a parcel, else the parcel under them."""
    prepared = prepare_building_layer(buildings, ledger_ids)
    frame = prepared.frame
    known = frame["pnu"].isin(parcels["PNU"])
    frame["host_source"] = np.where(known, "given", "")
    if (~known).any() and len(parcels):
        points = gpd.GeoDataFrame(geometry=frame.geometry[~known].representative_point(), crs=frame.crs)
        hits = gpd.sjoin(points, parcels[["PNU", parcels.geometry.name]], predicate="within", how="left")
        hits = hits[~hits.index.duplicated(keep="first")]
        found = hits["PNU"].notna()
        frame.loc[hits.index[found], "pnu"] = hits.loc[found, "PNU"].to_numpy()
        frame.loc[hits.index[found], "host_source"] = "spatial"
    return prepared


def _resolve_ledger(
    ledger: pd.DataFrame, resolver: AddressResolver, progress: Progress
) -> tuple[pd.DataFrame, list[str]]:
    """Add kind, pnu (resolved), pnu_source, and reason_code/reason for rows that cannot be placed."""
    # A shallow copy: every column changed in place below is first replaced by a new one here.
    rows = ledger.copy(deep=False)
    codes, kinds = pd.factorize(rows["object_kind"].astype(str))  # a ledger names two or three kinds
    rows["kind"] = np.array([*(KIND_WORDS.get(k.strip().lower(), "") for k in kinds), ""], dtype=object)[codes]
    rows["pnu"] = clean_pnu(rows["pnu"])
    rows["bld_id"] = rows["bld_id"].fillna("").astype(str).str.strip()
    given_valid = pnu_valid(rows["pnu"])
    rows["pnu_source"] = np.where(given_valid, "given", "")
    rows["reason_code"] = ""
    rows["reason"] = ""
    need_address = ~given_valid
    warnings: dict[str, int] = {}
    if need_address.any():
        addresses = rows.loc[need_address, "address"].fillna("").astype(str)
        resolved = {a: resolver.resolve(a) for a in addresses.unique()}
        progress.check()
        res = addresses.map(resolved)
        ok = res.map(lambda r: bool(r.pnu))
        index_ok = addresses.index[ok.to_numpy()]
        rows.loc[index_ok, "pnu_original"] = rows.loc[index_ok, "pnu"]
        rows.loc[index_ok, "pnu"] = res[ok].map(lambda r: r.pnu).to_numpy()
        rows.loc[index_ok, "pnu_source"] = "address"
        for r in res[ok]:
            if r.message:
                warnings[r.message] = warnings.get(r.message, 0) + 1
        failed = addresses.index[~ok.to_numpy()]
        had_pnu = rows.loc[failed, "pnu"] != ""
        malformed = failed[had_pnu.to_numpy()]
        unresolved = failed[~had_pnu.to_numpy()]
        rows.loc[malformed, "reason_code"] = "PNU_MALFORMED"
        rows.loc[malformed, "reason"] = [
            f"PNU {p!r} is not 19 digits, and the address did not resolve ({r.message})"
            for p, r in zip(rows.loc[malformed, "pnu"], res[malformed], strict=True)
        ]
        rows.loc[unresolved, "reason_code"] = "ADDRESS_UNRESOLVED"
        rows.loc[unresolved, "reason"] = [f"{r.reason}: {r.message}" for r in res[unresolved]]
    bad_kind = (rows["kind"] == "") & (rows["reason_code"] == "")
    rows.loc[bad_kind, "reason_code"] = "OBJECT_KIND_UNKNOWN"
    rows.loc[bad_kind, "reason"] = (
        "과세대상구분 " + rows.loc[bad_kind, "object_kind"].astype(str).map(repr) + (" is neither 토지 nor 건축물")
    )
    messages = [f"{message} ({count} row{'s' if count > 1 else ''})" for message, count in warnings.items()]
    return rows, messages


def _assign_buildings(rows: pd.DataFrame, buildings: gpd.GeoDataFrame, parcel_pnus: pd.Index) -> pd.DataFrame:
    """Building rows to buildings: by building id, else the building on the row's parcel whose floor area
    is closest to the row's (co-owner rows scaled by their share); reasons for rows that find none."""
    is_building = (rows["kind"] == BUILDING) & (rows["reason_code"] == "")
    rows["matched_bld_id"] = ""
    by_id = is_building & rows["bld_id"].isin(buildings["bld_id"])
    rows.loc[by_id, "matched_bld_id"] = rows.loc[by_id, "bld_id"]
    rest = rows.index[is_building & ~by_id]
    if len(rest):
        wanted = rows.loc[rest, ["pnu", "taxed_area"]].copy()
        wanted["full_area"] = wanted["taxed_area"].to_numpy() / rows.loc[rest, "_share"].to_numpy()
        candidates = wanted.reset_index().merge(buildings[["pnu", "bld_id", "total_floor_area"]], on="pnu", how="inner")
        if len(candidates):
            gap = (candidates["total_floor_area"] - candidates["full_area"]).abs().fillna(np.inf)
            best = candidates.loc[gap.groupby(candidates["index"]).idxmin()]
            rows.loc[best["index"].to_numpy(), "matched_bld_id"] = best["bld_id"].to_numpy()
    unplaced = is_building & (rows["matched_bld_id"] == "")
    no_parcel = unplaced & ~rows["pnu"].isin(parcel_pnus)
    rows.loc[no_parcel, "reason_code"] = "LEDGER_NO_PARCEL"
    rows.loc[no_parcel, "reason"] = "no parcel has PNU " + rows.loc[no_parcel, "pnu"] + " and no building has its id"
    no_building = unplaced & ~no_parcel
    rows.loc[no_building, "reason_code"] = "LEDGER_NO_BUILDING"
    rows.loc[no_building, "reason"] = "parcel " + rows.loc[no_building, "pnu"] + " has no building on the map"
    return rows


def _flag_duplicates(matched: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rows beyond a whole object: within one (year, object), shares in file order summing past 1."""
    lean = pd.DataFrame(
        {
            "year": matched["year"].astype(str),
            "object": np.where(matched["kind"] == BUILDING, matched["matched_bld_id"], matched["pnu"]),
            "kind": matched["kind"],
            "share": matched["_share"],
            "row_id": matched["row_id"],
            "source_row": matched["source_row"],
        },
        index=matched.index,
    ).sort_values("source_row", kind="stable")
    groups = lean.groupby(["year", "kind", "object"], sort=False)
    duplicate = groups["share"].cumsum() > 1.0 + 1e-6
    first = groups["row_id"].transform("first")
    return duplicate.reindex(matched.index), first.reindex(matched.index)


def link_tax_ledger(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    ledger: pd.DataFrame,
    options: LinkageOptions | None = None,
    progress: Progress = SILENT,
    register: BuildingRegister | None = None,
) -> LinkageResult:
    """The whole linkage; ``ledger`` has the columns of :func:`read_ledger` (English names);
    ``register`` the optional 건축물대장 표제부 (:func:`read_building_register`)."""
    options = options or LinkageOptions()
    missing = [c for c in ("object_kind", "taxed_area", "row_id") if c not in ledger]
    if missing:
        raise MissingColumnsError(f"The ledger frame lacks {', '.join(missing)}.", "Read it with read_ledger().")
    ledger = ledger.copy(deep=False)  # columns are only added here; _resolve_ledger copies the values
    for column in LEDGER_OUTPUT_COLUMNS:
        if column not in ledger:
            ledger[column] = np.nan if column in ("taxed_area", "assessed_value", "tax") else ""
    if "source_row" not in ledger or (ledger["source_row"] == "").all():
        ledger["source_row"] = np.arange(2, len(ledger) + 2)
    progress.info(f"Linking {len(ledger):,} ledger rows to {len(parcels):,} parcels and {len(buildings):,} buildings")
    parcels = prepare_parcels(parcels)
    prepared = prepare_buildings(buildings, parcels, ledger["bld_id"])
    buildings = prepared.frame
    progress.set(0.15)
    resolver = AddressResolver(options.sigungu_code, roads=RoadAddressIndex.from_buildings(buildings))
    rows, warnings = _resolve_ledger(ledger, resolver, progress)
    # Building ids as the buildings layer knows them; rows whose address did not resolve but whose
    # building id names a building are placed on its parcel (building_layer, address).
    rows["bld_id"] = known_building_ids(rows["bld_id"], prepared.aliases)
    place_by_building_id(rows, buildings)
    del resolver  # its cache holds one resolution per distinct address (a million at 2,000,000 parcels)
    rows["_share"] = share_fraction(rows["share"])
    progress.set(0.35)
    parcel_pnus = pd.Index(parcels["PNU"].unique())
    land = (rows["kind"] == LAND) & (rows["reason_code"] == "")
    no_parcel = land & ~rows["pnu"].isin(parcel_pnus)
    rows.loc[no_parcel, "reason_code"] = "LEDGER_NO_PARCEL"
    rows.loc[no_parcel, "reason"] = "no parcel has PNU " + rows.loc[no_parcel, "pnu"]
    rows = _assign_buildings(rows, buildings, parcel_pnus)
    progress.set(0.5)

    placed = (rows["reason_code"] == "").to_numpy()
    # take() gives new frames that own their values (no second copy to be allowed to add columns); only
    # the columns read from here on, and ``rows`` let go: at 2,000,000 parcels each column is 30 MB.
    carried = rows[[*LEDGER_OUTPUT_COLUMNS, "kind", "reason_code", "reason", "_share", "matched_bld_id"]]
    del rows
    matched = carried.take(np.flatnonzero(placed))
    unmatched = carried.take(np.flatnonzero(~placed))
    del carried
    duplicate, first_of_object = _flag_duplicates(matched)
    matched["is_duplicate"] = duplicate.to_numpy()
    matched["same_as"] = np.where(duplicate, first_of_object, "")

    findings = _findings(parcels, buildings, matched, unmatched, options)
    register_matched = register_unmatched = None
    if register is not None:
        ledger_building_pnus = set(matched.loc[matched["kind"] == BUILDING, "pnu"])
        register_matched, register_unmatched, missing = link_building_register(
            register.records, parcels, buildings, ledger_building_pnus
        )
        register_unmatched = pd.concat([register.rejects, register_unmatched], ignore_index=True)
        findings = pd.concat([findings, _register_findings(missing, matched, buildings)], ignore_index=True)
    progress.set(0.75)
    parcels_tax, buildings_tax = _object_layers(parcels, buildings, matched, findings)
    findings_layer = _findings_layer(findings, parcels, buildings)
    summary = _summary(findings_layer)
    counts = {
        "ledger_rows": len(ledger),
        "matched": len(matched),
        "unmatched": len(unmatched),
        "resolved_by_address": int((matched["pnu_source"] == "address").sum()),
        "parcels": len(parcels),
        "buildings": len(buildings),
        "findings": len(findings_layer),
        "buildings_placed_spatially": int((buildings["host_source"] == "spatial").sum()),
    }
    if counts["matched"] + counts["unmatched"] != counts["ledger_rows"]:  # pragma: no cover - an engine bug
        raise AssertionError(f"ledger rows lost: {counts}")
    ledger_matched = _ledger_output(matched, options, extra=["is_duplicate", "same_as", "matched_bld_id"])
    ledger_unmatched = _ledger_output(unmatched, options, extra=["reason_code", "reason"])
    progress.set(0.9)
    if register is not None:
        counts["register_records"] = len(register.records) + len(register.rejects)
        counts["register_unmatched"] = len(register_unmatched)
    return LinkageResult(
        parcels_tax,
        buildings_tax,
        findings_layer,
        ledger_matched,
        ledger_unmatched,
        summary,
        counts,
        [*prepared.warnings, *warnings],
        register_matched,
        register_unmatched,
        prepared.messages,
    )


def _building_tax_per_m2(rows: pd.DataFrame, class_of: pd.Series, wanted: pd.Series) -> pd.Series:
    """Tax per m² of floor area for each class in ``wanted``: the median over taxed buildings of that use
    class (``class_of``: bld_id -> class), else over all taxed buildings, else 0."""
    per_building = rows.groupby("matched_bld_id", sort=False)[["tax", "taxed_area"]].sum()
    rate = per_building["tax"] / per_building["taxed_area"]
    by_class = rate.groupby(class_of.reindex(per_building.index)).median()
    return wanted.map(by_class).fillna(rate.median()).fillna(0)


def _register_findings(missing: pd.DataFrame, matched: pd.DataFrame, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """BUILDING_NOT_TAXED for register buildings missing from map and ledger, priced like GIS ones."""
    rows = matched[(matched["kind"] == BUILDING) & ~matched["is_duplicate"]]
    use_class, _ = use_classes(missing["use_code"], pd.Series("", index=missing.index), "current")
    estimate = _building_tax_per_m2(rows, buildings.set_index("bld_id")["use_class"], use_class)
    estimate = estimate * missing["floor_area"].fillna(0)
    return missing[["pnu", "bld_id", "row_id", "detail"]].assign(
        code="BUILDING_NOT_TAXED", tax_at_stake=estimate.round(-1).astype(np.int64)
    )


def _ledger_output(rows: pd.DataFrame, options: LinkageOptions, extra: list[str]) -> pd.DataFrame:
    """The output table: built from the column arrays (selecting, copying and re-indexing a 25-column
    frame of 400,000 rows costs a second), building ids as matched, personal data masked."""
    columns = [*LEDGER_OUTPUT_COLUMNS, *(c for c in extra if c != "matched_bld_id")]
    data = {column: rows[column].to_numpy() for column in columns}
    if "matched_bld_id" in extra:
        data["bld_id"] = np.where(rows["matched_bld_id"] != "", rows["matched_bld_id"], rows["bld_id"])
    data["source_row"] = data["source_row"].astype(np.int64)
    if not options.show_personal_data:
        personal = [c for c in ("taxpayer", "resident_no") if c in data]
        masked = mask_frame(pd.DataFrame({c: data[c] for c in personal}))
        data.update({c: masked[c].to_numpy() for c in personal})
    return pd.DataFrame(data, copy=False)  # no stacking of the columns into one block: a copy of them all


def _lean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A frame of some of ``frame``'s columns that shares their arrays (selecting copies them all)."""
    return pd.DataFrame({column: frame[column].to_numpy() for column in columns}, index=frame.index, copy=False)


def _findings(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    matched: pd.DataFrame,
    unmatched: pd.DataFrame,
    options: LinkageOptions,
) -> pd.DataFrame:
    records: list[pd.DataFrame] = []

    def add(code: str, frame: pd.DataFrame) -> None:
        if len(frame):
            records.append(frame.assign(code=code))

    # Only the columns read here (every subset below copies what it carries), as views, not copies.
    matched = _lean(
        matched,
        ["kind", "pnu", "matched_bld_id", "is_duplicate", "taxed_area", "tax", "taxed_use", "row_id", "same_as"],
    )
    parcels = _lean(parcels, ["PNU", "JIBUN", "jimok", "legal_dong_code", "register", "pnu_valid", "gis_area_m2"])
    land = matched[matched["kind"] == LAND]
    bld_rows = matched[matched["kind"] == BUILDING]
    live_land = land[~land["is_duplicate"]]
    live_bld = bld_rows[~bld_rows["is_duplicate"]]
    parcel_area = parcels.groupby("PNU", sort=False)["gis_area_m2"].sum()
    parcel_info = pd.DataFrame(parcels[["PNU", "legal_dong_code", "jimok"]]).drop_duplicates("PNU").set_index("PNU")
    building_info = pd.DataFrame(buildings[["bld_id", "use_class", "use_name", "total_floor_area"]]).set_index("bld_id")

    # --- untaxed parcels ----------------------------------------------------------------------------
    # isin() takes arrays: a Python set of 2,000,000 keys costs three times the test itself.
    taxed_pnus = land["pnu"].to_numpy()
    standard = parcels["register"].isin(["1", "2"]) & parcels["pnu_valid"]
    taxable = standard & ~parcels["jimok"].isin(options.non_taxable_jimok) & ~parcels["PNU"].isin(options.exempt_pnus)
    untaxed = parcels[taxable & ~parcels["PNU"].isin(taxed_pnus)].drop_duplicates("PNU")
    if len(untaxed):
        land_tax = live_land.groupby("pnu", sort=False)["tax"].sum()
        info = parcel_info.reindex(land_tax.index)
        area = parcel_area.reindex(land_tax.index)
        rate = land_tax / area
        by_dong_jimok = rate.groupby([info["legal_dong_code"], info["jimok"]]).median()
        by_jimok = rate.groupby(info["jimok"]).median()
        estimate = pd.Series(
            list(zip(untaxed["legal_dong_code"], untaxed["jimok"], strict=True)), index=untaxed.index
        ).map(by_dong_jimok)
        estimate = estimate.fillna(untaxed["jimok"].map(by_jimok)).fillna(rate.median()).fillna(0)
        add(
            "PARCEL_NOT_TAXED",
            pd.DataFrame(
                {
                    "pnu": untaxed["PNU"],
                    "bld_id": "",
                    "row_id": "",
                    "detail": "지목 "
                    + untaxed["jimok"].replace("", "?")
                    + ", GIS area "
                    + untaxed["gis_area_m2"].map("{:,.1f} m²".format)
                    + ": no land row in the ledger",
                    "tax_at_stake": (estimate * untaxed["gis_area_m2"]).to_numpy(),
                }
            ),
        )
    nonstandard = parcels[parcels["pnu_valid"] & ~parcels["register"].isin(["1", "2"])].drop_duplicates("PNU")
    add(
        "PNU_NONSTANDARD",
        pd.DataFrame(
            {
                "pnu": nonstandard["PNU"],
                "bld_id": "",
                "row_id": "",
                "detail": "land-register digit " + nonstandard["register"] + " (JIBUN " + nonstandard["JIBUN"] + ")",
                "tax_at_stake": 0.0,
            }
        ),
    )

    # --- untaxed buildings --------------------------------------------------------------------------
    untaxed_b = buildings[~buildings["bld_id"].isin(bld_rows["matched_bld_id"].to_numpy())]
    if len(untaxed_b):
        estimate = _building_tax_per_m2(live_bld, building_info["use_class"], untaxed_b["use_class"])
        add(
            "BUILDING_NOT_TAXED",
            pd.DataFrame(
                {
                    "pnu": untaxed_b["pnu"],
                    "bld_id": untaxed_b["bld_id"],
                    "row_id": "",
                    "detail": untaxed_b["use_name"].astype(str)
                    + ", 연면적 "
                    + untaxed_b["total_floor_area"].map("{:,.1f} m²".format)
                    + ": no building row in the ledger",
                    "tax_at_stake": (estimate * untaxed_b["total_floor_area"].fillna(0)).to_numpy(),
                }
            ),
        )

    # --- area mismatches ----------------------------------------------------------------------------
    def area_check(rows: pd.DataFrame, key: str, reference: pd.Series, what: str, bld: bool) -> None:
        grouped = rows.groupby(key, sort=False).agg(
            taxed_area=("taxed_area", "sum"), tax=("tax", "sum"), pnu=("pnu", "first")
        )
        grouped = grouped[grouped["taxed_area"] > 0]
        ref = reference.reindex(grouped.index)
        diff = grouped["taxed_area"] - ref
        limit = np.maximum(options.area_absolute_tolerance_m2, options.area_relative_tolerance * ref)
        bad = grouped[(diff.abs() > limit) & ref.notna()].sort_index()  # the few found, in key order
        if len(bad):
            concerned = rows[rows[key].isin(bad.index)]
            bad["row_id"] = concerned.groupby(key, sort=False)["row_id"].agg(",".join).reindex(bad.index)
            d = diff[bad.index]
            add(
                "AREA_MISMATCH",
                pd.DataFrame(
                    {
                        "pnu": bad["pnu"],
                        "bld_id": bad.index if bld else "",
                        "row_id": bad["row_id"],
                        "detail": f"ledger {what} "
                        + bad["taxed_area"].map("{:,.1f}".format)
                        + " m² vs GIS "
                        + ref[bad.index].map("{:,.1f}".format)
                        + " m² ("
                        + (100 * d / ref[bad.index]).map("{:+.0f}".format)
                        + " %)",
                        "tax_at_stake": (bad["tax"] * d.abs() / bad["taxed_area"]).to_numpy(),
                    }
                ),
            )

    area_check(live_land, "pnu", parcel_area, "land area", bld=False)
    area_check(live_bld, "matched_bld_id", building_info["total_floor_area"], "floor area", bld=True)

    # --- use mismatches -----------------------------------------------------------------------------
    built_pnus = buildings["pnu"].to_numpy()
    vacant = live_land[(live_land["taxed_use"] == VACANT_LAND) & live_land["pnu"].isin(built_pnus)]
    n_buildings = buildings.groupby("pnu", sort=False).size()
    add(
        "USE_MISMATCH",
        pd.DataFrame(
            {
                "pnu": vacant["pnu"],
                "bld_id": "",
                "row_id": vacant["row_id"],
                "detail": "land taxed as 나대지 (vacant) but "
                + vacant["pnu"].map(n_buildings).astype(int).astype(str)
                + " building(s) stand on it",
                "tax_at_stake": vacant["tax"],
            }
        ),
    )
    classes = set(building_use_classes().values())
    bclass = live_bld["matched_bld_id"].map(building_info["use_class"])
    wrong_use = live_bld[live_bld["taxed_use"].isin(classes) & bclass.isin(classes) & (live_bld["taxed_use"] != bclass)]
    add(
        "USE_MISMATCH",
        pd.DataFrame(
            {
                "pnu": wrong_use["pnu"],
                "bld_id": wrong_use["matched_bld_id"],
                "row_id": wrong_use["row_id"],
                "detail": "taxed as "
                + wrong_use["taxed_use"]
                + ", building use is "
                + wrong_use["matched_bld_id"].map(building_info["use_name"]).astype(str)
                + " ("
                + bclass[wrong_use.index]
                + ")",
                "tax_at_stake": wrong_use["tax"],
            }
        ),
    )

    # --- duplicates and unmatched rows --------------------------------------------------------------
    dups = matched[matched["is_duplicate"]]
    add(
        "DUPLICATE_LEDGER",
        pd.DataFrame(
            {
                "pnu": dups["pnu"],
                "bld_id": dups["matched_bld_id"],
                "row_id": dups["row_id"],
                "detail": "same object as " + dups["same_as"] + " (shares add up to more than 1)",
                "tax_at_stake": dups["tax"],
            }
        ),
    )
    for code, group in unmatched.groupby("reason_code"):
        add(
            code,
            pd.DataFrame(
                {
                    "pnu": group["pnu"],
                    "bld_id": group["bld_id"],
                    "row_id": group["row_id"],
                    "detail": group["reason"],
                    "tax_at_stake": group["tax"],
                }
            ),
        )
    columns = ["code", "pnu", "bld_id", "row_id", "detail", "tax_at_stake"]
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "tax_at_stake" else object) for c in columns})
    frame = pd.concat(records, ignore_index=True)[columns]
    frame["tax_at_stake"] = frame["tax_at_stake"].fillna(0).round(-1).astype(np.int64)
    return frame


def _findings_layer(findings: pd.DataFrame, parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point per finding (on the building, else the parcel; none for rows that found neither),
    sorted by severity then tax at stake, so the worklist reads top down."""
    frame = findings.copy()
    frame["severity"] = frame["code"].map(lambda c: CATALOGUE[c].severity).astype(np.int64)
    frame["severity_label"] = frame["severity"].map(SEVERITY_LABELS)
    frame["label_ko"] = frame["code"].map(lambda c: CATALOGUE[c].label_ko)
    frame["label_en"] = frame["code"].map(lambda c: CATALOGUE[c].label_en)
    frame["action"] = frame["code"].map(lambda c: CATALOGUE[c].action)
    frame["legal_dong_code"] = frame["pnu"].str[:10].where(frame["pnu"].str.fullmatch(r"\d{19}"), "")
    frame["legal_dong_name"] = legal_dong_names(frame["legal_dong_code"])
    at_building = frame["bld_id"].map(_points_of(buildings, "bld_id", frame["bld_id"]))
    at_parcel = frame["pnu"].map(_points_of(parcels, "PNU", frame["pnu"]))
    geometry = at_building.where(at_building.notna(), at_parcel)
    frame = frame.sort_values(["severity", "tax_at_stake", "code", "pnu"], ascending=[False, False, True, True])
    frame.insert(0, "finding_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    geometry = geometry.reindex(frame.index)
    return gpd.GeoDataFrame(
        frame.reset_index(drop=True), geometry=gpd.GeoSeries(geometry.to_numpy(), crs=parcels.crs), crs=parcels.crs
    )


def _points_of(layer: gpd.GeoDataFrame, key: str, wanted: pd.Series) -> pd.Series:
    """A point inside each object of ``layer`` whose ``key`` is wanted (only those: it is not cheap)."""
    hits = layer.loc[layer[key].isin(wanted), [key, layer.geometry.name]].drop_duplicates(key)
    return pd.Series(hits.geometry.representative_point().to_numpy(), index=hits[key].to_numpy())


def _finding_totals(findings: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Per object (``key``, aligned on the findings; missing keys left out): n_findings, finding_codes
    (distinct codes, sorted, comma-separated), tax_at_stake, worst_severity. Vectorised: the codes of an
    object are a bit set (eleven codes), so no Python runs per object."""
    ordered_codes = sorted(CATALOGUE)
    key = key.reindex(findings.index)
    keep = key.notna().to_numpy()
    code = findings["code"][keep]
    frame = pd.DataFrame(
        {
            "_k": key[keep].to_numpy(),
            "bit": code.map({c: 1 << i for i, c in enumerate(ordered_codes)}).to_numpy(dtype=np.int64),
            "severity": code.map({c: kind.severity for c, kind in CATALOGUE.items()}).to_numpy(dtype=np.int64),
            "tax_at_stake": findings["tax_at_stake"][keep].to_numpy(),
        }
    )
    groups = frame.groupby("_k")
    bits = frame.drop_duplicates(["_k", "bit"]).groupby("_k")["bit"].sum()
    names = {m: ",".join(c for i, c in enumerate(ordered_codes) if m >> i & 1) for m in bits.unique().tolist()}
    return pd.DataFrame(
        {
            "n_findings": groups.size(),
            "finding_codes": bits.map(names),
            "tax_at_stake": groups["tax_at_stake"].sum(),
            "worst_severity": groups["severity"].max(),
        }
    )


def _aligned(keys: pd.Series, *tables: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of per-key ``tables`` (unique index) for each of ``keys``; NaN where a key is absent."""
    columns: dict[str, np.ndarray] = {}
    for table in tables:
        rows = table.reindex(keys.to_numpy())
        columns.update({column: rows[column].to_numpy() for column in table.columns})
    return columns


def _object_layers(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, matched: pd.DataFrame, findings: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    land = (
        matched[matched["kind"] == LAND]
        .groupby("pnu", sort=False)
        .agg(
            ledger_rows=("row_id", "size"),
            taxed_area=("taxed_area", "sum"),
            assessed_value=("assessed_value", "sum"),
            tax=("tax", "sum"),
        )
    )
    bld = matched[matched["kind"] == BUILDING]
    building_tax_by_pnu = bld.groupby("pnu", sort=False).agg(
        building_rows=("row_id", "size"), building_tax=("tax", "sum")
    )
    per_parcel = _finding_totals(findings, findings["pnu"])
    # New frames from column arrays: joining onto the 200,000-row layers copies them once per join.
    p_columns = ["PNU", "JIBUN", "jimok", "legal_dong_code", "legal_dong_name", "lot", "gis_area_m2"]
    p = pd.DataFrame(
        {
            **{column: parcels[column].to_numpy() for column in p_columns},
            "geometry": parcels.geometry.array,
            **_aligned(parcels["PNU"], land, building_tax_by_pnu, per_parcel),
        },
        copy=False,  # the columns as they are, not stacked into blocks (a copy of them all)
    )
    p = _fill_counts(
        p,
        ["ledger_rows", "building_rows", "n_findings", "worst_severity"],
        ["assessed_value", "tax", "building_tax", "tax_at_stake"],
    )
    p["taxed_area"] = p["taxed_area"].fillna(0.0).round(2)
    p["finding_codes"] = p["finding_codes"].fillna("")

    per_building = bld.groupby("matched_bld_id", sort=False).agg(
        ledger_rows=("row_id", "size"), taxed_area=("taxed_area", "sum"), tax=("tax", "sum")
    )
    with_bld = findings[findings["bld_id"] != ""]
    b_codes = _finding_totals(findings, with_bld["bld_id"])
    b_columns = [*BUILDING_COLUMNS, "use_class", "host_source"]
    b = pd.DataFrame(
        {
            **{column: buildings[column].to_numpy() for column in b_columns},
            buildings.geometry.name: buildings.geometry.array,
            **_aligned(buildings["bld_id"], per_building, b_codes),
        },
        copy=False,
    )
    b = _fill_counts(b, ["ledger_rows", "n_findings", "worst_severity"], ["tax", "tax_at_stake"])
    b["taxed_area"] = b["taxed_area"].fillna(0.0).round(2)
    b["finding_codes"] = b["finding_codes"].fillna("")
    # copy=False: the columns stay as built (GeoDataFrame otherwise stacks them into blocks, a copy of
    # them all: seconds at 2,000,000 parcels).
    return gpd.GeoDataFrame(p, geometry="geometry", crs=parcels.crs, copy=False), gpd.GeoDataFrame(
        b, geometry=buildings.geometry.name, crs=buildings.crs, copy=False
    )


def _fill_counts(frame: pd.DataFrame, counts: list[str], money: list[str]) -> pd.DataFrame:
    for column in counts + money:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0).round(0).astype(np.int64)
    return frame


def _summary(findings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Counts and tax at stake by code, and by 법정동 and code: the figures of the report."""
    by_code = findings.groupby("code").agg(count=("code", "size"), tax_at_stake=("tax_at_stake", "sum")).reset_index()
    by_code.insert(0, "group_kind", "code")
    by_code.insert(1, "group_value", "김포시 전체")
    dong = findings.assign(group_value=findings["legal_dong_name"].replace("", "(위치 없음)"))
    by_dong = dong.groupby(["group_value", "code"]).agg(count=("code", "size"), tax_at_stake=("tax_at_stake", "sum"))
    by_dong = by_dong.reset_index()
    by_dong.insert(0, "group_kind", "legal_dong")
    summary = pd.concat([by_code, by_dong], ignore_index=True)
    summary["label_ko"] = summary["code"].map(lambda c: CATALOGUE[c].label_ko)
    summary["count"] = summary["count"].astype(np.int64)
    summary["tax_at_stake"] = summary["tax_at_stake"].astype(np.int64)
    return summary[["group_kind", "group_value", "code", "label_ko", "count", "tax_at_stake"]]


def check_parcel_layer(parcels: gpd.GeoDataFrame, source: str) -> None:
    """Refuse a parcel layer that is not polygons, naming it."""
    kinds = set(parcels.geom_type.dropna().unique())
    if kinds and not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(
            f"{source}: parcels must be polygons, found {', '.join(sorted(kinds))}.",
            "Give the 연속지적도 polygon layer.",
        )
