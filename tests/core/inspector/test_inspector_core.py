"""Parcel statements from the real linkage output: lookups, masking, audit, search, HTML export."""

from __future__ import annotations

import pytest
import shapely

from gimpo_gis_plugin.core.inspector import AuditLog, InspectorIndex, build_statement, search_parcel
from gimpo_gis_plugin.core.inspector.export import statement_html, statement_svg_map, write_statement_html
from gimpo_gis_plugin.core.inspector.search import completion_names
from gimpo_gis_plugin.core.inspector.statement import AuditRequiredError

from .conftest import UNMASKED_NAME, UNMASKED_RESIDENT


def test_click_inside_a_parcel_finds_it(inspector_index, sample_city):
    parcels = sample_city.parcels.sample(50, random_state=1)
    for pnu, geometry in zip(parcels["PNU"], parcels.geometry, strict=True):
        point = geometry.representative_point()
        assert inspector_index.pnu_at(point.x, point.y) == pnu


def test_click_outside_every_parcel_finds_nothing(inspector_index, sample_city):
    minx, miny, _, _ = sample_city.parcels.total_bounds
    assert inspector_index.pnu_at(minx - 1000, miny - 1000) is None


def test_statement_has_the_parcels_ledger_buildings_and_findings(inspector_index, inspector_linkage):
    result = inspector_linkage[0]
    pnu = result.buildings_tax.loc[result.buildings_tax["n_findings"] > 0, "pnu"].iloc[0]
    statement = build_statement(inspector_index, pnu)
    expected_rows = result.ledger_matched[result.ledger_matched["pnu"] == pnu]
    assert {r.row_id for r in statement.all_ledger_lines()} >= set(expected_rows["row_id"])
    assert {b.bld_id for b in statement.buildings} == set(result.buildings_tax.loc[lambda b: b.pnu == pnu, "bld_id"])
    assert {f.code for f in statement.findings} == set(result.findings.loc[result.findings.pnu == pnu, "code"])
    assert statement.pnu_formatted.count("-") == 4 and statement.pnu_formatted.replace("-", "") == pnu
    assert statement.findings[0].label_ko and statement.findings[0].detail


def test_parcel_without_ledger_or_findings(inspector_index, inspector_linkage):
    parcels = inspector_linkage[0].parcels_tax
    road = parcels[(parcels["jimok"] == "도") & (parcels["n_findings"] == 0) & (parcels["ledger_rows"] == 0)]
    statement = build_statement(inspector_index, road["PNU"].iloc[0])
    assert statement.land_ledger == () and statement.findings == () and statement.jimok == "도"


def test_mountain_lot_and_quirky_register(inspector_index, sample_city):
    mountain = sample_city.parcels[sample_city.parcels["PNU"].str[10] == "2"]["PNU"].iloc[0]
    statement = build_statement(inspector_index, mountain)
    assert statement.lot.startswith("산 ") and statement.register_note == ""
    quirky = sample_city.parcels[sample_city.parcels["quirk"] == "gajibeon"]["PNU"].iloc[0]
    statement = build_statement(inspector_index, quirky)
    assert statement.pnu_formatted.split("-")[2] == "6" and "6" in statement.register_note
    assert "PNU_NONSTANDARD" in {f.code for f in statement.findings}


def test_names_masked_by_default_and_audited_when_shown(inspector_index, named_pnu, tmp_path):
    masked = build_statement(inspector_index, named_pnu)
    names = {r.taxpayer for r in masked.land_ledger}
    assert UNMASKED_NAME not in names and "홍*동" in names
    assert UNMASKED_RESIDENT not in {r.resident_no for r in masked.land_ledger}
    with pytest.raises(AuditRequiredError):
        build_statement(inspector_index, named_pnu, show_personal=True)
    audit = AuditLog(tmp_path / "audit.log", user="officer1")
    shown = build_statement(inspector_index, named_pnu, show_personal=True, audit=audit)
    assert UNMASKED_NAME in {r.taxpayer for r in shown.land_ledger}
    (line,) = audit.lines()
    assert line.split("\t")[1:3] == ["officer1", named_pnu]


def test_search_by_pnu_address_and_lot(inspector_index, sample_city):
    pnu = sample_city.parcels[sample_city.parcels["PNU"].str[10] == "1"]["PNU"].iloc[10]
    formatted = f"{pnu[:5]}-{pnu[5:10]}-{pnu[10]}-{pnu[11:15]}-{pnu[15:]}"
    assert search_parcel(inspector_index, pnu).pnu == pnu
    assert search_parcel(inspector_index, formatted).pnu == pnu
    row = inspector_index.parcel_row(pnu)
    assert search_parcel(inspector_index, f"{row['legal_dong_name']} {row['lot']}").pnu == pnu
    assert search_parcel(inspector_index, f"김포시 {row['legal_dong_name']} {row['lot']}번지").pnu == pnu
    mountain = inspector_index.parcel_row(sample_city.parcels[sample_city.parcels["PNU"].str[10] == "2"]["PNU"].iloc[0])
    found = search_parcel(inspector_index, f"{mountain['legal_dong_name']} {mountain['lot']}")
    assert found.pnu == mountain["PNU"]
    lot_only = search_parcel(inspector_index, mountain["lot"])
    assert lot_only.pnu == mountain["PNU"] or mountain["PNU"] in {c[0] for c in lot_only.candidates}
    assert search_parcel(inspector_index, "가상동 1-1").pnu is None
    assert "19" in search_parcel(inspector_index, "41570-10100").message
    assert "사우동" in completion_names() and "성동리" in completion_names()


def test_html_export_has_the_pnu_a_map_and_no_unmasked_name(inspector_index, named_pnu, tmp_path):
    statement = build_statement(inspector_index, named_pnu)
    svg = statement_svg_map(inspector_index, named_pnu)
    assert svg.startswith("<svg") and "#d7301f" in svg
    path = write_statement_html(tmp_path / "statement.html", statement_html(statement, svg))
    text = path.read_text(encoding="utf-8")
    assert statement.pnu_formatted in text and named_pnu in text
    assert UNMASKED_NAME not in text and UNMASKED_RESIDENT not in text and "홍*동" in text


def test_index_reads_the_linkage_geopackage(inspector_linkage, tmp_path):
    from gimpo_gis_plugin.core.tax_linkage.output import write_linkage

    result = inspector_linkage[0]
    path, _ = write_linkage(result, tmp_path / "linked.gpkg")
    index = InspectorIndex.from_geopackage(path)
    assert len(index) == len(result.parcels_tax)
    with_findings = result.parcels_tax[result.parcels_tax["n_findings"] > 0].iloc[0]
    point = shapely.Point(with_findings.geometry.representative_point())
    pnu = index.pnu_at(point.x, point.y)
    assert pnu == with_findings["PNU"]
    assert len(build_statement(index, pnu).findings) == with_findings["n_findings"]
