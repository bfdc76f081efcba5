"""The dock panel driven as a grid manager would: grids → orders → hot spots → patrol plan → PDF.

Every step fills a form of the real plugin's dock, presses Run, waits for the background task and
checks what a user would see: layers in the step's group, styled and counted, files on disk, a
message in the bar. Cancelling, a refused form and a failing run are checked too.
"""

from __future__ import annotations

import time

import pytest
from qgis.core import Qgis, QgsApplication, QgsFeatureRequest, QgsProject, QgsVectorLayer

import gridgov


def _wait(page, timeout: float = 240.0):
    """Press Run on ``page`` and turn the event loop until its run is over; returns (ok, results)."""
    done = []
    page.finished.connect(lambda ok, results: done.append((ok, results)))
    assert page.run(), page.status.text()
    deadline = time.monotonic() + timeout
    while not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.005)
    assert done, f"{page.algorithm_id} did not finish in {timeout} s"
    return done[0]


def _group_layers(title: str) -> list:
    group = QgsProject.instance().layerTreeRoot().findGroup(title)
    return [node.layer() for node in group.findLayers()] if group else []


@pytest.fixture()
def dock(qgis_iface, demo_city_gpkg):
    """The real plugin's dock on a project holding the demo city (hierarchy, orders, teams, roads)."""
    project = QgsProject.instance()
    project.clear()
    plugin = gridgov.classFactory(qgis_iface)
    plugin.initGui()
    plugin._toggle_dock(True)
    plugin.dock.pages["tab_grids"].load(str(demo_city_gpkg))
    for name in ("orders", "patrol_teams", "street_offices", "roads"):
        layer = QgsVectorLayer(f"{demo_city_gpkg}|layername={name}", name, "ogr")
        assert layer.isValid()
        project.addMapLayer(layer)
    qgis_iface.messageBar().clearWidgets()
    yield plugin.dock
    plugin.unload()
    project.clear()


