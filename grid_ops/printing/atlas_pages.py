"""What goes on each page of a printed hotspot atlas: pages in priority order, their titles and file
names, and the table of each page's worst grids.

The QGIS side (``layers/print_layout.py``) draws these pages; everything that decides their
content is here, without QGIS, so it can be tested and reused by any front end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
