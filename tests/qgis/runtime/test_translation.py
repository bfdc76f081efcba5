"""The interface speaks Chinese when QGIS does, English otherwise, and no string is left untranslated."""

from __future__ import annotations

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def test_every_string_of_the_code_has_a_chinese_translation():
    strings = i18n.all_strings()
    assert len(strings) > 400  # the extractor sees the code (a broken one would find nothing to check)
    known = i18n.read_ts()
    assert i18n.missing(strings, known) == []
    for source in strings:
        translation = known[source][0]
        assert CJK.search(translation), source  # Chinese, not a copy of the English
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), source
    assert set(known) == set(strings)  # no stale entries: `make transup` was run after the last change


def test_the_compiled_qm_holds_the_ts_translations():
    translator = QTranslator()
    assert translator.load(str(i18n.QM_FILE))
    QCoreApplication.installTranslator(translator)
    try:
        for source, (translation, _finished) in i18n.read_ts().items():
            assert QCoreApplication.translate(i18n.CONTEXT, source) == translation, source  # `make transcompile` ran
    finally:
        QCoreApplication.removeTranslator(translator)


def test_help_texts_explain_parameters_and_give_an_example(gridgov_provider):
    for algorithm in gridgov_provider.algorithms():
        text = algorithm.shortHelpString()
        assert "Example" in text, algorithm.id()
        named = [p.name() for p in algorithm.parameterDefinitions() if p.name() in text]
        assert named, f"{algorithm.id()}: the help names none of its parameters"


def test_no_ui_file_connects_signals():
    """Widgets are built in code; a Designer file must not wire signals behind the code's back."""
    for folder, subfolders, files in os.walk(ROOT):
        # hidden folders (.venv, .build with its Debian 13 root fs, .git) are not walked at all
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            if name.endswith(".ui"):
                path = Path(folder) / name
                assert ET.parse(path).getroot().find("connections") is None, path


@pytest.fixture()
def chinese():
    from gridgov.layers.runtime.translation import install_translator, remove_translator

    assert install_translator("zh_CN")
    yield
    remove_translator()


def test_in_chinese_every_algorithm_text_is_chinese(chinese, gridgov_provider):
    """Also catches texts passed to tr() through a variable that the extractor did not see."""
    assert CJK.search(gridgov_provider.longName())
    for algorithm in gridgov_provider.algorithms():
        algorithm = algorithm.create()
        for text in (algorithm.displayName(), algorithm.group(), algorithm.shortHelpString()):
            assert CJK.search(text), (algorithm.id(), text)
        for definition in [*algorithm.parameterDefinitions(), *algorithm.outputDefinitions()]:
            assert CJK.search(definition.description()), (algorithm.id(), definition.name())


@pytest.mark.parametrize("locale", ["zh_CN", "zh-Hans", "zh-Hant", "zh_TW"])
def test_every_chinese_locale_gets_the_chinese_file(locale):
    from gridgov.layers.runtime.translation import translation_file

    assert translation_file(locale) == i18n.QM_FILE


@pytest.mark.parametrize("locale", ["en_US", "en", "C", "fr_FR", ""])
def test_other_locales_stay_english(locale):
    from gridgov.layers.runtime.translation import translation_file

    assert translation_file(locale) is None


def test_the_dock_follows_qgis_locale(qgis_iface):
    import gridgov

    settings = QgsSettings()
    saved = settings.value("locale/userLocale", ""), settings.value("locale/overrideFlag", False)
    try:
        for locale, titles in (
            ("zh-Hans", ["网格", "工单", "分析", "考评", "预警", "巡查", "出图"]),  # what QGIS's own locale list writes
            ("en_US", ["Grids", "Orders", "Analysis", "Assessment", "Early warning", "Patrol", "Print"]),
        ):
            settings.setValue("locale/overrideFlag", True)
            settings.setValue("locale/userLocale", locale)
            plugin = gridgov.classFactory(qgis_iface)
            plugin.initGui()
            try:
                plugin._toggle_dock(True)
                tabs = plugin.dock.tabs
                assert [tabs.tabText(i) for i in range(tabs.count())] == titles
                page = plugin.dock.page("gridgov:geolocate")
                chinese = locale.startswith("zh")
                assert bool(CJK.search(page.run_button.text())) == chinese
                assert bool(CJK.search(page.form.algorithm.displayName())) == chinese
            finally:
                plugin.unload()
    finally:
        settings.setValue("locale/userLocale", saved[0])
        settings.setValue("locale/overrideFlag", saved[1])
