"""What a forecast or an early warning is asked to do, and the names of the columns it writes.

The requests are frozen dataclasses, as the toolbox, the dock and scripts build them; every default
is stated here once, so the algorithms' help can quote it. The columns written are named in
``grid_ops/schema.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gridgov.grid_ops.orders.selection import FilterRequest, GridFields
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT

PERIODS = ("month", "week")
#: Periods per year: the season length of each period (a week-year is taken as 52 weeks).
SEASON_LENGTH = {"month": 12, "week": 52}
#: The candidate models, in the order they are tried (see ``engine.py`` for what each does).
MODELS = ("snaive", "ses", "tsb", "pooled_es")


@dataclass(frozen=True)
class ForecastRequest:
    """A forecast of every grid × class case (``gridgov:forecast``).

    Backtest: origins ``T - holdout - k * step`` for ``k = 0 … windows - 1`` (T = the number of
    periods), each forecasting the ``holdout`` periods after it from the periods before it; an origin
    with fewer than ``min_history`` periods before it is dropped. Without any origin there is no
    backtest: the model is the fallback (``ses``), ``backtest_error`` is empty and the intervals use
    ``fallback_dispersion`` uncalibrated.
    """

    #: The orders' grid code, class case and time columns.
    grid_field: str = GRID_CODE
    class_field: str = CLASS_CODE
    time_field: str = REPORTED_AT
    #: "month" (calendar months) or "week" (Monday to Sunday).
    period: str = "month"
    #: Periods to forecast after the last one.
    horizon: int = 3
    #: Prediction interval in percent: ``lo`` and ``hi`` are its equal-tailed bounds.
    level: float = 90.0
    #: Periods forecast from each backtest origin (None: ``horizon``).
    holdout: int | None = None
    #: Backtest origins (rolling origin).
    windows: int = 3
    #: Periods between origins (None: ``holdout``, so the windows do not overlap).
    step: int | None = None
    #: Periods an origin needs before it. None: two seasons where the periods allow an origin after them
    #: (the class totals' seasons are fitted from two), else one season (the seasonal naive needs it),
    #: else 3. A backtest from origins with less history than the final fit judges the models unfairly.
    min_history: int | None = None
    #: Season length in periods (None: 12 for months, 52 for weeks).
    season_length: int | None = None
    #: Candidate models (a subset of MODELS); the seasonal ones drop out where history is short.
    models: tuple[str, ...] = MODELS
    #: Smoothing parameters tried for ses, pooled_es (grid share) and TSB (demand size and probability).
    alphas: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5)
    #: A grid gets its own model choice only with this mean count per period over its last
    #: ``dense_periods`` periods, none of them zero, and only where its own model's backtest MAE beats
    #: its class model's by ``grid_margin`` in every window (per-series choice from short backtests
    #: loses to one model per class: issue 26).
    per_grid: bool = True
    dense_mean: float = 5.0
    dense_periods: int = 24
    grid_margin: float = 0.15
    #: First and last period to count (None: the first and last order's); text or a timestamp within it.
    start: object = None
    end: object = None
    #: Negative binomial dispersion (variance = mean + dispersion × mean²) used when nothing can be
    #: calibrated; calibrated values are searched up to ``max_dispersion``.
    fallback_dispersion: float = 1.0
    max_dispersion: float = 10.0
    #: Backtest rows a calibration group needs (class case × band of forecast size, else the class case).
    min_calibration_rows: int = 200

    def season(self) -> int:
        """The season length in periods."""
        return int(self.season_length or SEASON_LENGTH[self.period])

    def window(self) -> int:
        """Periods per backtest window."""
        return int(self.holdout or self.horizon)

    def history(self, n_periods: int) -> int:
        """Periods a backtest origin needs before it, for a series of ``n_periods`` periods."""
        if self.min_history is not None:
            return max(1, int(self.min_history))
        for least in (2 * self.season(), self.season()):
            if n_periods - self.window() >= least:
                return least
        return 3

    def validate(self) -> None:
        """ValueError naming the first field out of range."""
        if self.period not in PERIODS:
            raise ValueError(f"period is one of {', '.join(PERIODS)}, not {self.period!r}")
        if int(self.horizon) < 1:
            raise ValueError(f"horizon must be at least 1, not {self.horizon}")
        if not 50.0 <= float(self.level) < 100.0:
            raise ValueError(f"level is a percentage from 50 to below 100, not {self.level}")
        if self.holdout is not None and int(self.holdout) < 1:
            raise ValueError(f"holdout must be at least 1, not {self.holdout}")
        if int(self.windows) < 0 or (self.step is not None and int(self.step) < 1):
            raise ValueError("windows must be 0 or more and step at least 1")
        if self.season() < 2:
            raise ValueError(f"season_length must be at least 2, not {self.season_length}")
        unknown = set(self.models) - set(MODELS)
        if unknown or not self.models:
            raise ValueError(f"models are some of {', '.join(MODELS)}, not {sorted(unknown) or 'none'}")
        if not self.alphas or not all(0.0 < float(a) <= 1.0 for a in self.alphas):
            raise ValueError(f"alphas are smoothing parameters in (0, 1], not {self.alphas}")


@dataclass(frozen=True)
class EarlyWarningRequest:
    """An early warning (``gridgov:earlywarning``): the forecast's settings, plus the alert rules and
    the season of the season-ahead list."""

    forecast: ForecastRequest = field(default_factory=ForecastRequest)
    #: A surge alert needs at least this many orders in the latest period (one complaint in a quiet grid
    #: exceeds a bound of zero without being a surge).
    min_observed: int = 3
    #: The alert levels above the first (``forecast.level``): level 2 and 3 are exceeded upper bounds
    #: at these percentages (equal-tailed intervals, so the upper tail holds half of what is left).
    higher_levels: tuple[float, float] = (99.0, 99.9)
    #: Trend turn: the last ``trend_window`` periods against the ``trend_baseline`` periods before them
    #: (None: a season), season adjusted, at least ``trend_ratio`` times the baseline's rate and above
    #: the upper bound of the ``trend_level`` percent interval (one-sided test at half of 1 − level); a
    #: turn only where the window just before was not already up as much on the rest of the baseline.
    #: A baseline of a whole season, not just the window before, gives the test its power: three months
    #: of a quiet grid are a handful of orders. 99 rather than the forecast's 90: at 90, 3.6% of 100,000
    #: simulated series without any trend were flagged, on top of the surges.
    trend_window: int = 3
    trend_ratio: float = 1.5
    trend_baseline: int | None = None
    trend_level: float = 99.0
    #: Season-ahead list: the months of the season (November to March: heating), the class cases
    #: (None: every one), how much a season weighs against the one after it, and the grids kept per
    #: class case (None: every grid expected to have an order).
    season_months: tuple[int, ...] = (11, 12, 1, 2, 3)
    season_classes: tuple[str, ...] | None = None
    season_decay: float = 0.5
    top: int | None = None

    def baseline(self) -> int:
        """Periods of a trend turn's baseline."""
        return int(self.trend_baseline or self.forecast.season())

    def validate(self) -> None:
        """ValueError naming the first field out of range."""
        self.forecast.validate()
        if int(self.min_observed) < 1:
            raise ValueError(f"min_observed must be at least 1, not {self.min_observed}")
        low, high = self.higher_levels
        if not float(self.forecast.level) < float(low) < float(high) < 100.0:
            raise ValueError(f"higher_levels must rise from the level ({self.forecast.level}) to below 100")
        if int(self.trend_window) < 1 or float(self.trend_ratio) < 1.0:
            raise ValueError("trend_window must be at least 1 and trend_ratio at least 1")
        if not 50.0 <= float(self.trend_level) < 100.0:
            raise ValueError(f"trend_level is a percentage from 50 to below 100, not {self.trend_level}")
        if self.baseline() < int(self.trend_window):
            raise ValueError(f"trend_baseline must be at least trend_window ({self.trend_window})")
        months = tuple(int(m) for m in self.season_months)
        if not months or not all(1 <= m <= 12 for m in months) or len(set(months)) != len(months):
            raise ValueError(f"season_months are distinct months 1 to 12, not {self.season_months}")
        if not 0.0 < float(self.season_decay) <= 1.0:
            raise ValueError(f"season_decay is in (0, 1], not {self.season_decay}")
        if self.top is not None and int(self.top) < 1:
            raise ValueError(f"top must be at least 1, not {self.top}")


