"""gimpo:cctvcoverage: camera views with building occlusion, blind spots in target areas, new sites."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ...core.cctv.coverage import CoverageOptions, analyse_coverage
from ...core.cctv.inputs import CameraFields
from ...core.cctv.siting import NewCamera
from ...core.cctv.styling import coverage_styles
from ...core.progress import Progress
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import DATABASE_OUTPUT_HELP, vector_output

LAYERS = ("camera_views", "coverage", "target_areas", "blind_spots", "proposed_sites", "proposed_views")


class CctvCoverage(GimpoAlgorithm):
    ALGORITHM_ID = "cctvcoverage"
    DISPLAY_NAME = "CCTV coverage and blind spots (CCTV 사각지대 분석)"
    GROUP_ID = "facilities"
    HELP = (
        "Each camera's view on the ground from its azimuth, horizontal field of view, range, mounting height "
        "and tilt, cut by the building footprints in its way (a building lower than the camera hides only the "
        "ground just behind it; buildings without a height block completely), minus the near blind zone under "
        "the pole. A camera without an azimuth (회전형/PTZ) is taken as seeing the full circle and flagged.\n\n"
        "With TARGETS (residential blocks, 어린이보호구역, hot spots) the open ground nobody sees becomes blind "
        "spots ranked by area × weight; with CANDIDATES (streetlight poles) up to NEW_CAMERAS new cameras are "
        "placed greedily, each where it covers the most weighted blind area left, with the gain of each.\n\n"
        "Output: one GeoPackage with camera_views, coverage (all and per agency), target_areas, blind_spots, "
        "proposed_sites, proposed_views, rejects (every record with a problem: its id, field, reason and what "
        "was done) and summary. Cameras with field of view ≤ 0 or > 360, no agency (관리기관), no id or a "
        "geometry other than a point are rejected, never silently dropped."
    )

    CAMERAS = "CAMERAS"
    ID_FIELD = "ID_FIELD"
    AGENCY_FIELD = "AGENCY_FIELD"
    BUILDINGS = "BUILDINGS"
    HEIGHT_FIELD = "HEIGHT_FIELD"
    TARGETS = "TARGETS"
    TARGET_ID_FIELD = "TARGET_ID_FIELD"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    CANDIDATES = "CANDIDATES"
    CANDIDATE_ID_FIELD = "CANDIDATE_ID_FIELD"
    NEW_CAMERAS = "NEW_CAMERAS"
    NEW_FOV = "NEW_FOV"
    NEW_RANGE = "NEW_RANGE"
    NEW_HEIGHT = "NEW_HEIGHT"
    MIN_BLIND_AREA = "MIN_BLIND_AREA"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        point, polygon = [QgsProcessing.TypeVectorPoint], [QgsProcessing.TypeVectorPolygon]
        self.addParameter(QgsProcessingParameterFeatureSource(self.CAMERAS, self.tr("CCTV cameras"), point))
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, self.tr("Camera id field"), "cctv_id", self.CAMERAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AGENCY_FIELD, self.tr("Agency (관리기관) field"), "agency", self.CAMERAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.BUILDINGS, self.tr("Buildings"), polygon, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HEIGHT_FIELD, self.tr("Building height field (m)"), "height", self.BUILDINGS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.TARGETS, self.tr("Target areas"), polygon, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TARGET_ID_FIELD, self.tr("Target id field"), None, self.TARGETS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD, self.tr("Target weight field"), None, self.TARGETS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CANDIDATES, self.tr("Candidate poles for new cameras"), point, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CANDIDATE_ID_FIELD, self.tr("Candidate id field"), "light_id", self.CANDIDATES, optional=True
            )
        )
        for name, label, kind, default, low, high in (
            (self.NEW_CAMERAS, "Number of new cameras to site", QgsProcessingParameterNumber.Type.Integer, 10, 0, 500),
            (self.NEW_FOV, "New camera field of view (°)", QgsProcessingParameterNumber.Type.Double, 90.0, 1.0, 360.0),
            (self.NEW_RANGE, "New camera range (m)", QgsProcessingParameterNumber.Type.Double, 50.0, 1.0, 1000.0),
            (
                self.NEW_HEIGHT,
                "New camera mounting height (m)",
                QgsProcessingParameterNumber.Type.Double,
                6.0,
                0.5,
                100.0,
            ),
            (
                self.MIN_BLIND_AREA,
                "Smallest blind spot listed (m²)",
                QgsProcessingParameterNumber.Type.Double,
                10.0,
                0,
                1e9,
            ),
        ):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), kind, default, False, low, high))
        output = QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Coverage (GeoPackage or PostGIS)"), self.tr("GeoPackage (*.gpkg)")
        )
        output.setHelp(self.tr(DATABASE_OUTPUT_HELP))
        self.addParameter(output)
        for layer in LAYERS:
            self.addOutput(QgsProcessingOutputVectorLayer(layer.upper(), self.tr(layer.replace("_", " "))))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        cameras = read_source(self, parameters, self.CAMERAS, context, feedback)

        def optional(name: str):
            if self.parameterAsSource(parameters, name, context) is None:
                return None
            return read_source(self, parameters, name, context, feedback)

        buildings, targets, candidates = optional(self.BUILDINGS), optional(self.TARGETS), optional(self.CANDIDATES)
        text = lambda name: self.parameterAsString(parameters, name, context) or None  # noqa: E731
        number = lambda name: self.parameterAsDouble(parameters, name, context)  # noqa: E731
        options = CoverageOptions(
            fields=CameraFields(cctv_id=text(self.ID_FIELD) or "cctv_id", agency=text(self.AGENCY_FIELD) or "agency"),
            building_height_field=text(self.HEIGHT_FIELD),
            target_id_field=text(self.TARGET_ID_FIELD),
            target_weight_field=text(self.WEIGHT_FIELD),
            candidate_id_field=text(self.CANDIDATE_ID_FIELD) or "light_id",
            new_cameras=self.parameterAsInt(parameters, self.NEW_CAMERAS, context),
            new_camera=NewCamera(
                mount_height_m=number(self.NEW_HEIGHT), fov_deg=number(self.NEW_FOV), range_m=number(self.NEW_RANGE)
            ),
            min_blind_area_m2=number(self.MIN_BLIND_AREA),
        )
        result = analyse_coverage(cameras, buildings, targets, candidates, options, progress.sub(0.0, 0.9))
        layers = output.write(result.layers(), coverage_styles(result))
        summary = dict(zip(result.summary["measure"], result.summary["value"], strict=True))
        feedback.pushInfo(
            self.tr("{} of {} cameras used, {} rejected; coverage {:,.0f} m²; {} blind spots; {} new sites").format(
                int(summary["cameras_used"]),
                int(summary["cameras_read"]),
                int(summary["cameras_rejected"]),
                summary["coverage_m2"],
                int(summary["blind_spots"]),
                int(summary["new_cameras_proposed"]),
            )
        )
        return {self.OUTPUT: output.given, **{layer.upper(): layers[layer.upper()] for layer in LAYERS}}
