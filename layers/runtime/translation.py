"""The plugin speaks QGIS's language: load ``resources/i18n/gridgov_<locale>.qm`` when there is one.

QGIS's own locale setting decides (Settings → Options → General → Locale), the same one that
turns QGIS itself Chinese; without a translation for it the plugin stays in English.
"""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from gridgov.grid_ops.runtime.paths import resource_path

_installed: list[QTranslator] = []
#: QGIS names its Chinese "zh-Hans" / "zh-Hant"; the plugin's Chinese is Simplified (zh_CN), which
#: a Traditional reader also reads better than English.
ALIASES = {"zh": "zh_CN", "zh_Hans": "zh_CN", "zh_SG": "zh_CN"}


def translation_file(locale: str):
    """The ``.qm`` for ``locale`` (``zh_CN``, ``zh-Hans`` ...; else its language), or None."""
    name = locale.replace("-", "_")
    language = name.split("_")[0]
    for candidate in (name, ALIASES.get(name), language, ALIASES.get(language)):
        path = resource_path("i18n", f"gridgov_{candidate}.qm") if candidate else None
        if path is not None and path.exists():
            return path
    return None


def install_translator(locale: str | None = None) -> str | None:
    """Install the translation for ``locale`` (default: QGIS's locale); returns the file used."""
    remove_translator()
    path = translation_file(locale or QgsApplication.locale() or "en")
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(str(path)):
        return None
    QCoreApplication.installTranslator(translator)
    _installed.append(translator)
    return str(path)


def remove_translator() -> None:
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())


def tr(text: str) -> str:
    """Translate a user-visible string in the plugin's context."""
    return QCoreApplication.translate("gridgov", text)


def tr_noop(text: str) -> str:
    """Mark ``text`` for translation where it is written (a table); ``tr()`` translates it where shown."""
    return text
