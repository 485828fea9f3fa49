"""The linkage on the sample city against its ground truth, and on the real 월곶면 parcels."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.tax_linkage import LinkageOptions, link_tax_ledger, read_ledger
from gimpo_gis_plugin.core.tax_linkage.linkage import jimok_from_jibun, prepare_parcels, share_fraction

ROW_KEYED = {"DUPLICATE_LEDGER", "LEDGER_NO_PARCEL", "ADDRESS_UNRESOLVED", "PNU_MALFORMED"}


def finding_key(code: str, pnu: str, bld_id: str, row_id: str) -> str:
    """How a planted discrepancy and a finding are recognised as the same case."""
    if code in ROW_KEYED:
        return row_id
    if code == "PARCEL_NOT_TAXED":
        return pnu
    return bld_id or pnu


@pytest.fixture(scope="module")
def linked(sample_city, sample_city_files):
    table = read_ledger(sample_city_files["ledger_csv"])  # as the office receives it: CP949 CSV
    return link_tax_ledger(sample_city.parcels, sample_city.buildings, table.rows)


def test_every_planted_discrepancy_is_found_and_nothing_else(linked, sample_city):
    truth = sample_city.ledger.ground_truth
    found = linked.findings
    report = []
    for code in sorted(set(truth["code"]) - {"ADDRESS_ONLY"}):
        planted = {finding_key(code, *r) for r in truth.loc[truth.code == code, ["pnu", "bld_id", "row_id"]].to_numpy()}
        flagged = {finding_key(code, *r) for r in found.loc[found.code == code, ["pnu", "bld_id", "row_id"]].to_numpy()}
        recall = len(planted & flagged) / len(planted)
        precision = len(planted & flagged) / len(flagged) if flagged else 1.0
        report.append(
            f"{code}: planted {len(planted)}, found {len(flagged)}, recall {recall:.3f}, precision {precision:.3f}"
        )
        assert planted, code
        assert recall == 1.0 and precision == 1.0, report[-1]
    print("\n".join(report))
    # Beyond the planted cases only the informational PNU_NONSTANDARD (가지번 parcels) remain.
    assert set(found["code"]) - set(truth["code"]) == {"PNU_NONSTANDARD"}
    assert (found["code"] == "PNU_NONSTANDARD").sum() == (sample_city.parcels["quirk"] == "gajibeon").sum()


def test_address_only_rows_resolve_to_their_true_parcel(linked, sample_city):
    truth = sample_city.ledger.ground_truth
    address_only = truth[truth["code"] == "ADDRESS_ONLY"].set_index("row_id")["pnu"]
    matched = linked.ledger_matched.set_index("row_id")
    got = matched.reindex(address_only.index)
    assert got["pnu_source"].eq("address").all()
    wrong = (got["pnu"] != address_only).sum()
    # A parcel whose PNU disagrees with its own JIBUN (a real quirk) cannot be found by its address.
    mismatched = set(sample_city.parcels.loc[sample_city.parcels["quirk"] == "pnu_jibun_mismatch", "PNU"])
    assert wrong <= len(mismatched & set(address_only))


def test_every_ledger_row_ends_in_exactly_one_place(linked, sample_city):
    ids_in = sample_city.ledger.rows["row_id"]
    ids_out = pd.concat([linked.ledger_matched["row_id"], linked.ledger_unmatched["row_id"]])
    assert len(ids_out) == len(ids_in) == linked.counts["ledger_rows"]
    assert sorted(ids_out) == sorted(ids_in)
    assert (linked.ledger_unmatched["reason"] != "").all()
    assert set(linked.ledger_unmatched["reason_code"]) == {"LEDGER_NO_PARCEL", "ADDRESS_UNRESOLVED", "PNU_MALFORMED"}


def test_worklist_is_sorted_by_severity_then_tax_and_located(linked):
    findings = linked.findings
    order = list(zip(-findings["severity"], -findings["tax_at_stake"], strict=True))
    assert order == sorted(order)
    located = findings.geometry.notna()
    assert located[findings["code"].isin(["BUILDING_NOT_TAXED", "PARCEL_NOT_TAXED", "AREA_MISMATCH"])].all()
    assert findings.loc[findings["code"] == "BUILDING_NOT_TAXED", "tax_at_stake"].gt(0).all()
    assert findings["label_ko"].str.len().gt(0).all() and findings["label_en"].str.len().gt(0).all()


def test_parcel_and_building_layers_carry_totals_and_codes(linked, sample_city):
    parcels = linked.parcels_tax
    assert len(parcels) == len(sample_city.parcels)
    land = linked.ledger_matched[linked.ledger_matched["object_kind"] == "토지"]
    assert parcels["tax"].sum() == round(land["tax"].sum())
    untaxed = linked.findings.loc[linked.findings.code == "BUILDING_NOT_TAXED", "bld_id"]
    flagged = linked.buildings_tax.set_index("bld_id").loc[untaxed]
    assert flagged["finding_codes"].str.contains("BUILDING_NOT_TAXED").all()
    assert (flagged["ledger_rows"] == 0).all()


def test_personal_data_is_masked_unless_asked_for(sample_city):
    ledger = sample_city.ledger.rows.head(50).copy()
    ledger["taxpayer"] = "홍길동"
    ledger["resident_no"] = "900101-1234567"
    ledger["source_row"] = np.arange(2, 52)
    masked = link_tax_ledger(sample_city.parcels, sample_city.buildings, ledger)
    for frame in (masked.ledger_matched, masked.ledger_unmatched):
        assert not frame["taxpayer"].str.contains("길").any()
        assert not frame["resident_no"].str.contains("234567").any()
    assert set(masked.ledger_matched["taxpayer"]) <= {"홍*동"}
    shown = link_tax_ledger(sample_city.parcels, sample_city.buildings, ledger, LinkageOptions(show_personal_data=True))
    assert set(shown.ledger_matched["taxpayer"]) == {"홍길동"}


def test_co_owner_shares_are_not_duplicates_but_a_repeated_share_is(sample_city):
    parcel = sample_city.parcels.iloc[[0]]
    pnu = parcel["PNU"].iat[0]
    area = round(parcel.geometry.area.iat[0] / 2, 1)
    rows = pd.DataFrame(
        {
            "row_id": ["a", "b", "c"],
            "year": "2026",
            "object_kind": "토지",
            "address": "",
            "pnu": pnu,
            "bld_id": "",
            "share": ["1/2", "1/2", "1/2"],
            "taxed_area": [area, area, area],
            "taxed_use": "전",
            "assessed_value": 1.0,
            "tax": [100.0, 100.0, 100.0],
            "taxpayer": "",
            "resident_no": "",
            "source_row": [2, 3, 4],
        }
    )
    two = link_tax_ledger(parcel, sample_city.buildings.iloc[:0], rows.iloc[:2])
    assert "DUPLICATE_LEDGER" not in set(two.findings["code"])
    assert "AREA_MISMATCH" not in set(two.findings["code"])
    three = link_tax_ledger(parcel, sample_city.buildings.iloc[:0], rows)
    duplicates = three.findings[three.findings["code"] == "DUPLICATE_LEDGER"]
    assert duplicates["row_id"].tolist() == ["c"]
    assert "AREA_MISMATCH" not in set(three.findings["code"])  # the duplicate's area is not counted twice


def test_building_rows_without_id_and_buildings_without_pnu(sample_city):
    built = sample_city.parcels[sample_city.parcels["PNU"].isin(sample_city.buildings["pnu"])].head(20)
    buildings = sample_city.buildings[sample_city.buildings["pnu"].isin(built["PNU"])].copy()
    buildings["pnu"] = ""  # as if the building layer carried no PNU: placed by the parcel under it
    rows = pd.DataFrame(
        {
            "row_id": [f"r{i}" for i in range(len(buildings))],
            "object_kind": "건축물",
            "pnu": sample_city.buildings.set_index("bld_id").loc[buildings["bld_id"], "pnu"].to_numpy(),
            "bld_id": "",  # no building id: matched by parcel and floor area
            "share": "1",
            "taxed_area": buildings["total_floor_area"].to_numpy(),
            "source_row": np.arange(2, len(buildings) + 2),
        }
    )
    result = link_tax_ledger(built, buildings, rows)
    assert result.counts["buildings_placed_spatially"] == len(buildings)
    assert result.counts["unmatched"] == 0
    assert sorted(result.ledger_matched["bld_id"]) == sorted(buildings["bld_id"])
    assert "BUILDING_NOT_TAXED" not in set(result.findings["code"])


def test_empty_inputs_give_valid_empty_outputs(sample_city):
    empty_ledger = sample_city.ledger.rows.iloc[:0].assign(source_row=pd.Series(dtype=int))
    result = link_tax_ledger(sample_city.parcels.iloc[:0], sample_city.buildings.iloc[:0], empty_ledger)
    assert result.counts["ledger_rows"] == 0 and len(result.findings) == 0
    for frame in result.layers().values():
        assert len(frame) == 0
    taxed = link_tax_ledger(sample_city.parcels, sample_city.buildings, empty_ledger)
    assert (taxed.findings["code"] == "BUILDING_NOT_TAXED").sum() == len(sample_city.buildings)


def test_share_fraction_and_jimok_parsing():
    assert share_fraction(pd.Series(["1", "1/2", "0.25", "50%", "", "x"])).tolist() == [1, 0.5, 0.25, 0.5, 1, 1]
    assert jimok_from_jibun(pd.Series(["435-3 과", "639답", "산31-1임", "0-1가", "12"])).tolist() == [
        "과",
        "답",
        "임",
        "",
        "",
    ]


@pytest.mark.shared_data
def test_real_wolgot_parcels_parse_and_link(shared_data):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    assert len(parcels) == 4409
    prepared = prepare_parcels(parcels)
    assert prepared["pnu_valid"].all()  # every real PNU parses, the quirky ones included
    assert set(prepared["legal_dong_code"]) == {"4157035026", "4157035027", "4157035028"}
    assert set(prepared["legal_dong_name"]) == {"월곶면 성동리", "월곶면 보구곶리", "월곶면 용강리"}
    nonstandard = prepared[~prepared["register"].isin(["1", "2"])]
    assert len(nonstandard) == 10 and set(nonstandard["register"]) == {"6"}
    assert (prepared["jimok"] != "").mean() > 0.95
    # A ledger with one land row per parcel addressed only by text: every one comes back to its parcel.
    standard = prepared[prepared["register"].isin(["1", "2"])].head(300)
    rows = pd.DataFrame(
        {
            "row_id": [f"w{i}" for i in range(len(standard))],
            "object_kind": "토지",
            "address": "김포시 " + standard["legal_dong_name"] + " " + standard["lot"],
            "pnu": "",
            "taxed_area": standard["gis_area_m2"].to_numpy(),
            "source_row": np.arange(2, len(standard) + 2),
        }
    )
    result = link_tax_ledger(parcels, parcels.iloc[:0].assign(geometry=shapely.Point(0, 0)).iloc[:0], rows)
    assert result.counts["unmatched"] == 0
    assert result.ledger_matched.set_index("row_id")["pnu"].tolist() == standard["PNU"].tolist()
    assert (result.findings["code"] == "PNU_NONSTANDARD").sum() == 10


def test_cancel_stops_the_run_and_writes_nothing(sample_city, tmp_path):
    from gimpo_gis_plugin.core.errors import CancelledError
    from gimpo_gis_plugin.core.progress import Progress

    calls = []
    progress = Progress(on_fraction=calls.append, is_cancelled=lambda: len(calls) >= 2)
    with pytest.raises(CancelledError):
        link_tax_ledger(sample_city.parcels, sample_city.buildings, sample_city.ledger.rows, progress=progress)
    assert calls and not list(tmp_path.iterdir())


def test_area_tolerances_are_both_required_to_flag(sample_city):
    parcel = sample_city.parcels.iloc[[0]]
    area = parcel.geometry.area.iat[0]
    rows = pd.DataFrame(
        {"row_id": ["a"], "object_kind": "토지", "pnu": parcel["PNU"].iat[0], "taxed_area": [area * 1.2 + 0.0],
         "source_row": [2]}
    )  # fmt: skip
    none = sample_city.buildings.iloc[:0]
    flagged = link_tax_ledger(parcel, none, rows, LinkageOptions(0.1, 1.0))
    assert "AREA_MISMATCH" in set(flagged.findings["code"])
    loose_absolute = link_tax_ledger(parcel, none, rows, LinkageOptions(0.1, area))  # 20 % but fewer m² than allowed
    assert "AREA_MISMATCH" not in set(loose_absolute.findings["code"])
    loose_relative = link_tax_ledger(parcel, none, rows, LinkageOptions(0.25, 1.0))
    assert "AREA_MISMATCH" not in set(loose_relative.findings["code"])


def test_only_the_fields_the_linkage_reads_are_read():
    from gimpo_gis_plugin.core.tax_linkage.linkage import building_fields, parcel_fields

    assert parcel_fields(["pnu", "Jibun", "jimok", "BCHK", "SGG_OID"]) == ["pnu", "Jibun", "jimok"]
    assert parcel_fields(["JIBUN", "BCHK"]) is None  # no PNU: read all, so the error can list them
    # The fields of the detected building schema (building_schema), in any case; None when no schema
    # is recognised, so that the refusal can list them all.
    read = building_fields(["BLD_ID", "pnu", "height", "Total_Floor_Area", "structure_name", "SGG_OID"])
    assert set(read) == {"BLD_ID", "pnu", "height", "Total_Floor_Area", "structure_name"}
    assert building_fields(["id", "name"]) is None
