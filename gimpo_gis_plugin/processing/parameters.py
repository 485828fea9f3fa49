"""Parameter definitions that several algorithms share, worded and filtered the same everywhere.

A facility store, an optional rule table and a vector destination mean the same thing in every
algorithm that takes them; one definition keeps their labels, file filters and help text in step
(qgis_process checks a file value against the filter, so the filter decides what a planner may pass).
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingParameterFile, QgsProcessingParameterFileDestination

from .outputs import DATABASE_OUTPUT_HELP


def facility_store(algorithm: QgsProcessingAlgorithm, name: str) -> QgsProcessingParameterFile:
    """The facility store: a GeoPackage, or a PostGIS schema ("All files" lets a database value through)."""
    return QgsProcessingParameterFile(
        name,
        algorithm.tr("Facility store (GeoPackage or PostGIS schema: wtl_pipe_lm, swl_pipe_lm, gas_pipe_lm ...)"),
        QgsProcessingParameterFile.Behavior.File,
        fileFilter=algorithm.tr("GeoPackage (*.gpkg);;All files (*)"),
    )


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
    """A GeoPackage-or-PostGIS OUTPUT with the help text that lists the database forms."""
    output = QgsProcessingParameterFileDestination(
        name, algorithm.tr(f"{what} (GeoPackage or PostGIS)"), "GeoPackage (*.gpkg)"
    )
    output.setHelp(algorithm.tr(DATABASE_OUTPUT_HELP))
    return output
