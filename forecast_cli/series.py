"""Turn a raw table into one regular series: parse time, sort, merge duplicates,
infer or apply the granularity, fill gaps, and say what was done.

The result is a ``Series``: a frame indexed by timestamp (or integer step) with the
target first and the feature columns after it, its frequency string (see
``calendars``), and a ``LoadReport`` whose ``line()`` goes to stderr so that users
never have to guess what the tool did to their data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendars import NYSE_TZ, TRADING_DAYS, nyse_holidays, to_offset, trading_sessions_intraday
from .config import DataConfig
from .errors import DataError, UsageError

_TIME_NAMES = ("timestamp", "datetime", "date", "time", "ds", "month", "week", "day", "period")
_ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")
_DAY = pd.Timedelta(days=1)


@dataclass
class LoadReport:
    """What loading did to the data, for the one summary line on stderr."""

    rows_read: int
    rows: int
    start: str
    end: str
    freq: str | None
    freq_source: str  # "given", "inferred" or "step index"
    duplicates_merged: int = 0
    gaps_filled: int = 0
    nans_filled: int = 0
    rows_dropped: int = 0
    note: str = ""

    def line(self) -> str:
        freq = self.freq if self.freq is not None else "integer steps"
        parts = [
            f"{self.rows_read} rows read -> {self.rows} rows",
            f"{self.start} .. {self.end}",
            f"freq {freq} ({self.freq_source})",
            f"{self.duplicates_merged} duplicates merged",
            f"{self.gaps_filled} gaps filled",
            f"{self.nans_filled} NaNs filled",
        ]
        if self.rows_dropped:
            parts.append(f"{self.rows_dropped} rows dropped")
        if self.note:
            parts.append(self.note)
        return "data: " + ", ".join(parts)


@dataclass
class Series:
    """A regular series ready for windowing: target first, features after."""

    frame: pd.DataFrame
    target: str
    features: tuple[str, ...]
    freq: str | None
    report: LoadReport

    @property
    def values(self) -> np.ndarray:
        """All columns as float32, shape (time, 1 + features)."""
        return self.frame.to_numpy(dtype=np.float32)

    @property
    def y(self) -> np.ndarray:
        """The target as float64, shape (time,)."""
        return self.frame[self.target].to_numpy(dtype=np.float64)


def prepare_series(raw: pd.DataFrame, cfg: DataConfig) -> Series:
    """Validate and regularise ``raw`` according to ``cfg`` (see module docstring)."""
    raw = raw.copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    time_col = _resolve_time_column(raw, cfg.time_col)
    target = _resolve_target(raw, cfg.target, time_col, cfg.features)
    features = tuple(cfg.features)
    for name in features:
        if name not in raw.columns:
            raise UsageError(f"--features names {name!r}, which is not a column; columns: {_cols(raw)}")
        if name == target:
            raise UsageError(f"{name!r} is the target; leave it out of --features")
    columns = [target, *features]
    data = pd.DataFrame({c: _numeric(raw[c], c) for c in columns})
    nans_in_data = int(data.isna().to_numpy().sum())
    if data[target].isna().all():
        raise DataError(f"target column {target!r} has no values (all empty or NaN)")

    if time_col is None:
        if cfg.freq is not None:
            raise UsageError("--freq needs timestamps, but no time column was found; give --time-col")
        data.index = pd.RangeIndex(len(data), name="step")
        report = LoadReport(len(raw), len(data), "0", str(len(data) - 1), None, "step index")
        return _finish(data, target, features, None, report, cfg.fill, nans_in_data, gaps=0)

    data.index = pd.DatetimeIndex(_parse_times(raw[time_col], time_col), name="timestamp")
    data = data.sort_index(kind="stable")
    rows_read = len(data)
    duplicates = int(data.index.duplicated().sum())
    if duplicates:
        data = data.groupby(level=0, sort=True).agg(aggregation(cfg.agg, data.columns))

    native = infer_frequency(data.index)
    freq, source, note = _choose_frequency(cfg.freq, native)
    regular, gaps, dropped = _regularise(data, freq, aggregation(cfg.agg, data.columns))
    report = LoadReport(
        rows_read,
        len(regular),
        _stamp(regular.index[0]) if len(regular) else "",
        _stamp(regular.index[-1]) if len(regular) else "",
        freq,
        source,
        duplicates_merged=duplicates,
        rows_dropped=dropped,
        note=note,
    )
    if duplicates:
        report.note = (report.note + "; " if report.note else "") + f"duplicates combined with {cfg.agg}"
    return _finish(regular, target, features, freq, report, cfg.fill, nans_in_data, gaps)


def infer_frequency(index: pd.DatetimeIndex) -> str:
    """The native step of a sorted, duplicate-free index, robust to gaps.

    Uses the most common spacing, then recognises calendar shapes pandas' ``infer_freq``
    misses once a series has gaps: business days (``B``), NYSE trading days (``XNYS``,
    when the missing weekdays are mostly exchange holidays), intraday bars that only fall
    in NYSE hours (``XNYS@5min``), weeks anchored on a weekday, month/quarter/year starts
    or ends.
    """
    if len(index) < 2:
        raise DataError("need at least two timestamps to infer the frequency; give --freq")
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]
    if step < _DAY:
        alias = pd.tseries.frequencies.to_offset(step).freqstr
        return f"{TRADING_DAYS}@{alias}" if _looks_like_trading_hours(index, step) else alias
    weekend = bool((index.day_of_week >= 5).any())
    if step == _DAY:
        if weekend or len(index) < 10:
            return "D"
        return TRADING_DAYS if _missing_days_are_holidays(index) else "B"
    days = step / _DAY
    if days == 7:
        return "W-" + index[0].day_name()[:3].upper()
    if 28 <= days <= 31:
        return _period_alias(index, "M")
    if 89 <= days <= 92:
        return _period_alias(index, "Q")
    if 365 <= days <= 366:
        return _period_alias(index, "Y")
    return pd.tseries.frequencies.to_offset(step).freqstr


def is_trading_calendar(freq: str | None) -> bool:
    """True for NYSE trading-day or trading-hour steps."""
    return freq is not None and freq.startswith(TRADING_DAYS)


def _choose_frequency(given: str | None, native: str) -> tuple[str, str, str]:
    if given is None:
        return native, "inferred", ""
    if given == native:
        return given, "given", ""
    # A daily request on stock data means trading days, never weekends.
    if given in ("D", "1D") and native in ("B", TRADING_DAYS):
        return native, "given", f"kept {native} steps for --freq {given} (no weekend rows)"
    if given.startswith(TRADING_DAYS + "@"):
        to_offset(given.split("@", 1)[1])
        return given, "given", "trading hours only"
    offset = to_offset(given)  # validates the alias with a helpful message
    if (
        native.startswith(TRADING_DAYS + "@")
        and isinstance(offset, pd.offsets.Tick)
        and (pd.Timedelta(offset) < _DAY)
    ):
        return f"{TRADING_DAYS}@{given}", "given", "trading hours only"
    return given, "given", ""


_OHLC = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Adj Close": "last", "Volume": "sum"}


def aggregation(agg: str, columns) -> str | dict[str, str]:
    """A pandas aggregation: one function for all columns, or for ``ohlc`` one per price column
    (first Open, max High, min Low, last Close, sum of Volume; last for anything else)."""
    if agg != "ohlc":
        return agg
    return {c: _OHLC.get(str(c), "last") for c in columns}


def _regularise(data: pd.DataFrame, freq: str, agg) -> tuple[pd.DataFrame, int, int]:
    """Put ``data`` on the ``freq`` grid; return (frame, periods added, rows dropped)."""
    index = data.index
    if freq == TRADING_DAYS:
        days = data.groupby(index.normalize()).agg(agg) if (index != index.normalize()).any() else data
        start, end = days.index[0], days.index[-1]
        naive = pd.bdate_range(
            start.tz_localize(None), end.tz_localize(None), freq="C", holidays=nyse_holidays(start, end)
        )
        grid = naive.tz_localize(index.tz) if index.tz is not None else naive
        off = int((~days.index.isin(grid)).sum())
        regular = days.reindex(grid)
        return regular.rename_axis("timestamp"), int((~grid.isin(days.index)).sum()), off
    if freq.startswith(TRADING_DAYS + "@"):
        # Bin on the exchange's wall clock, anchored at the 09:30 open, so hourly bars are
        # 09:30, 10:30, ... in summer and winter alike (DST moves at 2 a.m., outside hours).
        step = freq.split("@", 1)[1]
        local = index.tz_convert(NYSE_TZ).tz_localize(None) if index.tz is not None else index
        binned = (
            data.set_axis(local)
            .resample(step, origin=pd.Timestamp("2000-01-03 09:30"))
            .agg(agg)
            .dropna(how="all")
        )
        grid = trading_sessions_intraday(binned.index[0], binned.index[-1], step).tz_localize(None)
        grid = grid[(grid >= binned.index[0]) & (grid <= binned.index[-1])]
        off = int((~binned.index.isin(grid)).sum())
        regular = binned.reindex(grid)
        if index.tz is not None:
            regular.index = regular.index.tz_localize(NYSE_TZ).tz_convert(index.tz)
        return regular.rename_axis("timestamp"), int((~grid.isin(binned.index)).sum()), off
    offset = to_offset(freq)
    fixed = isinstance(offset, pd.offsets.Tick)
    resampler = data.resample(offset, origin="start" if fixed else "start_day")
    regular = resampler.agg(agg)
    filled_bins = resampler.size() > 0
    if agg == "sum" or isinstance(agg, dict):  # an empty bin sums to 0: mark it missing instead
        regular[~filled_bins.to_numpy()] = np.nan
    return regular.rename_axis("timestamp"), int((~filled_bins).sum()), 0


def _finish(data, target, features, freq, report, fill, nans_in_data, gaps) -> Series:
    missing = int(data.isna().to_numpy().sum())
    if missing:
        if fill == "error":
            raise DataError(
                f"{missing} missing values ({gaps} gap periods, {nans_in_data} NaNs in the data); "
                "choose --fill interpolate|ffill|zero|drop"
            )
        before = len(data)
        data = _fill(data, fill)
        report.rows_dropped += before - len(data)
        report.gaps_filled = gaps if fill != "drop" else 0
        report.nans_filled = (missing - gaps * data.shape[1]) if fill != "drop" else 0
        report.nans_filled = max(report.nans_filled, 0)
    report.rows = len(data)
    y = data[target].to_numpy(dtype=np.float64)
    if len(y) < 2:
        raise DataError(f"only {len(y)} usable rows after cleaning; a forecast needs a longer series")
    if np.nanmax(y) == np.nanmin(y):
        raise DataError(
            f"target {target!r} is constant ({y[0]:g}); there is nothing to learn, pick another --target"
        )
    return Series(data, target, features, freq, report)


def _fill(data: pd.DataFrame, fill: str) -> pd.DataFrame:
    if fill == "interpolate":
        return data.interpolate(method="linear", limit_direction="both")
    if fill == "ffill":
        return data.ffill().bfill()
    if fill == "zero":
        return data.fillna(0.0)
    return data.dropna()


def _resolve_time_column(raw: pd.DataFrame, requested: str | None) -> str | None:
    if requested == "":
        return None
    if requested is not None:
        if requested not in raw.columns:
            raise UsageError(f"--time-col {requested!r} is not a column; columns: {_cols(raw)}")
        return requested
    candidates = [c for c in raw.columns if _looks_like_time(raw[c])]
    if len(candidates) > 1:
        named = [c for c in candidates if c.lower() in _TIME_NAMES]
        if len(named) == 1:
            return named[0]
        raise UsageError(
            f"several columns look like time ({', '.join(candidates)}); choose one with --time-col"
        )
    return candidates[0] if candidates else None


def _looks_like_time(column: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if pd.api.types.is_numeric_dtype(column):
        return False
    sample = column.dropna().astype(str).head(20)
    if sample.empty:
        return False
    try:
        _parse_times(sample, str(column.name))
    except DataError:
        return False
    return True


def _parse_times(column: pd.Series, name: str) -> pd.DatetimeIndex:
    """Dates, datetimes, ISO 8601 with offsets, ``YYYY-MM`` months and ``YYYY-Www`` weeks."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = pd.to_datetime(column)
    else:
        text = column.astype(str)
        first = str(text.iloc[0]).strip() if len(text) else ""
        # Decide the format from the first value: a regex or strip over every row costs
        # seconds on a 10-million-row file; unparseable rows still surface as NaT below.
        if _ISO_WEEK.match(first):
            parsed = pd.to_datetime(text.str.strip() + "-1", format="%G-W%V-%u", errors="coerce")
        else:
            parsed = _to_datetime(text)
        bad = parsed.isna() & column.notna()
        if bad.any() or column.isna().any():
            row = int(np.flatnonzero((bad | column.isna()).to_numpy())[0])
            raise DataError(
                f"column {name!r} has a value that is not a timestamp ({column.iloc[row]!r} on data "
                f"row {row + 1}); fix it, or name the right column with --time-col"
            )
    return pd.DatetimeIndex(parsed)


