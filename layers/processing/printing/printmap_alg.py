"""``gridgov:printmap``: hotspot maps for planners' meetings, one page per street, community or hot area;
or the assessment page (考评图) of the responsible units."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
    QgsProject,
)

from gridgov.grid_ops.governance.patrolplan import orders_in_places
from gridgov.grid_ops.printing.assessment_page import ASSESSMENT_FIELDS, AssessmentPlan, is_assessment, plan_assessment
from gridgov.grid_ops.printing.atlas_pages import (
    DEFAULT_TITLE,
    TABLE_ROWS,
    AtlasPlan,
    PrintMapRequest,
    Unit,
    coverage_units,
    plan_atlas,
    render_title,
)
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE, STREET_CODE
from gridgov.layers.io.sources import read_source
from gridgov.layers.parameters.declare import (
    Param,
    checked_text,
    choice,
    field,
    flag,
    integer,
    number,
    number_output,
    source,
    text,
)
from gridgov.layers.parameters.grid_inputs import require_fields
from gridgov.layers.printing import layout as print_layout
from gridgov.layers.printing import page_layers as print_page_layers
from gridgov.layers.printing.layout import TEMPLATES, PageLayers
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop

#: Unit code and name fields tried in order when COVERAGE_CODE_FIELD / COVERAGE_NAME_FIELD are empty
#: (a code field must name each unit once: communities also carry their street's code).
CODE_FIELDS = ("code", "area_id", COMMUNITY_CODE, STREET_CODE, GRID_CODE, "id")
NAME_FIELDS = ("name", "street_name", "community_name", "streets")
POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]
#: What the pages show (PAGE): label, request value.
PAGE_KINDS = (
    (tr_noop("Detect from GRIDS (an assessment layer prints the assessment page)"), "auto"),
    (tr_noop("Hotspot maps (热点图)"), "hotspot"),
    (tr_noop("Assessment of responsible units (考评图)"), "assessment"),
)
#: Inputs the assessment page does not draw (named in a warning when given).
HOTSPOT_ONLY = ("COVERAGE", "HOT_AREAS", "DEDICATED", "HEATMAP", "TRENDS", "ROSTER")
TABLES = [QgsProcessing.SourceType.TypeVector]


def check_title(template: str) -> None:
    """TITLE may use only {area}, {class_case} and {period} (``render_title``): checked as it is read."""
    render_title(template, "", "", "")


#: A raster the run reads (not in the request), a .qpt file the request holds, and the file the run
#: writes (not in the request).
HEATMAP = Param("HEATMAP", lambda: QgsProcessingParameterRasterLayer("HEATMAP", tr("Heatmap raster"), optional=True))
TEMPLATE = Param(
    "TEMPLATE",
    lambda: QgsProcessingParameterFile(
        "TEMPLATE", tr("Your own layout template (.qpt)"), extension="qpt", optional=True
    ),
    lambda alg, parameters, context: alg.parameterAsFile(parameters, "TEMPLATE", context),
)
OUTPUT = Param(
    "OUTPUT",
    lambda: QgsProcessingParameterFileDestination("OUTPUT", tr("Printed file"), tr("PDF (*.pdf);;PNG (*.png)")),
)


class PrintMapAlgorithm(DeclaredAlgorithm):
    NAME = "printmap"
    DISPLAY = "Print hotspot maps"
    GROUP_ID = "print"
    GROUP = "Print"
    HELP = (
        "Prints hotspot maps for the weekly review and the monthly topic meeting: one page per unit of the "
        "COVERAGE layer (street offices, communities or ranked hot areas), or one page of the whole district "
        "without it. Each page has the map (its grids coloured by FIELD, e.g. the Gi* bins of the Hot spots "
        "algorithm, with the hot areas, dedicated grids and an optional heatmap), a title built from the area, "
        "the class case and the period, a legend of what is on that page, a scale bar, a north arrow, an "
        "overview inset, the print date, the data source and coordinate system, and a table of the page's worst "
        "grids (numbered on the map) with their community, grid manager, count, change and trend.\n\n"
        "Every page uses one colour scale: Gi* bins are fixed classes, other fields are classed once over the "
        "whole district, and the heatmap is stretched to HEATMAP_MAXIMUM (0: the largest value of the raster), "
        "so the same colour means the same thing on every page. Pages are sorted by priority: a hot area's rank, "
        "otherwise the unit with more hot grids (FIELD ≥ 2) and more cases first.\n\n"
        "LAYOUT picks a template (A4 / A3, landscape / portrait, files in the plugin's resources/layouts); "
        "TEMPLATE takes your own .qpt saved from the layout designer, as long as it keeps the item ids map, "
        "title and legend (overview, scalebar, north_arrow, table, table_title, date, source and page_number are "
        "used when present). TITLE may use {area}, {class_case} and {period}.\n\n"
        "OUTPUT: a .pdf holds every page; a .png gives one PNG per page, named from the page number and the "
        "unit's code and name.\n\n"
        "PAGE: the assessment page (考评图) prints the OUTPUT of Assess responsible units, given as GRIDS (by "
        "default it is recognised by its fields unit, period, score, rank and rated): one page with the units "
        "of the latest period coloured by their score, labelled with name, score and rank, the lowest-ranked "
        "outlined in red, and a table of the units by rank (score, 响应率, 解决率, 满意率, 按期办结率, orders; "
        "ROWS units at most, else the lowest-ranked ROWS) with the lowest-ranked row highlighted. LAYOUT, "
        "TEMPLATE, TITLE (at its default: {area}{class_case}责任单位考评（{period}）), CLASS_CASE, PERIOD (empty: "
        "the period printed) and ADD_LAYOUT apply; COVERAGE, HOT_AREAS, DEDICATED, HEATMAP, TRENDS and ROSTER "
        "do not.\n\n"
        "Example: GRIDS the Hot spots layer of noise, COVERAGE the streets, HOT_AREAS the hot areas, CLASS_CASE "
        "噪声, LAYOUT A4 landscape, OUTPUT hotspot_atlas.pdf. Assessment: GRIDS the assessment of the street "
        "offices, OUTPUT assessment.pdf."
    )
    PARAMETERS = (
        source("GRIDS", tr_noop("Grids with hot-spot results"), POLYGONS),
        field("CODE_FIELD", tr_noop("Grid code field"), "GRIDS", GRID_CODE, fallback=True),
        field("FIELD", tr_noop("Colour the grids by"), "GRIDS", "gi_bin", fallback=True),
        field("COUNT_FIELD", tr_noop("Count field (table, priority)"), "GRIDS", "cur_cnt", fallback=True),
        source("COVERAGE", tr_noop("One page per unit of (streets, communities, hot areas)"), POLYGONS, optional=True),
        field("COVERAGE_CODE_FIELD", tr_noop("Unit code field"), "COVERAGE"),
        field("COVERAGE_NAME_FIELD", tr_noop("Unit name field"), "COVERAGE"),
        source("HOT_AREAS", tr_noop("Hot areas"), POLYGONS, optional=True),
        source("DEDICATED", tr_noop("Dedicated grids"), POLYGONS, optional=True),
        HEATMAP,
        number(
            "HEATMAP_MAXIMUM", tr_noop("Heatmap colour scale maximum (0: the raster's largest value)"), 0.0, minimum=0.0
        ),
        source("TRENDS", tr_noop("Trend categories per grid (Emerging hot spots)"), TABLES, optional=True),
        source("ROSTER", tr_noop("Grid manager roster (grid_code, manager)"), TABLES, optional=True),
        choice("LAYOUT", tr_noop("Layout"), [(label, key) for key, (_file, label) in TEMPLATES.items()]),
        TEMPLATE,
        checked_text("TITLE", tr_noop("Title"), check_title, DEFAULT_TITLE, optional=False, fallback=True),
        text("CLASS_CASE", tr_noop("Class case in the title"), ""),
        text("PERIOD", tr_noop("Period in the title (empty: cur_period)"), ""),
        integer("ROWS", tr_noop("Grids in each page's table"), TABLE_ROWS, minimum=1, maximum=40),
        OUTPUT,
        flag(
            "ADD_LAYOUT", tr_noop("Also add the layout and its layers to the project (edit it in the designer)"), False
        ),
        choice("PAGE", tr_noop("Page"), PAGE_KINDS),
    )
    OUTPUTS = (
        number_output("PAGES", tr_noop("Pages")),
        lambda: QgsProcessingOutputMultipleLayers("FILES", tr("Files written")),
        lambda: QgsProcessingOutputString("LAYOUT_NAME", tr("Layout added to the project")),
    )
    REQUEST = PrintMapRequest

    def flags(self):
        # layouts, fonts and the PDF writer belong to the main thread (as QGIS's own layout export algorithms)
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: PrintMapRequest = self.request(parameters, context)
        out = output_file(self, parameters, context)
        grids, grid_source = read_source(self, parameters, "GRIDS", context, feedback)
        if page_kind(request, grids) == "assessment":
            return self.print_assessment(parameters, context, feedback, request, grids, grid_source, out)
        add_layout = request.add_layout and context.project() is not None
        project = context.project() if add_layout else QgsProject()
        layout = open_layout(request, project)
        grids = checked_grids(grids, request)
        coverage = in_crs_of(grids, read_source(self, parameters, "COVERAGE", context, feedback)[0])
        units, grid_page = atlas_units(request, coverage, grids, feedback)
        plan = plan_atlas(
            request, grids, units, grid_page, *self.roster_and_trends(parameters, context, grids, request)
        )
        family = print_layout.cjk_font_family()
        crs = crs_text(grid_source)
        layers = self.page_layers(parameters, context, feedback, request, plan, grids, coverage, crs, family)
        name = tr("热点图 Hotspot map") + f" {request.class_case}{plan.period}".rstrip()
        layout_name = into_project(project, layout, [*layers.main_map(), layers.overview_base], add_layout, name)
        bind_page(layout, layers, request, plan, grid_source, len(grids), family)
        feedback.pushInfo(
            tr("{0} page(s), in this order: {1}").format(len(plan.pages), ", ".join(plan.pages.page_name[:12]))
        )
        files = export(layout, out, family, feedback)
        if add_layout:
            project.layoutManager().addLayout(layout)
            feedback.pushInfo(tr("Layout {0!r} added to the project: Project ▸ Layouts").format(layout_name))
        return {
            "OUTPUT": str(out),
            "PAGES": len(plan.pages),
            "FILES": [str(f) for f in files],
            "LAYOUT_NAME": layout_name,
        }

    def print_assessment(self, parameters, context, feedback, request: PrintMapRequest, table, source_, out):
        """The assessment page of ``table`` (GRIDS, the OUTPUT of ``gridgov:assessment``): the latest
        period's units coloured by score, their ranking table, the lowest-ranked highlighted."""
        ignored = [name for name in HOTSPOT_ONLY if parameters.get(name) not in (None, "")]
        if ignored:
            feedback.pushWarning(tr("The assessment page does not draw {0}").format(", ".join(ignored)))
        table = table.reset_index(drop=True)
        plan = plan_assessment(
            table, request.rows, district_name(table), request.title, request.class_case, request.period
        )
        if not len(plan.units):
            raise QgsProcessingException(tr("GRIDS: no assessed unit in the period {0!r}").format(plan.period))
        add_layout = request.add_layout and context.project() is not None
        project = context.project() if add_layout else QgsProject()
        layout = open_layout(request, project, "assessment")
        family = print_layout.cjk_font_family()
        frame = assessment_frame(plan, table)
        units, lowest = print_page_layers.assessment_layers(frame, plan.period, crs_text(source_), family)
        name = tr("考评图 Assessment map") + f" {request.class_case}{plan.period}".rstrip()
        layout_name = into_project(project, layout, [lowest, units], add_layout, name)
        texts = assessment_texts(plan, request, source_)
        print_layout.bind_assessment(layout, units, lowest, texts, request.rows, family)
        worst = ", ".join(plan.units.loc[plan.units.lowest, "unit_name"])
        feedback.pushInfo(
            tr("Assessment page of {0}: {1} unit(s), lowest ranked: {2}").format(
                plan.period, len(plan.units), worst or tr("none ranked")
            )
        )
        files = export(layout, out, family, feedback)
        if add_layout:
            project.layoutManager().addLayout(layout)
            feedback.pushInfo(tr("Layout {0!r} added to the project: Project ▸ Layouts").format(layout_name))
        return {"OUTPUT": str(out), "PAGES": 1, "FILES": [str(f) for f in files], "LAYOUT_NAME": layout_name}

    def roster_and_trends(self, parameters, context, grids, request: PrintMapRequest):
        """Each grid's manager from ROSTER and trend from TRENDS (None for a table not given)."""
        codes = grids[request.code_field].astype(str).to_numpy(dtype=object)
        manager = self.lookup(parameters, "ROSTER", context, codes, ("manager", "manager_name"))
        trend = self.lookup(parameters, "TRENDS", context, codes, ("pattern_zh", "trend_zh", "pattern"))
        return manager, trend

    def lookup(self, parameters, name, context, codes, columns):
        """A column of an optional table joined on grid_code; None without the table."""
        table, _ = read_source(self, parameters, name, context)
        if table is None:
            return None
        column = next((c for c in columns if c in table.columns), None)
        if GRID_CODE not in table.columns or column is None:
            raise QgsProcessingException(
                tr("{0}: the table needs grid_code and one of {1}").format(name, ", ".join(columns))
            )
        mapping = dict(zip(table[GRID_CODE].astype(str), table[column].fillna("").astype(str)))
        return np.array([mapping.get(c, "") for c in codes], dtype=object)

    def page_layers(self, parameters, context, feedback, request, plan: AtlasPlan, grids, coverage, crs, family):
        """The layers the pages draw: the grids and their context, the atlas units and the inset (with
        a coverage), HOT_AREAS, DEDICATED and the HEATMAP; ``crs`` as ``crs_text`` gives it."""
        frame = gpd.GeoDataFrame(plan.grids, geometry=grids.geometry.to_numpy(), crs=grids.crs)
        grid_layer, context_layer = print_page_layers.grid_layers(
            frame, request.field, plan.period, coverage is not None, crs, family
        )
        layers = PageLayers(coverage=None, grids=grid_layer, context=context_layer)
        if coverage is not None:
            grid_size = float(np.sqrt(np.nanmedian(grids.geometry.area.to_numpy()))) if len(grids) else 0.0
            layers.coverage, layers.overview_base = print_page_layers.unit_layers(
                coverage, plan.pages, plan.titles, grid_size, crs, family
            )
        for name, title, style in (
            ("HOT_AREAS", tr("热区 Hot areas"), print_page_layers.style_hot_areas),
            ("DEDICATED", tr("专属网格 Dedicated grids"), print_page_layers.style_dedicated),
        ):
            extra = in_crs_of(grids, read_source(self, parameters, name, context, feedback)[0])
            setattr(layers, name.lower(), print_page_layers.outline_layer(extra, title, style, crs, family))
        raster = self.parameterAsRasterLayer(parameters, "HEATMAP", context)
        layers.heatmap = print_page_layers.heatmap_layer(raster, request.heatmap_maximum, feedback)
        return layers


