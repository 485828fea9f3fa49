"""Every shipped model loads with QgsProcessingModelAlgorithm, every child is valid (no red step in the
Model Designer), validate() passes, and the toolbox shows it with a Korean name and group."""

from __future__ import annotations

import re

import pytest
from qgis.core import QgsApplication, QgsProcessingModelAlgorithm

from gimpo_gis_plugin.processing.provider import MODEL_TITLES, GimpoProvider
from scripts.build_models import MODELS_DIR

HANGUL = re.compile(r"[가-힣]")
MODEL_FILES = sorted(MODELS_DIR.glob("*.model3"))


@pytest.fixture(scope="module")
def gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def test_every_model_is_known():
    assert {path.stem for path in MODEL_FILES} == set(MODEL_TITLES)


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_model_loads_and_validates(gimpo, path):
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
    for child_id, child in model.childAlgorithms().items():
        assert child.algorithm() is not None, f"{child_id}: {child.algorithmId()} not found"
        ok, errors = model.validateChildAlgorithm(child_id)
        assert ok, (child_id, errors)
        assert HANGUL.search(child.description()), child_id
    ok, errors = model.validate()
    assert ok, errors
    for parameter in model.parameterDefinitions():
        assert HANGUL.search(parameter.description()), parameter.name()


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.stem)
def test_model_is_in_the_toolbox_in_korean(gimpo, path):
    algorithm = QgsApplication.processingRegistry().algorithmById(f"gimpo:{path.stem}")
    assert algorithm is not None
    assert HANGUL.search(algorithm.displayName()) and HANGUL.search(algorithm.group())
    copy = algorithm.create()
    assert copy.displayName() == algorithm.displayName() and copy.validate()[0]
