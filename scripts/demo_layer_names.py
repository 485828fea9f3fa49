"""Korean names for the demo project's groups and layers, unique across the whole project.

Every result GeoPackage names its tables by contract (``summary``, ``rejects``, ``statistical_map``...),
so a project that loads them all holds many layers of the same English name: a layer picker, the
identify results or a print layout cannot tell them apart. In the project each layer gets its Korean
name; a table name that several results share is followed by its result (``요약 · CCTV 사각지대``).
The contract names stay on the layers as custom properties (``gimpo/result``, ``gimpo/table``), which is
what scripts look layers up by.
"""

from __future__ import annotations

RESULT_PROPERTY = "gimpo/result"
TABLE_PROPERTY = "gimpo/table"

GROUP_TITLES = {
    "gimpo_sample_city": "표본 도시 (기초자료)",
    "tax_linkage": "재산세 과세자료 연계",
    "tax_linkage_2027": "재산세 과세자료 연계 (2027)",
    "audit_findings_per_legal_dong": "법정동별 발견사항",
    "audit_untaxed_per_legal_dong": "법정동별 과세누락 세액",
    "audit_untaxed_policy_map": "과세누락 정책지도",
    "complaints_heatmap": "민원 히트맵",
    "statistical_map_complaints": "행정동별 민원 통계지도",
    "policy_map": "정책지도 (민원·체납)",
    "policy_input_complaints_500m": "정책지도 입력: 500 m 격자 민원",
    "policy_input_complaints_arrears_500m": "정책지도 입력: 500 m 격자 민원·체납",
    "permit_check": "인허가 검토",
    "excavation_impact": "굴착 영향 시설물",
    "facility_clearance": "지하시설물 이격거리",
    "facility_aging": "지하시설물 노후도",
    "cctv_coverage": "CCTV 사각지대",
    "safety_review_cctv_in_hotspots": "안전 점검: 핫스팟 안 CCTV",
    "gimpo_dem_5m": "수치표고 5 m (DEM)",
    "valve_isolation": "상수도 단수 계획",
    "incident_cameras": "사건 지점 CCTV",
    "ledger_change": "과세대장 연도별 변동",
    "field_survey": "현장 조사 패키지",
    "field_survey_merged": "현장 조사 반영 작업목록",
}

LAYER_TITLES = {
    # sample city (national schemas: 연속지적도, 건축물, 도로, 지하시설물 ...)
    "admin_dongs": "행정동 경계",
    "legal_dong_areas": "법정동 경계",
    "parcels": "연속지적도 (원자료)",
    "roads": "도로",
    "buildings": "건축물",
    "complaints": "민원",
    "tax_arrears": "체납",
    "population_admin_dong": "행정동 인구",
    "population_grid": "격자 인구",
    "zoning": "용도지역",
    "overlays": "용도지구·구역",
    "streetlights": "가로등",
    "cctv": "CCTV",
    "safety_zones": "안전 구역",
    "wtl_pipe_lm": "상수관로",
    "swl_pipe_lm": "하수관로",
    "tel_line_lm": "통신선로",
    "gas_pipe_lm": "가스관로",
    "pwr_line_lm": "전력선로",
    "heat_pipe_lm": "열수송관",
    "manhole_ps": "맨홀",
    "valve_ps": "밸브",
    "water_breaks": "상수관 파손 신고",
    "wtl_fire_ps": "소화전",
    "wtl_serv_ps": "배수지·가압장",
    "wtl_meta_ps": "급수전 (수용가)",
    "parcels_2027": "연속지적도 2027 (다음 해)",
    "planned_digs": "굴착 계획",
    "permit_applications": "인허가 신청",
    "utilities_ground_truth": "지하시설물 실측 (검증용)",
    # results
    "parcels_tax": "과세 필지",
    "buildings_tax": "과세 건축물",
    "findings": "발견사항",
    "ledger_matched": "연계된 과세대장",
    "ledger_unmatched": "연계되지 않은 과세대장",
    "summary": "요약",
    "rejects": "제외된 기록",
    "statistical_map": "통계지도",
    "classes": "계급 구간",
    "policy_map": "정책지도",
    "hotspots": "핫스팟 (Gi*)",
    "policy_indicators": "정책 지표",
    "policy_method": "정책지도 방법",
    "camera_views": "카메라 시야",
    "coverage": "감시 범위",
    "target_areas": "대상 구역",
    "blind_spots": "사각지대",
    "proposed_sites": "신규 설치 후보",
    "proposed_views": "신규 후보 시야",
    "affected": "영향 시설물 (지점)",
    "affected_lines": "영향 시설물 (관로)",
    "digs": "굴착",
    "data_issues": "자료 오류",
    "conflict_points": "이격 위반 (지점)",
    "conflict_lines": "이격 위반 (관로)",
    "segments": "관로 구간",
    "areas": "지역별 노후도",
    "by_type_area": "종류·지역별 노후도",
    # water-main break (valve isolation)
    "valves_to_close": "잠글 밸브",
    "valves_not_needed": "잠그지 않아도 되는 밸브",
    "valves_failed": "조작 불가 밸브",
    "valves_already_closed": "이미 닫힌 밸브",
    "isolated_pipes": "단수 관로",
    "cut_off_pipes": "공급 끊긴 관로",
    "buildings_without_water": "단수 건물",
    "hydrants_out_of_service": "사용 불가 소화전",
    "breaks": "파손 지점",
    "shutoff_valves": "굴착 시 잠글 밸브",
    # incident cameras
    "incident": "사건 지점",
    "incident_cameras": "사건 지점 CCTV (순위)",
    "incident_views": "사건 지점을 보는 CCTV 시야",
    "route": "출동 경로",
    "route_cameras": "출동 경로 CCTV",
    # year over year and the field survey
    "change_by_legal_dong": "법정동별 과세표준 증감",
    "change_by_admin_dong": "행정동별 과세표준 증감",
    "change_objects": "과세물건 변동",
    "change_rows": "과세대장 행별 변동",
    "parcel_lineage": "필지 계보",
    "findings_resolved": "해소된 발견사항",
    "findings_over_time": "발견사항 연도 비교",
    "survey": "현장 조사 대상",
    "survey_parcels": "현장 조사 필지",
    "survey_manifest": "현장 조사 내보낸 목록",
    "survey_conflicts": "현장 조사 충돌",
    "survey_summary": "현장 조사 반영 요약",
    "ledger_excluded": "제외된 합계·빈 행",
}


def group_title(result: str) -> str:
    return GROUP_TITLES.get(result, result)


def layer_title(result: str, table: str, shared: set[str]) -> str:
    """The layer's Korean name; ``shared`` are the table names more than one result of the project has."""
    title = LAYER_TITLES.get(table, table)
    return f"{title} · {group_title(result)}" if table in shared else title


def shared_tables(tables_by_result: dict[str, list[str]]) -> set[str]:
    seen: dict[str, int] = {}
    for tables in tables_by_result.values():
        for table in set(tables):
            seen[table] = seen.get(table, 0) + 1
    return {table for table, count in seen.items() if count > 1}