def parse_season(text: str) -> tuple[int, ...]:
    """The months of a season as a person writes them: ``11-3`` (November to March, across the new
    year), ``6-8``, or a list ``11,12,1,2,3``; ValueError for anything else."""
    text = (text or "").replace("，", ",").replace("–", "-").replace(" ", "")
    try:
        if "-" in text and "," not in text:
            first, last = (int(part) for part in text.split("-"))
            if not (1 <= first <= 12 and 1 <= last <= 12):
                raise ValueError
            months = [(first - 1 + k) % 12 + 1 for k in range((last - first) % 12 + 1)]
        else:
            months = [int(part) for part in text.split(",") if part]
    except ValueError:
        raise ValueError(f"a season is months such as 11-3 or 11,12,1,2,3, not {text!r}") from None
    if not months or not all(1 <= m <= 12 for m in months) or len(set(months)) != len(months):
        raise ValueError(f"a season is months such as 11-3 or 11,12,1,2,3, not {text!r}")
    return tuple(months)


@dataclass(frozen=True)
class ForecastJob:
    """``gridgov:forecast`` as the toolbox asks it: which orders and grids (the orders-and-grids and
    filter parameters every per-grid analysis shares) and the forecast's own settings. The orders'
    grid, class case and time are read into the columns ``forecast_request`` names."""

    grid_fields: GridFields = field(default_factory=GridFields)
    filter: FilterRequest = field(default_factory=FilterRequest)
    #: "month" or "week".
    period: str = "month"
    #: Periods to forecast.
    horizon: int = 3
    #: Periods each backtest window forecasts (0: ``horizon``).
    holdout: int = 0
    #: Prediction interval in percent.
    level: float = 90.0

    def forecast_request(self) -> ForecastRequest:
        """The engine's request, on columns ``grid_code``, ``class_code`` and ``reported_at``."""
        return ForecastRequest(
            period=self.period, horizon=int(self.horizon), level=float(self.level), holdout=int(self.holdout) or None
        )