def test_a_full_run_from_the_dock(dock, demo_city_gpkg, tmp_path, qgis_iface):
    from gridgov.layers.hierarchy.group import hierarchy_layers

    project = QgsProject.instance()
    levels = hierarchy_layers(project)
    orders = project.mapLayersByName("orders")[0]

    check = dock.page("gridgov:validategrids")
    ok, results = _wait(check)
    assert ok, check.status.text()
    errors = check.added_layers[0]
    assert errors.isSpatial() and errors.renderer().type() == "categorizedSymbol"  # styled even with no error
    assert check.form.values()["INPUT"] == levels["grid"].id()  # the hierarchy's grids, picked for the user

    geolocate = dock.page("gridgov:geolocate")
    geolocate.form.set_values({"INPUT": orders.id(), "X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys",
                               "CATEGORY_FIELD": "class_code", "ADDRESS_FIELD": "address"})  # fmt: skip
    ok, results = _wait(geolocate)
    assert ok, geolocate.status.text()
    placed = geolocate.added_layers[0]
    assert placed in _group_layers("Order results")
    assert placed.featureCount() == orders.featureCount() == results["ROWS_IN"]  # rows in = rows out
    assert placed.providerType() == "ogr" and ".gpkg" in placed.source()  # the next step reads it with GDAL
    assert placed.temporalProperties().isActive()  # the temporal controller can play the orders
    deadline = time.monotonic() + 60  # the orders' time span is read in the background
    while not project.timeSettings().temporalRange().begin().isValid() and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    span = project.timeSettings().temporalRange()
    assert span.begin().date().day() == 1 and span.begin() < span.end()

    repeats = dock.page("gridgov:findrepeats")
    repeats.form.set_values({"INPUT": placed.id(), "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_at",
                             "GRID_FIELD": "grid_code"})  # fmt: skip
    ok, _ = _wait(repeats)
    assert ok, repeats.status.text()
    cases = repeats.added_layers[0]
    # the algorithm's output order, whatever order the temporary file paths sort in
    assert [layer.name() for layer in repeats.added_layers] == ["Orders with cases", "Repeat rate per grid"]

    stats = dock.page("gridgov:gridstats")
    stats.form.set_values({"INPUT": cases.id(), "GRID_FIELD": "grid_code", "GRIDS": levels["grid"].id(),
                           "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_at", "PERIOD": 1})  # fmt: skip
    ok, _ = _wait(stats)
    assert ok, stats.status.text()
    counted = stats.added_layers[0]
    assert counted.featureCount() == levels["grid"].featureCount()

    hot = dock.page("gridgov:hotspots")
    hot.form.set_values({"INPUT": counted.id(), "FIELD": "cur_cnt", "PERMUTATIONS": 99})
    ok, results = _wait(hot)
    assert ok, hot.status.text()
    hotspots = hot.added_layers[0]
    assert hotspots in _group_layers("Analysis results")
    assert hotspots.fields().lookupField("gi_bin") >= 0
    assert hotspots.renderer().type() in {"categorizedSymbol", "RuleRenderer"}  # styled, not a plain fill

    areas = dock.page("gridgov:hotareas")
    assert areas.form.values()["INPUT"] == hotspots.id()  # the layer with gi_bin, offered after the run
    areas.form.set_values({"FIELD": "gi_bin", "THRESHOLD": 1, "ORDERS": cases.id(),
                           "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_at"})  # fmt: skip
    ok, results = _wait(areas)
    assert ok, areas.status.text()

    street = sorted(levels["street"].uniqueValues(levels["street"].fields().lookupField("street_code")))[0]
    plan = dock.page("gridgov:patrolplan")
    offered = plan.form.values()  # the roster's teams and the street offices, found by their fields
    assert offered["TEAMS"] == project.mapLayersByName("patrol_teams")[0].id()
    assert offered["START"] == project.mapLayersByName("street_offices")[0].id()
    plan.form.set_values({"INPUT": levels["grid"].id(), "STREET": street, "ORDERS": cases.id(),
                          "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_at", "DAYS": 365,
                          "ROADS": project.mapLayersByName("roads")[0].id(), "WINDOWS": "19:00-23:00"})  # fmt: skip
    ok, results = _wait(plan)
    assert ok, plan.status.text()
    assert {layer.name() for layer in plan.added_layers} == {"Patrol stops", "Patrol routes"}
    stops = next(layer for layer in plan.added_layers if layer.name() == "Patrol stops")
    assert stops.labelsEnabled()  # the patrol_stops style: numbered stops
    assert all(layer in _group_layers("Patrol results") for layer in plan.added_layers)

    pdf = tmp_path / "atlas.pdf"
    printing = dock.page("gridgov:printmap")
    assert printing.form.values()["GRIDS"] == hotspots.id() and printing.form.values()["FIELD"] == "gi_bin"
    assert printing.form.values()["COVERAGE"] == levels["street"].id()
    printing.form.set_values({"OUTPUT": str(pdf)})
    ok, results = _wait(printing)
    assert ok, printing.status.text()
    assert pdf.exists() and pdf.stat().st_size > 10_000 and results["PAGES"] == levels["street"].featureCount()
    assert str(pdf) in printing.status.text()

    successes = [item for item in qgis_iface.messageBar().items() if item.level() == Qgis.MessageLevel.Success]
    assert successes  # the last runs said so in the message bar


def test_forms_remember_their_settings_in_the_project(dock, tmp_path):
    from gridgov.ui.algorithm_page import AlgorithmPage

    project = QgsProject.instance()
    orders = project.mapLayersByName("orders")[0]
    page = dock.page("gridgov:findrepeats")
    page.form.set_values({"INPUT": orders.id(), "CATEGORY_FIELD": "class_code", "DAYS": 11})
    page.form.remember()
    path = tmp_path / "district.qgz"
    assert project.write(str(path))
    project.clear()
    assert project.read(str(path))
    again = AlgorithmPage("gridgov:findrepeats", "Order results")
    values = again.form.values()
    assert values["DAYS"] == 11 and values["CATEGORY_FIELD"] == "class_code"
    assert values["INPUT"] == project.mapLayersByName("orders")[0].id()
    reopened = dock.page("gridgov:findrepeats").form.values()  # the dock follows the opened project
    assert reopened["DAYS"] == 11


def test_a_layer_the_user_chose_is_never_replaced(dock):
    project = QgsProject.instance()
    streets = project.mapLayersByName("街道 Streets")[0]
    printing = dock.page("gridgov:printmap")
    printing.form.set_values({"GRIDS": streets.id()})
    check = dock.page("gridgov:validategrids")
    ok, _ = _wait(check)  # a run adds a layer, and the forms look for better layers
    assert ok
    assert printing.form.values()["GRIDS"] == streets.id()


