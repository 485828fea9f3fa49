"""Base class of the plugin's algorithms: one adapter shape for all of them.

A subclass sets the class attributes (id, Korean display name, group, help, the layers it puts on the
map), declares its parameters in ``initAlgorithm`` and implements :meth:`GimpoAlgorithm.execute`. The
base class owns everything that must be the same in every algorithm:

- reading layer inputs (:meth:`read_layer`, :meth:`optional_layer`) through one validation path
  (:meth:`validate_layer_input`: an empty layer, degrees labelled as metres or an extent outside Korea is
  refused in Korean, naming the parameter and what to do);
- the OUTPUT destination (:meth:`destination`: a GeoPackage or a PostGIS schema, checked before any work);
- writing the layers with their styles (:meth:`write_layers`) and handing every result layer to
  ``QgsProcessingContext.addLayerToLoadOnCompletion`` with its style and Korean name
  (:meth:`load_layers`, :meth:`load_raster`), so that a run from the dialog or from a model puts styled
  results on the map (qgis_process and model children without a project load nothing: only the context
  records them);
- turning the engine's errors into one ``QgsProcessingException`` printed once, and removing database
  passwords from every log line, error and result (core/redact.py).

The hook is not called ``run``: ``QgsProcessingAlgorithm.run`` is what QGIS's own Python Processing
(``processing.run``, batch and model execution) calls, and a subclass method of that name would hide it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import pandas as pd
import shapely
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterCrs,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtXml import QDomDocument

from ..core import store
from ..core.crs_sanity import check_in_korea, check_not_empty
from ..core.errors import CancelledError, GimpoError
from ..core.geopackage import add_layer
from ..core.input_screen import (
    REJECTS_LAYER,
    add_rejects,
    collecting_rejects,
    pending_rejects,
    rejects_written,
    screen_records,
)
from ..core.paths import resource
from ..core.progress import Progress
from ..core.redact import redact, redact_value
from ..core.rrn_guard import personal_data_allowed
from ..core.run_outputs import install_sigterm_cleanup, run_transaction
from .io import read_source
from .outputs import VectorOutput, vector_output

# Group ids are stable (models and settings use them); the names are Korean source strings (i18n.py).
GROUPS = {
    "data": "예제·기준 자료",
    "tax": "재산세 과세자료",
    "maps": "히트맵·통계지도·정책지도",
    "permits": "인허가 의사결정 지원",
    "facilities": "지상·지하 시설물",
    "database": "통합DB",
}
GROUP_CONTEXT = "GimpoGroups"
# A number parameter without a declared maximum is still refused beyond this: no distance, depth, area,
# pixel size or count of a city comes near it, and DEPTH=1e12 or PIXEL_SIZE=1e12 would otherwise run to a
# silent "success" (a 1 × 1 heat map, every facility "above" the dig).
MAX_UNBOUNDED_NUMBER = 1e9
PERSONAL_DATA_PARAMETER = "SHOW_PERSONAL_DATA"  # the one explicit opt-out of the writer's masking


def progress_for(feedback: QgsProcessingFeedback | None) -> Progress:
    """A core Progress that reports to Processing feedback (percent, log, cancel), passwords removed."""
    if feedback is None:
        return Progress()
    return Progress(
        on_fraction=lambda f: feedback.setProgress(100.0 * f),
        is_cancelled=feedback.isCanceled,
        on_info=lambda text: feedback.pushInfo(redact(text)),
        on_warning=lambda text: feedback.pushWarning(redact(text)),
    )


@dataclass(frozen=True)
class LayerOutput:
    """A layer of the OUTPUT that goes on the map: its name in the GeoPackage/schema, its Korean title
    (a source string, translated through the algorithm's context) and its output id (``""``: the layer
    name in capitals, as every algorithm has returned them; ``None``: loaded but not a declared output)."""

    layer: str
    title: str
    output: str | None = ""
    geometry: bool = True  # False for attribute tables (their PostGIS layer URI has no geometry column)

    @property
    def output_id(self) -> str | None:
        return self.layer.upper() if self.output == "" else self.output


class _StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Gives a result layer its style once Processing has loaded it (Processing opens result layers
    without their default style): the QML the algorithm wrote, else the layer's own default (the style
    stored in the GeoPackage/PostGIS layer_styles table, or the .qml beside a GeoTIFF)."""

    def __init__(self, qml: str | None) -> None:
        super().__init__()
        self.qml = qml

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802 - QGIS API name
        if self.qml:
            document = QDomDocument()
            if document.setContent(self.qml)[0]:
                layer.importNamedStyle(document)
        else:
            layer.loadDefaultStyle()
        layer.triggerRepaint()


