"""The civic layers of the sample city (민원, 체납, 인구): contract fields, coherence with the city."""

from __future__ import annotations

import numpy as np
import shapely

CONTRACT = {
    "complaints": ["complaint_id", "received_date", "category", "admin_dong_code", "admin_dong_name", "weight"],
    "tax_arrears": ["arrears_id", "pnu", "amount", "months_overdue"],
    "population_admin_dong": ["admin_dong_code", "admin_dong_name", "population", "households"],
    "population_grid": ["cell_id", "population", "households"],
}


def test_layers_have_the_contract_fields(sample_city):
    for name, columns in CONTRACT.items():
        layer = sample_city.layers[name]
        assert set(columns) <= set(layer.columns), name
        assert layer.crs.to_epsg() == 5186
        assert len(layer) > 0
        assert name in sample_city.styles


def test_complaint_admin_dong_is_where_the_point_is(sample_city):
    complaints = sample_city.layers["complaints"]
    admin = sample_city.admin_dongs.set_index("admin_dong_code")
    polygons = admin.geometry.reindex(complaints["admin_dong_code"]).to_numpy()
    assert shapely.contains(polygons, complaints.geometry.to_numpy()).all()
    assert complaints["complaint_id"].is_unique
    assert complaints["received_date"].str.match(r"^2025-\d\d-\d\d$").all()
    assert set(complaints["category"]) == {"불법주정차", "쓰레기", "소음", "도로파손", "가로등고장"}


def test_complaints_cluster_in_the_urban_dong(sample_city):
    complaints = sample_city.layers["complaints"]
    urban = complaints["admin_dong_name"].str.endswith("동")
    urban_area = sample_city.admin_dongs[sample_city.admin_dongs["admin_dong_name"].str.endswith("동")].area.sum()
    density_urban = urban.sum() / urban_area
    density_rural = (~urban).sum() / (sample_city.admin_dongs.area.sum() - urban_area)
    assert density_urban > 5 * density_rural


def test_road_complaints_lie_on_roads(sample_city):
    complaints = sample_city.layers["complaints"]
    on_road = complaints[complaints["category"].isin(["불법주정차", "도로파손", "가로등고장"])]
    roads = shapely.union_all(sample_city.roads.geometry.to_numpy())
    distance = shapely.distance(on_road.geometry.to_numpy(), roads)
    assert np.quantile(distance, 0.95) < 10.0


def test_population_is_consistent_between_dong_and_grid(sample_city):
    dong = sample_city.layers["population_admin_dong"]
    grid = sample_city.layers["population_grid"]
    assert len(dong) == 14 and (dong.geom_type == "MultiPolygon").all()
    assert dong["population"].sum() == grid["population"].sum() > 1000
    assert (dong["households"] <= dong["population"]).all()
    assert np.allclose(grid.area, 100 * 100)
    assert grid["cell_id"].is_unique
    # People live where the residential buildings are.
    residential = sample_city.buildings[sample_city.buildings["use_code"].isin(["01000", "02000"])]
    hit = shapely.STRtree(grid.geometry.to_numpy()).query(residential.geometry.centroid.to_numpy(), "within")
    assert len(np.unique(hit[0])) == len(residential)


def test_arrears_are_on_real_taxable_parcels(sample_city):
    arrears = sample_city.layers["tax_arrears"]
    parcels = sample_city.parcels.set_index("PNU")
    assert arrears["pnu"].isin(parcels.index).all()
    assert not parcels.loc[arrears["pnu"], "jimok"].isin(["도", "구", "학", "공"]).any()
    assert shapely.contains(parcels.geometry.loc[arrears["pnu"]].to_numpy(), arrears.geometry.to_numpy()).all()
    assert (arrears["amount"] > 0).all() and (arrears["months_overdue"] >= 1).all()
