"""The parcel statement (필지 조서): everything the inspector shows for one parcel, as plain data.

Personal columns are masked here, at the last step before display, so the same index can serve a user
who may see them (and is audited) and one who may not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import GimpoError
from ..pnu import parse_pnu
from ..privacy import mask_name, mask_resident_number
from .audit import AuditLog
from .index import InspectorIndex


@dataclass(frozen=True)
class LedgerLine:
    row_id: str
    year: str
    object_kind: str
    share: str
    taxed_area: float
    taxed_use: str
    assessed_value: int
    tax: int
    taxpayer: str
    resident_no: str
    note: str = ""  # "중복: 2026-0000012" for a duplicate row, the reason for a row that was not placed


@dataclass(frozen=True)
class BuildingLine:
    bld_id: str
    use_name: str
    building_area: float
    total_floor_area: float
    floors_above: int
    floors_below: int
    approval_date: str  # YYYY-MM-DD
    ledger: tuple[LedgerLine, ...]
    finding_codes: str


@dataclass(frozen=True)
class FindingLine:
    code: str
    severity: int
    severity_label: str
    label_ko: str
    label_en: str
    detail: str
    action: str
    tax_at_stake: int
    bld_id: str
    row_id: str


@dataclass(frozen=True)
class ParcelStatement:
    pnu: str
    pnu_formatted: str
    legal_dong_code: str
    legal_dong_name: str
    lot: str
    jibun: str
    jimok: str
    gis_area_m2: float
    register_note: str  # "" for 일반/산; explains an unusual land-register digit
    land_ledger: tuple[LedgerLine, ...]
    buildings: tuple[BuildingLine, ...]
    findings: tuple[FindingLine, ...]
    unplaced_ledger: tuple[LedgerLine, ...]  # rows naming this parcel that the linkage could not place
    personal_data_shown: bool
    bounds: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))

    @property
    def tax_total(self) -> int:
        rows = [*self.land_ledger, *(r for b in self.buildings for r in b.ledger)]
        return int(sum(r.tax for r in rows))

    @property
    def tax_at_stake(self) -> int:
        return int(sum(f.tax_at_stake for f in self.findings))

    def all_ledger_lines(self) -> list[LedgerLine]:
        return [*self.land_ledger, *(r for b in self.buildings for r in b.ledger), *self.unplaced_ledger]

    def shows_personal_values(self) -> bool:
        """True when unmasked personal values are on the statement (a name or resident number, not blank):
        only then is a display or an export an access to personal data that the audit log must record."""
        return self.personal_data_shown and any(
            line.taxpayer.strip() or line.resident_no.strip() for line in self.all_ledger_lines()
        )


class AuditRequiredError(GimpoError):
    """Unmasked personal data was asked for without an audit log to record it."""


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _number(value: object, kind=float):
    try:
        return kind(0 if value is None or pd.isna(value) else value)
    except (TypeError, ValueError):
        return kind(0)


def _ledger_lines(rows: pd.DataFrame, show_personal: bool) -> tuple[LedgerLine, ...]:
    lines = []
    for row in rows.to_dict("records"):
        taxpayer, resident = _text(row.get("taxpayer")), _text(row.get("resident_no"))
        if not show_personal:
            taxpayer, resident = mask_name(taxpayer), mask_resident_number(resident)
        note = ""
        if row.get("is_duplicate") in (True, 1, "1", "true", "True"):
            note = f"중복 (duplicate of {_text(row.get('same_as'))})"
        elif _text(row.get("reason")):
            note = _text(row.get("reason"))
        lines.append(
            LedgerLine(
                row_id=_text(row.get("row_id")),
                year=_text(row.get("year")),
                object_kind=_text(row.get("object_kind")),
                share=_text(row.get("share")),
                taxed_area=_number(row.get("taxed_area")),
                taxed_use=_text(row.get("taxed_use")),
                assessed_value=_number(row.get("assessed_value"), int),
                tax=_number(row.get("tax"), int),
                taxpayer=taxpayer,
                resident_no=resident,
                note=note,
            )
        )
    return tuple(lines)


def _date(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else text


def _register_note(pnu: str) -> tuple[str, str]:
    """(formatted PNU, note on the land-register digit)."""
    try:
        parsed = parse_pnu(pnu)
    except GimpoError:
        return pnu, "PNU is not 19 digits"
    if parsed.is_standard_register:
        return parsed.formatted(), ""
    return parsed.formatted(), f"대장구분 {parsed.register} (가지번 등 비표준 지번)"


def build_statement(
    index: InspectorIndex, pnu: str, show_personal: bool = False, audit: AuditLog | None = None
) -> ParcelStatement | None:
    """The statement of parcel ``pnu``, or None when the index has no such parcel.

    With ``show_personal`` the taxpayer names and resident numbers are shown as stored and an audit line is
    written; without an audit log that is refused.
    """
    parcel = index.parcel_row(pnu)
    if parcel is None:
        return None
    if show_personal and audit is None:
        raise AuditRequiredError(
            "Personal data can only be shown with an audit log.", "Set the audit log file in the settings."
        )
    ledger = index.ledger_of(pnu)
    building_ids = ledger["bld_id"] if len(ledger) else pd.Series([], dtype=str)
    land_rows = ledger[building_ids == ""] if len(ledger) else ledger
    buildings = []
    for row in index.buildings_of(pnu).to_dict("records"):
        bld_id = _text(row.get("bld_id"))
        buildings.append(
            BuildingLine(
                bld_id=bld_id,
                use_name=_text(row.get("use_name")),
                building_area=_number(row.get("building_area")),
                total_floor_area=_number(row.get("total_floor_area")),
                floors_above=_number(row.get("floors_above"), int),
                floors_below=_number(row.get("floors_below"), int),
                approval_date=_date(_text(row.get("approval_date"))),
                ledger=_ledger_lines(ledger[building_ids == bld_id], show_personal) if len(ledger) else (),
                finding_codes=_text(row.get("finding_codes")),
            )
        )
    findings = tuple(
        FindingLine(
            code=_text(f.get("code")),
            severity=_number(f.get("severity"), int),
            severity_label=_text(f.get("severity_label")),
            label_ko=_text(f.get("label_ko")),
            label_en=_text(f.get("label_en")),
            detail=_text(f.get("detail")),
            action=_text(f.get("action")),
            tax_at_stake=_number(f.get("tax_at_stake"), int),
            bld_id=_text(f.get("bld_id")),
            row_id=_text(f.get("row_id")),
        )
        for f in index.findings_of(pnu).to_dict("records")
    )
    formatted, note = _register_note(pnu)
    geometry = index.parcel_geometry(pnu)
    statement = ParcelStatement(
        pnu=pnu,
        pnu_formatted=formatted,
        legal_dong_code=_text(parcel.get("legal_dong_code")),
        legal_dong_name=_text(parcel.get("legal_dong_name")),
        lot=_text(parcel.get("lot")),
        jibun=_text(parcel.get("JIBUN")),
        jimok=_text(parcel.get("jimok")),
        gis_area_m2=_number(parcel.get("gis_area_m2")),
        register_note=note,
        land_ledger=_ledger_lines(land_rows, show_personal),
        buildings=tuple(buildings),
        findings=findings,
        unplaced_ledger=_ledger_lines(index.unmatched_of(pnu), show_personal),
        personal_data_shown=show_personal,
        bounds=tuple(float(v) for v in geometry.bounds) if geometry is not None else (0.0, 0.0, 0.0, 0.0),
    )
    if show_personal and audit is not None and statement.shows_personal_values():
        audit.record(pnu)
    return statement
