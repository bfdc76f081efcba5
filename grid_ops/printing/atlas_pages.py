"""What goes on each page of a printed hotspot atlas: pages in priority order, their titles and file
names, and the table of each page's worst grids.

The QGIS side (``layers/printing/layout.py``) draws these pages; everything that decides their
content is here, without QGIS, so it can be tested and reused by any front end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.schema import GRID_CODE

#: How many grids a page's table lists (and the map numbers).
TABLE_ROWS = 10
#: Placeholders a title template may use.
TITLE_KEYS = ("area", "class_case", "period")
DEFAULT_TITLE = "{area}{class_case}热点分布图（{period}）"
#: The atlas margin around a unit, and the least a page shows: this many typical grids across, so a
#: small hot area still sits among its neighbours.
ATLAS_MARGIN = 0.06
MIN_GRIDS_ACROSS = 8
#: Trend categories when no emerging-hot-spot pattern is given: this period against the last.
TREND_UP, TREND_NEW, TREND_FLAT, TREND_DOWN, TREND_NONE = "上升", "新增", "持平", "下降", "无"


@dataclass(frozen=True)
class Unit:
    """One atlas unit (a street office, a community or a hot area)."""

    code: str
    name: str
    rank: float | None = None


@dataclass(frozen=True)
class PrintMapRequest:
    """A printed hotspot atlas as the toolbox, the dock or a script asks for it (``gridgov:printmap``)."""

    #: The grids' code field.
    code_field: str = GRID_CODE
    #: What colours the grids (Gi* bins by default; a grid with 2 or more is hot).
    field: str = "gi_bin"
    #: The count of each grid: its table column and the pages' priority.
    count_field: str = "cur_cnt"
    #: The coverage's unit code and name fields (empty: the first of the usual names it has).
    coverage_code_field: str = ""
    coverage_name_field: str = ""
    #: The top of the heatmap's colour scale on every page (0: the raster's largest value).
    heatmap_maximum: float = 0.0
    #: A built-in template (``layers.print_layout.TEMPLATES``), unless ``template`` names a .qpt file.
    layout: str = "a4_landscape"
    template: str = ""
    #: The title (``render_title``) and what fills its {class_case} and {period} (empty: cur_period).
    title: str = DEFAULT_TITLE
    class_case: str = ""
    period: str = ""
    #: Grids in each page's table.
    rows: int = TABLE_ROWS
    #: Also add the layout and its layers to the project.
    add_layout: bool = False
    #: What the pages show: "hotspot" maps, the units' "assessment" (考评图, one page), or "auto": the
    #: assessment page when the input is an assessment (``assessment_page.is_assessment``).
    page: str = "auto"


@dataclass
class AtlasPlan:
    """What the atlas prints: its pages in order (``order_pages``), their titles, the period, and the
    grids' table (one row per grid, in the grids' order: code, community, manager, count, change,
    trend, the colouring field, its page and its place in the page's table)."""

    pages: pd.DataFrame
    titles: list[str]
    period: str
    grids: pd.DataFrame


def plan_atlas(
    request: PrintMapRequest,
    grids: pd.DataFrame,
    units: list[Unit],
    grid_page: np.ndarray,
    manager: np.ndarray | None = None,
    trend: np.ndarray | None = None,
) -> AtlasPlan:
    """The atlas ``request`` asks for: ``grids`` (rows 0..n-1, with the request's fields) placed on
    the pages of ``units`` by ``grid_page`` (-1: on no page). ``manager`` and ``trend`` per grid come
    from a roster and an emerging-hot-spot table; without them the grids' manager field and this
    period against the last."""
    count = pd.to_numeric(grids[request.count_field], errors="coerce").to_numpy(dtype=float)
    value = pd.to_numeric(grids[request.field], errors="coerce").to_numpy(dtype=float)
    pages = order_pages(units, grid_page, count, np.nan_to_num(value, nan=-np.inf) >= 2)
    period = request.period
    if not period and "cur_period" in grids.columns and grids["cur_period"].notna().any():
        period = str(grids["cur_period"].dropna().iloc[0])
    titles = [render_title(request.title, name, request.class_case, period) for name in pages.page_name]
    table = page_table(request, grids, count, units, grid_page, manager, trend)
    return AtlasPlan(pages, titles, period, table)