# LayerDetails keeps only a raw pointer to its post-processor: the Python objects must outlive the run
# (until Processing has loaded the layers), so the latest ones are kept here.
_POST_PROCESSORS: list[_StyleOnLoad] = []
_KEEP_POST_PROCESSORS = 500


class GimpoAlgorithm(QgsProcessingAlgorithm):
    """Common behaviour; subclasses define ALGORITHM_ID, DISPLAY_NAME, GROUP_ID, HELP, MAP_LAYERS, execute()."""

    ALGORITHM_ID = ""
    DISPLAY_NAME = ""
    GROUP_ID = "data"
    HELP = ""
    MAP_LAYERS: ClassVar[tuple[LayerOutput, ...]] = ()
    # Layer parameters whose records may lack a geometry (placed another way, e.g. applications by PNU):
    # the record screening does not reject those records for it.
    GEOMETRY_OPTIONAL: ClassVar[tuple[str, ...]] = ()

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self) -> GimpoAlgorithm:  # noqa: N802 - QGIS API name
        return type(self)()

    def name(self) -> str:
        return self.ALGORITHM_ID

    def displayName(self) -> str:  # noqa: N802 - QGIS API name
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return QCoreApplication.translate(GROUP_CONTEXT, GROUPS[self.GROUP_ID])

    def groupId(self) -> str:  # noqa: N802 - QGIS API name
        return self.GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API name
        return self.tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "gimpo.svg")))

    # -- running ---------------------------------------------------------------------------------------

    def processAlgorithm(  # noqa: N802 - QGIS API name
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
    ) -> dict[str, Any]:
        self._outputs: list[VectorOutput] = []
        install_sigterm_cleanup()  # qgis_process: a SIGTERM rolls the run's outputs back before it ends
        try:
            # One run's outputs are committed together, or rolled back together (core/run_outputs.py).
            with (
                run_transaction(),
                collecting_rejects(),
                personal_data_allowed(self._personal_data_asked(parameters, context)),
            ):
                results = self.execute(parameters, context, feedback, progress_for(feedback))
                self._write_rejects(feedback)
        except CancelledError as exc:
            raise _failure(self.tr("취소되었습니다: 출력은 쓰지 않았습니다.")) from exc
        except GimpoError as exc:
            raise _failure(str(exc)) from exc
        except QgsProcessingException as exc:
            raise _failure(str(exc.args[0]) if exc.args else "") from exc
        except Exception as exc:  # a bug or an input no check foresaw: a Korean message, the stack to the log
            QgsMessageLog.logMessage(redact(traceback.format_exc()), "Gimpo GIS", Qgis.MessageLevel.Info)
            raise _failure(
                self.tr(
                    "{}: 처리 중 예기치 못한 오류가 났습니다({}: {}). 출력은 쓰지 않았습니다. 입력 레이어의 값"
                    "(빈 값, 숫자 자리의 글자, 잘못된 도형)을 확인하세요. 계속되면 이 메시지와 QGIS 로그를 담당자에게 "
                    "보내 주세요. Unexpected error; no output was written."
                ).format(self.displayName(), type(exc).__name__, str(exc)[:300])
            ) from exc
        return redact_value(results)

    def _personal_data_asked(self, parameters: dict[str, Any], context: QgsProcessingContext) -> bool:
        """True only when the algorithm has a SHOW_PERSONAL_DATA parameter and the user set it: otherwise
        the common writer masks resident-number-shaped text in every text field (core/rrn_guard.py)."""
        if self.parameterDefinition(PERSONAL_DATA_PARAMETER) is None:
            return False
        return bool(self.parameterAsBool(parameters, PERSONAL_DATA_PARAMETER, context))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def checkParameterValues(  # noqa: N802 - QGIS API name
        self, parameters: dict[str, Any], context: QgsProcessingContext
    ) -> tuple[bool, str]:
        """QGIS's own check, with a Korean message naming the parameter and its allowed range for a number
        out of range (QGIS says only "Incorrect parameter value for DECAY", in English)."""
        for definition in self.parameterDefinitions():
            if isinstance(definition, QgsProcessingParameterCrs) and self.is_given(parameters, definition.name()):
                if not self.parameterAsCrs(parameters, definition.name(), context).isValid():
                    return False, (
                        f"{self.label(definition.name())} ({definition.name()}): 좌표계 "
                        f"'{parameters[definition.name()]}'을(를) 알 수 없습니다. EPSG 코드를 확인하세요"
                        f"(김포 자료는 보통 EPSG:5186, 또는 EPSG:5174/5179/4326). "
                        f"Unknown CRS {parameters[definition.name()]!r}."
                    )
                continue
            if not isinstance(definition, QgsProcessingParameterNumber) or definition.name() not in parameters:
                continue
            value = parameters[definition.name()]
            if value in (None, ""):
                continue
            low, high = definition.minimum(), definition.maximum()
            absurd = high >= 1.7e308 and _as_float(value) is not None and abs(_as_float(value)) > MAX_UNBOUNDED_NUMBER
            if definition.checkValueIsAcceptable(value, context) and not absurd:
                continue
            if absurd:
                high = MAX_UNBOUNDED_NUMBER
            limits = f"{low:g} 이상 {high:g} 이하" if high < 1.7e308 else f"{low:g} 이상"
            return False, (
                f"{self.label(definition.name())} ({definition.name()}): 값 {value}은(는) 쓸 수 없습니다. "
                f"{limits}의 숫자를 주세요. {definition.name()} must be a number from {low:g} to {high:g}."
            )
        return super().checkParameterValues(parameters, context)

    # -- inputs ------------------------------------------------------------------------------------------

    def label(self, name: str) -> str:
        """The parameter's description as the user sees it, for messages."""
        definition = self.parameterDefinition(name)
        return definition.description() if definition is not None else name

    def is_given(self, parameters: dict[str, Any], name: str) -> bool:
        """True when an optional parameter has a value (QGIS passes None or '' for an empty one)."""
        return parameters.get(name) not in (None, "")

    def read_layer(
        self,
        parameters: dict[str, Any],
        name: str,
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback | None = None,
        **options: Any,
    ) -> gpd.GeoDataFrame:
        """The layer parameter ``name`` as a GeoDataFrame (io.read_source options), validated."""
        frame = read_source(self, parameters, name, context, feedback, **options)
        self.validate_layer_input(frame, name)
        return self.screen_layer_records(frame, name, parameters, context, feedback)

    def screen_layer_records(
        self,
        frame: gpd.GeoDataFrame,
        name: str,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback | None,
    ) -> gpd.GeoDataFrame:
        """Records the algorithm cannot use are rejected (with the reason, to the rejects table written with
        the outputs), invalid geometries repaired, counts said in Korean (core/input_screen.py). The fields
        checked are the layer's field parameters: numeric ones for numbers, those named *ID* for ids."""
        numeric, ids = [], []
        for definition in self.parameterDefinitions():
            if not isinstance(definition, QgsProcessingParameterField):
                continue
            if definition.parentLayerParameterName() != name:
                continue
            chosen = self.parameterAsString(parameters, definition.name(), context) or (
                definition.defaultValue() if isinstance(definition.defaultValue(), str) else ""
            )
            if not chosen:
                continue
            if definition.dataType() == QgsProcessingParameterField.DataType.Numeric:
                numeric.append(chosen)
            elif "ID" in definition.name().upper().split("_"):
                ids.append(chosen)
        screened = screen_records(frame, self.label(name), numeric, ids, name not in self.GEOMETRY_OPTIONAL)
        for note in screened.notes:
            if feedback is not None:
                feedback.pushWarning(redact(note))
        add_rejects(screened.rejects)
        if len(screened.frame) == 0:
            check_not_empty(0, f"{self.label(name)} (제외 후)")
        return screened.frame

    def facility_store(
        self,
        parameters: dict[str, Any],
        name: str,
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback | None = None,
    ) -> Any:
        """The facility store parameter ``name`` (a GeoPackage or PostGIS schema of the national facility
        tables), loaded and validated by the core; refused in Korean when no usable record is left, and the
        records it rejected counted in Korean by reason (they are in its ``rejects`` layer)."""
        from ..core.facilities.loader import load_store

        store = load_store(self.parameterAsFile(parameters, name, context))
        kept = sum(len(frame) for frame in store.layers.values())
        rejected = len(store.rejects)
        if kept == 0:
            raise GimpoError(
                f"{self.label(name)}: 시설물 표에 쓸 수 있는 레코드가 없습니다(남은 레코드 0건, 제외 {rejected}건). "
                "No usable facility record.",
                "시설물 GeoPackage(WTL_PIPE_LM 등 국가 표준 표)에 도형과 속성이 채워져 있는지 확인하세요. "
                "Check that the facility tables hold records with geometries.",
            )
        if rejected and feedback is not None:
            reasons = store.rejects["reason"].astype(str).value_counts()
            listed = ", ".join(f"{reason} {count}건" for reason, count in reasons.head(5).items())
            feedback.pushWarning(
                f"{self.label(name)}: 쓸 수 없는 시설물 레코드 {rejected}건을 제외했습니다({listed}); "
                f"'rejects' 레이어에 이유와 함께 있습니다. {rejected} facility record(s) rejected."
            )
        return store

    def rejected_records(self) -> pd.DataFrame | None:
        """Every record the run's inputs lost, with its reason (None when none was lost)."""
        return pending_rejects()

    def optional_layer(
        self,
        parameters: dict[str, Any],
        name: str,
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback | None = None,
        **options: Any,
    ) -> gpd.GeoDataFrame | None:
        """An optional layer parameter: None when not given, else as :meth:`read_layer`."""
        if not self.is_given(parameters, name) or self.parameterAsSource(parameters, name, context) is None:
            return None
        return self.read_layer(parameters, name, context, feedback, **options)

    def validate_layer_input(self, frame: pd.DataFrame, name: str) -> None:
        """The checks every layer input gets (core/crs_sanity.py): not empty; coordinates that match the
        declared CRS's units and lie in Korea. A table without geometries is only checked for rows."""
        label = self.label(name)
        check_not_empty(len(frame), label)
        if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
            return
        values = frame.geometry.array
        geometries = frame.geometry[~(shapely.is_missing(values) | shapely.is_empty(values))]
        if len(geometries):
            self.validate_extent(geometries.total_bounds, frame.crs, name)

    def validate_extent(self, bounds: Any, crs: Any, name: str) -> None:
        """The CRS sanity of an input read another way (point arrays): units match the CRS, inside Korea."""
        check_in_korea(bounds, crs, self.label(name))

    def optional_file(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> Path | None:
        """An optional file parameter (a rule table): its path, or None so that the core uses the bundled one."""
        value = self.parameterAsFile(parameters, name, context)
        return Path(value) if value else None

    def optional_number(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> float | None:
        """An optional number: None when left empty (QGIS would read an empty value as 0); 0 stays 0."""
        value = parameters.get(name)
        if value is None or str(value).strip() == "":
            return None
        return self.parameterAsDouble(parameters, name, context)

    def optional_text(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> str | None:
        """An optional text or field parameter: None when empty."""
        value = self.parameterAsString(parameters, name, context)
        return value.strip() or None if value else None

    # -- outputs -----------------------------------------------------------------------------------------

    def add_layer_outputs(self) -> None:
        """Declare the MAP_LAYERS that have an output id as vector-layer outputs (with their Korean titles)."""
        for spec in self.MAP_LAYERS:
            if spec.output_id:
                self.addOutput(QgsProcessingOutputVectorLayer(spec.output_id, self.tr(spec.title)))

    def destination(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> VectorOutput:
        """The GeoPackage-or-PostGIS OUTPUT, checked before any work (outputs.vector_output)."""
        output = vector_output(self, parameters, name, context)
        if not hasattr(self, "_outputs"):
            self._outputs = []
        self._outputs.append(output)
        return output

    def _write_rejects(self, feedback: QgsProcessingFeedback | None) -> None:
        """The rejects table beside the outputs of an algorithm whose engine wrote them itself (those that
        write through :meth:`write_layers` have it already); a raster-only algorithm logs the counts only."""
        rejected = self.rejected_records()
        if rejected is None or rejects_written() or not self._outputs:
            return
        output = self._outputs[0]
        try:
            if output.is_database:
                store.write_layers(output.destination, {REJECTS_LAYER: rejected})
            elif Path(output.destination).exists():
                add_layer(output.destination, REJECTS_LAYER, rejected)
            else:
                return
        except Exception as exc:  # the file held open (a rendered map), a lost connection: say so, keep the run
            if feedback is not None:
                feedback.pushWarning(
                    redact(
                        f"제외된 입력 {len(rejected)}건의 표를 {output.describe()}에 쓰지 못했습니다({exc}); "
                        "이유별 건수는 위 경고에 있습니다."
                    )
                )
            return
        if feedback is not None:
            feedback.pushInfo(
                redact(
                    f"제외된 입력 {len(rejected)}건과 그 이유는 {output.describe()}의 {REJECTS_LAYER} 표에 있습니다."
                )
            )

    def write_layers(
        self,
        output: VectorOutput,
        layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
        context: QgsProcessingContext,
        styles: Mapping[str, str] | None = None,
        descriptions: Mapping[str, str] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, str]:
        """Write the layers (one atomic GeoPackage or one database transaction), put the MAP_LAYERS among them
        on the map, and return the layer results keyed by output id (upper-case layer names). The records the
        inputs lost go with them as the ``rejected_inputs`` table (core/input_screen.py)."""
        if progress is None:
            written = output.write(layers, styles, descriptions)
        else:
            written = output.write(layers, styles, descriptions, progress)
        self.load_layers(output, context, styles, {name: isinstance(f, gpd.GeoDataFrame) for name, f in layers.items()})
        results = dict(written)
        for spec in self.MAP_LAYERS:
            if spec.output_id and spec.layer in layers:
                results[spec.output_id] = output.layer(spec.layer, isinstance(layers[spec.layer], gpd.GeoDataFrame))
        return results

    def layer_results(self, output: VectorOutput) -> dict[str, str]:
        """The declared layer outputs of an OUTPUT the engine wrote itself (output id -> layer source)."""
        return {spec.output_id: output.layer(spec.layer, spec.geometry) for spec in self.MAP_LAYERS if spec.output_id}

    def load_layers(
        self,
        output: VectorOutput,
        context: QgsProcessingContext,
        styles: Mapping[str, str] | None = None,
        written: Iterable[str] | Mapping[str, bool] | None = None,
    ) -> None:
        """Hand the MAP_LAYERS of ``output`` (those among ``written``, when given; a mapping says which have
        geometries) to Processing to load on completion, each with its Korean name and style (``styles``, or
        the style stored with the layer)."""
        available = written if isinstance(written, Mapping) else None if written is None else dict.fromkeys(written)
        for spec in self.MAP_LAYERS:
            if available is not None and spec.layer not in available:
                continue
            qml = (styles or {}).get(spec.layer)
            geometry = available.get(spec.layer) if available is not None else None
            source = output.layer(spec.layer, spec.geometry if geometry is None else geometry)
            self._load_on_completion(context, source, self._map_name(spec, output), spec, qml)

    def load_raster(self, context: QgsProcessingContext, path: str | Path, title: str, output_id: str) -> None:
        """Load a written GeoTIFF on completion with its Korean name and the .qml style beside it."""
        spec = LayerOutput(Path(path).stem, title, output_id)
        name = self.tr(title)
        if Path(path).stem.upper() not in ("OUTPUT", output_id.upper()):
            name = f"{name} ({Path(path).stem})"
        self._load_on_completion(context, str(path), name, spec, None, QgsProcessingUtils.LayerHint.Raster)

    def _map_name(self, spec: LayerOutput, output: VectorOutput) -> str:
        """The Korean title; with the output's name when the user chose one (two runs stay apart)."""
        name = self.tr(spec.title)
        stem = output.given_stem
        return f"{name} ({stem})" if stem and stem.upper() not in ("OUTPUT", spec.layer.upper()) else name

    def _load_on_completion(
        self,
        context: QgsProcessingContext,
        source: str,
        name: str,
        spec: LayerOutput,
        qml: str | None,
        hint: Any = None,
    ) -> None:
        project = context.project() or QgsProject.instance()
        hint = QgsProcessingUtils.LayerHint.Vector if hint is None else hint
        details = QgsProcessingContext.LayerDetails(name, project, spec.output_id or spec.layer, hint)
        post = _StyleOnLoad(qml)
        _POST_PROCESSORS.append(post)
        del _POST_PROCESSORS[:-_KEEP_POST_PROCESSORS]
        details.setPostProcessor(post)
        context.addLayerToLoadOnCompletion(source, details)


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _failure(message: str) -> QgsProcessingException:
    """The exception that ends a run: the message with passwords removed, printed once.

    qgis_process (measured on 3.22) prints a failed run's message three times on stderr: QGIS logs the
    exception to the message log, the console feedback prints "ERROR:" and logs it again, and qgis_process
    echoes every critical log line (with ``--json``, only the two log lines). The "ERROR:" line is the one
    to keep (with ``--json`` the message is written once here), so there the message log is silenced for the
    rest of the process, which ends with this failure; the desktop's log stays untouched.
    """
    message = redact(message)
    if QgsApplication.platform() == "qgis_process":
        if "--json" in QCoreApplication.arguments():  # then the console feedback prints nothing itself
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        QgsApplication.messageLog().blockSignals(True)
    return QgsProcessingException(message)


__all__ = ["GROUPS", "GimpoAlgorithm", "LayerOutput", "progress_for"]
