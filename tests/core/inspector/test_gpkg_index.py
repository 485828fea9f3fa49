"""The GeoPackage-backed inspector index answers exactly as the in-memory one, and indexes the file once."""

from __future__ import annotations

import sqlite3

import pytest

from gimpo_gis_plugin.core.inspector import InspectorIndex, build_statement, search_parcel
from gimpo_gis_plugin.core.inspector.gpkg_index import (
    LOOKUPS,
    GeoPackageIndex,
    has_lookup_indexes,
    index_name,
)


@pytest.fixture(scope="module")
def linkage_gpkg(inspector_linkage, tmp_path_factory):
    from gimpo_gis_plugin.core.tax_linkage.output import write_linkage

    path, _ = write_linkage(inspector_linkage[0], tmp_path_factory.mktemp("gpkg_index") / "linked.gpkg")
    return path


def test_lookup_indexes_are_added_once_and_stay_in_the_file(linkage_gpkg):
    first = GeoPackageIndex(linkage_gpkg)
    again = GeoPackageIndex(linkage_gpkg)
    assert first.indexes_added and not again.indexes_added and has_lookup_indexes(linkage_gpkg)
    with sqlite3.connect(linkage_gpkg) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        plan = " ".join(
            str(row) for row in db.execute("EXPLAIN QUERY PLAN SELECT * FROM ledger_matched WHERE pnu = 'x'")
        )
    assert {index_name(t, c) for t, c in LOOKUPS} <= names
    assert index_name("ledger_matched", "pnu") in plan  # a B-tree search, not a scan


def test_same_answers_as_the_in_memory_index(linkage_gpkg, named_pnu):
    on_disk = GeoPackageIndex(linkage_gpkg)
    in_memory = InspectorIndex.from_geopackage(linkage_gpkg)
    assert len(on_disk) == len(in_memory) and on_disk.crs.to_epsg() == 5186
    for pnu, x, y in on_disk.random_points(150, seed=3):
        assert on_disk.pnu_at(x, y) == in_memory.pnu_at(x, y) == pnu
        assert build_statement(on_disk, pnu) == build_statement(in_memory, pnu)
    assert build_statement(on_disk, named_pnu) == build_statement(in_memory, named_pnu)
    assert on_disk.pnu_at(0.0, 0.0) is None and on_disk.parcel_row("0" * 19) is None
    row = in_memory.parcels.iloc[33]
    for text in (row["PNU"], f"{row['legal_dong_name']} {row['lot']}", row["lot"]):
        assert search_parcel(on_disk, text) == search_parcel(in_memory, text)


def test_a_file_that_is_not_a_linkage_output_is_refused(sample_city_files):
    from gimpo_gis_plugin.core.errors import InputError

    with pytest.raises(InputError):
        GeoPackageIndex(sample_city_files["gpkg"])
