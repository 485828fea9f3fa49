"""Lot numbers of a very large sample city stay within the PNU's four digits (a 2,000,000-parcel city
once produced 20-character PNUs: one 법정동 had more than 9,999 block rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gimpo_gis_plugin.core.sample_city.cadastre import assign_pnu


def test_more_than_9999_rows_in_one_legal_dong_keep_19_digit_unique_pnus():
    rows = 12_500
    parcels = pd.DataFrame(
        {
            "area_id": 0,
            "block_x": np.repeat(np.arange(rows) // 50, 2),
            "block_y": 0,
            "lot_row": np.repeat(np.arange(rows) % 50, 2),
            "lot_col": np.tile([0, 1], rows),
            "is_road": False,
            "jimok": "대",
        }
    )
    areas = pd.DataFrame({"area_id": [0], "legal_dong_code": ["4157010100"], "is_urban": [True]})
    assign_pnu(parcels, areas, np.random.default_rng(41570))
    plain = parcels[parcels["quirk"] == ""]
    assert plain["PNU"].str.len().eq(19).all()
    assert plain["PNU"].is_unique
    assert parcels["main_lot"].between(0, 9999).all() and parcels["sub_lot"].between(0, 9999).all()
    # Rows up to 9,999 keep their plain numbers; the next ones start again at 1 with sub lots from 1000.
    assert set(parcels.loc[parcels["main_lot"] == 1, "sub_lot"]) >= {0, 1, 1000, 1001}
