"""``gridgov:printmap``: hotspot maps for planners' meetings, one page per street, community or hot area."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
)

from gridgov.grid_ops.printing.atlas_pages import DEFAULT_TITLE, TABLE_ROWS
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE, STREET_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, read_source, tr

#: Unit code and name fields tried in order when COVERAGE_CODE_FIELD / COVERAGE_NAME_FIELD are empty
#: (a code field must name each unit once: communities also carry their street's code).
CODE_FIELDS = ("code", "area_id", COMMUNITY_CODE, STREET_CODE, GRID_CODE, "id")
NAME_FIELDS = ("name", "street_name", "community_name", "streets")


class PrintMapAlgorithm(GridGovAlgorithm):
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
        "Example: GRIDS the Hot spots layer of noise, COVERAGE the streets, HOT_AREAS the hot areas, CLASS_CASE "
        "噪声, LAYOUT A4 landscape, OUTPUT hotspot_atlas.pdf."
    )
    GRIDS, CODE_FIELD, FIELD, COUNT_FIELD = "GRIDS", "CODE_FIELD", "FIELD", "COUNT_FIELD"
    COVERAGE, COVERAGE_CODE_FIELD, COVERAGE_NAME_FIELD = "COVERAGE", "COVERAGE_CODE_FIELD", "COVERAGE_NAME_FIELD"
    HOT_AREAS, DEDICATED, HEATMAP, HEATMAP_MAXIMUM = "HOT_AREAS", "DEDICATED", "HEATMAP", "HEATMAP_MAXIMUM"
    TRENDS, ROSTER = "TRENDS", "ROSTER"
    LAYOUT, TEMPLATE, TITLE, CLASS_CASE, PERIOD, ROWS = "LAYOUT", "TEMPLATE", "TITLE", "CLASS_CASE", "PERIOD", "ROWS"
    OUTPUT, PAGES, FILES = "OUTPUT", "PAGES", "FILES"
    ADD_LAYOUT, LAYOUT_NAME = "ADD_LAYOUT", "LAYOUT_NAME"

    def flags(self):
        # layouts, fonts and the PDF writer belong to the main thread (as QGIS's own layout export algorithms)
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        from gridgov.layers.print_layout import TEMPLATES

        polygon = [QgsProcessing.SourceType.TypeVectorPolygon]
        self.addParameter(QgsProcessingParameterFeatureSource(self.GRIDS, tr("Grids with hot-spot results"), polygon))
        self.addParameter(
            QgsProcessingParameterField(self.CODE_FIELD, tr("Grid code field"), GRID_CODE, self.GRIDS, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(self.FIELD, tr("Colour the grids by"), "gi_bin", self.GRIDS, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.COUNT_FIELD, tr("Count field (table, priority)"), "cur_cnt", self.GRIDS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.COVERAGE, tr("One page per unit of (streets, communities, hot areas)"), polygon, optional=True
            )
        )
        for name, text in (
            (self.COVERAGE_CODE_FIELD, tr("Unit code field")),
            (self.COVERAGE_NAME_FIELD, tr("Unit name field")),
        ):
            self.addParameter(QgsProcessingParameterField(name, text, None, self.COVERAGE, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(self.HOT_AREAS, tr("Hot areas"), polygon, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.DEDICATED, tr("Dedicated grids"), polygon, optional=True)
        )
        self.addParameter(QgsProcessingParameterRasterLayer(self.HEATMAP, tr("Heatmap raster"), optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.HEATMAP_MAXIMUM, tr("Heatmap colour scale maximum (0: the raster's largest value)"),
                QgsProcessingParameterNumber.Type.Double, 0.0, minValue=0.0,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.TRENDS, tr("Trend categories per grid (Emerging hot spots)"),
                [QgsProcessing.SourceType.TypeVector], optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROSTER, tr("Grid manager roster (grid_code, manager)"),
                [QgsProcessing.SourceType.TypeVector], optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterEnum(
                self.LAYOUT, tr("Layout"), [tr(v[1]) for v in TEMPLATES.values()], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE, tr("Your own layout template (.qpt)"), extension="qpt", optional=True
            )
        )
        self.addParameter(QgsProcessingParameterString(self.TITLE, tr("Title"), DEFAULT_TITLE))
        self.addParameter(
            QgsProcessingParameterString(self.CLASS_CASE, tr("Class case in the title"), "", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.PERIOD, tr("Period in the title (empty: cur_period)"), "", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.ROWS, tr("Grids in each page's table"), QgsProcessingParameterNumber.Type.Integer, TABLE_ROWS,
                minValue=1, maxValue=40,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Printed file"), tr("PDF (*.pdf);;PNG (*.png)"))
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, tr("Pages")))
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ADD_LAYOUT, tr("Also add the layout and its layers to the project (edit it in the designer)"),
                False,
            )
        )  # fmt: skip
        self.addOutput(QgsProcessingOutputMultipleLayers(self.FILES, tr("Files written")))
        self.addOutput(QgsProcessingOutputString(self.LAYOUT_NAME, tr("Layout added to the project")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from pathlib import Path

        from gridgov.grid_ops.printing import atlas_pages
        from gridgov.layers import print_layout, print_page_layers

        out = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if out.suffix.lower() not in (".pdf", ".png"):
            raise QgsProcessingException(tr("OUTPUT: {0} must end in .pdf or .png").format(out.name))
        title_template = self.parameterAsString(parameters, self.TITLE, context) or DEFAULT_TITLE
        try:
            atlas_pages.render_title(title_template, "", "", "")
        except ValueError as err:
            raise QgsProcessingException(f"{self.TITLE}: {err}") from err
        template = self.parameterAsFile(parameters, self.TEMPLATE, context)
        if not template:
            key = list(print_layout.TEMPLATES)[self.parameterAsEnum(parameters, self.LAYOUT, context)]
            template = print_layout.template_path(key)
        add_layout = self.parameterAsBoolean(parameters, self.ADD_LAYOUT, context) and context.project() is not None
        project = context.project() if add_layout else QgsProject()
        try:
            layout = print_layout.load_template(template, project)
        except ValueError as err:
            raise QgsProcessingException(f"{self.TEMPLATE}: {err}") from err

        grids, grid_source = read_source(self, parameters, self.GRIDS, context, feedback)
        code_field = self.parameterAsString(parameters, self.CODE_FIELD, context) or GRID_CODE
        field = self.parameterAsString(parameters, self.FIELD, context) or "gi_bin"
        count_field = self.parameterAsString(parameters, self.COUNT_FIELD, context) or "cur_cnt"
        for name, param in ((code_field, self.CODE_FIELD), (field, self.FIELD), (count_field, self.COUNT_FIELD)):
            if name not in grids.columns:
                raise QgsProcessingException(tr("{0}: the grids have no field {1!r}").format(param, name))
        grids = grids.reset_index(drop=True)
        count = pd.to_numeric(grids[count_field], errors="coerce").to_numpy(dtype=float)
        value = pd.to_numeric(grids[field], errors="coerce").to_numpy(dtype=float)
        crs = grid_source.sourceCrs()
        crs_text = crs.authid() or crs.toWkt()

        coverage = self._in_crs_of(grids, read_source(self, parameters, self.COVERAGE, context, feedback)[0])
        units, grid_page = self._units(parameters, context, coverage, grids)
        off_page = np.flatnonzero(grid_page < 0)
        if coverage is not None and len(off_page):  # said, not silently dropped
            feedback.pushWarning(
                tr("{0} of {1} grids lie in no unit of the coverage and are on no page (grid {2} ...)").format(
                    len(off_page), len(grids), grids[code_field].iat[off_page[0]]
                )
            )
        hot = np.nan_to_num(value, nan=-np.inf) >= 2
        pages = atlas_pages.order_pages(units, grid_page, count, hot)
        period = self.parameterAsString(parameters, self.PERIOD, context)
        if not period and "cur_period" in grids.columns and grids["cur_period"].notna().any():
            period = str(grids["cur_period"].dropna().iloc[0])
        class_case = self.parameterAsString(parameters, self.CLASS_CASE, context)
        district = units[0].name if coverage is None else ""
        titles = [
            atlas_pages.render_title(title_template, name or district, class_case, period) for name in pages.page_name
        ]

        rows = self.parameterAsInt(parameters, self.ROWS, context)
        frame = self._page_grids(parameters, context, grids, code_field, field, count, grid_page, units, rows)
        atlas_on = coverage is not None
        family = print_layout.cjk_font_family()
        import geopandas as gpd

        grid_title = tr("网格热点 Gi*") if field == "gi_bin" else tr("网格 Grids: {0}").format(field)
        grid_layer = print_page_layers.memory_layer(
            frame, f"{grid_title}（{period}）" if period else grid_title, crs_text
        )
        print_page_layers.style_page_grids(grid_layer, field, atlas_on, family)
        context_layer = print_page_layers.memory_layer(
            gpd.GeoDataFrame({GRID_CODE: frame[GRID_CODE]}, geometry=frame.geometry, crs=frame.crs),
            "context",
            crs_text,
        )
        print_page_layers.style_context(context_layer)
        layers = print_layout.PageLayers(coverage=None, grids=grid_layer, context=context_layer)
        if atlas_on:
            grid_size = float(np.sqrt(np.nanmedian(grids.geometry.area.to_numpy()))) if len(grids) else 0.0
            units_frame = print_page_layers.unit_frame(coverage, pages, titles, grid_size)
            unit_layer = print_page_layers.memory_layer(units_frame, "units", crs_text)
            print_page_layers.style_coverage(unit_layer, True, family)
            layers.coverage = unit_layer
            inset = print_page_layers.memory_layer(units_frame, "inset", crs_text)
            print_page_layers.style_overview(inset, True)
            layers.overview_base = inset
        for name, title, style in (
            (self.HOT_AREAS, tr("热区 Hot areas"), print_page_layers.style_hot_areas),
            (self.DEDICATED, tr("专属网格 Dedicated grids"), print_page_layers.style_dedicated),
        ):
            extra = self._in_crs_of(grids, read_source(self, parameters, name, context, feedback)[0])
            if extra is not None and len(extra):
                layer = print_page_layers.memory_layer(extra.drop(columns=["_fid"], errors="ignore"), title, crs_text)
                style(layer, family)
                setattr(layers, "hot_areas" if name == self.HOT_AREAS else "dedicated", layer)
        layers.heatmap = self._heatmap(parameters, context, feedback)
        layout_name = ""
        if add_layout:
            base = tr("热点图 Hotspot map") + f" {class_case}{period}".rstrip()
            taken = {existing.name() for existing in project.layoutManager().layouts()}
            layout_name = next(n for n in (base, *(f"{base} ({i})" for i in range(2, 999))) if n not in taken)
            layout.setName(layout_name)
            group = project.layerTreeRoot().insertGroup(0, tr("出图 Print") + f" · {layout_name}")
        for layer in [*layers.main_map(), layers.overview_base]:
            if layer is not None:
                project.addMapLayer(layer, False)
                if add_layout:
                    group.addLayer(layer).setItemVisibilityChecked(False)  # drawn by the layout, not the canvas

        texts = {
            "title": '[% "title" %]' if atlas_on else titles[0],
            "source": tr(
                "数据：{0}（{1} 个网格）；坐标系 CRS：{2} {3}；全区统一色阶 one colour scale for every page"
            ).format(grid_source.sourceName(), len(grids), crs.authid(), crs.description()),
            "table_title": tr("本页重点网格（按件数，{0}） Worst grids on this page").format(period or count_field),
        }
        print_layout.bind(layout, layers, texts, rows, family)
        if not atlas_on:
            number = layout.itemById("page_number")
            if number is not None:
                number.setText("")
        feedback.pushInfo(tr("{0} page(s), in this order: {1}").format(len(pages), ", ".join(pages.page_name[:12])))
        if out.suffix.lower() == ".pdf":
            files = [print_layout.export_pdf(layout, out, family, feedback)]
        else:
            files = print_layout.export_pngs(layout, out, feedback=feedback)
        feedback.pushInfo(tr("Written: {0}").format(", ".join(str(f) for f in files[:5])))
        if add_layout:
            project.layoutManager().addLayout(layout)
            feedback.pushInfo(tr("Layout {0!r} added to the project: Project ▸ Layouts").format(layout_name))
        return {
            self.OUTPUT: str(out),
            self.PAGES: len(pages),
            self.FILES: [str(f) for f in files],
            self.LAYOUT_NAME: layout_name,
        }

    @staticmethod
    def _in_crs_of(grids, frame):
        """``frame`` reprojected to the grids' CRS where the two differ (Processing does not)."""
        if frame is None or frame.crs is None or grids.crs is None or frame.crs == grids.crs:
            return frame
        return frame.to_crs(grids.crs)

    def _units(self, parameters, context, coverage, grids):
        """The atlas units and each grid's unit (its representative point in the unit's polygon)."""
        from gridgov.grid_ops.governance.patrolplan import orders_in_places
        from gridgov.grid_ops.printing.atlas_pages import Unit

        if coverage is None:
            name = ""
            if "street_name" in grids.columns and grids["street_name"].nunique() == 1:
                name = str(grids["street_name"].iloc[0])
            return [Unit("all", name or tr("全区"))], np.zeros(len(grids), dtype=np.int64)
        code_field = self.parameterAsString(parameters, self.COVERAGE_CODE_FIELD, context) or next(
            (f for f in CODE_FIELDS if f in coverage.columns and coverage[f].is_unique), None
        )
        name_field = self.parameterAsString(parameters, self.COVERAGE_NAME_FIELD, context) or next(
            (f for f in NAME_FIELDS if f in coverage.columns), None
        )
        if code_field is None or code_field not in coverage.columns:
            raise QgsProcessingException(
                tr("{0}: the coverage has no field among {1} that names each unit once; choose its code field").format(
                    self.COVERAGE_CODE_FIELD, ", ".join(CODE_FIELDS)
                )
            )
        twice = coverage[code_field][coverage[code_field].duplicated()]
        if len(twice):
            raise QgsProcessingException(
                tr("{0}: {1!r} is the code of more than one unit (row {2}); each page needs its own code").format(
                    self.COVERAGE_CODE_FIELD, twice.iat[0], int(twice.index[0]) + 1
                )
            )
        codes = coverage[code_field].astype(str).to_numpy(dtype=object)
        ranks = pd.to_numeric(coverage["rank"], errors="coerce") if "rank" in coverage.columns else None
        names = coverage[name_field].astype(str).to_numpy(dtype=object) if name_field else codes
        if ranks is not None and name_field in (None, "streets"):
            names = np.array([f"热区{r:.0f}（{n}）" for r, n in zip(ranks, names)], dtype=object)
        units = [
            Unit(str(c), str(n), None if ranks is None else float(ranks.iat[i]))
            for i, (c, n) in enumerate(zip(codes, names))
        ]
        import shapely

        points = shapely.point_on_surface(grids.geometry.to_numpy())
        x, y = shapely.get_x(points), shapely.get_y(points)
        return units, orders_in_places(codes, coverage.geometry.to_numpy(), x, y)

    def _page_grids(self, parameters, context, grids, code_field, field, count, grid_page, units, rows):
        """The grid layer's table: code, community, manager, count, change, trend, page and number."""
        import geopandas as gpd

        from gridgov.grid_ops.printing import atlas_pages

        codes = grids[code_field].astype(str).to_numpy(dtype=object)
        prev = pd.to_numeric(grids.get("prev_cnt", pd.Series(np.nan, index=grids.index)), errors="coerce").to_numpy()
        change = pd.to_numeric(grids.get("perc_chg", pd.Series(np.nan, index=grids.index)), errors="coerce").to_numpy()
        manager = self._lookup(parameters, self.ROSTER, context, codes, ("manager", "manager_name"))
        if manager is None:
            manager = grids["manager"].astype(str).to_numpy() if "manager" in grids.columns else np.full(len(grids), "")
        trend = self._lookup(parameters, self.TRENDS, context, codes, ("pattern_zh", "trend_zh", "pattern"))
        if trend is None:
            trend = atlas_pages.trend_category(count, prev)
        keys = np.array([units[p].code if p >= 0 else "" for p in grid_page], dtype=object)
        community = grids["community_name"] if "community_name" in grids.columns else pd.Series("", index=grids.index)
        return gpd.GeoDataFrame(
            {
                GRID_CODE: codes,
                "community": community.fillna("").astype(str).to_numpy(dtype=object),
                "manager": np.asarray(manager, dtype=object),
                "count": np.nan_to_num(count).astype(np.int64),
                "change": atlas_pages.format_change(change, count, prev),
                "trend": np.asarray(trend, dtype=object),
                field: pd.to_numeric(grids[field], errors="coerce").to_numpy(dtype=float),
                "page_key": keys,
                "page_rank": atlas_pages.worst_grids(grid_page, count, codes, rows),
            },
            geometry=grids.geometry.to_numpy(),
            crs=grids.crs,
        )

    def _lookup(self, parameters, name, context, codes, columns):
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

    def _heatmap(self, parameters, context, feedback):
        raster = self.parameterAsRasterLayer(parameters, self.HEATMAP, context)
        if raster is None:
            return None
        from qgis.core import QgsRasterBandStats

        from gridgov.layers.rasters import style_heatmap

        layer = raster.clone()
        layer.setName(tr("热力（全区统一色阶）"))
        maximum = self.parameterAsDouble(parameters, self.HEATMAP_MAXIMUM, context)
        if maximum <= 0:
            stats = layer.dataProvider().bandStatistics(1, QgsRasterBandStats.Stats.Max)
            maximum = stats.maximumValue
        feedback.pushInfo(tr("Heatmap colour scale: 0 to {0:.4g} on every page").format(maximum))
        style_heatmap(layer, maximum)
        function = layer.renderer().shader().rasterShaderFunction()
        if hasattr(function, "setLegendSettings"):  # one horizontal ramp, 0 … maximum, on every page
            from qgis.core import QgsColorRampLegendNodeSettings
            from qgis.PyQt.QtCore import Qt

            ramp = QgsColorRampLegendNodeSettings()
            ramp.setUseContinuousLegend(True)
            ramp.setOrientation(Qt.Orientation.Horizontal)
            ramp.setMinimumLabel("0")
            ramp.setMaximumLabel(f"{maximum:.3g}")
            function.setLegendSettings(ramp)
        layer.setOpacity(0.75)
        return layer
