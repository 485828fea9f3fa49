"""Parameter definitions that several algorithms share, worded and filtered the same everywhere.

A facility store, an optional rule table and a vector destination mean the same thing in every
algorithm that takes them; one definition keeps their labels, file filters and help text in step
(qgis_process checks a file value against the filter, so the filter decides what a planner may pass).
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingParameterFile, QgsProcessingParameterFileDestination
from qgis.PyQt.QtCore import QCoreApplication

from .outputs import DATABASE_OUTPUT_HELP


def facility_store(algorithm: QgsProcessingAlgorithm, name: str) -> QgsProcessingParameterFile:
    """The facility store: a GeoPackage, or a PostGIS schema ("All files" lets a database value through)."""
    store = QgsProcessingParameterFile(
        name,
        algorithm.tr("시설물 저장소 (GeoPackage 또는 PostGIS 스키마)"),
        QgsProcessingParameterFile.Behavior.File,
        fileFilter=algorithm.tr("GeoPackage (*.gpkg);;모든 파일 (*)"),
    )
    store.setHelp(
        algorithm.tr(
            "지하시설물 표준 레이어(wtl_pipe_lm 상수관로, swl_pipe_lm 하수관로, gas_pipe_lm 가스관 ...)를 담은 곳."
        )
    )
    return store


def rule_table(algorithm: QgsProcessingAlgorithm, name: str, label: str) -> QgsProcessingParameterFile:
    """An optional CSV rule table that replaces the bundled one; ``label`` is the literal text translators see."""
    return QgsProcessingParameterFile(
        name,
        algorithm.tr(label),
        QgsProcessingParameterFile.Behavior.File,
        fileFilter="CSV (*.csv)",
        optional=True,
    )


def vector_destination(
    algorithm: QgsProcessingAlgorithm, name: str, what: str
) -> QgsProcessingParameterFileDestination:
    """A GeoPackage-or-PostGIS OUTPUT: ``what`` is the short Korean label (a literal source string); the
    label says "(GeoPackage 또는 PostGIS)" once, here, and the help lists the database forms."""
    label = algorithm.tr(what)
    output = QgsProcessingParameterFileDestination(
        name,
        f"{label} ({QCoreApplication.translate('GimpoParameters', 'GeoPackage 또는 PostGIS')})",
        "GeoPackage (*.gpkg)",
    )
    output.setHelp(QCoreApplication.translate("GimpoParameters", DATABASE_OUTPUT_HELP))
    return output
