"""The hostile-input battery (issue #22): every algorithm of the provider × every bad-input kind.

Run in one QGIS process (pytest-qgis, ``processing.run``), so hundreds of cases cost minutes, not an
hour of qgis_process start-ups; the command-line contract itself is tested in test_command_line_contract.
Expected behaviour per kind:

- refused (``MUST_REFUSE``): the run raises with a Korean message, no Python traceback, and leaves no
  output file and no temporary file in the output folder;
- otherwise either refused as above, or accepted with what was dropped or repaired said in a Korean
  warning with the count (``MUST_REPORT``), or simply accepted (a zero that is a legitimate value).

Cases that still fail are listed in ``known_failures.txt`` beside this file (what is left to fix, by case
id); the test fails when a case fails that is not listed, and says which listed ones now pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

from gimpo_gis_plugin.processing.provider import GimpoProvider

from .hostile_inputs import BASELINES, Case, cases

HANGUL = re.compile(r"[가-힣]")
MUST_REFUSE = ("empty", "empty_store", "degrees_labelled_5186", "crs_999999", "read_only_folder", "missing_drive")
MUST_REPORT = ("null_geometry", "self_intersecting", "text_in", "negative_inf", "null_", "duplicate_", "absurd")
KNOWN_FAILURES = Path(__file__).with_name("known_failures.txt")


class _Recorder(QgsProcessingFeedback):
    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []

    def pushWarning(self, text: str) -> None:
        self.warnings.append(text)
        super().pushWarning(text)

    def reportError(self, text: str, fatal: bool = False) -> None:
        self.warnings.append(text)
        super().reportError(text, fatal)


@pytest.fixture(scope="module")
def gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture(scope="module")
def files(sample_city_files, dig_file):
    return {**sample_city_files, "dig": dig_file}


def _leftovers(folder: Path, inputs: set[Path]) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p not in inputs and "locked" not in p.parts
    ) + sorted(p.name for p in folder.rglob(".*gimpo-*"))


def judge(case: Case, files, folder: Path) -> str | None:
    """None when the case behaved; otherwise what went wrong (one line)."""
    import processing

    baseline = BASELINES[case.algorithm](files, folder)
    parameters = case.mutate(baseline, folder)
    inputs = set(folder.rglob("*"))
    feedback = _Recorder()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    try:
        processing.run(case.algorithm, parameters, context=context, feedback=feedback)
    except Exception as exc:  # a refusal: QgsProcessingException with the message
        message = str(exc)
        if "Traceback" in message or not HANGUL.search(message):
            return f"traceback or no Korean message: {message[:160]!r}"
        if "예기치 못한 오류" in message:  # the base class's catch-all: no field named, a check is missing
            return f"unforeseen error, no field named: {message[:160]!r}"
        left = _leftovers(folder, inputs)
        return f"refused but left {left[:3]}" if left else None
    finally:
        locked = folder / "locked"
        if locked.exists():
            locked.chmod(0o755)
    if case.kind.startswith(MUST_REFUSE):
        return "accepted (exit 0) where it must be refused"
    if case.kind.startswith(MUST_REPORT):
        said = [w for w in feedback.warnings if HANGUL.search(w) and re.search(r"\d", w)]
        if not said:
            return "accepted without a Korean warning giving the count of dropped/repaired records"
    return None


def _algorithm_ids() -> list[str]:
    from gimpo_gis_plugin.processing.provider import algorithm_classes

    return [cls.ALGORITHM_ID for cls in algorithm_classes()]


def test_every_algorithm_has_a_baseline():
    missing = {f"gimpo:{a}" for a in _algorithm_ids()} - set(BASELINES)
    assert not missing, f"add a baseline run to tests/e2e/hostile_inputs.py for {sorted(missing)}"


def _known() -> set[str]:
    if not KNOWN_FAILURES.exists():
        return set()
    lines = KNOWN_FAILURES.read_text(encoding="utf-8").splitlines()
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


@pytest.mark.parametrize("algorithm_id", [f"gimpo:{a}" for a in _algorithm_ids()])
def test_hostile_inputs(gimpo, files, tmp_path, algorithm_id, record_property):
    if BASELINES.get(algorithm_id) is None:
        pytest.skip(f"{algorithm_id}: no baseline here (see BASELINES in hostile_inputs.py for why)")
    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    failures: dict[str, str] = {}
    total = 0
    for number, case in enumerate(cases(algorithm, files, tmp_path / "plan")):
        total += 1
        folder = tmp_path / f"case{number}"
        folder.mkdir()
        problem = judge(case, files, folder)
        if problem:
            failures[case.id] = problem
    known = _known()
    record_property("hostile_cases", total)
    record_property("hostile_failed", len(failures))
    print(f"\n{algorithm_id}: {total} cases, {total - len(failures)} passed, {len(failures)} failed")
    for case_id, problem in sorted(failures.items()):
        print(f"  {case_id}\t{problem}")
    new = {k: v for k, v in failures.items() if k not in known}
    assert not new, "new hostile-input failures:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(new.items()))
