"""The permit rules as data: zoning limits per UQ code, overlay effects, road access requirements.

Rules live in versioned CSV tables under ``resources/rules/`` so a planner can read and correct them
without touching code. A table with a missing column, a duplicated key or a specific zone without its
coverage and floor-area-ratio limits is refused at load time with the row at fault, never half-used.
Rows whose status is ``to-be-confirmed`` are kept but never decide a "fail" on their own: exceeding
them gives "needs review".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError, MissingColumnsError
from ..paths import resource
from .use_zone import UseTable, load_use_table

TO_BE_CONFIRMED = "to-be-confirmed"
ZONING_COLUMNS = [
    "version",
    "code",
    "name_ko",
    "level",
    "limit",
    "tier",
    "value",
    "unit",
    "legal_basis",
    "effective_date",
    "source",
    "status",
]
OVERLAY_COLUMNS = ["version", "kind", "subkind", "effect", "agency", "legal_basis", "status"]
ACCESS_COLUMNS = [
    "version",
    "permit_kind",
    "condition",
    "min_value",
    "max_value",
    "min_road_width_m",
    "min_touch_m",
    "legal_basis",
    "status",
]
LIMITS = ("coverage", "far", "slope")
EFFECTS = ("prohibited", "consultation", "height_limit")


@dataclass(frozen=True)
class Limit:
    """One limit of one zone: value (None when not yet transcribed), its basis and status."""

    value: float | None
    unit: str
    legal_basis: str
    effective_date: str
    source: str
    status: str

    @property
    def binding(self) -> bool:
        return self.value is not None and self.status != TO_BE_CONFIRMED


@dataclass(frozen=True)
class ZoneRule:
    code: str
    name_ko: str
    broad: bool
    national: dict[str, Limit] = field(default_factory=dict)
    ordinance: dict[str, Limit] = field(default_factory=dict)

    def limit(self, kind: str) -> tuple[Limit | None, Limit | None]:
        """(national, ordinance) limits of ``kind`` (coverage, far, slope); either may be None."""
        return self.national.get(kind), self.ordinance.get(kind)

    def effective(self, kind: str) -> Limit | None:
        """The limit applied: the ordinance value where it is known, else the national upper bound."""
        national, ordinance = self.limit(kind)
        if ordinance is not None and ordinance.value is not None:
            return ordinance
        return national if national is not None and national.value is not None else None


@dataclass(frozen=True)
class OverlayRule:
    kind: str
    subkind: str  # "*" = any
    effect: str
    agency: str
    legal_basis: str
    status: str


@dataclass(frozen=True)
class AccessRule:
    permit_kind: str
    condition: str  # floor_area or site_area
    min_value: float
    max_value: float  # inf when open
    min_road_width_m: float
    min_touch_m: float
    legal_basis: str
    status: str


@dataclass(frozen=True)
class PermitRules:
    version: str
    zones: dict[str, ZoneRule]
    overlays: list[OverlayRule]
    access: list[AccessRule]
    uses: UseTable | None = None

    def overlay_rule(self, kind: str, subkind: str) -> OverlayRule | None:
        exact = [r for r in self.overlays if r.kind == kind and r.subkind == (subkind or "")]
        wildcard = [r for r in self.overlays if r.kind == kind and r.subkind == "*"]
        found = exact or wildcard
        return found[0] if found else None


def _read_table(path: Path, columns: list[str]) -> tuple[pd.DataFrame, str]:
    if not path.is_file():
        raise InputError(f"Rules table {path} does not exist.", "Give the path of a rules CSV (see resources/rules/).")
    try:
        frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"Cannot read rules table {path}: {exc}", "Save it as a UTF-8 CSV.") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnsError(
            f"Rules table {path} lacks the column(s) {', '.join(missing)}.",
            f"The header must be: {','.join(columns)}",
        )
    frame = frame.apply(lambda col: col.str.strip())
    versions = sorted(set(frame["version"]) - {""})
    if len(versions) != 1:
        raise InputError(
            f"Rules table {path} must carry one version in its 'version' column; found {versions or 'none'}.",
            "Give every row the same version (e.g. 2026.1) and raise it when a rule changes.",
        )
    return frame, versions[0]


def _number(text: str, path: Path, row: int, column: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"Rules table {path}, row {row}: '{column}' is '{text}', not a number.", "Write a plain number, e.g. 60."
        ) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"Rules table {path}, row {row}: '{column}' must be zero or more; got {text}.")
    return value


def load_zoning_rules(path: str | Path | None = None) -> tuple[dict[str, ZoneRule], str]:
    """Zone rules per UQ code from ``zoning_limits.csv``; row numbers in errors count the header as 1."""
    path = Path(path) if path else resource("rules", "zoning_limits.csv")
    frame, version = _read_table(path, ZONING_COLUMNS)
    seen: dict[tuple[str, str, str], int] = {}
    zones: dict[str, dict] = {}
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2  # after the header (comment lines are not counted)
        code = row["code"]
        if not code:
            raise InputError(f"Rules table {path}, row {line}: the code is empty.", "Give the UQ code, e.g. UQA122.")
        if row["level"] not in ("specific", "broad"):
            raise InputError(f"Rules table {path}, row {line} ({code}): level must be 'specific' or 'broad'.")
        key = (code, row["limit"], row["tier"])
        if key in seen:
            raise InputError(
                f"Rules table {path}: code {code} has its {row['limit']} ({row['tier']}) limit twice, "
                f"rows {seen[key]} and {line}.",
                "Keep one row per code, limit and tier; put superseded values in an older table version.",
            )
        seen[key] = line
        entry = zones.setdefault(
            code, {"name_ko": row["name_ko"], "broad": row["level"] == "broad", "national": {}, "ordinance": {}}
        )
        if row["limit"] == "none":
            continue
        if row["limit"] not in LIMITS or row["tier"] not in ("national", "ordinance"):
            raise InputError(
                f"Rules table {path}, row {line} ({code}): limit '{row['limit']}' / tier '{row['tier']}' unknown.",
                f"limit is one of {', '.join(LIMITS)} (or none for broad zones); tier national or ordinance.",
            )
        value = _number(row["value"], path, line, "value")
        if value is None and row["status"] != TO_BE_CONFIRMED:
            raise InputError(
                f"Rules table {path}, row {line} ({code} {row['limit']}): no value, and status is not "
                f"{TO_BE_CONFIRMED}.",
                f"Give the value, or mark the row {TO_BE_CONFIRMED}.",
            )
        entry[row["tier"]][row["limit"]] = Limit(
            value, row["unit"], row["legal_basis"], row["effective_date"], row["source"], row["status"]
        )
    rules = {code: ZoneRule(code, e["name_ko"], e["broad"], e["national"], e["ordinance"]) for code, e in zones.items()}
    for rule in rules.values():
        lacking = [k for k in ("coverage", "far") if not rule.broad and k not in rule.national]
        if lacking:
            raise InputError(
                f"Rules table {path}: zone {rule.code} ({rule.name_ko}) has no national {' and '.join(lacking)} limit.",
                "Every specific zone needs its 국토계획법 시행령 §84 (coverage) and §85 (far) rows.",
            )
    return rules, version


def load_overlay_rules(path: str | Path | None = None) -> list[OverlayRule]:
    path = Path(path) if path else resource("rules", "overlay_rules.csv")
    frame, _ = _read_table(path, OVERLAY_COLUMNS)
    rules, seen = [], set()
    for offset, row in enumerate(frame.to_dict("records")):
        if row["effect"] not in EFFECTS:
            raise InputError(
                f"Overlay rules {path}, row {offset + 2}: effect '{row['effect']}' unknown.",
                f"Use one of {', '.join(EFFECTS)}.",
            )
        key = (row["kind"], row["subkind"])
        if key in seen:
            raise InputError(f"Overlay rules {path}: {row['kind']} / {row['subkind'] or '-'} appears twice.")
        seen.add(key)
        rules.append(
            OverlayRule(row["kind"], row["subkind"], row["effect"], row["agency"], row["legal_basis"], row["status"])
        )
    return rules


def load_access_rules(path: str | Path | None = None) -> list[AccessRule]:
    path = Path(path) if path else resource("rules", "access_road_rules.csv")
    frame, _ = _read_table(path, ACCESS_COLUMNS)
    rules = []
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        numbers = {
            c: _number(row[c], path, line, c) for c in ("min_value", "max_value", "min_road_width_m", "min_touch_m")
        }
        if numbers["min_road_width_m"] is None or numbers["min_touch_m"] is None:
            raise InputError(f"Access rules {path}, row {line}: min_road_width_m and min_touch_m are required.")
        rules.append(
            AccessRule(
                row["permit_kind"],
                row["condition"],
                numbers["min_value"] or 0.0,
                numbers["max_value"] if numbers["max_value"] is not None else math.inf,
                numbers["min_road_width_m"],
                numbers["min_touch_m"],
                row["legal_basis"],
                row["status"],
            )
        )
    return rules


def load_rules(
    zoning: str | Path | None = None,
    overlays: str | Path | None = None,
    access: str | Path | None = None,
    uses: str | Path | None = None,
) -> PermitRules:
    """All four tables; the defaults are the bundled ones in resources/rules/ (a user table given here
    replaces the bundled one whole, e.g. a zoning_limits.csv with the ordinance values as amended)."""
    zones, version = load_zoning_rules(zoning)
    use_table = load_use_table(uses)
    return PermitRules(
        f"{version}+uses {use_table.version}",
        zones,
        load_overlay_rules(overlays),
        load_access_rules(access),
        use_table,
    )
