"""Bring checked field-survey packages back into the office worklist, never overwriting silently.

For every finding handed out (the package's manifest), the return says one of:

- ``updated``: the surveyor set a result (and notes, photo) and nobody else did: taken over;
- ``unchanged``: handed out, not touched;
- ``conflict``: two packages give different results for it, or the office already holds a different
  result from an earlier return, or it was deleted in the field, or moved more than
  ``move_tolerance_m``: both sides are kept in the conflicts table and the office status stays;
- ``unknown``: a feature in a return whose key was never handed out (added in the field): kept as a
  conflict row, never dropped.

The office copy keeps every row and column it had; the survey columns are added (or updated where the
merge decided ``updated``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from .keys import finding_keys
from .package import CHECK_RESULTS, SURVEY_FIELDS

CONFLICT_COLUMNS = ["finding_key", "package_id", "problem", "reason", "office_value", "field_value"]


@dataclass
class MergeResult:
    worklist: gpd.GeoDataFrame  # the office findings with the survey columns
    conflicts: pd.DataFrame
    summary: pd.DataFrame

    def layers(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        return {"findings": self.worklist, "survey_conflicts": self.conflicts, "survey_summary": self.summary}


def merge_survey(
    office: gpd.GeoDataFrame,
    returns: list[tuple[str, gpd.GeoDataFrame, pd.DataFrame]],
    move_tolerance_m: float = 1.0,
) -> MergeResult:
    """``returns``: (name for messages, survey layer, manifest table) of each checked package."""
    if office is None or len(office) == 0:
        raise InputError(
            "사무실 작업목록(findings)이 비어 있습니다: 과세대장 연계 결과의 findings 레이어를 지정하세요."
        )
    if not returns:
        raise InputError("돌려받은 현장 조사 패키지가 없습니다: 조사한 GeoPackage를 하나 이상 지정하세요.")
    worklist = office.copy()
    if "finding_key" not in worklist.columns:
        worklist["finding_key"] = finding_keys(worklist).to_numpy()
    for column in [*SURVEY_FIELDS, "survey_package"]:
        if column not in worklist.columns:
            worklist[column] = None
    by_key = pd.Series(np.arange(len(worklist)), index=worklist["finding_key"].to_numpy())
    conflicts: list[dict[str, object]] = []
    claims: dict[str, tuple[str, dict[str, object]]] = {}
    counts = {"updated": 0, "unchanged": 0, "conflict": 0, "unknown": 0}
    for name, survey, manifest in returns:
        _check_package(name, survey, manifest)
        package_id = str(manifest["package_id"].iat[0]) if len(manifest) else name
        rows = survey.set_index("finding_key", drop=False)
        for record in manifest.itertuples(index=False):
            key = record.finding_key
            if key not in rows.index:
                conflicts.append(_conflict(key, package_id, "deleted", "현장에서 삭제됨: 조사 결과 없음", None, None))
                counts["conflict"] += 1
                continue
            row = rows.loc[key]
            if isinstance(row, pd.DataFrame):  # copied in the field: one key twice
                conflicts.append(
                    _conflict(key, package_id, "duplicated", "현장에서 복사됨: 같은 발견사항이 두 번 있음", None, None)
                )
                counts["conflict"] += 1
                continue
            moved = shapely.distance(row.geometry, shapely.Point(record.x, record.y)) if row.geometry else np.inf
            if moved > move_tolerance_m:
                conflicts.append(
                    _conflict(key, package_id, "moved", f"현장에서 {moved:,.1f} m 옮겨짐", None, f"{moved:.1f} m")
                )
                counts["conflict"] += 1
                continue
            values = {c: _value(row.get(c)) for c in SURVEY_FIELDS}
            if values["check_result"] is None and not any(values[c] for c in ("notes", "photo")):
                counts["unchanged"] += 1
                continue
            if values["check_result"] is not None and values["check_result"] not in CHECK_RESULTS:
                conflicts.append(
                    _conflict(
                        key, package_id, "bad_value", "조사 결과가 목록에 없는 값입니다", None, values["check_result"]
                    )
                )
                counts["conflict"] += 1
                continue
            if key in claims and claims[key][1]["check_result"] != values["check_result"]:
                other = claims[key]
                conflicts.append(
                    _conflict(
                        key,
                        package_id,
                        "edited_twice",
                        f"두 조사 패키지의 결과가 다름 ({other[0]} / {package_id})",
                        other[1]["check_result"],
                        values["check_result"],
                    )
                )
                claims[key] = (other[0], {**other[1], "_conflict": True})
                counts["conflict"] += 1
                continue
            claims[key] = (package_id, values)
        known = set(manifest["finding_key"])
        for key in sorted(set(survey["finding_key"]) - known):
            conflicts.append(
                _conflict(key, package_id, "unknown", "내보내지 않은 발견사항이 현장에서 추가됨", None, None)
            )
            counts["unknown"] += 1
    for key, (package_id, values) in claims.items():
        if values.get("_conflict"):
            continue  # both sides are in the conflicts table; the office keeps its status
        if key not in by_key.index:
            conflicts.append(_conflict(key, package_id, "not_in_office", "사무실 작업목록에 없는 발견사항", None, None))
            counts["conflict"] += 1
            continue
        position = by_key[key]
        position = int(position.iloc[0]) if isinstance(position, pd.Series) else int(position)
        office_result = _value(worklist["check_result"].iat[position])
        if office_result is not None and office_result != values["check_result"]:
            conflicts.append(
                _conflict(
                    key,
                    package_id,
                    "office_differs",
                    "사무실에 다른 조사 결과가 있음",
                    office_result,
                    values["check_result"],
                )
            )
            counts["conflict"] += 1
            continue
        for column in SURVEY_FIELDS:
            if values[column] is not None:
                worklist.iat[position, worklist.columns.get_loc(column)] = values[column]
        worklist.iat[position, worklist.columns.get_loc("survey_package")] = package_id
        counts["updated"] += 1
    conflict_frame = pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)
    summary = pd.DataFrame({"measure": list(counts), "value": list(counts.values())})
    return MergeResult(worklist, conflict_frame, summary)


def _check_package(name: str, survey: gpd.GeoDataFrame, manifest: pd.DataFrame) -> None:
    if survey is None or manifest is None:
        raise InputError(f"{name}: survey 레이어와 survey_manifest 표가 있는 현장 조사 패키지가 아닙니다.")
    missing = [c for c in ("finding_key", *SURVEY_FIELDS) if c not in survey.columns]
    missing += [f"survey_manifest.{c}" for c in ("finding_key", "package_id", "x", "y") if c not in manifest.columns]
    if missing:
        raise InputError(f"{name}: 현장 조사 패키지에 필드 {', '.join(missing)}가 없습니다.")


def _conflict(key, package_id, problem, reason, office_value, field_value) -> dict[str, object]:
    return {
        "finding_key": key,
        "package_id": package_id,
        "problem": problem,
        "reason": reason,
        "office_value": office_value,
        "field_value": field_value,
    }


def _value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value
