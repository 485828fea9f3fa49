"""Translation of UI strings: Korean is the default shipped translation, English the fallback.

Source strings are English; ``i18n/gimpo_gis_plugin_ko.qm`` translates them. The language follows the
plugin setting ``gimpo_gis_plugin/language`` ("ko" unless set to "en"), not QGIS's own locale, because
the city's QGIS installs often run in English while its officers read Korean.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

_PLUGIN_DIR = Path(__file__).parent
_translator: QTranslator | None = None


def language() -> str:
    return str(QgsSettings().value("gimpo_gis_plugin/language", "ko"))


def qm_path(lang: str) -> Path | None:
    for folder in (_PLUGIN_DIR / "i18n", _PLUGIN_DIR.parent / "i18n"):
        candidate = folder / f"gimpo_gis_plugin_{lang}.qm"
        if candidate.is_file():
            return candidate
    return None


def install_translator() -> None:
    """Install the translator for the configured language once (no-op for English)."""
    global _translator
    if _translator is not None:
        return
    path = qm_path(language())
    if path is None:
        return
    translator = QTranslator()
    if translator.load(str(path)):
        QCoreApplication.installTranslator(translator)
        _translator = translator


def remove_translator() -> None:
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None


def tr(text: str, context: str = "GimpoGis") -> str:
    return QCoreApplication.translate(context, text)
