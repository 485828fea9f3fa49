"""The real linkage output of the 5,000-parcel sample city, with one taxpayer given an unmasked name
(as an officer's own ledger pull would have), so masking and the audit log are tested on real rows."""

from __future__ import annotations

import pytest

UNMASKED_NAME = "홍길동"
UNMASKED_RESIDENT = "800101-1234567"


@pytest.fixture(scope="session")
def inspector_linkage(sample_city):
    from gimpo_gis_plugin.core.tax_linkage import LinkageOptions, link_tax_ledger

    ledger = sample_city.ledger.rows.copy()
    first_land = ledger.index[(ledger["object_kind"] == "토지") & (ledger["pnu"].str.len() == 19)][0]
    ledger.loc[first_land, ["taxpayer", "resident_no"]] = [UNMASKED_NAME, UNMASKED_RESIDENT]
    result = link_tax_ledger(
        sample_city.parcels, sample_city.buildings, ledger, LinkageOptions(show_personal_data=True)
    )
    return result, str(ledger.at[first_land, "pnu"])


@pytest.fixture(scope="session")
def inspector_index(inspector_linkage):
    from gimpo_gis_plugin.core.inspector import InspectorIndex

    return InspectorIndex.from_linkage(inspector_linkage[0])


@pytest.fixture(scope="session")
def named_pnu(inspector_linkage) -> str:
    """A parcel whose land row carries the unmasked name ``UNMASKED_NAME``."""
    return inspector_linkage[1]
