"""gimpo:linktaxledger inside QGIS (pytest-qgis), with QGIS's own native:joinattributestable as the oracle
for the plain parcel-ledger join, in the same run on the same files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from qgis.core import QgsApplication, QgsProcessingFeedback, QgsVectorLayer

from gimpo_gis_plugin.core.geopackage import read_embedded_style
from gimpo_gis_plugin.processing.provider import GimpoProvider


@pytest.fixture(scope="module")
def processing_with_gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield
    QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture(scope="module")
def linkage_run(processing_with_gimpo, sample_city_files, tmp_path_factory):
    import processing

    gpkg = sample_city_files["gpkg"]
    out = tmp_path_factory.mktemp("linkage") / "linkage.gpkg"
    return processing.run(
        "gimpo:linktaxledger",
        {
            "PARCELS": f"{gpkg}|layername=parcels",
            "BUILDINGS": f"{gpkg}|layername=buildings",
            "LEDGER": str(sample_city_files["ledger_csv"]),
            "OUTPUT": str(out),
        },
        feedback=QgsProcessingFeedback(),
    )


def test_plain_join_equals_native_joinattributestable(linkage_run, sample_city_files, tmp_path):
    import processing

    ledger = pd.read_csv(sample_city_files["ledger_csv"], encoding="cp949", dtype=str, keep_default_na=False)
    land = ledger[(ledger["과세대상구분"] == "토지") & (ledger["고유번호"].str.len() == 19)]
    table = tmp_path / "land_rows.csv"
    land[["과세번호", "고유번호", "재산세액"]].to_csv(table, index=False, encoding="utf-8")
    table_layer = QgsVectorLayer(f"file://{table}?delimiter=,&detectTypes=no&geomType=none", "land", "delimitedtext")
    assert table_layer.isValid() and table_layer.featureCount() == len(land)
    joined = processing.run(
        "native:joinattributestable",
        {
            "INPUT": f"{sample_city_files['gpkg']}|layername=parcels",
            "FIELD": "PNU",
            "INPUT_2": table_layer,
            "FIELD_2": "고유번호",
            "FIELDS_TO_COPY": ["과세번호"],
            "METHOD": 0,  # one feature per matching ledger row
            "DISCARD_NONMATCHING": True,
            "OUTPUT": "memory:",
        },
    )["OUTPUT"]
    qgis_pairs = Counter((f["PNU"], f["과세번호"]) for f in joined.getFeatures())
    ours = QgsVectorLayer(f"{linkage_run['OUTPUT']}|layername=ledger_matched", "m", "ogr")
    our_pairs = Counter(
        (f["pnu"], f["row_id"]) for f in ours.getFeatures() if f["object_kind"] == "토지" and f["pnu_source"] == "given"
    )
    assert len(qgis_pairs) > 3000
    assert our_pairs == qgis_pairs
    # Rows QGIS drops silently are in ledger_unmatched with their reason.
    unmatched = QgsVectorLayer(f"{linkage_run['OUTPUT']}|layername=ledger_unmatched", "u", "ogr")
    dropped = set(land["과세번호"]) - {row for _, row in qgis_pairs}
    reasons = {f["row_id"]: f["reason_code"] for f in unmatched.getFeatures()}
    assert dropped and dropped <= set(reasons)
    assert {reasons[r] for r in dropped} == {"LEDGER_NO_PARCEL"}


def test_outputs_open_styled_in_qgis(linkage_run):
    gpkg = linkage_run["OUTPUT"]
    for name, renderer in (
        ("parcels_tax", "categorizedSymbol"),
        ("buildings_tax", "categorizedSymbol"),
        ("findings", "categorizedSymbol"),
    ):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        assert layer.isValid() and layer.featureCount() > 0
        assert read_embedded_style(gpkg, name)
        assert layer.renderer().type() == renderer, name
    findings = QgsVectorLayer(f"{gpkg}|layername=findings", "f", "ogr")
    categories = {c.value() for c in findings.renderer().categories()}
    assert {"BUILDING_NOT_TAXED", "PARCEL_NOT_TAXED", "AREA_MISMATCH"} <= categories
    summary = QgsVectorLayer(f"{gpkg}|layername=summary", "s", "ogr")
    assert summary.isValid() and not summary.isSpatial()
    assert linkage_run["LEDGER_ROWS"] == linkage_run["MATCHED"] + linkage_run["UNMATCHED"]
    html = Path(linkage_run["REPORT_FILE"]).read_text(encoding="utf-8")
    assert "건축물 과세누락" in html and f"{linkage_run['LEDGER_ROWS']:,}" in html