def test_a_refused_form_says_why_and_starts_nothing(dock, qgis_iface):
    QgsProject.instance().removeAllMapLayers()  # no grid layer left to analyse
    page = dock.page("gridgov:hotspots")
    assert not page.run()
    assert "INPUT" in page.status.text()
    assert page.run_button.isEnabled()
    warnings = [item for item in qgis_iface.messageBar().items() if item.level() == Qgis.MessageLevel.Warning]
    assert warnings


def test_a_failing_run_reports_in_the_message_bar_with_details(dock, qgis_iface):
    from qgis.PyQt.QtWidgets import QApplication, QPushButton

    from gridgov.ui.messages import DetailsDialog

    project = QgsProject.instance()
    page = dock.page("gridgov:hotspots")
    page.form.set_values({"INPUT": project.mapLayersByName("orders")[0].id(), "FIELD": "address"})  # text, not counts
    ok, _ = _wait(page)
    assert not ok
    assert page.status.text().startswith("Failed")
    errors = [item for item in qgis_iface.messageBar().items() if item.level() == Qgis.MessageLevel.Critical]
    assert errors
    errors[-1].findChild(QPushButton, "gridgov_details_button").click()
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, DetailsDialog) and w.isVisible()]
    assert shown and page.runner.feedback.errors[-1].split("\n")[0] in shown[-1].browser.toPlainText()
    shown[-1].close()


def _cancel_and_wait(page, done: list, timeout: float = 120.0) -> None:
    """Press Cancel and turn the event loop until the run reports (into ``done``)."""
    page.cancel()
    deadline = time.monotonic() + timeout
    while not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.005)


def test_cancel_stops_a_run_and_adds_nothing(dock):
    project = QgsProject.instance()
    page = dock.page("gridgov:geolocate")
    page.form.set_values({"INPUT": project.mapLayersByName("orders")[0].id(), "X_FIELD": "x", "Y_FIELD": "y"})
    before = set(project.mapLayers())
    done = []
    page.finished.connect(lambda ok, results: done.append(ok))
    assert page.run()
    assert page.cancel_button.isEnabled() and not page.run_button.isEnabled()
    _cancel_and_wait(page, done)
    assert done == [False]
    assert "Cancel" in page.status.text()
    assert set(project.mapLayers()) == before
    assert page.run_button.isEnabled()


@pytest.fixture()
def separate_process(monkeypatch):
    """Every dock run that can leave QGIS runs in a child process (the demo city is below the size
    from which the dock does so by itself)."""
    from gridgov.ui import process_runner

    monkeypatch.setattr(process_runner, "MIN_FEATURES", 0)
    return process_runner


def _geolocate_values(project) -> dict:
    orders = project.mapLayersByName("orders")[0]
    return {"INPUT": orders.id(), "X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys",
            "CATEGORY_FIELD": "class_code", "ADDRESS_FIELD": "address"}  # fmt: skip


def _features(layer) -> list:
    return [f.attributes() for f in layer.getFeatures()]


def test_a_long_step_runs_in_a_separate_process_with_the_same_result(dock, separate_process, tmp_path):
    """Out of process the step gives the layer of a run in QGIS: same rows, same style, same time."""
    import processing

    from gridgov.layers.styling.layer_styles import apply_style

    project = QgsProject.instance()
    page = dock.page("gridgov:geolocate")
    page.form.set_values(_geolocate_values(project))
    ok, results = _wait(page)
    assert ok, page.status.text()
    assert isinstance(page.runner, separate_process.ProcessRunner)
    assert "separate process" in page.runner.feedback.textLog()
    assert "inside:" in page.runner.feedback.textLog()  # the child's log reaches the dock's details
    placed = page.added_layers[0]
    assert placed in _group_layers("Order results") and placed.name() == "Placed orders"
    assert placed.featureCount() == project.mapLayersByName("orders")[0].featureCount() == results["ROWS_IN"]
    assert placed.temporalProperties().isActive()
    styled = QgsVectorLayer(placed.source(), "styled", "ogr")
    apply_style(styled, "placed_orders")
    assert placed.renderer().type() == styled.renderer().type()

    # the same parameters run in this process
    here = processing.run("gridgov:geolocate", {**page.runner.parameters, "OUTPUT": str(tmp_path / "here.gpkg")})
    assert _features(QgsVectorLayer(here["OUTPUT"], "here", "ogr")) == _features(placed)


