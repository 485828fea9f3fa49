"""The sample city's next year: its cadastre operations are what the lineage finds, and the change run
puts every row of both years in one class."""

from __future__ import annotations

from gimpo_gis_plugin.core.ledger_change.run import compare_years
from gimpo_gis_plugin.core.lineage import parcel_lineage
from gimpo_gis_plugin.core.sample_city.extensions.next_year import NEXT_YEAR

KINDS = {"split": "SPLIT", "merge": "MERGED", "renumber": "RENUMBERED"}


def test_next_year_operations_are_found_and_rows_conserved(sample_city):
    before, after = sample_city.parcels, sample_city.layers[f"parcels_{NEXT_YEAR}"]
    truth = sample_city.next_year["truth"]
    links = parcel_lineage(before, after).links
    for record in truth.itertuples(index=False):
        parents, children = set(record.parents.split(";")), set(record.children.split(";"))
        family = links.loc[links["parent_pnu"] == next(iter(parents)), "family"].iat[0]
        rows = links[links["family"] == family]
        assert set(rows["parent_pnu"].dropna()) == parents
        assert set(rows["child_pnu"].dropna()) == children
        assert set(rows["kind"]) == {KINDS[record.operation]}
    assert (links["kind"].isin(["UNCHANGED", *KINDS.values()])).all()
    ledger_before = sample_city.ledger.rows.assign(source_row=range(2, len(sample_city.ledger.rows) + 2))
    ledger_after = sample_city.next_year["ledger"]
    ledger_after = ledger_after.assign(source_row=range(2, len(ledger_after) + 2))
    run = compare_years(ledger_before, ledger_after, before, after, sample_city.admin_dongs)
    rows = run.layers["change_rows"]
    assert len(rows) == len(ledger_before) + len(ledger_after) and rows["class"].notna().all()
    assert run.counts["objects_lineage"] > 0 and run.counts["objects_ended"] > 0