def output_file(alg, parameters, context) -> Path:
    """The file OUTPUT names, a .pdf (every page) or a .png (one per page); any other stops the run."""
    out = Path(alg.parameterAsFileOutput(parameters, "OUTPUT", context))
    if out.suffix.lower() not in (".pdf", ".png"):
        raise QgsProcessingException(tr("OUTPUT: {0} must end in .pdf or .png").format(out.name))
    return out


def checked_grids(grids, request: PrintMapRequest):
    """The GRIDS of hotspot pages (rows 0..n-1); a CODE_FIELD, FIELD or COUNT_FIELD they lack stops the
    run, named."""
    require_fields(
        grids, ((request.code_field, "CODE_FIELD"), (request.field, "FIELD"), (request.count_field, "COUNT_FIELD"))
    )
    return grids.reset_index(drop=True)


def page_kind(request: PrintMapRequest, grids) -> str:
    """What PAGE asks for ("auto": the assessment page for an assessment layer); an assessment page
    asked of a layer that is none stops the run, naming the fields it lacks."""
    if request.page == "auto":
        return "assessment" if is_assessment(grids.columns) else "hotspot"
    if request.page == "assessment" and not is_assessment(grids.columns):
        missing = [name for name in ASSESSMENT_FIELDS if name not in grids.columns]
        raise QgsProcessingException(
            tr("PAGE: the assessment page prints the output of Assess responsible units; GRIDS lacks {0}").format(
                ", ".join(missing)
            )
        )
    return request.page


