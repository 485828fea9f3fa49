"""Load a facility dataset and check it against the schema; every record ends kept or in the rejects.

Two outcomes per problem, chosen so that an analysis never calls a place safe because of bad data:

- ``rejected``: the record cannot be used at all (no geometry, a point in a line table, a multi-part
  line that is not one run). It goes to the ``rejects`` table with its id, source row and attributes.
- ``kept``: the record is used, the problem is listed in ``data_issues``. A missing, negative
  (above ground) or implausible depth becomes *unknown*, which the analyses report as a risk rather
  than as clearance; a missing agency becomes ``미상`` so the notice still lists the facility.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .. import store
from ..errors import InputError, MissingColumnsError
from ..vector_io import DEFAULT_CRS, read_vector
from .schema import ALL_LAYERS, LINE_LAYERS, UNDERGROUND_LAYERS, LayerSpec

UNKNOWN_AGENCY = "미상"
ISSUE_COLUMNS = ["layer", "record_id", "src_row", "field", "code", "value", "outcome", "reason"]
REJECT_COLUMNS = ["layer", "record_id", "src_row", "code", "reason", "attributes"]

ISSUE_LABELS_KO = {
    "GEOMETRY_MISSING": "도형 없음",
    "GEOMETRY_WRONG_TYPE": "도형 유형 오류",
    "GEOMETRY_MULTIPART": "여러 부분으로 된 선",
    "ID_MISSING": "관리번호 없음",
    "ID_DUPLICATE": "관리번호 중복",
    "AGENCY_MISSING": "관리기관 없음",
    "VALUE_NOT_NUMERIC": "숫자가 아님",
    "VALUE_OUT_OF_RANGE": "값 범위 초과",
    "DATE_INVALID": "날짜 오류",
    "DATE_IN_FUTURE": "미래 날짜",
    "CHOICE_INVALID": "허용되지 않은 값",
    "DEPTH_MISSING": "깊이 없음",
    "DEPTH_NEGATIVE": "깊이 음수(지표 위)",
    "DEPTH_IMPLAUSIBLE": "비현실적 깊이",
    "DEPTH_SHALLOW": "얕은 매설",
    "DEPTH_INVERTED": "최저/최고 깊이 뒤바뀜",
    "SEWER_ADVERSE_SLOPE": "하수관 역경사",
    "SLOPE_INCONSISTENT": "구배와 관저고 불일치",
    "DIAMETER_MISSING": "구경 없음",
}


@dataclass
class FacilityStore:
    """Validated tables (schema columns plus ``record_id``, ``src_row``), and what was found wrong."""

    layers: dict[str, gpd.GeoDataFrame]
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))

    @property
    def line_layers(self) -> dict[str, gpd.GeoDataFrame]:
        return {name: frame for name, frame in self.layers.items() if ALL_LAYERS[name] in LINE_LAYERS}

    @property
    def point_layers(self) -> dict[str, gpd.GeoDataFrame]:
        return {name: frame for name, frame in self.layers.items() if ALL_LAYERS[name] not in LINE_LAYERS}

    def summary(self) -> str:
        kept = sum(len(frame) for frame in self.layers.values())
        flagged = self.issues[self.issues["outcome"] == "kept"]["record_id"].nunique() if len(self.issues) else 0
        return f"{kept:,} facilities kept ({flagged:,} with data issues), {len(self.rejects):,} rejected"


def load_store(
    source: str | Path | Mapping[str, gpd.GeoDataFrame],
    today: date | None = None,
    tables: Mapping[str, LayerSpec] = UNDERGROUND_LAYERS,
    require_any: bool = True,
) -> FacilityStore:
    """Read the schema tables from a GeoPackage (or frames keyed by table name) and validate them.

    Table names match case-insensitively (``WTL_PIPE_LM`` works); other layers are ignored. ``tables``
    picks which schema tables to read (all underground networks by default; the water isolation reads
    only the water ones plus the service points); ``require_any=False`` lets none of them be present.
    """
    if isinstance(source, Mapping):
        frames = {name.lower(): frame for name, frame in source.items() if name.lower() in tables}
    else:
        frames = _read_source(source, tables, require_any)
    layers: dict[str, gpd.GeoDataFrame] = {}
    issues: list[dict] = []
    rejects: list[dict] = []
    for name, frame in frames.items():
        spec = tables[name]
        if len(frame) == 0:  # an empty table is as good as an absent one (its masks have no boolean dtype)
            continue
        kept, layer_issues, layer_rejects = validate_layer(spec, frame, today or date.today())
        layers[name] = kept
        issues.extend(layer_issues)
        rejects.extend(layer_rejects)
    return FacilityStore(
        layers,
        pd.DataFrame(issues, columns=ISSUE_COLUMNS),
        pd.DataFrame(rejects, columns=REJECT_COLUMNS),
    )


def _read_source(
    source: str | Path, tables: Mapping[str, LayerSpec] = UNDERGROUND_LAYERS, require_any: bool = True
) -> dict[str, gpd.GeoDataFrame]:
    """The schema tables of a GeoPackage, or of a PostGIS schema (core.store destination, e.g. the
    integrated database the city was published to)."""
    if store.is_postgres(source):
        available = store.list_layers(source)
    else:
        source = Path(source)
        if not source.exists():
            raise InputError(
                f"Facility store {source} does not exist.", "Give the GeoPackage with the facility tables."
            )
        try:
            available = [str(row[0]) for row in pyogrio.list_layers(source)]
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"Cannot read {source}: {exc}") from exc
    by_lower = {name.lower(): name for name in available}
    found = {spec: by_lower[spec] for spec in tables if spec in by_lower}
    if not found and not require_any:
        return {}
    if not found:
        where = store.parse_postgres(str(source)).describe() if store.is_postgres(source) else str(source)
        raise InputError(
            f"{where} has none of the facility tables (layers: {', '.join(available) or 'none'}).",
            f"Name the layers as the schema does: {', '.join(tables)}.",
        )
    if not store.is_postgres(source):
        return {name: read_vector(source, layer) for name, layer in found.items()}
    frames = store.read_layers(source, list(found.values()))
    return {name: _in_city_crs(frames[layer], layer) for name, layer in found.items()}


def _in_city_crs(frame: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise InputError(f"Facility table {layer} has no coordinate reference system (SRID 0).")
    return frame if frame.crs.equals(DEFAULT_CRS) else frame.to_crs(DEFAULT_CRS)


def validate_layer(
    spec: LayerSpec, frame: gpd.GeoDataFrame, today: date
) -> tuple[gpd.GeoDataFrame, list[dict], list[dict]]:
    """Check one table; return the kept records (schema columns, normalised types) and the findings."""
    frame = _with_schema_columns(spec, frame)
    checker = _Checker(spec, frame)
    checker.check_ids()
    checker.check_geometry()
    for field_spec in spec.fields:
        if field_spec.kind in ("real", "integer") and field_spec.name not in spec.depth_fields:
            checker.check_number(field_spec.name)
        elif field_spec.kind == "date":
            checker.check_date(field_spec.name, today)
        elif field_spec.choices:
            checker.check_choice(field_spec.name)
    checker.check_agency()
    checker.check_depths()
    if spec.name == "swl_pipe_lm":
        checker.check_sewer_slope()
    elif "std_dip" in spec.field_names:
        checker.check_diameter()
    return checker.result()


def _with_schema_columns(spec: LayerSpec, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rename columns case-insensitively to the schema; add absent optional columns as empty."""
    rename = {}
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        lowered = str(column).lower()
        if lowered in spec.field_names and column != lowered:
            rename[column] = lowered
    frame = frame.rename(columns=rename)
    if "ftr_idn" not in frame.columns:
        raise MissingColumnsError(
            f"Table {spec.name} ({spec.label_ko}) has no ftr_idn (관리번호) column; columns: "
            f"{', '.join(str(c) for c in frame.columns if c != frame.geometry.name)}.",
            "Add the facility id column (or rename yours to ftr_idn) so each record can be traced.",
        )
    frame = frame.copy()
    for name in spec.field_names:
        if name not in frame.columns:
            frame[name] = None
    return frame


