"""`make demo`: the main job on the built-in demo city, ending in files a person can open.

Runs the plugin's own Processing algorithms headless (as the toolbox or qgis_process would) and
renders the result through QGIS's map renderer.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".build" / "pkg"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsProcessingFeedback  # noqa: E402


class PrintFeedback(QgsProcessingFeedback):
    """Echo the algorithm's messages to the terminal."""

    def pushInfo(self, info: str) -> None:  # noqa: N802
        print("  ", info, flush=True)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        print("ERROR:", error, file=sys.stderr, flush=True)


def _cbd_centre(gpkg: str) -> tuple[float, float]:
    """The centre of the demo's CBD dedicated grid: dense grids, a dedicated grid and labels."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    layer = QgsVectorLayer(f"{gpkg}|layername=dedicated_grids", "d", "ogr")
    request = QgsFeatureRequest().setFilterExpression("\"kind\" = 'cbd'")
    for feature in layer.getFeatures(request):
        point = feature.geometry().centroid().asPoint()
        return point.x(), point.y()
    extent = layer.extent()
    return extent.center().x(), extent.center().y()


def _place_orders(processing, gpkg: str, out: Path, project: str) -> None:
    """Geolocate every order and inspection report, write the dispatch table, find repeat orders."""
    units = {
        "GRIDS": f"{gpkg}|layername=grids",
        "MICROGRIDS": f"{gpkg}|layername=microgrids",
        "DEDICATED": f"{gpkg}|layername=dedicated_grids",
        "COMMUNITIES": f"{gpkg}|layername=communities",
        "STREETS": f"{gpkg}|layername=streets",
        "GAZETTEER": f"{gpkg}|layername=addresses",
        "ROSTER": f"{gpkg}|layername=roster",
    }
    columns = {"X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys", "CATEGORY_FIELD": "class_code"}
    started = time.perf_counter()
    placed = processing.run(
        "gridgov:geolocate",
        {
            "INPUT": f"{gpkg}|layername=orders",
            **columns,
            "ADDRESS_FIELD": "address",
            **units,
            "OUTPUT": str(out / "orders_placed.gpkg"),
            "DISPATCH": str(out / "dispatch.xlsx"),
        },
    )
    print(
        f"Orders placed: {placed['PLACED']} of {placed['ROWS_IN']} ({placed['NOT_PLACED']} explained in 'problem'), "
        f"{time.perf_counter() - started:.1f} s\n      {placed['OUTPUT']}\n      {placed['DISPATCH']}",
        flush=True,
    )
    from gridgov.layers.project.demo_project import add_result_layer

    add_result_layer(
        project, placed["OUTPUT"], "工单落格 Placed orders", "placed_orders", "工单 Work orders", events=True
    )  # the temporal controller plays them month by month
    inspections = processing.run(
        "gridgov:geolocate",
        {
            "INPUT": f"{gpkg}|layername=inspections",
            **columns,
            **units,
            "OWN_GRID_FIELD": "own_grid_code",
            "INSPECTOR_FIELD": "inspector_id",
            "OUTPUT": str(out / "inspections_placed.gpkg"),
            "COVERAGE": str(out / "inspector_coverage.csv"),
        },
    )
    print(
        f"Inspections placed: {inspections['PLACED']} of {inspections['ROWS_IN']}\n      {inspections['COVERAGE']}",
        flush=True,
    )
    cases = processing.run(
        "gridgov:findrepeats",
        {
            "INPUT": placed["OUTPUT"],
            "CATEGORY_FIELD": "class_code",
            "TIME_FIELD": "reported_at",
            "GRID_FIELD": "grid_code",
            "OUTPUT": str(out / "orders_cases.gpkg"),
            "RATES": str(out / "repeat_rates.csv"),
        },
    )
    print(f"Repeat orders: {cases['CASES']} cases\n      {cases['OUTPUT']}\n      {cases['RATES']}", flush=True)


def _clues(processing, gpkg: str, out: Path, project: str) -> None:
    """未诉先办: the internet posts placed, classified and checked against the orders (new cases and
    duplicates), then one new case swept city-wide (一案带一类), drawn as a grid centre looks at them."""
    import geopandas as gpd

    started = time.perf_counter()
    clues = processing.run(
        "gridgov:clues",
        {
            "INPUT": f"{gpkg}|layername=posts",
            "GRIDS": f"{gpkg}|layername=grids",
            "MICROGRIDS": f"{gpkg}|layername=microgrids",
            "DEDICATED": f"{gpkg}|layername=dedicated_grids",
            "ROADS": f"{gpkg}|layername=roads",
            "GAZETTEER": f"{gpkg}|layername=addresses",
            "ROSTER": f"{gpkg}|layername=roster",
            "EXISTING": str(out / "orders_cases.gpkg"),
            "OUTPUT": str(out / "clues.gpkg"),
        },
    )
    table = gpd.read_file(clues["OUTPUT"])
    for status, name in (("new_case", "clues_new_cases.csv"), ("duplicate_of", "clues_duplicates.csv")):
        table[table["clue_status"] == status].drop(columns="geometry").to_csv(
            out / name, index=False, encoding="utf-8-sig"
        )
    print(
        f"Internet clues: {clues['POSTS_IN']} posts in, {clues['POSTS_OUT']} out: {clues['NEW_CASES']} new cases, "
        f"{clues['DUPLICATES']} duplicates, {clues['UNPLACED']} unplaced, {clues['NOT_A_CASE']} not a case, "
        f"{time.perf_counter() - started:.1f} s\n      {clues['OUTPUT']}\n      {out / 'clues_new_cases.csv'}\n"
        f"      {out / 'clues_duplicates.csv'}",
        flush=True,
    )
    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.project.demo_project import add_result_layer, set_group_visible

    set_group_visible(project, "工单 Work orders", False)  # the clues over the map, not over 100,000 order dots
    add_result_layer(project, clues["OUTPUT"], "网络线索 Internet clues", "clues", CLUES_GROUP)
    png = render_project_png(
        project,
        out / "clues.png",
        extent_layer="district",
        title="未诉先办 网络线索  Internet clues: new cases, duplicates, unplaced",
        legend_layer="网络线索 Internet clues",
    )
    print(f"      {png}", flush=True)
    new = table[table["clue_status"] == "new_case"]
    # the latest new case of the most frequent class: its year before holds the most of its kind
    frequent = new[new["class_code"] == new["class_code"].value_counts().index[0]]
    case = frequent.sort_values("case_id").iloc[-1]
    sweep = processing.run(
        "gridgov:classsweep",
        {
            "INPUT": str(out / "orders_cases.gpkg"),
            "GRIDS": f"{gpkg}|layername=grids",
            "CASE_ID": case["case_id"],
            "CASE_LAYER": clues["OUTPUT"],
            "CASE_TIME_FIELD": "posted_at",
            "TIME_FIELD": "reported_at",
            "MONTHS": 12,
            "ROADS": f"{gpkg}|layername=roads",
            "GAZETTEER": f"{gpkg}|layername=addresses",
            "DEDICATED": f"{gpkg}|layername=dedicated_grids",
            "OUTPUT": str(out / "class_sweep.gpkg"),
        },
    )
    set_group_visible(project, CLUES_GROUP, False)
    png = _add_and_draw(
        project,
        sweep["OUTPUT"],
        "一案带一类 Class sweep",
        "class_sweep",
        out / "class_sweep.png",
        f"一案带一类  Class sweep from {case['case_id']} ({case['class_name']}): {sweep['GRIDS_FOUND']} grids",
    )
    print(
        f"Class sweep from {case['case_id']} ({case['class_code']} {case['class_name']}): "
        f"{sweep['GRIDS_FOUND']} grids\n      {sweep['OUTPUT']}\n      {png}",
        flush=True,
    )


def _add_and_draw(
    project: str, source: str, title: str, style: str, png: Path, png_title: str, hide_others: bool = True
) -> Path:
    """Put a result layer at the top of the project's analysis group and draw the district with its legend."""
    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.project.demo_project import add_result_layer

    add_result_layer(project, source, title, style, ANALYSIS_GROUP, hide_others=hide_others)
    return render_project_png(project, png, extent_layer="district", title=png_title, legend_layer=title)


