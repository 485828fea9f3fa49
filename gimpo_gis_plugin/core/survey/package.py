"""Lay the findings to check out as a field-survey GeoPackage (QField / QGIS on a tablet).

The package holds three layers: ``survey`` (one point per finding, with the fields the surveyor fills
in: the result from a fixed list, a photo, notes, who and when), ``survey_parcels`` (the parcels of those
findings, for orientation, read-only) and ``survey_manifest`` (what was handed out, where, when, and
under which package id), so that the return can say what was deleted or moved in the field even without
the office copy. The form (value map, photo widget, date widget, read-only fields, Korean aliases) is in
the layer's QGIS style, which QField and QGIS apply when they open the layer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import styles
from ..errors import InputError
from ..rrn_guard import mask_text
from .keys import finding_keys

# The results a surveyor can pick: stored code -> what the form shows.
CHECK_RESULTS = {
    "checked": "확인 완료 (과세대장과 현장 일치)",
    "taxable": "과세 대상 (발견사항 확인)",
    "non_taxable": "비과세",
    "unreachable": "현장 확인 불가",
}
SURVEY_FIELDS = ["check_result", "photo", "notes", "surveyor", "checked_at"]
FIELD_ALIASES = {
    "finding_key": "발견사항 키",
    "code": "코드",
    "label_ko": "발견사항",
    "pnu": "PNU",
    "bld_id": "건물 ID",
    "detail": "내용",
    "tax_at_stake": "추정 세액 (원)",
    "check_result": "조사 결과",
    "photo": "사진",
    "notes": "메모",
    "surveyor": "조사자",
    "checked_at": "조사 일시",
}
READ_ONLY = ("finding_key", "code", "label_ko", "pnu", "bld_id", "detail", "tax_at_stake")


@dataclass(frozen=True)
class SurveySelection:
    """Which findings go to the field: by 법정동 code prefix, finding code, and tax at stake."""

    legal_dong_prefixes: Sequence[str] = ()
    codes: Sequence[str] = ()
    min_tax_at_stake: float = 0.0
    limit: int = 0  # 0: all


@dataclass
class SurveyPackage:
    package_id: str
    survey: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    manifest: pd.DataFrame
    unplaced: int = 0  # selected findings without a location (a ledger row on no parcel): not sent out

    def layers(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        return {"survey": self.survey, "survey_parcels": self.parcels, "survey_manifest": self.manifest}


def select_findings(findings: gpd.GeoDataFrame, selection: SurveySelection) -> gpd.GeoDataFrame:
    """The findings to check, worst first (the worklist's own order), cut to ``selection``."""
    if findings is None or len(findings) == 0:
        raise InputError(
            "발견사항(findings) 레이어가 비어 있습니다: 과세대장 연계 결과의 findings 레이어를 지정하세요."
        )
    missing = [c for c in ("code", "pnu") if c not in findings.columns]
    if missing:
        raise InputError(
            f"발견사항 레이어에 필드 {', '.join(missing)}가 없습니다: 과세대장 연계(gimpo:linktaxledger)의 "
            "findings 레이어를 지정하세요."
        )
    chosen = findings
    if selection.legal_dong_prefixes:
        pnu = chosen["pnu"].astype("string").fillna("")
        keep = np.zeros(len(chosen), dtype=bool)
        for prefix in selection.legal_dong_prefixes:
            keep |= pnu.str.startswith(str(prefix).strip()).to_numpy(dtype=bool)
        chosen = chosen[keep]
    if selection.codes:
        unknown = sorted(set(selection.codes) - set(findings["code"].astype(str)))
        if len(unknown) == len(set(selection.codes)):
            raise InputError(f"발견사항 코드 {', '.join(unknown)}는 이 목록에 없습니다.")
        chosen = chosen[chosen["code"].astype(str).isin(selection.codes)]
    if selection.min_tax_at_stake > 0 and "tax_at_stake" in chosen.columns:
        chosen = chosen[pd.to_numeric(chosen["tax_at_stake"], errors="coerce").fillna(0) >= selection.min_tax_at_stake]
    if selection.limit > 0:
        chosen = chosen.iloc[: selection.limit]
    if len(chosen) == 0:
        raise InputError("조건에 맞는 발견사항이 없습니다: 동, 코드, 추정 세액 조건을 넓히세요.")
    return chosen


def build_survey_package(
    findings: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame | None = None,
    selection: SurveySelection = SurveySelection(),
    previous_status: pd.DataFrame | None = None,
    now: datetime | None = None,
) -> SurveyPackage:
    """The package for ``selection``; ``previous_status`` (finding_key, check_result, notes) pre-fills
    findings already surveyed, so the surveyor sees what was found last time."""
    chosen = select_findings(findings, selection).copy()
    located = ~(shapely.is_missing(chosen.geometry.array) | shapely.is_empty(chosen.geometry.array))
    unplaced = int((~located).sum())
    chosen = chosen[located]
    if len(chosen) == 0:
        raise InputError(
            "고른 발견사항에 위치가 있는 것이 없습니다: 현장 조사는 필지나 건물에 놓인 발견사항만 보낼 수 있습니다."
        )
    chosen["finding_key"] = finding_keys(chosen).to_numpy()
    keep = [c for c in ("finding_key", "code", "label_ko", "pnu", "bld_id", "detail", "tax_at_stake") if c in chosen]
    survey = gpd.GeoDataFrame(chosen[keep].reset_index(drop=True), geometry=list(_points(chosen)), crs=findings.crs)
    for column in ("label_ko", "detail", "bld_id"):
        if column in survey:
            survey[column] = survey[column].astype("string").fillna("").map(mask_text).astype(object)
    for column in SURVEY_FIELDS:
        survey[column] = None
    if previous_status is not None and len(previous_status):
        prior = previous_status.drop_duplicates("finding_key", keep="last").set_index("finding_key")
        for column in ("check_result", "notes"):
            if column in prior:
                survey[column] = survey["finding_key"].map(prior[column]).where(lambda s: s.notna(), None)
    package_id = uuid.uuid4().hex[:12]
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    xy = np.column_stack([survey.geometry.x.to_numpy(), survey.geometry.y.to_numpy()])
    manifest = pd.DataFrame(
        {
            "finding_key": survey["finding_key"].to_numpy(),
            "package_id": package_id,
            "exported_at": stamp,
            "x": xy[:, 0],
            "y": xy[:, 1],
        }
    )
    context = _context_parcels(parcels, survey)
    return SurveyPackage(package_id, survey, context, manifest, unplaced)


def _points(findings: gpd.GeoDataFrame) -> np.ndarray:
    return findings.geometry.representative_point().to_numpy()


def _context_parcels(parcels: gpd.GeoDataFrame | None, survey: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if parcels is None or len(parcels) == 0 or "PNU" not in parcels.columns:
        return gpd.GeoDataFrame({"PNU": []}, geometry=[], crs=survey.crs)
    wanted = parcels[parcels["PNU"].astype(str).isin(set(survey["pnu"].astype(str)))]
    keep = [c for c in ("PNU", "JIBUN", "jimok") if c in wanted.columns]
    return gpd.GeoDataFrame(wanted[keep].reset_index(drop=True), geometry=list(wanted.geometry), crs=wanted.crs)


def survey_styles() -> dict[str, str]:
    """The form and the look: a point per finding coloured by result, the parcels outlined."""
    symbols = {
        None: styles.Symbol("marker", "#e31a1c", "#ffffff", size=3.4),
        "checked": styles.Symbol("marker", "#1a9850", "#ffffff", size=3.0),
        "taxable": styles.Symbol("marker", "#7a0177", "#ffffff", size=3.4),
        "non_taxable": styles.Symbol("marker", "#4575b4", "#ffffff", size=3.0),
        "unreachable": styles.Symbol("marker", "#969696", "#ffffff", size=3.0),
    }
    categories = [styles.Category("", "미조사", symbols[None])] + [
        styles.Category(code, label, symbols[code]) for code, label in CHECK_RESULTS.items()
    ]
    look = styles.categorized("check_result", categories, styles.label_field("label_ko", 7))
    return {
        "survey": _with_form(look),
        "survey_parcels": styles.single_symbol(styles.Symbol("fill", "#000000", "#ff7f00", 0.5, outline_only=True)),
    }


def _with_form(qml: str) -> str:
    """Add the editor widgets, aliases and read-only flags to a style document (QGIS's QML layout)."""
    value_map = "".join(
        f'<Option type="Map"><Option type="QString" name={quoteattr(label)} value={quoteattr(code)}/></Option>'
        for code, label in CHECK_RESULTS.items()
    )
    widgets = {
        "check_result": (
            "ValueMap",
            f'<Option type="Map"><Option type="List" name="map">{value_map}</Option></Option>',
        ),
        "photo": (
            "ExternalResource",
            '<Option type="Map"><Option type="int" name="DocumentViewer" value="1"/>'
            '<Option type="bool" name="FileWidget" value="true"/>'
            '<Option type="bool" name="FileWidgetButton" value="true"/>'
            '<Option type="int" name="RelativeStorage" value="1"/>'
            '<Option type="int" name="StorageMode" value="0"/></Option>',
        ),
        "notes": ("TextEdit", '<Option type="Map"><Option type="bool" name="IsMultiline" value="true"/></Option>'),
        "checked_at": (
            "DateTime",
            '<Option type="Map"><Option type="bool" name="allow_null" value="true"/>'
            '<Option type="bool" name="calendar_popup" value="true"/>'
            '<Option type="QString" name="display_format" value="yyyy-MM-dd HH:mm"/>'
            '<Option type="QString" name="field_format" value="yyyy-MM-ddTHH:mm:ss"/></Option>',
        ),
    }
    fields = "".join(
        f'<field name="{name}" configurationFlags="None"><editWidget type="{kind}"><config>{config}</config>'
        "</editWidget></field>"
        for name, (kind, config) in widgets.items()
    )
    aliases = "".join(
        f'<alias field="{name}" index="0" name={quoteattr(text)}/>' for name, text in FIELD_ALIASES.items()
    )
    editable = "".join(f'<field name="{name}" editable="0"/>' for name in READ_ONLY)
    defaults = '<default field="checked_at" expression="now()" applyOnUpdate="1"/>'
    form = (
        f"<fieldConfiguration>{fields}</fieldConfiguration><aliases>{aliases}</aliases>"
        f"<defaults>{defaults}</defaults><editable>{editable}</editable>"
    )
    return qml.replace("</qgis>", f"{form}</qgis>")