def assessment_frame(plan: AssessmentPlan, table) -> gpd.GeoDataFrame:
    """The page's units on their polygons, with what the assessment style reads (score, rated, latest)."""
    rows = plan.units.source_row.to_numpy()
    frame = plan.units.drop(columns="source_row").assign(latest=True)
    return gpd.GeoDataFrame(frame, geometry=table.geometry.to_numpy()[rows], crs=table.crs)


def assessment_texts(plan: AssessmentPlan, request: PrintMapRequest, source_) -> dict[str, str]:
    """The assessment page's title, source line and table title."""
    crs = source_.sourceCrs()
    table_title = (
        tr("考评排名后 {0} 位（{1}） Lowest-ranked units").format(int(plan.units.table_row.max()), plan.period)
        if plan.truncated
        else tr("考评排名（{0}） Ranking of units").format(plan.period)
    )
    return {
        "title": plan.title,
        "source": tr("数据：{0}（{1} 个责任单位，考评期 {2}）；坐标系 CRS：{3} {4}；得分满分 100").format(
            source_.sourceName(), len(plan.units), plan.period, crs.authid(), crs.description()
        ),
        "table_title": table_title,
    }


def open_layout(request: PrintMapRequest, project: QgsProject, page: str = "hotspot"):
    """The layout of TEMPLATE, else of the built-in LAYOUT of the ``page`` kind, in ``project``; a
    template QGIS cannot use stops the run, named."""
    template = request.template or print_layout.template_path(request.layout, page)
    try:
        return print_layout.load_template(template, project)
    except ValueError as err:
        raise QgsProcessingException(f"TEMPLATE: {err}") from err


