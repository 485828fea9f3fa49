"""The committed .model3 files are what scripts/build_models.py writes from the algorithms of today."""

from __future__ import annotations

from xml.etree.ElementTree import canonicalize

from qgis.core import QgsApplication

from gimpo_gis_plugin.processing.provider import GimpoProvider
from scripts.build_models import MODELS_DIR, build


def test_committed_models_are_up_to_date(qgis_processing, tmp_path):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        written = build(tmp_path)
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
    assert len(written) == 4
    for path in written:
        committed = MODELS_DIR / path.name
        assert _canonical(committed) == _canonical(path), f"{committed.name} is stale: run scripts/build_models.py"


def _canonical(path) -> str:
    """The XML with attributes in a fixed order (Qt writes them in hash order, different each run)."""
    text = path.read_text(encoding="utf-8").replace("<!DOCTYPE model>", "")
    return canonicalize(text, strip_text=True)
