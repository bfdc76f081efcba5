"""What the printed assessment page holds (考评图): the units of the latest period, their table in rank
order with the rates as people read them, the lowest-ranked unit(s) to highlight, and the title.

The input is the table ``gridgov:assessment`` writes (one row per unit and period, ``latest`` marking
the last period); the QGIS side (``layers/printing``) draws the page from this plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.printing.atlas_pages import DEFAULT_TITLE, render_title
from gridgov.grid_ops.schema import (
    N_ORDERS,
    ONTIME_CLOSE_RATE,
    PERIOD,
    RANK,
    RATED,
    RESOLUTION_RATE,
    RESPONSE_RATE,
    SATISFACTION_RATE,
    SCORE,
    UNIT,
)

#: The fields that make a layer an assessment (``gridgov:assessment``'s OUTPUT).
ASSESSMENT_FIELDS = (UNIT, PERIOD, SCORE, RANK, RATED)
#: The title of an assessment page when TITLE is left at the hotspot default.
ASSESSMENT_TITLE = "{area}{class_case}责任单位考评（{period}）"
#: The table's rates: (field of the assessment, column of the plan).
RATE_COLUMNS = (
    (RESPONSE_RATE, "resp_txt"),
    (RESOLUTION_RATE, "resol_txt"),
    (SATISFACTION_RATE, "satis_txt"),
    (ONTIME_CLOSE_RATE, "ontime_txt"),
)
NOT_RANKED = "未排名"
#: How a period reads on paper where its code is no date.
PERIOD_NAMES = {"all": "全部时段"}
#: Beside the rank of the lowest-ranked unit (its row is also highlighted, for a grey print).
LOWEST = "末位"


@dataclass
class AssessmentPlan:
    """The assessment page: its ``period`` and ``title``, and ``units``: one row per unit of that period
    with a code (``source_row``: its row of the input, by position), the texts the
    table shows, ``table_row`` (its place in the table, 1 = first; 0 = not in the table) and ``lowest``
    (the lowest-ranked rated unit, highlighted); ``truncated`` when the table holds only the lowest ranks."""

    period: str
    title: str
    units: pd.DataFrame
    truncated: bool


def is_assessment(columns) -> bool:
    """Whether a layer with these fields is an assessment (the OUTPUT of ``gridgov:assessment``)."""
    return all(name in columns for name in ASSESSMENT_FIELDS)


def latest_period(table: pd.DataFrame) -> str:
    """The period the page shows: the one ``latest`` marks, else the greatest ('' for none)."""
    periods = table[PERIOD].dropna().astype(str)
    if "latest" in table.columns:
        marked = periods[table.loc[periods.index, "latest"].fillna(False).astype(bool)]
        if len(marked):
            return str(marked.iloc[0])
    return str(periods.max()) if len(periods) else ""


def percent(values) -> np.ndarray:
    """Shares as people read them: 0.857 → "85.7%", missing → "—"."""
    shares = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return np.array(["—" if np.isnan(v) else f"{100 * v:.1f}%" for v in shares], dtype=object)


def plan_assessment(
    table: pd.DataFrame,
    rows: int,
    area: str,
    title: str = DEFAULT_TITLE,
    class_case: str = "",
    period: str = "",
    name_field: str | None = "name",
) -> AssessmentPlan:
    """The page for ``table`` (the assessment's rows): the latest period's units with a code (the plan's
    ``period`` is that period as it reads on paper, ``PERIOD_NAMES``); the table
    ranked (rated units by rank, then the unranked by code), holding every unit when ``rows`` allow,
    else the ``rows`` lowest-ranked rated units. ``title`` at the hotspot default becomes
    ``ASSESSMENT_TITLE``; ``period`` fills its {period} (empty: the period shown)."""
    shown = latest_period(table)
    codes = table[UNIT].fillna("").astype(str).str.strip()
    # orders placed in no unit have no code: nobody to assess on the map
    keep = (table[PERIOD].astype(str) == shown).to_numpy() & (codes != "").to_numpy()
    units = table[keep]
    code = units[UNIT].astype(str).str.strip().to_numpy(dtype=object)
    names = code
    if name_field and name_field in units.columns:
        given = units[name_field].fillna("").astype(str).str.strip().to_numpy(dtype=object)
        names = np.where(given != "", given, code)
    rated = units[RATED].fillna(False).astype(bool).to_numpy()
    rank = pd.to_numeric(units[RANK], errors="coerce").to_numpy(dtype=float)
    rated &= ~np.isnan(rank)
    score = pd.to_numeric(units[SCORE], errors="coerce").to_numpy(dtype=float)
    plan = pd.DataFrame(
        {
            "source_row": np.flatnonzero(keep),
            UNIT: code,
            "unit_name": names.astype(object),
            "rated": rated,
            RANK: np.where(rated, rank, np.nan),
            "rank_txt": np.array([f"{r:.0f}" if ok else NOT_RANKED for r, ok in zip(rank, rated)], dtype=object),
            SCORE: score,
            "score_txt": np.array(["—" if np.isnan(s) else f"{s:.1f}" for s in score], dtype=object),
            N_ORDERS: pd.to_numeric(units[N_ORDERS], errors="coerce").fillna(0).astype(np.int64).to_numpy(),
        }
    )
    for field, column in RATE_COLUMNS:
        plan[column] = percent(units[field] if field in units.columns else np.full(len(units), np.nan))
    worst = np.nanmax(plan[RANK]) if rated.any() else np.nan
    plan["lowest"] = rated & (plan[RANK].to_numpy() == worst)
    plan.loc[plan["lowest"], "rank_txt"] += f" {LOWEST}"
    order = plan.assign(_unrated=~plan["rated"]).sort_values(["_unrated", RANK, UNIT], kind="stable").index
    in_table = list(order)
    truncated = len(in_table) > rows
    if truncated:
        ranked = [i for i in in_table if plan.at[i, "rated"]]
        in_table = ranked[-rows:]
    plan["table_row"] = 0
    plan.loc[in_table, "table_row"] = np.arange(1, len(in_table) + 1)
    if title == DEFAULT_TITLE:
        title = ASSESSMENT_TITLE
    shown = PERIOD_NAMES.get(shown, shown)
    return AssessmentPlan(shown, render_title(title, area, class_case, period or shown), plan, truncated)
