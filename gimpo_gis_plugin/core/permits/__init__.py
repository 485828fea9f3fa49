"""Permit decision support (인허가 의사결정지원): check proposed buildings and developments against
zoning (용도지역), overlays, road access (건축법 §44) and slope, and explain every verdict.

``check_permits`` is the entry point; rules are data (:mod:`.rules`, resources/rules/*.csv).
"""

from .engine import FINDING_COLUMNS, VERDICTS, PermitResult, check_permits
from .rules import PermitRules, load_rules

__all__ = ["FINDING_COLUMNS", "VERDICTS", "PermitResult", "PermitRules", "check_permits", "load_rules"]