def crs_text(grid_source) -> str:
    """The grids' CRS as a memory layer takes it (its authority id, else its WKT)."""
    crs = grid_source.sourceCrs()
    return crs.authid() or crs.toWkt()


def in_crs_of(grids, frame):
    """``frame`` reprojected to the grids' CRS where the two differ (Processing does not)."""
    if frame is None or frame.crs is None or grids.crs is None or frame.crs == grids.crs:
        return frame
    return frame.to_crs(grids.crs)


def atlas_units(request: PrintMapRequest, coverage, grids, feedback) -> tuple[list[Unit], np.ndarray]:
    """The atlas units and each grid's unit (-1: none): one page of everything without a coverage,
    else a page per unit, each grid on the page of the unit holding its representative point."""
    if coverage is None:
        return [Unit("all", district_name(grids))], np.zeros(len(grids), dtype=np.int64)
    units = coverage_units(coverage, *coverage_fields(request, coverage))
    points = shapely.point_on_surface(grids.geometry.to_numpy())
    codes = np.array([unit.code for unit in units], dtype=object)
    grid_page = orders_in_places(codes, coverage.geometry.to_numpy(), shapely.get_x(points), shapely.get_y(points))
    off_page = np.flatnonzero(grid_page < 0)
    if len(off_page):  # said, not silently dropped
        feedback.pushWarning(
            tr("{0} of {1} grids lie in no unit of the coverage and are on no page (grid {2} ...)").format(
                len(off_page), len(grids), grids[request.code_field].iat[off_page[0]]
            )
        )
    return units, grid_page