def _to_datetime(text: pd.Series) -> pd.Series:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" is expected for free text
        try:
            return pd.to_datetime(text, format="ISO8601")
        except (ValueError, TypeError):
            text = text.str.strip()  # only on the slow path: stray spaces are rare
        try:
            return pd.to_datetime(text, format="mixed", errors="coerce")
        except (ValueError, TypeError):
            # Mixed UTC offsets (e.g. across a DST change): bring everything to UTC.
            return pd.to_datetime(text, format="mixed", errors="coerce", utc=True)


def _resolve_target(raw: pd.DataFrame, target: str | None, time_col: str | None, features) -> str:
    if target is not None:
        if target not in raw.columns:
            raise UsageError(f"--target {target!r} is not a column; columns: {_cols(raw)}")
        return target
    numeric = [
        c
        for c in raw.columns
        if c != time_col and c not in features and pd.api.types.is_numeric_dtype(raw[c])
    ]
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        raise DataError(f"no numeric column to forecast; columns: {_cols(raw)}")
    raise UsageError(f"several numeric columns ({', '.join(numeric)}); choose one with --target")


def _numeric(column: pd.Series, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"column {name!r} has a non-numeric value ({column.iloc[row]!r} on data row {row + 1}); "
            "clean the data or pick another --target/--features"
        )
    return values.astype(np.float64).reset_index(drop=True)


