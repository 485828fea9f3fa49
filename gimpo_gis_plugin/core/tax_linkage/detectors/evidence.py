"""What every detector reads: the placed and unplaced ledger rows, the parcels and the buildings, with
the few derived tables several of them share (built once, on first use)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import pandas as pd

from ..options import LinkageOptions
from ..vocabulary import BUILDING, HOUSE, LAND

FINDING_COLUMNS = ["pnu", "bld_id", "row_id", "detail", "tax_at_stake"]


def findings(code: str, **columns) -> pd.DataFrame:
    """A detector's findings frame with the ``code`` column (scalars broadcast)."""
    frame = pd.DataFrame(columns)
    frame.insert(0, "code", code)
    return frame[["code", *FINDING_COLUMNS]]


def _lean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A frame of some of ``frame``'s columns that shares their arrays (selecting copies them all)."""
    return pd.DataFrame({column: frame[column].to_numpy() for column in columns}, index=frame.index, copy=False)


@dataclass
class Evidence:
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    matched: pd.DataFrame
    unmatched: pd.DataFrame
    options: LinkageOptions

    def __post_init__(self) -> None:
        self.matched = _lean(
            self.matched,
            [
                "kind",
                "pnu",
                "matched_bld_id",
                "is_duplicate",
                "taxed_area",
                "tax",
                "taxed_use",
                "row_id",
                "same_as",
                "house_without_building",
            ],
        )
        self.parcel_rows = _lean(
            self.parcels, ["PNU", "JIBUN", "jimok", "legal_dong_code", "register", "pnu_valid", "gis_area_m2"]
        )

    # --- ledger rows by kind ---------------------------------------------------------------------------
    @cached_property
    def land(self) -> pd.DataFrame:
        return self.matched[self.matched["kind"] == LAND]

    @cached_property
    def live_land(self) -> pd.DataFrame:
        return self.land[~self.land["is_duplicate"]]

    @cached_property
    def building_rows(self) -> pd.DataFrame:
        return self.matched[self.matched["kind"] == BUILDING]

    @cached_property
    def live_buildings(self) -> pd.DataFrame:
        return self.building_rows[~self.building_rows["is_duplicate"]]

    @cached_property
    def house_rows(self) -> pd.DataFrame:
        return self.matched[self.matched["kind"] == HOUSE]

    @cached_property
    def live_houses(self) -> pd.DataFrame:
        return self.house_rows[~self.house_rows["is_duplicate"]]

    # --- objects ----------------------------------------------------------------------------------------
    @cached_property
    def parcel_area(self) -> pd.Series:
        return self.parcel_rows.groupby("PNU", sort=False)["gis_area_m2"].sum()

    @cached_property
    def parcel_info(self) -> pd.DataFrame:
        return self.parcel_rows[["PNU", "legal_dong_code", "jimok"]].drop_duplicates("PNU").set_index("PNU")

    @cached_property
    def building_info(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.buildings[["bld_id", "use_class", "use_name", "total_floor_area", "pnu"]])
        return frame.drop_duplicates("bld_id").set_index("bld_id")