def _blank(series: pd.Series) -> np.ndarray:
    missing = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return missing  # numbers cannot be blank text; skipping the string pass keeps 100k rows fast
    return missing | series.astype("string").str.strip().eq("").fillna(False).to_numpy(dtype=bool)


class _Checker:
    """Collects findings per record; keeps values normalised in ``self.frame``."""

    def __init__(self, spec: LayerSpec, frame: gpd.GeoDataFrame) -> None:
        self.spec = spec
        self.frame = frame.reset_index(drop=True)
        self.frame["src_row"] = np.arange(1, len(self.frame) + 1)
        self.rejected = np.zeros(len(self.frame), dtype=bool)
        self.issues: list[dict] = []
        self.rejects: list[dict] = []

    # ---- recording
    def _ids(self, rows: np.ndarray) -> list[str]:
        return [str(value) for value in self.frame["record_id"].to_numpy()[rows]]

    def flag(self, rows: np.ndarray, field_name: str, code: str, reason: str, values=None) -> None:
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows
        ids = self._ids(rows)
        src = self.frame["src_row"].to_numpy()[rows]
        shown = values if values is not None else [None] * len(rows)
        for record_id, row, value in zip(ids, src, shown, strict=True):
            self.issues.append(
                {
                    "layer": self.spec.name,
                    "record_id": record_id,
                    "src_row": int(row),
                    "field": field_name,
                    "code": code,
                    "value": None if value is None else str(value),
                    "outcome": "kept",
                    "reason": reason.format(value=value),
                }
            )

    def reject(self, rows: np.ndarray, code: str, reasons: list[str]) -> None:
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows
        attributes = self.frame.drop(columns=[self.frame.geometry.name]).iloc[rows]
        for position, (row, reason) in enumerate(zip(rows, reasons, strict=True)):
            if self.rejected[row]:
                continue
            self.rejected[row] = True
            record = attributes.iloc[position].to_dict()
            record_id = str(self.frame["record_id"].iat[row])
            src_row = int(self.frame["src_row"].iat[row])
            self.rejects.append(
                {
                    "layer": self.spec.name,
                    "record_id": record_id,
                    "src_row": src_row,
                    "code": code,
                    "reason": reason,
                    "attributes": json.dumps(record, ensure_ascii=False, default=str),
                }
            )
            self.issues.append(
                {
                    "layer": self.spec.name,
                    "record_id": record_id,
                    "src_row": src_row,
                    "field": "geometry",
                    "code": code,
                    "value": None,
                    "outcome": "rejected",
                    "reason": reason,
                }
            )

    # ---- checks
    def check_ids(self) -> None:
        ids = self.frame["ftr_idn"]
        blank = _blank(ids)
        text = ids.astype("string").str.strip()
        fallback = pd.Series([f"{self.spec.name}#{row}" for row in self.frame["src_row"]], dtype="string")
        self.frame["record_id"] = text.where(~blank, fallback).astype(str)
        self.frame["ftr_idn"] = text.where(~blank, None).astype(object)
        if blank.any():
            self.flag(blank, "ftr_idn", "ID_MISSING", "No ftr_idn (관리번호); traced by source row instead.")
        duplicated = self.frame["ftr_idn"].notna() & self.frame["ftr_idn"].duplicated(keep=False)
        if duplicated.any():
            self.flag(
                duplicated.to_numpy(),
                "ftr_idn",
                "ID_DUPLICATE",
                "ftr_idn {value} is used by more than one record; both kept, tell them apart by src_row.",
                self.frame["ftr_idn"][duplicated].tolist(),
            )

    def check_geometry(self) -> None:
        geometry = self.frame.geometry
        missing = (geometry.isna() | geometry.is_empty).to_numpy()
        if missing.any():
            self.reject(
                missing,
                "GEOMETRY_MISSING",
                ["No geometry; draw the facility or remove the record."] * int(missing.sum()),
            )
        kinds = geometry.geom_type.fillna("").to_numpy()
        family = "LineString" if self.spec.geometry == "LineString" else "Point"
        wrong = ~missing & ~np.isin(kinds, [family, f"Multi{family}"])
        if wrong.any():
            self.reject(
                wrong,
                "GEOMETRY_WRONG_TYPE",
                [f"Geometry is a {kind}; table {self.spec.name} holds {family}s." for kind in kinds[wrong]],
            )
        multi = ~missing & (kinds == f"Multi{family}")
        if multi.any():
            self._single_parts(np.flatnonzero(multi), family)

    def _single_parts(self, rows: np.ndarray, family: str) -> None:
        """Multi-part geometries that are really one run (or one point) become single; others rejected."""
        geometries = self.frame.geometry.to_numpy()[rows]
        merged = shapely.line_merge(geometries) if family == "LineString" else geometries
        singles = []
        bad = []
        for row, geom in zip(rows, merged, strict=True):
            if geom.geom_type == family:
                singles.append((row, geom))
            elif shapely.get_num_geometries(geom) == 1:
                singles.append((row, shapely.get_geometry(geom, 0)))
            else:
                bad.append((row, shapely.get_num_geometries(geom)))
        column = self.frame.geometry.name
        for row, geom in singles:
            self.frame.at[row, column] = geom
        if bad:
            self.reject(
                np.array([row for row, _ in bad]),
                "GEOMETRY_MULTIPART",
                [f"{family} in {parts} separate parts; split it into one record per part." for _, parts in bad],
            )

    def check_number(self, name: str) -> None:
        spec = self.spec.field(name)
        values = self.frame[name]
        numbers = pd.to_numeric(values, errors="coerce")
        not_numeric = (~_blank(values)) & numbers.isna().to_numpy()
        if not_numeric.any():
            self.flag(
                not_numeric,
                name,
                "VALUE_NOT_NUMERIC",
                f"{name} ({spec.label_ko}) is not a number: {{value}}; treated as missing.",
                values[not_numeric].tolist(),
            )
        out = (
            numbers.notna().to_numpy()
            & (
                (numbers < (spec.minimum if spec.minimum is not None else -np.inf))
                | (numbers > (spec.maximum if spec.maximum is not None else np.inf))
            ).to_numpy()
        )
        if out.any():
            self.flag(
                out,
                name,
                "VALUE_OUT_OF_RANGE",
                f"{name} ({spec.label_ko}) = {{value}} is outside {spec.minimum}..{spec.maximum} {spec.unit}; "
                "treated as missing.",
                numbers[out].tolist(),
            )
            numbers[out] = np.nan
        self.frame[name] = numbers.astype(float)

    def check_date(self, name: str, today: date) -> None:
        values = self.frame[name]
        # dates repeat a lot: parse each distinct value once
        distinct = {value: _parse_date(value) for value in pd.unique(values.astype(object))}
        parsed = [distinct.get(value) for value in values.astype(object)]
        invalid = np.array([p is None for p in parsed], dtype=bool) & ~_blank(values)
        if invalid.any():
            self.flag(
                invalid,
                name,
                "DATE_INVALID",
                f"{name} is not a date (YYYY-MM-DD, YYYYMMDD or YYYY): {{value}}; treated as missing.",
                values[invalid].tolist(),
            )
        future = np.array([p is not None and p > today for p in parsed], dtype=bool)
        if future.any():
            self.flag(
                future,
                name,
                "DATE_IN_FUTURE",
                f"{name} {{value}} is after today; treated as missing.",
                [p.isoformat() for p, f in zip(parsed, future, strict=True) if f],
            )
        self.frame[name] = [
            p.isoformat() if p is not None and not f else None for p, f in zip(parsed, future, strict=True)
        ]

    def check_choice(self, name: str) -> None:
        spec = self.spec.field(name)
        values = self.frame[name].astype("string").str.strip()
        blank = _blank(self.frame[name])
        allowed = set(spec.choices or ())
        invalid = ~blank & ~values.isin(allowed).fillna(False).to_numpy()
        if invalid.any():
            self.flag(
                invalid,
                name,
                "CHOICE_INVALID",
                f"{name} ({spec.label_ko}) = {{value}} is not one of {', '.join(sorted(allowed))}; treated as missing.",
                values[invalid].tolist(),
            )
        self.frame[name] = values.where(~blank & ~invalid, None).astype(object)

    def check_agency(self) -> None:
        blank = _blank(self.frame["agency"])
        if blank.any():
            self.flag(
                blank,
                "agency",
                "AGENCY_MISSING",
                f"No agency (관리기관); listed as '{UNKNOWN_AGENCY}' — find the owner before any dig nearby.",
            )
        self.frame["agency"] = self.frame["agency"].astype("string").str.strip().where(~blank, UNKNOWN_AGENCY)
        self.frame["agency"] = self.frame["agency"].astype(str)

    def check_depths(self) -> None:
        low, high = self.spec.plausible_depth_m
        for name in self.spec.depth_fields:
            label = self.spec.field(name).label_ko
            values = self.frame[name]
            numbers = pd.to_numeric(values, errors="coerce")
            blank = _blank(values)
            not_numeric = ~blank & numbers.isna().to_numpy()
            missing = blank | not_numeric
            if missing.any():
                self.flag(
                    missing,
                    name,
                    "DEPTH_MISSING",
                    f"No usable {name} ({label}): {{value}}; depth unknown, reported as a risk, never as safe.",
                    values[missing].tolist(),
                )
            array = numbers.to_numpy(dtype=float)
            negative = array < 0
            if negative.any():
                self.flag(
                    negative,
                    name,
                    "DEPTH_NEGATIVE",
                    f"{name} ({label}) = {{value}} m is above ground; depth treated as unknown.",
                    array[negative].tolist(),
                )
            implausible = array > high
            if implausible.any():
                self.flag(
                    implausible,
                    name,
                    "DEPTH_IMPLAUSIBLE",
                    f"{name} ({label}) = {{value}} m is deeper than the plausible {high} m for "
                    f"{self.spec.label_ko}; depth treated as unknown.",
                    array[implausible].tolist(),
                )
            shallow = (array >= 0) & (array < low)
            if shallow.any():
                self.flag(
                    shallow,
                    name,
                    "DEPTH_SHALLOW",
                    f"{name} ({label}) = {{value}} m is shallower than {low} m; kept (a shallow pipe is a "
                    "real hazard), please check it.",
                    array[shallow].tolist(),
                )
            array[negative | implausible] = np.nan
            self.frame[name] = array
        if self.spec.depth_kind == "range":
            first, second = self.spec.depth_fields
            inverted = (self.frame[first] > self.frame[second]).to_numpy()
            if inverted.any():
                pairs = self.frame.loc[inverted, [first, second]].to_numpy()
                self.flag(
                    inverted,
                    first,
                    "DEPTH_INVERTED",
                    f"{first} is deeper than {second} ({{value}}); read as the range between them.",
                    [f"{a:g} > {b:g}" for a, b in pairs],
                )
                swapped = self.frame.loc[inverted, [second, first]].to_numpy()
                self.frame.loc[inverted, [first, second]] = swapped

    def check_sewer_slope(self) -> None:
        self.check_diameter()
        begin, end, slope = self.frame["beg_inv"], self.frame["end_inv"], self.frame["pip_slp"]
        adverse = (end > begin).to_numpy()
        if adverse.any():
            self.flag(
                adverse,
                "end_inv",
                "SEWER_ADVERSE_SLOPE",
                "The invert rises along the flow (역경사): {value}; check the levels or the line direction.",
                [
                    f"beg_inv {a:g} < end_inv {b:g}"
                    for a, b in self.frame.loc[adverse, ["beg_inv", "end_inv"]].to_numpy()
                ],
            )
        lengths = self.frame.geometry.length.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            implied = (begin.to_numpy() - end.to_numpy()) / lengths * 1000.0
        stated = slope.to_numpy()
        inconsistent = (
            np.isfinite(implied)
            & np.isfinite(stated)
            & (np.abs(implied - stated) > np.maximum(2.0, 0.5 * np.abs(stated)))
        )
        if inconsistent.any():
            self.flag(
                inconsistent,
                "pip_slp",
                "SLOPE_INCONSISTENT",
                "pip_slp disagrees with the invert levels: {value}.",
                [
                    f"stated {s:g}‰, levels give {i:.1f}‰"
                    for s, i in zip(stated[inconsistent], implied[inconsistent], strict=True)
                ],
            )

    def check_diameter(self) -> None:
        missing = self.frame["std_dip"].isna().to_numpy() | (self.frame["std_dip"] <= 0).to_numpy()
        if missing.any():
            self.flag(
                missing,
                "std_dip",
                "DIAMETER_MISSING",
                "No diameter (구경); the type's default diameter from the margins table is assumed.",
            )

    def result(self) -> tuple[gpd.GeoDataFrame, list[dict], list[dict]]:
        columns = ["record_id", "src_row", *self.spec.field_names]
        kept = self.frame.loc[~self.rejected, [*columns, self.frame.geometry.name]]
        kept = gpd.GeoDataFrame(kept, geometry=self.frame.geometry.name, crs=self.frame.crs or DEFAULT_CRS)
        if kept.geometry.name != "geometry":
            kept = kept.rename_geometry("geometry")
        return kept.reset_index(drop=True), self.issues, self.rejects


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), 3),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 3),
    (re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$"), 3),
    (re.compile(r"^(\d{4})$"), 1),
)


def _parse_date(value: object) -> date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # YYYYMMDD read as a float
        text = text[:-2]
    for pattern, parts in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            numbers = [int(g) for g in match.groups()]
            try:
                return date(numbers[0], *numbers[1:]) if parts == 3 else date(numbers[0], 1, 1)
            except ValueError:
                return None
    return None