ANALYSIS_GROUP = "分析 Analysis"
CLUES_GROUP = "未诉先办 Internet clues"
MONTHS_GROUP = "月度热力 Heatmaps by month (temporal controller)"


def _analyse(processing, gpkg: str, out: Path, project: str) -> None:
    """Classify the order texts; then noise: a night heatmap, monthly heatmaps on one scale, grid
    statistics, last month's hot spots, emerging hot spots by month, and when it happens."""
    from gridgov.layers.project.demo_project import add_result_layer, set_group_visible

    orders = str(out / "orders_cases.gpkg")
    classified = processing.run(
        "gridgov:classify",
        {
            "INPUT": f"{gpkg}|layername=orders",
            "TEXT_FIELD": "description",
            "LABEL_FIELD": "class_code",
            "OUTPUT": str(out / "orders_classified.csv"),
            "REPORT": str(out / "classify_report.csv"),
        },
    )
    print(
        f"Classification on held-back orders: rules {classified['ACCURACY_RULES']:.1%}, learned "
        f"{classified['ACCURACY_LEARNED']:.1%}, hybrid {classified['ACCURACY_HYBRID']:.1%}\n"
        f"      {classified['OUTPUT']}\n      {classified['REPORT']}",
        flush=True,
    )
    night = processing.run(
        "gridgov:heatmap",
        {
            "INPUT": orders,
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "HOURS": "22-6",
            "RADIUS": 300.0,
            "PIXEL_SIZE": 20.0,
            "OUTPUT": str(out / "heatmap_noise_night.tif"),
        },
    )
    print(f"Night-noise heatmap: {night['POINTS_USED']} orders\n      {night['OUTPUT']}", flush=True)
    for group in ("noise", "parking"):
        series = processing.run(
            "gridgov:heatmap",
            {
                "INPUT": orders,
                "CATEGORY_FIELD": "class_code",
                "CATEGORIES": group,
                "TIME_FIELD": "reported_at",
                "RADIUS": 300.0,
                "PIXEL_SIZE": 20.0,
                "SERIES": 1,
                "OUTPUT": str(out / f"heatmap_{group}.tif"),
                "OUTPUT_FOLDER": str(out / f"heatmap_{group}_months"),
            },
        )
        if group == "noise":  # for the temporal controller: one month per frame, one colour scale
            for path in sorted(series["SERIES_LAYERS"]):
                month = Path(path).stem.replace("heatmap_", "")
                add_result_layer(
                    project,
                    path,
                    f"噪声热力 Noise heatmap {month}",
                    "heatmap",
                    MONTHS_GROUP,
                    series["SERIES_MAXIMUM"],
                    hide_others=False,
                    month=month,
                )
            set_group_visible(project, MONTHS_GROUP, False)  # check it, then play the temporal controller
        print(
            f"{group.capitalize()} heatmaps: {series['POINTS_USED']} orders, {len(series['SERIES_LAYERS'])} months on "
            f"one colour scale (max {series['SERIES_MAXIMUM']:.3g})\n      {series['OUTPUT_FOLDER']}",
            flush=True,
        )
    stats = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": orders,
            "GRID_FIELD": "grid_code",
            "GRIDS": f"{gpkg}|layername=grids",
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "PERIOD": 1,
            "REPEAT_FIELD": "is_repeat",
            "OUTPUT": str(out / "grid_stats_noise.gpkg"),
            "TABLE": str(out / "grid_counts_noise.csv"),
        },
    )
    hot = processing.run(
        "gridgov:hotspots",
        {"INPUT": stats["OUTPUT"], "FIELD": "cur_cnt", "PERMUTATIONS": 999, "OUTPUT": str(out / "hotspots_noise.gpkg")},
    )
    print(
        f"Noise hot spots of the last month (Gi*, queen, FDR): {hot['HOT']} hot and {hot['COLD']} cold grids\n"
        f"      {stats['OUTPUT']}\n      {hot['OUTPUT']}",
        flush=True,
    )
    # the heatmap first: the hot-spot grids are drawn over it
    set_group_visible(project, "工单 Work orders", False)  # the project opens on the analysis, not on dots
    add_result_layer(
        project, night["OUTPUT"], "夜间噪声热力 Night noise heatmap", "heatmap", ANALYSIS_GROUP, night["MAXIMUM"]
    )
    png = _add_and_draw(
        project,
        hot["OUTPUT"],
        "噪声热点 Noise hot spots (Gi*, last month)",
        "hotspots",
        out / "hotspots_noise.png",
        "噪声热点（上月，Gi*）与夜间噪声热力  Noise hot spots (last month, Gi*) and night-noise heatmap",
        hide_others=False,
    )
    print(f"      {png}", flush=True)
    trend = processing.run(
        "gridgov:emerginghotspots",
        {
            "INPUT": orders,
            "GRID_FIELD": "grid_code",
            "GRIDS": f"{gpkg}|layername=grids",
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "TIME_STEP": 1,
            "OUTPUT": str(out / "emerging_noise.gpkg"),
            "CUBE": str(out / "emerging_noise_cube.csv"),
        },
    )
    png = _add_and_draw(
        project,
        trend["OUTPUT"],
        "噪声热点趋势 Noise: emerging hot spots (monthly)",
        "emerging_hotspots",
        out / "emerging_noise.png",
        "噪声热点趋势（按月，时空 Gi* + Mann-Kendall）  Noise: emerging hot spots by month",
    )
    print(f"Emerging hot spots of noise by month\n      {trend['OUTPUT']}\n      {png}", flush=True)
    when = processing.run(
        "gridgov:timeprofile",
        {
            "INPUT": orders,
            "GROUP_FIELD": "grid_code",
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "TOP": 5,
            "OUTPUT": str(out / "noise_peak_hours.csv"),
            "CHART_FOLDER": str(out / "noise_profiles"),
        },
    )
    print(
        f"When: noise peak hours of the 5 busiest grids\n      {when['OUTPUT']}\n      {when['CHART_FOLDER']}",
        flush=True,
    )


