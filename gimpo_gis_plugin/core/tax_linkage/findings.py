"""The catalogue of linkage findings: stable codes, Korean and English labels, severity, and what the
officer should do. Codes never change meaning (worklists and statistics are kept by code across years).
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH, MEDIUM, LOW = 3, 2, 1
SEVERITY_LABELS = {HIGH: "높음 (high)", MEDIUM: "보통 (medium)", LOW: "낮음 (low)"}


@dataclass(frozen=True)
class FindingKind:
    code: str
    label_ko: str
    label_en: str
    severity: int
    action: str  # what to do, for the worklist and the parcel inspector


CATALOGUE = {
    kind.code: kind
    for kind in (
        FindingKind(
            "BUILDING_NOT_TAXED",
            "건축물 과세누락",
            "Building not taxed",
            HIGH,
            "현장 확인 후 건축물 과세자료 등록 (check on site, add the building to the ledger)",
        ),
        FindingKind(
            "PARCEL_NOT_TAXED",
            "토지 과세누락",
            "Taxable parcel not taxed",
            HIGH,
            "소유자·비과세 여부 확인 후 토지 과세자료 등록 (check owner and exemptions, add the land row)",
        ),
        FindingKind(
            "AREA_MISMATCH",
            "면적 불일치",
            "Taxed area differs from GIS area",
            MEDIUM,
            "대장 면적과 지적·건축물대장 대조 (compare the ledger area with the registers)",
        ),
        FindingKind(
            "USE_MISMATCH",
            "용도 불일치",
            "Taxed use differs from the land or building",
            MEDIUM,
            "과세용도 확인 (나대지/건축물 용도) (check the taxed use)",
        ),
        FindingKind(
            "DUPLICATE_LEDGER",
            "중복 과세",
            "Same object taxed twice",
            HIGH,
            "중복 부과 취소·환급 검토 (cancel the duplicate, consider a refund)",
        ),
        FindingKind(
            "LEDGER_NO_PARCEL",
            "필지 없음",
            "Ledger row names no existing parcel",
            MEDIUM,
            "분할·합병 이력 확인 후 고유번호 정정 (check splits and mergers, correct the PNU)",
        ),
        FindingKind(
            "LEDGER_NO_BUILDING",
            "건축물 없음",
            "Ledger building or 주택 row names no building on the map",
            MEDIUM,
            "멸실 여부 확인 (check whether the building was demolished)",
        ),
        FindingKind(
            "ADDRESS_UNRESOLVED",
            "주소 해석 불가",
            "Address cannot be turned into a PNU",
            MEDIUM,
            "물건소재지 정정 또는 고유번호 입력 (correct the address or enter the PNU)",
        ),
        FindingKind(
            "PNU_MALFORMED",
            "고유번호 오류",
            "Malformed PNU",
            MEDIUM,
            "19자리 고유번호로 정정 (correct the 19-digit PNU)",
        ),
        FindingKind(
            "OBJECT_KIND_UNKNOWN",
            "과세대상구분 오류",
            "Unknown kind of taxed object",
            LOW,
            "과세대상구분을 토지·건축물·주택·선박·항공기 중 하나로 정정 (지방세법 제105조) "
            "(set the kind to one of the 과세물건 of 지방세법 §105)",
        ),
        FindingKind(
            "LEDGER_VALUE_INVALID",
            "과세대장 값 오류",
            "Ledger value is not a believable number",
            MEDIUM,
            "과세면적·시가표준액·세액 값을 확인해 정정 (숫자가 아니거나 음수·무한대) "
            "(correct the area, value or tax: text, negative or infinite)",
        ),
        FindingKind(
            "PNU_NONSTANDARD",
            "비표준 대장구분",
            "PNU with a land-register digit other than 1/2 (e.g. 가지번)",
            LOW,
            "가지번 등 확정 전 지번: 확정 후 과세 여부 확인 (provisional lot: check after registration)",
        ),
    )
}
