"""What a camera sees on the ground, from its mounting height, tilt and fields of view.

The optical axis is tilted ``tilt`` degrees below horizontal; the picture spans ``vfov`` degrees
vertically around it. The lower edge of the picture meets the ground at ``h / tan(tilt + vfov/2)``:
nearer than that, under the pole, the camera sees nothing (the near blind zone, 근거리 사각지대). When
the upper edge also points down, the ground beyond ``h / tan(tilt - vfov/2)`` is out of the picture,
so the useful range is the smaller of that and the register's range.
"""

from __future__ import annotations

import numpy as np

# Registers give the horizontal field of view only; CCTV sensors are 16:9, which fixes the vertical one.
SENSOR_ASPECT = 16 / 9
# A panoramic (fish-eye, 360°) camera images from about straight down to the horizon.
PANORAMIC_VFOV_DEG = 90.0
# Beyond this horizontal field of view a lens is panoramic and the aspect rule no longer applies.
PANORAMIC_FROM_DEG = 170.0


def vertical_fov(hfov_deg: np.ndarray) -> np.ndarray:
    """Vertical field of view (degrees) of a 16:9 sensor with the given horizontal one."""
    hfov = np.asarray(hfov_deg, dtype=float)
    half = np.radians(np.minimum(hfov, PANORAMIC_FROM_DEG) / 2)
    derived = np.degrees(2 * np.arctan(np.tan(half) / SENSOR_ASPECT))
    return np.where(hfov >= PANORAMIC_FROM_DEG, PANORAMIC_VFOV_DEG, derived)


def near_blind_radius(height_m: np.ndarray, tilt_deg: np.ndarray, vfov_deg: np.ndarray) -> np.ndarray:
    """Ground distance from the pole to the nearest point in the picture (0 when it looks straight down)."""
    lower_edge = np.radians(np.asarray(tilt_deg, dtype=float) + np.asarray(vfov_deg, dtype=float) / 2)
    with np.errstate(divide="ignore"):
        radius = np.asarray(height_m, dtype=float) / np.tan(np.minimum(lower_edge, np.pi / 2))
    return np.where(lower_edge >= np.pi / 2, 0.0, radius)


def far_ground_limit(height_m: np.ndarray, tilt_deg: np.ndarray, vfov_deg: np.ndarray) -> np.ndarray:
    """Ground distance where the upper edge of the picture meets the ground (inf when it sees the horizon)."""
    upper_edge = np.radians(np.asarray(tilt_deg, dtype=float) - np.asarray(vfov_deg, dtype=float) / 2)
    with np.errstate(divide="ignore"):
        limit = np.asarray(height_m, dtype=float) / np.tan(np.maximum(upper_edge, 1e-12))
    return np.where(upper_edge <= 0, np.inf, limit)