PATROL_GROUP = "巡查 Patrol"


def _govern(processing, gpkg: str, out: Path, project: str) -> None:
    """Noise hot areas ranked into the governance list; then the evening and night patrol plan of the
    street office of the top hot area."""
    areas = processing.run(
        "gridgov:hotareas",
        {
            "INPUT": str(out / "hotspots_noise.gpkg"),
            "FIELD": "gi_bin",
            "THRESHOLD": 2,
            "ORDERS": str(out / "orders_cases.gpkg"),
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "OUTPUT": str(out / "hot_areas_noise.gpkg"),
            "OUTPUT_XLSX": str(out / "governance_list_noise.xlsx"),
        },
    )
    print(
        f"Hot areas of noise: {areas['AREAS']} ranked\n      {areas['OUTPUT']}\n      {areas['OUTPUT_XLSX']}",
        flush=True,
    )
    import geopandas as gpd

    ranked = gpd.read_file(areas["OUTPUT"])
    street = ranked["grid_codes"].iat[0].split(",")[0][:9] if len(ranked) else "440399001"
    plan = processing.run(
        "gridgov:patrolplan",
        {
            "INPUT": f"{gpkg}|layername=grids",
            "STREET": street,
            "ORDERS": str(out / "orders_cases.gpkg"),
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "reported_at",
            "DAYS": 90,
            "TEAMS": f"{gpkg}|layername=patrol_teams",
            "START": f"{gpkg}|layername=street_offices",
            "WINDOWS": "19:00-23:00;23:00-02:00",
            "ROADS": f"{gpkg}|layername=roads",
            "OUTPUT_STOPS": str(out / "patrol_stops.gpkg"),
            "OUTPUT_ROUTES": str(out / "patrol_routes.gpkg"),
            "OUTPUT_SCHEDULE": str(out / "patrol_schedule.xlsx"),
        },
    )
    print(
        f"Patrol plan of street {street} (noise, 19:00-02:00): team loads max/min {plan['BALANCE']:.2f}; "
        f"incidents covered per km {plan['COVERAGE_PER_KM']:.4f} against {plan['CODE_ORDER_PER_KM']:.4f} "
        f"(every grid in code order) and {plan['RANDOM_PER_KM']:.4f} (random stops)\n"
        f"      {plan['OUTPUT_STOPS']}\n      {plan['OUTPUT_ROUTES']}\n      {plan['OUTPUT_SCHEDULE']}",
        flush=True,
    )
    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.project.demo_project import add_result_layer, set_group_visible

    set_group_visible(project, ANALYSIS_GROUP, False)
    add_result_layer(project, areas["OUTPUT"], "噪声热区 Noise hot areas (ranked)", "hot_areas", PATROL_GROUP)
    add_result_layer(
        project, plan["OUTPUT_ROUTES"], "巡查路线 Patrol routes", "patrol_routes", PATROL_GROUP, hide_others=False
    )
    add_result_layer(
        project, plan["OUTPUT_STOPS"], "巡查点位 Patrol stops", "patrol_stops", PATROL_GROUP, hide_others=False
    )
    xmin, ymin, xmax, ymax = gpd.read_file(plan["OUTPUT_ROUTES"]).total_bounds
    metres_per_px_at_1 = 0.0254 / 150  # render_project_png draws 2000 × 1600 px at 150 dpi
    scale = 1.15 * max((xmax - xmin) / 2000, (ymax - ymin) / 1600) / metres_per_px_at_1
    png = render_project_png(
        project,
        out / "patrol_plan.png",
        center=((xmin + xmax) / 2, (ymin + ymax) / 2),
        scale=scale,
        title=f"噪声热区与巡查计划（街道 {street}，19:00-02:00）  Noise hot areas and patrol plan",
        legend_layer="噪声热区 Noise hot areas (ranked)",
    )
    print(f"      {png}", flush=True)


