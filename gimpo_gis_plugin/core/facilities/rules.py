"""The editable rule tables (resources/rules/*.csv): safety margins, clearances, service lives.

They are CSVs so a city engineer can correct a value without touching code; each row names its
standard and whether it was verified. Reading checks every row and names the file, row and column
at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, MissingColumnsError
from ..paths import resource
from .schema import ACCURACY_GRADES, FACILITY_TYPES

MARGINS_CSV = "excavation_margins.csv"
CLEARANCE_CSV = "clearance.csv"
SERVICE_LIFE_CSV = "service_life.csv"
ACCURACY_CSV = "survey_accuracy.csv"
# A record whose grade is missing or not one of ACCURACY_GRADES is taken at the least certain grade.
UNKNOWN_GRADE = ACCURACY_GRADES[-1]


def _read(path: Path | None, default: str, columns: list[str], numeric: list[str]) -> pd.DataFrame:
    path = Path(path) if path else resource("rules", default)
    if not path.exists():
        raise InputError(f"Rule table {path} does not exist.", f"Give a CSV like resources/rules/{default}.")
    try:
        table = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"Cannot read rule table {path}: {exc}", "Save it as a UTF-8 CSV.") from exc
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MissingColumnsError(
            f"Rule table {path} lacks the columns {', '.join(missing)}.",
            f"Its header must be: {','.join(columns)}.",
        )
    for column in numeric:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"Rule table {path}, row {row + 2}, column {column}: {table[column].iat[row]!r} is not a number ≥ 0.",
                "Correct the value (metres or years).",
            )
        table[column] = values.astype(float)
    for column in ("facility_type", "type_a", "type_b"):
        if column in table.columns:
            unknown = ~table[column].isin(FACILITY_TYPES)
            if unknown.any():
                row = int(unknown.to_numpy().nonzero()[0][0])
                raise InputError(
                    f"Rule table {path}, row {row + 2}: unknown facility type {table[column].iat[row]!r}.",
                    f"Use one of {', '.join(FACILITY_TYPES)}.",
                )
    return table


def _require_rows(rows: dict, keys, table: str, hint: str) -> None:
    """A table keyed by type or grade needs a row for every key: one missing would go unchecked."""
    missing = [key for key in keys if key not in rows]
    if missing:
        raise InputError(f"{table} has no row for {', '.join(missing)}.", hint)


@dataclass(frozen=True)
class Margin:
    horizontal_m: float
    vertical_m: float
    default_diameter_m: float
    hazard_weight: float


def read_margins(path: Path | None = None) -> dict[str, Margin]:
    """facility_type -> safety margins around it for a dig."""
    table = _read(
        path,
        MARGINS_CSV,
        ["facility_type", "horizontal_margin_m", "vertical_margin_m", "default_diameter_mm", "hazard_weight"],
        ["horizontal_margin_m", "vertical_margin_m", "default_diameter_mm", "hazard_weight"],
    )
    margins = {
        row.facility_type: Margin(
            row.horizontal_margin_m, row.vertical_margin_m, row.default_diameter_mm / 1000.0, row.hazard_weight
        )
        for row in table.itertuples()
    }
    _require_rows(
        margins, FACILITY_TYPES, f"Margins table {path or MARGINS_CSV}",
        "Add one row per facility type so no facility is checked without a margin.",
    )  # fmt: skip
    return margins


@dataclass(frozen=True)
class Clearance:
    horizontal_m: float
    vertical_m: float
    source: str
    status: str


def read_clearances(path: Path | None = None) -> dict[tuple[str, str], Clearance]:
    """(type_a, type_b) in both orders -> required separation (edge to edge)."""
    table = _read(
        path, CLEARANCE_CSV, ["type_a", "type_b", "horizontal_m", "vertical_m"], ["horizontal_m", "vertical_m"]
    )
    rules: dict[tuple[str, str], Clearance] = {}
    for row in table.itertuples():
        rule = Clearance(
            row.horizontal_m,
            row.vertical_m,
            str(getattr(row, "source", "") or ""),
            str(getattr(row, "status", "") or "to_be_confirmed"),
        )
        rules[(row.type_a, row.type_b)] = rule
        rules[(row.type_b, row.type_a)] = rule
    return rules


def read_service_life(path: Path | None = None) -> pd.DataFrame:
    """Rows facility_type, material ('*' = any), service_life_years, criticality."""
    table = _read(
        path,
        SERVICE_LIFE_CSV,
        ["facility_type", "material", "service_life_years", "criticality"],
        ["service_life_years", "criticality"],
    )
    zero = table["service_life_years"] <= 0
    if zero.any():
        row = int(zero.to_numpy().nonzero()[0][0])
        raise InputError(f"Service-life table, row {row + 2}: the service life must be more than 0 years.")
    return table


@dataclass(frozen=True)
class Tolerance:
    """How far a recorded position (horizontal) and depth (vertical) may be off for one survey grade."""

    horizontal_m: float
    vertical_m: float


def read_accuracy(path: Path | None = None) -> dict[str, Tolerance]:
    """acc_grade (탐사정확도등급 A-D) -> survey tolerance; every grade needs a row."""
    table = _read(
        path,
        ACCURACY_CSV,
        ["acc_grade", "horizontal_tolerance_m", "vertical_tolerance_m"],
        ["horizontal_tolerance_m", "vertical_tolerance_m"],
    )
    tolerances = {
        str(row.acc_grade).strip(): Tolerance(row.horizontal_tolerance_m, row.vertical_tolerance_m)
        for row in table.itertuples()
    }
    _require_rows(
        tolerances, ACCURACY_GRADES, f"Survey accuracy table {path or ACCURACY_CSV}",
        f"Add one row per grade ({', '.join(ACCURACY_GRADES)}); a record without a grade uses {UNKNOWN_GRADE}.",
    )  # fmt: skip
    return tolerances