def district_name(grids: pd.DataFrame) -> str:
    """The one page's area without a coverage: the grids' street when they are all of one, else 全区."""
    name = ""
    if "street_name" in grids.columns and grids["street_name"].nunique() == 1:
        name = str(grids["street_name"].iloc[0])
    return name or tr("全区")


def coverage_fields(request: PrintMapRequest, coverage: pd.DataFrame) -> tuple[str, str | None]:
    """The coverage's unit code field (given, else the first of CODE_FIELDS naming each unit once)
    and name field (given, else the first of NAME_FIELDS; None for none); a code naming two units
    stops the run, named."""
    code_field = request.coverage_code_field or next(
        (f for f in CODE_FIELDS if f in coverage.columns and coverage[f].is_unique), None
    )
    name_field = request.coverage_name_field or next((f for f in NAME_FIELDS if f in coverage.columns), None)
    if code_field is None or code_field not in coverage.columns:
        raise QgsProcessingException(
            tr("{0}: the coverage has no field among {1} that names each unit once; choose its code field").format(
                "COVERAGE_CODE_FIELD", ", ".join(CODE_FIELDS)
            )
        )
    twice = coverage[code_field][coverage[code_field].duplicated()]
    if len(twice):
        raise QgsProcessingException(
            tr("{0}: {1!r} is the code of more than one unit (row {2}); each page needs its own code").format(
                "COVERAGE_CODE_FIELD", twice.iat[0], int(twice.index[0]) + 1
            )
        )
    return code_field, name_field