ASSESS_GROUP = "考评与预警 Assessment and early warning"


def _assess_and_warn(processing, gpkg: str, out: Path, project: str) -> None:
    """Close the loop: the street offices and the handling departments assessed (三率), the open orders
    past their deadline, the month's topic; then, from the three-year archive, next quarter's forecast,
    the early-warning alerts and the rainy-season list (waterlogging, May to September)."""
    from gridgov.grid_ops.democity.lifecycle import EXPORT_TIME
    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.project.demo_project import add_result_layer, set_group_visible

    common = {"INPUT": str(out / "orders_cases.gpkg"), "PERIOD": 0, "AS_OF": str(EXPORT_TIME)}
    streets = processing.run(
        "gridgov:assessment",
        {
            **common,
            "UNIT_FIELD": "street_code",
            "UNITS": f"{gpkg}|layername=streets",
            "UNITS_CODE_FIELD": "street_code",
            "OUTPUT": str(out / "assessment_streets.gpkg"),
            "OVERDUE": str(out / "overdue_orders.csv"),
            "TOPICS": str(out / "monthly_topics.csv"),
            "REPORT": str(out / "assessment_streets.xlsx"),
        },
        feedback=PrintFeedback(),
    )
    departments = processing.run(
        "gridgov:assessment",
        {
            **common,
            "UNIT_FIELD": "承办单位",
            "OUTPUT": str(out / "assessment_departments.csv"),
            "OVERDUE": "TEMPORARY_OUTPUT",
            "TOPICS": "TEMPORARY_OUTPUT",
            "REPORT": str(out / "assessment_departments.xlsx"),
        },
        feedback=PrintFeedback(),
    )
    print(
        f"Assessment: {streets['RATED']} street-months and {departments['RATED']} department-months ranked, "
        f"{streets['OVERDUE_COUNT']} open orders past their deadline\n      {streets['REPORT']}\n"
        f"      {departments['REPORT']}\n      {streets['OVERDUE']}\n      {streets['TOPICS']}",
        flush=True,
    )
    page = processing.run(
        "gridgov:printmap",
        {"GRIDS": streets["OUTPUT"], "OUTPUT": str(out / "assessment_page.pdf")},
        feedback=PrintFeedback(),
    )
    print(f"Assessment page (考评图)\n      {page['OUTPUT']}", flush=True)
    archive = {"INPUT": f"{gpkg}|layername=order_history", "GRIDS": f"{gpkg}|layername=grids", "PERIOD": 0}
    forecast = processing.run(
        "gridgov:forecast",
        {**archive, "HORIZON": 3, "OUTPUT": str(out / "forecast.gpkg"), "MODELS": str(out / "forecast_models.csv")},
        feedback=PrintFeedback(),
    )
    warned = processing.run(
        "gridgov:earlywarning",
        {
            **archive,
            "SEASON": "5-9",
            "TOP": 20,
            "OUTPUT": str(out / "early_warning.gpkg"),
            "SEASON_LIST": str(out / "season_list.gpkg"),
            "ESTATES": f"{gpkg}|layername=addresses",
            "ESTATE_LIST": str(out / "season_estates.gpkg"),
        },
        feedback=PrintFeedback(),
    )
    import geopandas as gpd

    alerts = gpd.read_file(warned["OUTPUT"])
    alerts.drop(columns="geometry").to_csv(out / "early_warning.csv", index=False, encoding="utf-8-sig")
    print(
        f"Forecast: {forecast['SERIES']} grid × class-case series, 3 months ahead\n      {forecast['OUTPUT']}\n"
        f"Early warning: {warned['ALERTS']} alerts; rainy-season list\n      {warned['OUTPUT']}\n"
        f"      {out / 'early_warning.csv'}\n      {warned['SEASON_LIST']}\n      {warned['ESTATE_LIST']}",
        flush=True,
    )
    set_group_visible(project, ANALYSIS_GROUP, False)
    set_group_visible(project, PATROL_GROUP, False)
    title = "街道考评（三率）Street offices assessed, December 2025"
    add_result_layer(project, streets["OUTPUT"], title, "assessment", ASSESS_GROUP)
    png = render_project_png(
        project,
        out / "assessment_streets.png",
        extent_layer="district",
        legend_layer=title,
        title="街道办考评 2025年12月（颜色：得分；数字：名次） Street offices by score, December 2025 (label: rank)",
    )
    # the forecast and the season list stay in the project, hidden: every class case overlaps there (a
    # grid centre filters one); the alerts are what the map shows
    add_result_layer(project, warned["SEASON_LIST"], "汛期前置清单 Rainy-season list", "season_list", ASSESS_GROUP)
    add_result_layer(project, forecast["OUTPUT"], "下季度预测 Forecast", "forecast", ASSESS_GROUP, hide_others=False)
    alerts_title = "预警 Early-warning alerts, December 2025"
    add_result_layer(project, warned["OUTPUT"], alerts_title, "early_warning", ASSESS_GROUP)
    png2 = render_project_png(
        project,
        out / "early_warning.png",
        extent_layer="district",
        legend_layer=alerts_title,
        title="预警：2025年12月激增与苗头性问题  Early warning: surges and upturns, December 2025",
    )
    print(f"      {png}\n      {png2}", flush=True)