def page_table(
    request: PrintMapRequest,
    grids: pd.DataFrame,
    count: np.ndarray,
    units: list[Unit],
    grid_page: np.ndarray,
    manager: np.ndarray | None,
    trend: np.ndarray | None,
) -> pd.DataFrame:
    """The grids' table of ``plan_atlas``: what each page's table lists and its map numbers."""
    codes = grids[request.code_field].astype(str).to_numpy(dtype=object)
    prev = _numbers(grids, "prev_cnt")
    if manager is None:
        manager = grids["manager"].astype(str).to_numpy() if "manager" in grids.columns else np.full(len(grids), "")
    if trend is None:
        trend = trend_category(count, prev)
    community = grids["community_name"] if "community_name" in grids.columns else pd.Series("", index=grids.index)
    return pd.DataFrame(
        {
            GRID_CODE: codes,
            "community": community.fillna("").astype(str).to_numpy(dtype=object),
            "manager": np.asarray(manager, dtype=object),
            "count": np.nan_to_num(count).astype(np.int64),
            "change": format_change(_numbers(grids, "perc_chg"), count, prev),
            "trend": np.asarray(trend, dtype=object),
            request.field: pd.to_numeric(grids[request.field], errors="coerce").to_numpy(dtype=float),
            "page_key": np.array([units[p].code if p >= 0 else "" for p in grid_page], dtype=object),
            "page_rank": worst_grids(grid_page, count, codes, request.rows),
        }
    )


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """The column ``name`` as numbers (NaN where it is missing or no number)."""
    return pd.to_numeric(frame.get(name, pd.Series(np.nan, index=frame.index)), errors="coerce").to_numpy()


def coverage_units(coverage: pd.DataFrame, code_field: str, name_field: str | None) -> list[Unit]:
    """One unit per row of the coverage, named by ``name_field`` (else its code); ranked hot areas
    (a ``rank`` field) named without a name field, or by their streets, read 热区<rank>（<name>）."""
    codes = coverage[code_field].astype(str).to_numpy(dtype=object)
    ranks = pd.to_numeric(coverage["rank"], errors="coerce") if "rank" in coverage.columns else None
    names = coverage[name_field].astype(str).to_numpy(dtype=object) if name_field else codes
    if ranks is not None and name_field in (None, "streets"):
        names = np.array([f"热区{r:.0f}（{n}）" for r, n in zip(ranks, names)], dtype=object)
    return [
        Unit(str(c), str(n), None if ranks is None else float(ranks.iat[i]))
        for i, (c, n) in enumerate(zip(codes, names))
    ]


def file_stem(code: str, name: str) -> str:
    """A file name from a unit's code and name that every file system accepts (Chinese kept)."""
    text = f"{code}_{name}".strip("_ ")
    text = re.sub(r'[\\/:*?"<>|\s]+', "_", text)
    return text.strip("._") or "page"


def render_title(template: str, area: str, class_case: str, period: str) -> str:
    """The page title: ``template`` with ``{area}``, ``{class_case}`` and ``{period}`` filled in.

    Empty parts leave no stray brackets: "（）" and "()" around an empty period are dropped.
    """
    try:
        text = template.format(area=area, class_case=class_case, period=period)
    except (KeyError, IndexError, ValueError) as err:
        raise ValueError(
            f"the title may only use {', '.join('{' + k + '}' for k in TITLE_KEYS)}: {template!r} ({err})"
        ) from err
    text = text.replace("（）", "").replace("()", "")
    return re.sub(r"\s{2,}", " ", text).strip()