def test_a_memory_layer_keeps_the_run_in_qgis(dock, separate_process):
    """A layer that only exists in this QGIS (a memory layer) cannot go to a child process."""
    project = QgsProject.instance()
    orders = project.mapLayersByName("orders")[0]
    memory = orders.materialize(QgsFeatureRequest())
    project.addMapLayer(memory)
    page = dock.page("gridgov:geolocate")
    page.form.set_values({**_geolocate_values(project), "INPUT": memory.id()})
    assert not separate_process.goes_out_of_process(page.algorithm, page.form.run_values(), project)
    ok, _ = _wait(page)
    assert ok and not isinstance(page.runner, separate_process.ProcessRunner)


def test_without_a_python_to_start_the_step_runs_in_qgis(dock, separate_process, monkeypatch):
    monkeypatch.setattr(separate_process, "python_executable", lambda: "/nonexistent/python3")
    project = QgsProject.instance()
    page = dock.page("gridgov:geolocate")
    page.form.set_values(_geolocate_values(project))
    ok, results = _wait(page)
    assert ok, page.status.text()
    assert not isinstance(page.runner, separate_process.ProcessRunner)
    assert page.added_layers[0].featureCount() == results["ROWS_IN"]


def test_a_separate_process_is_cancelled_and_adds_nothing(dock, separate_process):
    project = QgsProject.instance()
    page = dock.page("gridgov:geolocate")
    page.form.set_values(_geolocate_values(project))
    before = set(project.mapLayers())
    done = []
    page.finished.connect(lambda ok, results: done.append(ok))
    assert page.run()
    process = page.runner.process
    _cancel_and_wait(page, done)
    assert done == [False]
    assert "Cancel" in page.status.text()
    assert set(project.mapLayers()) == before
    assert process.state() == process.ProcessState.NotRunning


def test_a_separate_process_failing_says_why(dock, separate_process, qgis_iface):
    project = QgsProject.instance()
    page = dock.page("gridgov:hotspots")
    page.form.set_values({"INPUT": project.mapLayersByName("orders")[0].id(), "FIELD": "address"})  # text, not counts
    ok, _ = _wait(page)
    assert not ok and isinstance(page.runner, separate_process.ProcessRunner)
    assert page.status.text().startswith("Failed")
    assert page.runner.feedback.errors and "without an answer" not in page.runner.feedback.errors[-1]
    errors = [item for item in qgis_iface.messageBar().items() if item.level() == Qgis.MessageLevel.Critical]
    assert errors


def test_clues_and_a_class_sweep_from_the_dock(dock, demo_city_gpkg):
    """未诉先办 from the dock: the posts placed and checked against the orders (工单 tab), then one new
    case swept city-wide (巡查 tab), each result added styled to its step's group."""
    project = QgsProject.instance()
    layers = {}
    for name in ("posts", "truth_orders", "addresses"):
        layers[name] = QgsVectorLayer(f"{demo_city_gpkg}|layername={name}", name, "ogr")
        assert layers[name].isValid()
        project.addMapLayer(layers[name])
    clues = dock.page("gridgov:clues")
    clues.form.set_values({"INPUT": layers["posts"].id(), "EXISTING": layers["truth_orders"].id(),
                           "EXISTING_TIME_FIELD": "true_time", "ROADS": project.mapLayersByName("roads")[0].id(),
                           "GAZETTEER": layers["addresses"].id()})  # fmt: skip
    ok, results = _wait(clues)
    assert ok, clues.status.text()
    found = clues.added_layers[0]
    assert found in _group_layers("Order results")
    assert found.featureCount() == layers["posts"].featureCount() == results["POSTS_OUT"]  # posts in = posts out
    assert found.renderer().type() == "categorizedSymbol"  # the clues style: new cases stand out
    new = [f for f in found.getFeatures() if f["clue_status"] == "new_case"]
    case = max(new, key=lambda f: f["case_id"])  # the latest: the year before it holds its class's orders

    sweep = dock.page("gridgov:classsweep")
    sweep.form.set_values({"INPUT": layers["truth_orders"].id(), "TIME_FIELD": "true_time", "CASE_ID": case["case_id"],
                           "CASE_LAYER": found.id(), "CASE_TIME_FIELD": "posted_at"})  # fmt: skip
    ok, results = _wait(sweep)
    assert ok, sweep.status.text()
    swept = sweep.added_layers[0]
    assert swept in _group_layers("Patrol results")
    assert swept.featureCount() == results["GRIDS_FOUND"] > 0 and results["CLASSES"] == case["class_code"]
    assert swept.renderer().type() == "RuleRenderer"
