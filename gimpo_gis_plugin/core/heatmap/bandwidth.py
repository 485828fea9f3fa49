"""Automatic bandwidth when the planner leaves the radius empty.

Both rules give a Gaussian standard deviation σ; ``kernels.bandwidth_to_radius`` turns it into the
radius at which the chosen kernel spreads as much. In two dimensions Scott's and Silverman's classic
factors coincide (n^(-1/6)), so "silverman" is the robust spatial variant used by ArcGIS Pro
(0.9 · min(SD, √(1/ln 2) · Dm) · n^(-0.2)), which resists outliers far from the centre.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InputError

RULES = ("silverman", "scott")


def automatic_bandwidth(x: np.ndarray, y: np.ndarray, weight: np.ndarray, rule: str = "silverman") -> float:
    """σ for the points by ``rule``; InputError when fewer than two distinct positions exist."""
    if rule not in RULES:
        raise InputError(f"Unknown bandwidth rule {rule!r}.", f"Use one of: {', '.join(RULES)}.")
    positive = weight > 0
    if positive.sum() < 2:
        raise InputError("At least two points with a positive weight are needed to choose the radius.")
    x, y, w = x[positive], y[positive], weight[positive]
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    var_x = np.average((x - mx) ** 2, weights=w)
    var_y = np.average((y - my) ** 2, weights=w)
    n = len(x)
    if rule == "scott":
        sigma = math.sqrt((var_x + var_y) / 2.0) * n ** (-1.0 / 6.0)
    else:
        standard_distance = math.sqrt(var_x + var_y)
        median_distance = float(np.median(np.hypot(x - mx, y - my)))
        sigma = 0.9 * min(standard_distance, math.sqrt(1.0 / math.log(2.0)) * median_distance) * n**-0.2
    if not sigma > 0:
        raise InputError("All points are at the same place: no radius can be derived from them.", "Give RADIUS.")
    return sigma
