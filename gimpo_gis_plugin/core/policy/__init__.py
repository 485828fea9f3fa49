"""정책지도 (policy map) engine: composite indicator scores, priority classes, Gi* hot spots with FDR."""

from .composite import NORMALISATIONS, Indicator, composite_score, parse_indicators
from .hotspot import benjamini_hochberg, gi_star
from .policy_map import PolicyMap, PolicyMapOptions, build_policy_map, write_policy_map

__all__ = [
    "NORMALISATIONS",
    "Indicator",
    "PolicyMap",
    "PolicyMapOptions",
    "benjamini_hochberg",
    "build_policy_map",
    "composite_score",
    "gi_star",
    "parse_indicators",
    "write_policy_map",
]
