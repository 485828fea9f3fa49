"""Translation of UI strings: Korean first, English through Qt translation files and QGIS's own locale.

Why this way:

- The users read Korean (tax officers, planners of 김포시), so Korean is what the plugin shows unless
  QGIS is set to English. The Processing side (algorithm names, parameters, outputs, groups, models, log
  lines) is written with **Korean source strings**: a missing or stale ``.qm`` can then never turn the
  dialogs English, and the Korean text is what reviewers and the law's vocabulary are checked against.
  ``i18n/gimpo_gis_plugin_en.ts`` carries the English (built to ``.qm`` by scripts/build_translations.py).
- The desktop side still has English source strings translated by ``i18n/gimpo_gis_plugin_ko.ts``
  (owned by the GUI); both files are loaded by the same rule, so each string ends in the user's language.
- The language is QGIS's own, not a private plugin setting: QGIS's "Override system locale" choice
  (``locale/overrideFlag`` + ``locale/userLocale`` in QgsSettings). English is used only when that choice
  is English. Without an explicit choice the plugin stays Korean even on an English system locale,
  because the city's PCs often run an English Windows while their users read Korean ("Korean first").
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

_PLUGIN_DIR = Path(__file__).parent
_translators: list[QTranslator] = []


def qgis_locale() -> str:
    """The locale the user chose in QGIS (Settings ▸ Options ▸ General), '' when QGIS follows the system."""
    settings = QgsSettings()
    override = str(settings.value("locale/overrideFlag", False)).lower() in ("true", "1")
    return str(settings.value("locale/userLocale", "") or "") if override else ""


def language() -> str:
    """'en' when QGIS is set to English, else 'ko' (Korean first; see the module docstring)."""
    return "en" if qgis_locale().lower().startswith("en") else "ko"


def qm_path(lang: str) -> Path | None:
    for folder in (_PLUGIN_DIR / "i18n", _PLUGIN_DIR.parent / "i18n"):
        candidate = folder / f"gimpo_gis_plugin_{lang}.qm"
        if candidate.is_file():
            return candidate
    return None


def install_translator() -> None:
    """Install the translator of QGIS's language once: the English one for the Korean source strings, or
    the Korean one for the English source strings (either file may be absent: then the source shows)."""
    if _translators:
        return
    path = qm_path(language())
    if path is None:
        return
    translator = QTranslator()
    if translator.load(str(path)):
        QCoreApplication.installTranslator(translator)
        _translators.append(translator)


def remove_translator() -> None:
    while _translators:
        QCoreApplication.removeTranslator(_translators.pop())


def tr(text: str, context: str = "GimpoGis") -> str:
    return QCoreApplication.translate(context, text)
