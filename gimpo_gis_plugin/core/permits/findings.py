"""One finding per check and application: what was measured, the limit, the legal basis, the status.

Statuses: ``pass``, ``fail``, ``needs_review`` (a person or another agency must decide) and
``insufficient`` (the data does not allow the check). The verdict follows from the worst of them.
"""

from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL, REVIEW, INSUFFICIENT = "pass", "fail", "needs_review", "insufficient"
STATUS_KO = {PASS: "적합", FAIL: "부적합", REVIEW: "검토 필요", INSUFFICIENT: "자료 부족"}


@dataclass
class Finding:
    application_id: str
    check: str  # input, site, zone, coverage, far, overlay, access, slope
    item: str
    status: str
    measured: float | None = None
    limit: float | None = None
    unit: str = ""
    legal_basis: str = ""
    detail: str = ""

    def record(self) -> dict:
        row = dict(vars(self))  # flat fields: faster than dataclasses.asdict on thousands of findings
        row["status_ko"] = STATUS_KO[self.status]
        return row