def _looks_like_trading_hours(index: pd.DatetimeIndex, step: pd.Timedelta) -> bool:
    if (index.day_of_week >= 5).any():
        return False
    # Under a day of bars could be anything; in New York time it is exchange data.
    if (index[-1] - index[0]) < 2 * _DAY and str(index.tz) != "America/New_York":
        return False
    local = index.tz_convert("America/New_York") if index.tz is not None else index
    minutes = local.hour * 60 + local.minute
    return bool(((minutes >= 9 * 60 + 30) & (minutes < 16 * 60)).all())


def _missing_days_are_holidays(index: pd.DatetimeIndex) -> bool:
    days = index.normalize()
    if (days != index).any():
        return False
    naive = days.tz_localize(None)
    missing = pd.bdate_range(naive[0], naive[-1]).difference(naive)
    if len(missing) == 0:
        return False
    holidays = nyse_holidays(naive[0], naive[-1])
    return bool(missing.isin(holidays).mean() >= 0.5)


def _period_alias(index: pd.DatetimeIndex, unit: str) -> str:
    if (index.day == 1).all():
        return f"{unit}S"
    if index.is_month_end.all():
        return f"{unit}E"
    raise DataError(
        f"timestamps are about one {dict(M='month', Q='quarter', Y='year')[unit]} apart but not "
        "on its first or last day; give --freq explicitly"
    )


def _stamp(value: pd.Timestamp) -> str:
    """A timestamp as people write it: the date alone at midnight."""
    return str(value.date()) if value == value.normalize() and value.tz is None else str(value)


def _cols(raw: pd.DataFrame) -> str:
    return ", ".join(map(str, raw.columns))