@dataclass(frozen=True)
class EarlyWarningJob:
    """``gridgov:earlywarning`` as the toolbox asks it: the orders and grids, the period, the alert
    level (the interval whose upper bound an alert exceeds) and the season of the season-ahead list.

    The alert level is 99 % by default, not the forecast's 90 %: a district holds hundreds of grids ×
    dozens of class cases, and at 90 % one quiet grid in five would raise some alert every month (the
    demo district: 19.6 % at 90 %, 3.5 % at 99 %, every planted surge found at both)."""

    grid_fields: GridFields = field(default_factory=GridFields)
    filter: FilterRequest = field(default_factory=FilterRequest)
    period: str = "month"
    level: float = 99.0
    #: The season's months as written (``11-3``: November to March, heating); see :func:`parse_season`.
    season: str = "11-3"
    #: Grids kept per class case in the season-ahead list (0: every grid expected to have an order).
    top: int = 0

    def early_warning_request(self) -> EarlyWarningRequest:
        """The engine's request, on columns ``grid_code``, ``class_code`` and ``reported_at``; alert
        levels 2 and 3 are the bounds with a tenth and a hundredth of level 1's tail."""
        tail = 100.0 - float(self.level)
        return EarlyWarningRequest(
            forecast=ForecastRequest(period=self.period, level=float(self.level)),
            higher_levels=(100.0 - tail / 10.0, 100.0 - tail / 100.0),
            season_months=parse_season(self.season),
            top=int(self.top) or None,
        )