def trend_category(cur: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """上升 / 新增 / 持平 / 下降 / 无 from this period's and the last period's counts."""
    cur = np.nan_to_num(np.asarray(cur, dtype=float))
    prev = np.nan_to_num(np.asarray(prev, dtype=float))
    out = np.full(len(cur), TREND_FLAT, dtype=object)
    out[cur > prev] = TREND_UP
    out[(cur > 0) & (prev == 0)] = TREND_NEW
    out[cur < prev] = TREND_DOWN
    out[(cur == 0) & (prev == 0)] = TREND_NONE
    return out


def order_pages(units: list[Unit], grid_page: np.ndarray, count: np.ndarray, hot: np.ndarray) -> pd.DataFrame:
    """The units as pages, most urgent first.

    A unit with a ``rank`` (a ranked hot area) keeps its rank order. Otherwise the unit with more hot
    grids comes first, then the one with more cases, then by code, so the order is the same on every run.
    ``grid_page`` holds each grid's unit index (-1: on no page).
    """
    n = len(units)
    on_page = grid_page >= 0
    hot_grids = np.bincount(grid_page[on_page], weights=hot[on_page].astype(float), minlength=n)
    cases = np.bincount(grid_page[on_page], weights=np.nan_to_num(count[on_page].astype(float)), minlength=n)
    grids = np.bincount(grid_page[on_page], minlength=n)
    table = pd.DataFrame(
        {
            "unit": np.arange(n),
            "page_key": [u.code for u in units],
            "page_name": [u.name for u in units],
            "rank": [np.inf if u.rank is None or pd.isna(u.rank) else float(u.rank) for u in units],
            "hot_grids": hot_grids.astype(int),
            "cases": cases,
            "grids": grids.astype(int),
        }
    )
    table = table.sort_values(["rank", "hot_grids", "cases", "page_key"], ascending=[True, False, False, True])
    table["page_no"] = np.arange(1, n + 1)
    table["file_stem"] = [
        f"{no:02d}_{file_stem(k, m)}" for no, k, m in zip(table.page_no, table.page_key, table.page_name)
    ]
    return table.drop(columns="rank").reset_index(drop=True)


def worst_grids(grid_page: np.ndarray, count: np.ndarray, codes: np.ndarray, rows: int = TABLE_ROWS) -> np.ndarray:
    """Each grid's place in its page's table (1 = most cases), 0 when it is not among the ``rows`` worst.

    Grids without cases never enter the table; ties go to the lower grid code.
    """
    frame = pd.DataFrame({"page": grid_page, "count": np.nan_to_num(count.astype(float)), "code": codes.astype(str)})
    frame = frame[(frame.page >= 0) & (frame["count"] > 0)].sort_values(
        ["page", "count", "code"], ascending=[True, False, True]
    )
    place = frame.groupby("page").cumcount().to_numpy() + 1
    out = np.zeros(len(grid_page), dtype=np.int64)
    keep = place <= rows
    out[frame.index.to_numpy()[keep]] = place[keep]
    return out


def format_change(percent: np.ndarray, cur: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """The change column as people read it: "+50%", "-20%", "新增" when there was nothing before."""
    out = []
    for p, c, q in zip(np.asarray(percent, dtype=float), np.nan_to_num(cur), np.nan_to_num(prev)):
        if q == 0:
            out.append("新增" if c > 0 else "—")
        elif np.isnan(p):
            out.append("—")
        else:
            out.append(f"{p:+.0f}%")
    return np.array(out, dtype=object)


def atlas_margins(widths: np.ndarray, heights: np.ndarray, grid_size: float) -> np.ndarray:
    """Each unit's atlas margin in percent of its extent: ``ATLAS_MARGIN``, or more for a unit smaller
    than ``MIN_GRIDS_ACROSS`` grids of ``grid_size`` metres, so its page is that wide."""
    span = np.maximum(np.asarray(widths, dtype=float), np.asarray(heights, dtype=float))
    least = MIN_GRIDS_ACROSS * grid_size
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.where(span > 0, (least / span - 1.0) / 2.0, ATLAS_MARGIN)
    return 100.0 * np.maximum(ATLAS_MARGIN, np.nan_to_num(needed, nan=ATLAS_MARGIN))
