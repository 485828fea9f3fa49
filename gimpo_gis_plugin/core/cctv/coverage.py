"""One coverage run: cameras and buildings in, views, coverage, blind spots, new sites and rejects out."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from ..progress import SILENT, Progress
from .blind_spots import blind_spots
from .inputs import (
    CameraDefaults,
    CameraFields,
    Rejects,
    prepare_buildings,
    prepare_cameras,
    prepare_points,
    prepare_targets,
)
from .siting import NewCamera, site_new_cameras
from .visibility import TWO_PI, Obstacles, view_polygons


@dataclass(frozen=True)
class CoverageOptions:
    fields: CameraFields = field(default_factory=CameraFields)
    defaults: CameraDefaults = field(default_factory=CameraDefaults)
    building_height_field: str | None = "height"
    building_id_field: str | None = "bld_id"
    target_id_field: str | None = None
    target_weight_field: str | None = None
    candidate_id_field: str = "light_id"
    new_camera: NewCamera = field(default_factory=NewCamera)
    new_cameras: int = 10
    angular_step_deg: float = 1.0
    min_blind_area_m2: float = 10.0


@dataclass
class CoverageResult:
    views: gpd.GeoDataFrame  # one polygon per usable camera
    coverage: gpd.GeoDataFrame  # the union, one row per agency and one for all
    targets: gpd.GeoDataFrame  # target areas with covered/blind figures
    blind_spots: gpd.GeoDataFrame
    proposed_sites: gpd.GeoDataFrame
    proposed_views: gpd.GeoDataFrame
    rejects: pd.DataFrame
    summary: pd.DataFrame

    def layers(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        return {
            "camera_views": self.views,
            "coverage": self.coverage,
            "target_areas": self.targets,
            "blind_spots": self.blind_spots,
            "proposed_sites": self.proposed_sites,
            "proposed_views": self.proposed_views,
            "rejects": self.rejects,
            "summary": self.summary,
        }


def analyse_coverage(
    cameras: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    targets: gpd.GeoDataFrame | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    options: CoverageOptions = CoverageOptions(),
    progress: Progress = SILENT,
) -> CoverageResult:
    """Views of every camera with occlusion, their union, blind spots in the targets, new sites."""
    _same_crs(cameras, buildings, targets, candidates)
    crs = cameras.crs
    rejects = Rejects()
    progress.info(f"Checking {len(cameras):,} cameras")
    prepared = prepare_cameras(cameras, rejects, options.fields, options.defaults)
    footprints, heights = prepare_buildings(
        buildings, rejects, options.building_height_field, options.building_id_field
    )
    if buildings is not None and options.building_height_field not in (None, *buildings.columns):
        progress.warn(
            f"Buildings have no height field '{options.building_height_field}': every building is taken to "
            "block the view completely (no camera looks over a roof)."
        )
    obstacles = Obstacles(footprints, heights) if len(footprints) else None
    progress.set(0.05)
    progress.info(f"Computing the views of {len(prepared.records):,} cameras among {len(footprints):,} buildings")
    views = view_polygons(prepared.arrays, obstacles, options.angular_step_deg, progress=progress.sub(0.05, 0.55))
    records = prepared.records
    arrays = prepared.arrays
    nominal = 0.5 * arrays.span * (arrays.reach**2 - arrays.blind_radius**2)
    visible = shapely.area(views) if len(views) else np.array([], dtype=float)
    view_frame = gpd.GeoDataFrame(
        records.drop(columns="geometry").assign(
            direction=np.where(records["full_circle_assumed"].to_numpy(dtype=bool), "360_assumed", "known"),
            nominal_area_m2=np.round(nominal, 2),
            visible_area_m2=np.round(visible, 2),
            occluded_share=np.round(np.where(nominal > 0, 1 - visible / np.maximum(nominal, 1e-9), 0.0), 4),
        ),
        geometry=list(views),
        crs=crs,
    )
    coverage = _coverage_by_agency(view_frame)
    progress.set(0.6)

    target_frame = _empty_targets(crs)
    spots = gpd.GeoDataFrame({"blind_id": [], "weight": []}, geometry=[], crs=crs)
    if targets is not None and len(targets):
        progress.info(f"Finding blind spots in {len(targets):,} target areas")
        clean = prepare_targets(targets, rejects, options.target_id_field, options.target_weight_field)
        target_frame, spots = blind_spots(clean, footprints, views, options.min_blind_area_m2, progress.sub(0.6, 0.75))
    progress.set(0.75)

    sites = gpd.GeoDataFrame({"rank": []}, geometry=[], crs=crs)
    new_views = np.array([], dtype=object)
    if candidates is not None and len(candidates) and options.new_cameras > 0 and len(spots):
        ids, points = prepare_points(candidates, rejects, options.candidate_id_field, "candidates")
        progress.info(f"Siting up to {options.new_cameras} new cameras on {len(points):,} candidate poles")
        sites, new_views = site_new_cameras(
            ids,
            points,
            options.new_camera,
            obstacles,
            spots,
            options.new_cameras,
            options.angular_step_deg,
            progress.sub(0.75, 0.98),
        )
    proposed_views = gpd.GeoDataFrame(
        sites.drop(columns="geometry").reset_index(drop=True), geometry=list(new_views), crs=crs
    )
    reject_frame = rejects.frame()
    summary = _summary(cameras, view_frame, coverage, target_frame, spots, sites, reject_frame)
    progress.set(1.0)
    return CoverageResult(view_frame, coverage, target_frame, spots, sites, proposed_views, reject_frame, summary)


def _same_crs(*frames: gpd.GeoDataFrame | None) -> None:
    crss = {f.crs.to_string() if f.crs is not None else None for f in frames if f is not None}
    if len(crss) > 1:
        raise InputError(
            f"The layers are in different coordinate systems ({', '.join(map(str, crss))}).",
            "Reproject them to one projected CRS (EPSG:5186 for 김포) first.",
        )
    frame = next(f for f in frames if f is not None)
    if frame.crs is not None and frame.crs.is_geographic:
        raise InputError(
            f"The cameras are in degrees ({frame.crs.to_string()}); coverage needs metres.",
            "Reproject to EPSG:5186 first.",
        )


def _coverage_by_agency(views: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    geoms = views.geometry.to_numpy()
    for agency, index in [("(all)", np.arange(len(views)))] + [
        (a, np.flatnonzero(views["agency"].to_numpy() == a)) for a in sorted(views["agency"].unique())
    ]:
        union = shapely.union_all(geoms[index]) if index.size else shapely.Polygon()
        rows.append({"agency": agency, "cameras": int(index.size), "area_m2": round(union.area, 2), "geometry": union})
    return gpd.GeoDataFrame(
        rows, columns=["agency", "cameras", "area_m2", "geometry"], geometry="geometry", crs=views.crs
    )


def _empty_targets(crs) -> gpd.GeoDataFrame:
    from .blind_spots import TARGET_COLUMNS

    return gpd.GeoDataFrame({c: [] for c in TARGET_COLUMNS}, geometry=[], crs=crs)


def _summary(cameras, views, coverage, targets, spots, sites, rejects) -> pd.DataFrame:
    rejected = rejects[rejects["action"] == "rejected"]
    rows = [
        ("cameras_read", len(cameras)),
        ("cameras_used", len(views)),
        ("cameras_rejected", int(rejected[rejected["layer"] == "cameras"]["feature"].nunique())),
        ("cameras_full_circle_assumed", int(views["full_circle_assumed"].sum()) if len(views) else 0),
        ("coverage_m2", float(coverage.iloc[0]["area_m2"]) if len(coverage) else 0.0),
        ("sum_of_views_m2", float(views["visible_area_m2"].sum()) if len(views) else 0.0),
        ("target_open_m2", float(targets["open_m2"].sum()) if len(targets) else 0.0),
        ("target_covered_m2", float(targets["covered_m2"].sum()) if len(targets) else 0.0),
        ("blind_spots", len(spots)),
        ("blind_spots_m2", float(spots["area_m2"].sum()) if len(spots) else 0.0),
        ("new_cameras_proposed", len(sites)),
        ("new_cameras_gained_m2", float(sites["gained_area_m2"].sum()) if len(sites) else 0.0),
        ("problems_reported", len(rejects)),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


__all__ = ["TWO_PI", "CoverageOptions", "CoverageResult", "analyse_coverage"]
