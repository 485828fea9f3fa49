"""A generator of realistic, messy 재산세 과세대장 on the real 월곶면 parcels, with planted discrepancies and
their ground truth: the test of the linkage is what real exports contain, not a fixture tuned to it.

``build_case(parcels, seed)`` makes buildings on real parcels (houses, shops, factories), a clean ledger
(토지 rows, 건축물 rows, 주택 rows taxing house and land together, co-owners), then plants every finding
kind. ``write_shape(case, shape, folder)`` writes that ledger in one of the shapes offices send:
CP949 CSV with the city's headers, UTF-16 tab-separated with other headers, a title line, 합계 and blank
rows, an XLSX with the PNU column stored as numbers (exactly, or rounded as Excel keeps 15 digits),
separate 산구분 / 본번 / 부번 columns without a PNU, a CSV with ``4.15703E+18``, a mixed-encoding file,
and a CSV named .xlsx.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gimpo_gis_plugin.core.tax_linkage.parcels import legal_dong_names, prepare_parcels

HOUSE_USE, SHOP_USE, FACTORY_USE = ("01000", "단독주택", "주거용"), ("03000", "제1종근린생활시설", "상업용"), None
ROW_KEYED = {
    "DUPLICATE_LEDGER",
    "LEDGER_NO_PARCEL",
    "LEDGER_NO_BUILDING",
    "ADDRESS_UNRESOLVED",
    "PNU_MALFORMED",
    "OBJECT_KIND_UNKNOWN",
    "LEDGER_VALUE_INVALID",
}
NON_TAXABLE = set("도구천제유학공")


@dataclass
class Case:
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    ledger: pd.DataFrame  # English columns, all text
    truth: pd.DataFrame  # code, key
    rrn: str  # a resident number typed into a free-text column


def finding_key(code: str, pnu: str, bld_id: str, row_id: str) -> str:
    if code in ROW_KEYED:
        return f"row:{row_id}"
    if code == "PARCEL_NOT_TAXED" or code == "PNU_NONSTANDARD":
        return f"pnu:{pnu}"
    return f"bld:{bld_id}" if bld_id else f"pnu:{pnu}"


def build_case(parcels: gpd.GeoDataFrame, seed: int = 7, house_area: str = "floor") -> Case:
    """``house_area``: what a 주택 row's 과세면적 holds — "floor" (the house's floor area) or "land" (the
    parcel, as exports that list the 부속토지 do)."""
    rng = np.random.default_rng(seed)
    prepared = prepare_parcels(parcels)
    standard = prepared[prepared["register"].isin(["1", "2"])].reset_index(drop=True)
    taxable = standard[~standard["jimok"].isin(NON_TAXABLE)].reset_index(drop=True)
    # Buildings: on a fifth of the taxable parcels of 대/장/창/잡 and some 전/답, big enough for one.
    hosts = taxable[(taxable["gis_area_m2"] > 150) & taxable["jimok"].isin(list("대장창잡전답"))]
    hosts = hosts.sample(n=min(700, len(hosts)), random_state=seed).reset_index(drop=True)
    geoms = parcels.set_index(parcels["PNU"].astype(str)).geometry
    records = []
    for i, row in hosts.iterrows():
        polygon = geoms[row["PNU"]]
        if isinstance(polygon, gpd.GeoSeries):
            polygon = polygon.iloc[0]
        footprint = polygon.representative_point().buffer(min(9.0, np.sqrt(row["gis_area_m2"]) / 4), quad_segs=2)
        footprint = footprint.intersection(polygon)
        use = HOUSE_USE if i % 2 == 0 else SHOP_USE if i % 4 == 1 else ("18000", "창고시설", "공업용")
        floors = int(rng.integers(1, 4))
        records.append(
            {
                "bld_id": f"{row['PNU']}{i + 1:06d}",
                "pnu": row["PNU"],
                "use_code": use[0],
                "use_name": use[1],
                "use_class": use[2],
                "building_area": round(footprint.area, 1),
                "total_floor_area": round(footprint.area * floors, 1),
                "geometry": footprint,
            }
        )
    buildings = gpd.GeoDataFrame(records, geometry="geometry", crs=parcels.crs)
    house_pnus = set(buildings.loc[buildings["use_class"] == "주거용", "pnu"])
    rows: list[dict] = []
    truth: list[tuple[str, str]] = []

    def add(kind: str, pnu: str, area: float, tax: float, **extra) -> dict:
        row = {
            "row_id": f"2026-{len(rows) + 1:07d}",
            "year": "2026",
            "object_kind": kind,
            "pnu": pnu,
            "bld_id": "",
            "share": "1",
            "taxed_area": f"{area:.1f}",
            "taxed_use": "",
            "assessed_value": f"{tax * 600:.0f}",
            "tax": f"{tax:.0f}",
            "taxpayer": "김민수",
            "resident_no": "900101-1234567" if len(rows) % 3 else "050101-3234567",  # born 2005: 0 first
            **extra,
        }
        rows.append(row)
        return row

    land_of = {}
    for p in taxable.itertuples(index=False):
        if p.PNU in house_pnus:
            continue  # taxed by its 주택 row
        area = p.gis_area_m2 * (1 + rng.normal(0, 0.01))
        tax = p.gis_area_m2 * 120
        if rng.random() < 0.05:  # two co-owners of 1/2: not duplicates, not an area mismatch
            add("토지", p.PNU, area / 2, tax / 2, share="1/2", taxed_use=p.jimok)
            land_of[p.PNU] = add("토지", p.PNU, area / 2, tax / 2, share="1/2", taxed_use=p.jimok)
        else:
            land_of[p.PNU] = add("토지", p.PNU, area, tax, taxed_use=p.jimok)
    building_of = {}
    area_of = prepared.drop_duplicates("PNU").set_index("PNU")["gis_area_m2"]
    for b in buildings.itertuples(index=False):
        if b.use_class == "주거용":  # 주택분: house and land in one row
            kind = ["주택", "주택분", "3"][len(building_of) % 3] if len(building_of) % 5 else "주택"
            area = b.total_floor_area if house_area == "floor" else float(area_of[b.pnu])
            building_of[b.bld_id] = add(kind, b.pnu, area, b.total_floor_area * 900, taxed_use="주거용")
        else:
            with_id = len(building_of) % 2 == 0
            building_of[b.bld_id] = add(
                "건축물",
                b.pnu,
                b.total_floor_area,
                b.total_floor_area * 800,
                taxed_use=b.use_class,
                bld_id=b.bld_id if with_id else "",
            )
    order = rng.permutation

    # --- plant the discrepancies -------------------------------------------------------------------
    land_pnus = [p for p in order(list(land_of)) if len(rows) and land_of[p]["share"] == "1"]
    big = [p for p in land_pnus if float(land_of[p]["taxed_area"]) > 300]
    shops = [b for b in order(list(building_of)) if building_of[b]["object_kind"] == "건축물"]
    houses = [b for b in order(list(building_of)) if building_of[b]["object_kind"] != "건축물"]
    used: set[str] = set()

    def take(pool: list[str], n: int) -> list[str]:
        out = [x for x in pool if x not in used][:n]
        used.update(out)
        return out

    removed: set[int] = set()
    for pnu in take(land_pnus, 40):  # PARCEL_NOT_TAXED
        removed.add(id(land_of[pnu]))
        truth.append(("PARCEL_NOT_TAXED", f"pnu:{pnu}"))
    for bld in take(shops, 25):  # BUILDING_NOT_TAXED
        removed.add(id(building_of[bld]))
        truth.append(("BUILDING_NOT_TAXED", f"bld:{bld}"))
    for bld in take(houses, 10):  # a 주택 row missing: neither house nor land taxed
        removed.add(id(building_of[bld]))
        truth.append(("BUILDING_NOT_TAXED", f"bld:{bld}"))
        truth.append(("PARCEL_NOT_TAXED", f"pnu:{building_of[bld]['pnu']}"))
    for pnu in take(big, 30):  # AREA_MISMATCH (land)
        row = land_of[pnu]
        row["taxed_area"] = f"{float(row['taxed_area']) * rng.choice([0.5, 1.6]):.1f}"
        truth.append(("AREA_MISMATCH", f"pnu:{pnu}"))
    for bld in take([b for b in shops if float(building_of[b]["taxed_area"]) > 60], 20):  # AREA_MISMATCH (bld)
        row = building_of[bld]
        row["taxed_area"] = f"{float(row['taxed_area']) * 1.7:.1f}"
        row["bld_id"] = bld  # found by id, so the wrong area cannot pick a neighbour
        truth.append(("AREA_MISMATCH", f"bld:{bld}"))
    for bld in take([b for b in houses if float(building_of[b]["taxed_area"]) > 60], 8):  # AREA_MISMATCH (주택)
        row = building_of[bld]
        row["taxed_area"] = f"{float(row['taxed_area']) * rng.choice([0.4, 1.8]):.1f}"
        row["bld_id"] = bld
        truth.append(("AREA_MISMATCH", f"bld:{bld}"))
    built_land = [p for p in land_pnus if p in set(buildings["pnu"]) and p not in house_pnus]
    for pnu in take(built_land, 12):  # USE_MISMATCH: 나대지 under a building
        land_of[pnu]["taxed_use"] = "나대지"
        truth.append(("USE_MISMATCH", f"pnu:{pnu}"))
    for bld in take(shops, 10):  # USE_MISMATCH: taxed 주거용, the building is a shop or warehouse
        building_of[bld]["taxed_use"] = "주거용"
        building_of[bld]["bld_id"] = bld
        truth.append(("USE_MISMATCH", f"bld:{bld}"))
    for bld in take(houses, 5):  # USE_MISMATCH: a 주택 row taxed 상업용 on a house
        building_of[bld]["taxed_use"] = "상업용"
        building_of[bld]["bld_id"] = bld
        truth.append(("USE_MISMATCH", f"bld:{bld}"))
    extra: list[dict] = []
    for pnu in take(land_pnus, 20):  # DUPLICATE_LEDGER: the same land row twice
        copy = dict(land_of[pnu], row_id=f"2026-D{len(extra):05d}")
        extra.append(copy)
        truth.append(("DUPLICATE_LEDGER", f"row:{copy['row_id']}"))
    for i in range(15):  # LEDGER_NO_PARCEL
        row = dict(add("토지", f"415703502619{900 + i:03d}0000", 100, 5000), taxed_use="전")
        truth.append(("LEDGER_NO_PARCEL", f"row:{row['row_id']}"))
    for i in range(10):  # ADDRESS_UNRESOLVED
        row = add("토지", "", 100, 5000, address=f"김포시 월곶면 가상리 {i + 1}")
        truth.append(("ADDRESS_UNRESOLVED", f"row:{row['row_id']}"))
    for i in range(8):  # PNU_MALFORMED
        row = add("토지", f"41570350261{i:03d}", 100, 5000)
        truth.append(("PNU_MALFORMED", f"row:{row['row_id']}"))
    bare = [p for p in land_pnus if p not in set(buildings["pnu"])]
    for i, pnu in enumerate(take(bare, 10)):  # LEDGER_NO_BUILDING: a building row on a parcel without one
        row = add("건축물", pnu, 80, 6000, bld_id=f"{pnu}9{i:05d}", taxed_use="상업용")
        truth.append(("LEDGER_NO_BUILDING", f"row:{row['row_id']}"))
    for pnu in take(bare, 5):  # OBJECT_KIND_UNKNOWN
        row = add("기타물건", pnu, 50, 1000)
        truth.append(("OBJECT_KIND_UNKNOWN", f"row:{row['row_id']}"))
    for value, pnu in zip(["넓음", "-500", "1e308", "inf", "NaN원"], take(land_pnus, 5), strict=True):
        row = dict(land_of[pnu], row_id=f"2026-V{len(extra):05d}", taxed_area=value)  # beside the true row
        extra.append(row)
        truth.append(("LEDGER_VALUE_INVALID", f"row:{row['row_id']}"))
    for pnu in take(land_pnus, 150):  # placed by address only: no finding
        row = land_of[pnu]
        lot = prepared.set_index("PNU").loc[pnu]
        lot = lot.iloc[0] if isinstance(lot, pd.DataFrame) else lot
        row["address"] = f"경기도 김포시 {lot['legal_dong_name']} {lot['lot']}"
        row["pnu"] = ""
    rrn = "850315-2345678"
    for pnu in take(land_pnus, 5):  # a resident number typed into a free-text column
        land_of[pnu]["address"] = f"김포시 월곶면 (소유자 {rrn})"
    base = pd.DataFrame([r for r in rows if id(r) not in removed]).sample(frac=1.0, random_state=seed)
    ledger = pd.concat([base, pd.DataFrame(extra)], ignore_index=True).fillna("")  # copies after originals
    for p in prepared[~prepared["register"].isin(["1", "2"])]["PNU"]:
        truth.append(("PNU_NONSTANDARD", f"pnu:{p}"))
    return Case(parcels, buildings, ledger, pd.DataFrame(truth, columns=["code", "key"]), rrn)


# --- shapes ----------------------------------------------------------------------------------------------
# openpyxl writes an integer above 15 digits as Excel does: 4157035027107650003 -> 4.15703502710765e+18.
# So a workbook whose PNU column is numeric is always rounded: it must be refused.
CITY_HEADERS = {
    "row_id": "과세번호",
    "year": "과세년도",
    "object_kind": "과세대상구분",
    "address": "물건소재지",
    "pnu": "고유번호",
    "bld_id": "건물관리번호",
    "share": "지분",
    "taxed_area": "과세면적",
    "taxed_use": "과세용도",
    "assessed_value": "시가표준액",
    "tax": "재산세액",
    "taxpayer": "납세자명",
    "resident_no": "주민등록번호",
}
OTHER_HEADERS = {
    "row_id": "관리번호",
    "year": "부과년도",
    "object_kind": "과세물건",
    "address": "소재지",
    "pnu": "필지고유번호",
    "bld_id": "건축물관리번호",
    "share": "소유지분",
    "taxed_area": "과세면적(㎡)",
    "taxed_use": "현황용도",
    "assessed_value": "과세표준",
    "tax": "산출세액",
    "taxpayer": "납세의무자",
    "resident_no": "주민(법인)등록번호",
}
HANDLED = ("cp949_csv", "utf16_tabs_totals", "xlsx_numbers_as_numbers", "split_lots_utf8_bom")
REFUSED = ("xlsx_numeric_rounded", "csv_scientific_pnu", "mixed_encoding", "csv_named_xlsx")


def _with_totals(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """합계 / 소계 rows and blank rows inserted, as printed exports have them."""
    rng = np.random.default_rng(seed)
    blank = {c: "" for c in frame.columns}
    parts, start = [], 0
    for cut in sorted(rng.choice(np.arange(100, len(frame) - 100), size=3, replace=False)):
        chunk = frame.iloc[start:cut]
        parts += [chunk, pd.DataFrame([{**blank, frame.columns[0]: "소계", "tax": "123456"}, blank])]
        start = cut
    total = {**blank, frame.columns[0]: "합 계", "taxed_area": "9999999", "tax": "1029641640"}
    parts += [frame.iloc[start:], pd.DataFrame([blank, total])]
    return pd.concat(parts, ignore_index=True)


def write_shape(case: Case, shape: str, folder: Path) -> Path:
    ledger = case.ledger
    if shape == "cp949_csv":
        path = folder / "ledger_cp949.csv"
        ledger.rename(columns=CITY_HEADERS).to_csv(path, index=False, encoding="cp949")
    elif shape == "utf16_tabs_totals":
        path = folder / "ledger_utf16.txt"
        frame = _with_totals(ledger, 3).rename(columns=OTHER_HEADERS)
        text = "2026년 재산세(토지·건축물·주택) 과세대장\n" + frame.to_csv(index=False, sep="\t")
        path.write_bytes(text.encode("utf-16"))  # BOM + UTF-16 LE, as Excel's "유니코드 텍스트"
    elif shape in ("xlsx_numbers_as_numbers", "xlsx_numeric_rounded", "csv_named_xlsx"):
        path = folder / f"ledger_{shape}.xlsx"
        if shape == "csv_named_xlsx":
            ledger.rename(columns=CITY_HEADERS).to_csv(path, index=False, encoding="cp949")
            return path
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        headers = list(CITY_HEADERS.values())
        sheet.append(headers)
        for row in ledger[list(CITY_HEADERS)].itertuples(index=False):
            values = list(row)
            pnu = values[4]
            if pnu.isdigit() and shape == "xlsx_numeric_rounded":  # openpyxl, like Excel, keeps 15 digits
                values[4] = int(pnu)
            values[12] = int(values[12].replace("-", ""))  # resident numbers as numbers (exact: 13 digits)
            for j in (7, 9, 10):  # area, value, tax as numbers where they are believable numbers
                try:
                    number = float(values[j])
                except ValueError:
                    continue
                if np.isfinite(number) and 0 <= number < 1e12:
                    values[j] = number
            sheet.append(values)
        book.save(path)
    elif shape == "split_lots_utf8_bom":
        path = folder / "ledger_split.csv"
        frame = ledger.copy()
        known = (frame["pnu"].str.len() == 19) & frame["pnu"].str.isdigit()
        dong = legal_dong_names(frame["pnu"].str[:10].where(known, ""))
        frame["소재지"] = np.where(known, "경기도 김포시 " + dong, frame["address"])
        frame["산구분"] = np.where(known, np.where(frame["pnu"].str[10] == "2", "2", "1"), "")
        frame["본번"] = np.where(known, frame["pnu"].str[11:15].str.lstrip("0").replace("", "0"), "")
        frame["부번"] = np.where(known, frame["pnu"].str[15:19].str.lstrip("0"), "")  # empty when 0, as printed
        frame = frame.drop(columns=["address", "pnu"]).rename(columns=CITY_HEADERS)
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif shape == "csv_scientific_pnu":
        path = folder / "ledger_scientific.csv"
        frame = ledger.copy()
        digits = frame["pnu"].str.isdigit()
        frame.loc[digits, "pnu"] = frame.loc[digits, "pnu"].map(lambda p: f"{int(p):.5E}".replace("E+", "E+"))
        frame.rename(columns=CITY_HEADERS).to_csv(path, index=False, encoding="cp949")
    elif shape == "mixed_encoding":
        path = folder / "ledger_mixed.csv"
        text = ledger.rename(columns=CITY_HEADERS).to_csv(index=False)
        lines = text.splitlines(keepends=True)
        path.write_bytes("".join(lines[:1000]).encode("utf-8") + "".join(lines[1000:]).encode("cp949"))
    else:  # pragma: no cover
        raise ValueError(shape)
    return path


def score(found: pd.DataFrame, truth: pd.DataFrame) -> dict[str, tuple[int, int, float, float]]:
    """code -> (planted, found, precision, recall)."""
    keys = {
        (c, finding_key(c, p, b, r))
        for c, p, b, r in found[["code", "pnu", "bld_id", "row_id"]].astype(str).itertuples(index=False)
    }
    planted = set(map(tuple, truth[["code", "key"]].to_numpy()))
    out = {}
    for code in sorted({c for c, _ in planted} | {c for c, _ in keys}):
        p = {k for c, k in planted if c == code}
        f = {k for c, k in keys if c == code}
        hit = len(p & f)
        out[code] = (len(p), len(f), hit / len(f) if f else 1.0, hit / len(p) if p else 1.0)
    return out


def geometry_ok(frame: gpd.GeoDataFrame) -> bool:
    return bool(shapely.is_valid(frame.geometry.to_numpy()).all())