def _print(processing, gpkg: str, out: Path) -> None:
    """The planners' paper: an A4 atlas of last month's noise hot spots, one page per street office,
    most urgent first, with the hot areas, the dedicated grids and last month's heatmap on one scale."""
    import shutil
    import subprocess

    months = sorted((out / "heatmap_noise_months").glob("*.tif"))
    printed = processing.run(
        "gridgov:printmap",
        {
            "GRIDS": str(out / "hotspots_noise.gpkg"),
            "COVERAGE": f"{gpkg}|layername=streets",
            "HOT_AREAS": str(out / "hot_areas_noise.gpkg"),
            "DEDICATED": f"{gpkg}|layername=dedicated_grids",
            "HEATMAP": str(months[-1]) if months else None,
            "TRENDS": str(out / "emerging_noise.gpkg"),
            "ROSTER": f"{gpkg}|layername=roster",
            "CLASS_CASE": "噪声",
            "LAYOUT": 0,
            "OUTPUT": str(out / "hotspot_atlas.pdf"),
        },
        feedback=PrintFeedback(),
    )
    print(f"Hotspot atlas: {printed['PAGES']} pages, one per street office\n      {printed['OUTPUT']}", flush=True)
    if shutil.which("pdftoppm"):
        first = out / "hotspot_atlas_page1"
        command = ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", printed["OUTPUT"], str(first)]
        subprocess.run(command, check=True)
        print(f"      {first}.png", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20251)
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))
    import processing
    from processing.core.Processing import Processing

    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.processing.provider import GridGovProvider

    Processing.initialize()
    provider = GridGovProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        started = time.perf_counter()
        print(f"gridgov:democity seed={args.seed} orders={args.orders}", flush=True)
        result = processing.run(
            "gridgov:democity",
            {"SEED": args.seed, "ORDERS": args.orders, "OUTPUT": str(out / "demo_city.gpkg")},
            feedback=PrintFeedback(),
        )
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
        png = render_project_png(
            result["PROJECT"],
            out / "overview.png",
            extent_layer="district",
            title="深圳市滨河区（示范）网格总览  Demo district: streets · communities · grids · micro-grids · "
            "dedicated grids · 12345 orders",
        )
        print(f"Wrote {result['OUTPUT']}\n      {result['PROJECT']}\n      {png}", flush=True)
        gpkg = result["OUTPUT"]
        check = processing.run(
            "gridgov:validategrids",
            {
                "INPUT": f"{gpkg}|layername=grids",
                "CODE_FIELD": "grid_code",
                "PARENT": f"{gpkg}|layername=communities",
                "PARENT_CODE_FIELD": "community_code",
                "OUTPUT": str(out / "grid_errors.gpkg"),
            },
            feedback=PrintFeedback(),
        )
        print(f"Grid check: {check['ERROR_COUNT']} errors, coverage {check['COVERAGE_PCT']}%", flush=True)
        _place_orders(processing, gpkg, out, result["PROJECT"])
        _clues(processing, gpkg, out, result["PROJECT"])
        _analyse(processing, gpkg, out, result["PROJECT"])
        # the hierarchy at three zoom levels, as a grid manager sees it in QGIS
        cx, cy = _cbd_centre(gpkg)
        for name, scale, label in (
            ("zoom_community.png", 25000, "1:25,000 社区 community"),
            ("zoom_grid.png", 10000, "1:10,000 网格 grids and codes"),
            ("zoom_block.png", 4000, "1:4,000 微网格 micro-grids, managers"),
        ):
            path = render_project_png(
                result["PROJECT"],
                out / name,
                size=(1600, 1100),
                center=(cx, cy),
                scale=scale,
                title=f"网格体系 Grid hierarchy  {label}",
            )
            print(f"      {path}", flush=True)
        _govern(processing, gpkg, out, result["PROJECT"])
        _assess_and_warn(processing, gpkg, out, result["PROJECT"])
        _print(processing, gpkg, out)
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
