"""Join the property-tax ledger to parcels and buildings and turn every discrepancy into a finding.

The stages, top to bottom (each in its own module):

1. read and normalise — the ledger (``ledger_table``: encodings, vocabulary, identifiers, totals rows),
   the parcels (``parcels.prepare_parcels``), the buildings (``buildings.prepare_buildings``, the one
   entry point where a building layer of any schema is normalised);
2. place — each ledger row on a parcel (its PNU, else its address: ``placing.resolve_addresses``, the one
   place addresses are resolved) and building or 주택 rows on a building; rows that cannot be placed
   get their reason; duplicates are marked;
3. detect — one detector per finding kind (``detectors/``), each with its own rule for when it speaks;
4. layers and report — ``layers`` here, ``output`` and ``report`` for the files.

Every ledger row ends in exactly one of ``ledger_matched`` or ``ledger_unmatched`` (with the reason);
totals (합계, 소계) and blank rows are not ledger rows: they are listed in ``ledger_excluded`` and never
counted. :attr:`LinkageResult.counts` proves it.

Tax at stake is an estimate meant to rank the worklist, not an assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import MissingColumnsError
from ..pnu import clean_pnu, pnu_parts, pnu_valid
from ..progress import SILENT, Progress
from .address import AddressResolver
from .building_register import BuildingRegister, link_building_register
from .buildings import BUILDING_COLUMNS, building_fields, building_use_classes, prepare_buildings
from .detectors import Evidence, combine, run_detectors
from .detectors.building_not_taxed import register_findings
from .layers import LEDGER_OUTPUT_COLUMNS, findings_layer, ledger_output, object_layers, summary_table
from .ledger_table import NUMBER_LIMITS
from .masking import mask_resident_numbers_in_text
from .options import LinkageOptions
from .parcels import check_parcel_layer, jimok_from_jibun, legal_dong_names, parcel_fields, prepare_parcels
from .placing import flag_duplicates, place_on_buildings, place_on_parcels, resolve_rows, share_fraction
from .vocabulary import BUILDING, LAND

__all__ = [
    "BUILDING",
    "BUILDING_COLUMNS",
    "LAND",
    "LEDGER_OUTPUT_COLUMNS",
    "LinkageResult",
    "building_fields",
    "building_use_classes",
    "check_parcel_layer",
    "clean_pnu",
    "jimok_from_jibun",
    "legal_dong_names",
    "link_tax_ledger",
    "parcel_fields",
    "pnu_parts",
    "pnu_valid",
    "prepare_buildings",
    "prepare_parcels",
    "share_fraction",
]
EXCLUDED_LABELS = {"total": "합계·소계 행 (totals row)", "blank": "빈 행 (blank row)"}


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
    ledger_excluded: pd.DataFrame | None = None  # only when the ledger had totals or blank rows

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
        if self.ledger_excluded is not None and len(self.ledger_excluded):
            layers["ledger_excluded"] = self.ledger_excluded
        return layers


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
    # 1. read and normalise ----------------------------------------------------------------------------
    ledger, excluded = _ledger_rows(ledger)
    progress.info(
        f"과세대장 {len(ledger):,}행을 필지 {len(parcels):,}개, 건물 {len(buildings):,}동과 연계합니다 "
        f"(linking {len(ledger):,} ledger rows)"
    )
    parcels = prepare_parcels(parcels)
    buildings = prepare_buildings(buildings, parcels)
    progress.set(0.15)
    # 2. place -----------------------------------------------------------------------------------------
    resolver = AddressResolver(options.sigungu_code)
    rows, warnings = resolve_rows(ledger, resolver, progress)
    del resolver  # its cache holds one resolution per distinct address (a million at 2,000,000 parcels)
    rows["_share"] = share_fraction(rows["share"])
    progress.set(0.35)
    parcel_pnus = pd.Index(parcels["PNU"].unique())
    place_on_parcels(rows, parcel_pnus)
    place_on_buildings(rows, buildings, parcel_pnus)
    progress.set(0.5)
    placed = (rows["reason_code"] == "").to_numpy()
    # take() gives new frames that own their values; only the columns read from here on, and ``rows``
    # let go: at 2,000,000 parcels each column is 30 MB.
    carried = rows[
        [*LEDGER_OUTPUT_COLUMNS, "kind", "reason_code", "reason", "_share", "matched_bld_id", "house_without_building"]
    ]
    del rows
    matched = carried.take(np.flatnonzero(placed))
    unmatched = carried.take(np.flatnonzero(~placed))
    del carried
    duplicate, first_of_object = flag_duplicates(matched)
    matched["is_duplicate"] = duplicate.to_numpy(dtype=bool)
    matched["same_as"] = np.where(duplicate, first_of_object, "")
    # 3. detect ----------------------------------------------------------------------------------------
    evidence = Evidence(parcels, buildings, matched, unmatched, options)
    findings = run_detectors(evidence)
    register_matched = register_unmatched = None
    if register is not None:
        ledger_building_pnus = set(matched.loc[matched["kind"] != LAND, "pnu"])
        register_matched, register_unmatched, missing = link_building_register(
            register.records, parcels, buildings, ledger_building_pnus
        )
        register_unmatched = pd.concat([register.rejects, register_unmatched], ignore_index=True)
        findings = combine([findings, register_findings(missing, evidence, building_use_classes())])
    progress.set(0.75)
    # 4. layers ----------------------------------------------------------------------------------------
    parcels_tax, buildings_tax = object_layers(parcels, buildings, matched, findings)
    worklist = findings_layer(findings, parcels, buildings)
    summary = summary_table(worklist)
    counts = {
        "ledger_rows": len(ledger),
        "matched": len(matched),
        "unmatched": len(unmatched),
        "resolved_by_address": int((matched["pnu_source"] == "address").sum()),
        "parcels": len(parcels),
        "buildings": len(buildings),
        "findings": len(worklist),
        "buildings_placed_spatially": int((buildings["host_source"] == "spatial").sum()),
        "excluded_rows": len(excluded),
    }
    if counts["matched"] + counts["unmatched"] != counts["ledger_rows"]:  # pragma: no cover - an engine bug
        raise AssertionError(f"ledger rows lost: {counts}")
    show = options.show_personal_data
    ledger_matched = ledger_output(matched, show, extra=["is_duplicate", "same_as", "matched_bld_id"])
    ledger_unmatched = ledger_output(unmatched, show, extra=["reason_code", "reason"])
    warnings = [*_excluded_warnings(excluded), *warnings]
    if not show:
        warnings = mask_resident_numbers_in_text(pd.Series(warnings, dtype=object)).tolist()
    progress.set(0.9)
    if register is not None:
        counts["register_records"] = len(register.records) + len(register.rejects)
        counts["register_unmatched"] = len(register_unmatched)
    return LinkageResult(
        parcels_tax,
        buildings_tax,
        worklist,
        ledger_matched,
        ledger_unmatched,
        summary,
        counts,
        warnings,
        register_matched,
        register_unmatched,
        excluded,
    )


def _ledger_rows(ledger: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger rows with every column the linkage reads (absent optional ones empty), and the totals
    and blank rows set aside (source_row, what, text)."""
    missing = [c for c in ("object_kind", "taxed_area", "row_id") if c not in ledger]
    if missing:
        raise MissingColumnsError(
            f"과세대장 표에 {', '.join(missing)} 열이 없습니다. (The ledger frame lacks {', '.join(missing)}.)",
            "read_ledger()로 읽으세요 (read it with read_ledger()).",
        )
    ledger = ledger.copy(deep=False)  # columns are only added here; resolve_rows copies the values
    for column in LEDGER_OUTPUT_COLUMNS:
        if column not in ledger:
            ledger[column] = np.nan if column in ("taxed_area", "assessed_value", "tax") else ""
    if (ledger["source_row"] == "").all():
        ledger["source_row"] = np.arange(2, len(ledger) + 2)
    for column, limit in NUMBER_LIMITS.items():  # frames not from read_ledger: no inf, no text, no -500
        values = pd.to_numeric(ledger[column], errors="coerce").astype(float)
        ledger[column] = values.where(np.isfinite(values) & (values >= 0) & (values <= limit))
    if "row_status" not in ledger:
        return ledger, _no_excluded()
    status = ledger["row_status"].fillna("").astype(str)
    out = status != ""
    if not out.any():
        return ledger, _no_excluded()
    gone = ledger[out]
    text = gone[["row_id", "object_kind", "address", "pnu"]].astype(str).agg(" ".join, axis=1).str.strip()
    excluded = pd.DataFrame(
        {
            "source_row": gone["source_row"].astype(np.int64).to_numpy(),
            "row_kind": status[out].map(EXCLUDED_LABELS).to_numpy(),
            "text": text.str.slice(0, 80).to_numpy(),
        }
    )
    return ledger[~out], excluded


def _no_excluded() -> pd.DataFrame:
    return pd.DataFrame(
        {"source_row": pd.Series(dtype=np.int64), "row_kind": pd.Series(dtype=object), "text": pd.Series(dtype=object)}
    )


def _excluded_warnings(excluded: pd.DataFrame) -> list[str]:
    out = []
    for kind, group in excluded.groupby("row_kind", sort=True):
        lines = ", ".join(str(n) for n in group["source_row"].head(10))
        more = " …" if len(group) > 10 else ""
        out.append(f"{kind} {len(group)}개 제외, 세지 않음: {lines}{more}행 (excluded, not counted)")
    return out