def into_project(project, layout, layers: list, add_layout: bool, base: str) -> str:
    """Put the page layers (None: not drawn) in ``project`` (the layout draws them from there); with
    ``add_layout`` also in a hidden group of their own, and name the layout ``base`` or, when another
    of the project has that name, ``base (2)`` …"""
    layout_name = ""
    if add_layout:
        taken = {existing.name() for existing in project.layoutManager().layouts()}
        layout_name = next(n for n in (base, *(f"{base} ({i})" for i in range(2, 999))) if n not in taken)
        layout.setName(layout_name)
        group = project.layerTreeRoot().insertGroup(0, tr("出图 Print") + f" · {layout_name}")
    for layer in layers:
        if layer is not None:
            project.addMapLayer(layer, False)
            if add_layout:
                group.addLayer(layer).setItemVisibilityChecked(False)  # drawn by the layout, not the canvas
    return layout_name


def bind_page(layout, layers: PageLayers, request: PrintMapRequest, plan: AtlasPlan, grid_source, n_grids, family):
    """Point the layout at the page layers and fill in its title, source line and table title."""
    atlas_on = layers.coverage is not None
    crs = grid_source.sourceCrs()
    texts = {
        "title": '[% "title" %]' if atlas_on else plan.titles[0],
        "source": tr(
            "数据：{0}（{1} 个网格）；坐标系 CRS：{2} {3}；全区统一色阶 one colour scale for every page"
        ).format(grid_source.sourceName(), n_grids, crs.authid(), crs.description()),
        "table_title": tr("本页重点网格（按件数，{0}） Worst grids on this page").format(
            plan.period or request.count_field
        ),
    }
    print_layout.bind(layout, layers, texts, request.rows, family)
    number = layout.itemById("page_number")
    if not atlas_on and number is not None:
        number.setText("")


def export(layout, out: Path, family: str, feedback) -> list[Path]:
    """Write the pages: one PDF, or one PNG per page."""
    if out.suffix.lower() == ".pdf":
        files = [print_layout.export_pdf(layout, out, family, feedback)]
    else:
        files = print_layout.export_pngs(layout, out, feedback=feedback)
    feedback.pushInfo(tr("Written: {0}").format(", ".join(str(f) for f in files[:5])))
    return files
