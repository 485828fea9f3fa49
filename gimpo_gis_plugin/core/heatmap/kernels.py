"""Kernel shapes of the heat map, with the exact formulas and scaling of QGIS 3.22's heatmap.

QGIS numbers its kernels 0 quartic, 1 triangular, 2 uniform, 3 triweight, 4 epanechnikov (the order of
the enum in ``qgis:heatmapkerneldensityestimation``); we keep that numbering so a planner's parameters
mean the same in both tools, and add 5 gaussian. "Raw" sums the kernel's height (1 at the point);
"scaled" divides by the kernel's volume so the raster is a density per map unit² (QGIS's constants are
kept as they are, including the quartic's 116/(5π), so the values agree with QGIS pixel for pixel).
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np

from ..errors import InputError


class Kernel(IntEnum):
    QUARTIC = 0
    TRIANGULAR = 1
    UNIFORM = 2
    TRIWEIGHT = 3
    EPANECHNIKOV = 4
    GAUSSIAN = 5


KERNEL_NAMES = {
    Kernel.QUARTIC: "quartic",
    Kernel.TRIANGULAR: "triangular",
    Kernel.UNIFORM: "uniform",
    Kernel.TRIWEIGHT: "triweight",
    Kernel.EPANECHNIKOV: "epanechnikov",
    Kernel.GAUSSIAN: "gaussian",
}

# The kernels that are (1 - d²/r²)^m inside the radius: exact polynomial expansion applies to them.
POLYNOMIAL_POWER = {Kernel.UNIFORM: 0, Kernel.EPANECHNIKOV: 1, Kernel.QUARTIC: 2, Kernel.TRIWEIGHT: 3}

# A Gaussian never reaches zero; it is cut where it has fallen to exp(-8) ≈ 0.03 % of its peak.
GAUSSIAN_CUTOFF_SIGMAS = 4.0


def kernel_from_value(value: int | str | Kernel) -> Kernel:
    """A Kernel from QGIS's number (0..4, 5 gaussian) or a name; InputError naming the choices otherwise."""
    if isinstance(value, Kernel):
        return value
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        for kernel, name in KERNEL_NAMES.items():
            if name == value.strip().lower():
                return kernel
    else:
        try:
            return Kernel(int(value))
        except ValueError:
            pass
    choices = ", ".join(f"{int(k)} {n}" for k, n in KERNEL_NAMES.items())
    raise InputError(f"Unknown kernel {value!r}.", f"Use one of: {choices}.")


def support_radius(kernel: Kernel, bandwidth: float) -> float:
    """How far from a point the kernel reaches: the radius itself, or 4 σ for the Gaussian."""
    return bandwidth * GAUSSIAN_CUTOFF_SIGMAS if kernel is Kernel.GAUSSIAN else bandwidth


def scale_factor(kernel: Kernel, bandwidth: float, decay: float) -> float:
    """The constant QGIS multiplies the raw kernel by for scaled output (per map unit²)."""
    r = bandwidth
    if kernel is Kernel.QUARTIC:
        return 116.0 / (5.0 * math.pi * r**2) * (15.0 / 16.0)
    if kernel is Kernel.TRIWEIGHT:
        return 128.0 / (35.0 * math.pi * r**2) * (35.0 / 32.0)
    if kernel is Kernel.EPANECHNIKOV:
        return 8.0 / (3.0 * math.pi * r**2) * (3.0 / 4.0)
    if kernel is Kernel.UNIFORM:
        return 2.0 / (math.pi * r) * (0.5 / r)
    if kernel is Kernel.TRIANGULAR:
        # QGIS leaves a negative decay ("cool map") unscaled.
        return 3.0 / ((1.0 + 2.0 * decay) * math.pi * r**2) if decay >= 0 else 1.0
    return 1.0 / (2.0 * math.pi * r**2)


def kernel_values(
    kernel: Kernel, distance: np.ndarray, bandwidth: float, decay: float = 0.0, scaled: bool = False
) -> np.ndarray:
    """Kernel height at ``distance`` (already known to be within the support), raw or scaled."""
    ratio = distance / bandwidth
    if kernel is Kernel.GAUSSIAN:
        raw = np.exp(-0.5 * ratio * ratio)
    elif kernel is Kernel.TRIANGULAR:
        raw = 1.0 - (1.0 - decay) * ratio
    else:
        power = POLYNOMIAL_POWER[kernel]
        raw = (1.0 - ratio * ratio) ** power if power else np.ones_like(ratio)
    return raw * scale_factor(kernel, bandwidth, decay) if scaled else raw


def bandwidth_to_radius(kernel: Kernel, sigma: float, decay: float = 0.0) -> float:
    """The radius at which ``kernel`` spreads as much as a Gaussian of standard deviation ``sigma``.

    Automatic bandwidth rules give a Gaussian σ. A radially symmetric kernel (1 - s²)^m on the unit disk
    has E[d²] = 1/(m + 2), so the same spread (σ² per axis) needs radius σ·√(2(m + 2)); the triangular
    kernel 1 - (1 - decay)·s gives E[d²] from its moments the same way.
    """
    if kernel is Kernel.GAUSSIAN:
        return sigma
    if kernel is Kernel.TRIANGULAR:
        slope = 1.0 - decay
        second = 1.0 / 4.0 - slope / 5.0  # ∫ s³ (1 - slope·s) ds
        zeroth = 1.0 / 2.0 - slope / 3.0  # ∫ s (1 - slope·s) ds
        mean_square = second / zeroth if zeroth > 0 else 0.5
        return sigma * math.sqrt(2.0 / mean_square)
    power = POLYNOMIAL_POWER[kernel]
    return sigma * math.sqrt(2.0 * (power + 2))
