"""Compare the fingerprints the legs of the version matrix wrote (tests/core/test_version_fingerprint.py).

    python3 scripts/matrix_compare.py build/matrix/fingerprints/{host,trixie,sid}.json

The first file is the reference. Text, codes, digests and counts must be equal; floating-point numbers
(areas, lengths, sums) equal to a relative 1e-7 (PROJ and GEOS versions differ in a coordinate's last
digits, never by 0.1 mm in a city). Prints every difference; exit status 1 if there is one. Standard
library only: it runs with the host's /usr/bin/python3.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

RELATIVE = 1e-7
ABSOLUTE = 1e-6


def differences(reference: object, other: object, where: str = "") -> list[str]:
    """Every place where ``other`` differs from ``reference`` (a JSON tree), as 'path: a != b'."""
    if isinstance(reference, dict) and isinstance(other, dict):
        found = []
        for key in sorted(set(reference) | set(other)):
            if key not in other or key not in reference:
                found.append(f"{where}/{key}: only in {'the reference' if key in reference else 'this leg'}")
            else:
                found += differences(reference[key], other[key], f"{where}/{key}")
        return found
    if isinstance(reference, list) and isinstance(other, list):
        if len(reference) != len(other):
            return [f"{where}: {len(reference)} items != {len(other)}"]
        pairs = enumerate(zip(reference, other, strict=True))
        return [line for i, (a, b) in pairs for line in differences(a, b, f"{where}[{i}]")]
    numbers = isinstance(reference, int | float) and isinstance(other, int | float)
    if numbers and (isinstance(reference, float) or isinstance(other, float)):
        if (math.isnan(reference) and math.isnan(other)) or math.isclose(
            reference, other, rel_tol=RELATIVE, abs_tol=ABSOLUTE
        ):
            return []
    elif reference == other:
        return []
    return [f"{where}: {reference!r} != {other!r}"]


def main(paths: list[str]) -> int:
    if len(paths) < 2:
        print("matrix_compare: fewer than two fingerprints, nothing to compare")
        return 0
    reference = json.loads(Path(paths[0]).read_text())
    status = 0
    for path in paths[1:]:
        found = differences(reference, json.loads(Path(path).read_text()))
        name, base = Path(path).stem, Path(paths[0]).stem
        if found:
            status = 1
            print(f"{name} differs from {base} in {len(found)} place(s):")
            for line in found[:40]:
                print(f"  {line}")
        else:
            print(f"{name}: same results as {base}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
