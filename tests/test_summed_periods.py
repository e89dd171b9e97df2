"""Rows missing inside the periods ``--agg sum`` totals onto a coarser ``--freq``: filled at
the data's own step before summing (and those periods left unscored), dropped with their
periods, or refused; a sum never silently adds up part of a period."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, InventedRows
from forecast_cli.regularise import regularise
from forecast_cli.series import prepare_series

MONTHS = pd.date_range("2020-01-01", periods=24, freq="MS")
SALES = np.arange(1.0, 25.0) * 10  # 10, 20, ..., 240: a straight line, so interpolation is exact


def _holed() -> pd.DataFrame:
    """Two years of monthly sales with May 2020 empty and February 2021 absent."""
    raw = pd.DataFrame({"month": MONTHS.strftime("%Y-%m-%d"), "sales": SALES})
    raw.loc[4, "sales"] = np.nan  # 2020-05: an empty cell
    return raw.drop(index=13)  # 2021-02: no row


def test_missing_months_are_filled_before_the_quarters_are_summed():
    """A quarter missing a month read as a quarter whose sales fell by a third, with "0 gaps
    filled": 2020 Q2 summed 40 + 60 = 100 and 2021 Q1 130 + 150 = 280 (exit 0)."""
    series = prepare_series(_holed(), DataConfig(freq="QS", agg="sum"))
    whole = SALES.reshape(8, 3).sum(axis=1)  # the line's quarters: 60, 150, ..., 690
    np.testing.assert_allclose(series.y, whole)  # the line interpolates exactly
    line = series.report.line()
    assert "1 gaps filled (first 2021-02-01), 1 NaNs filled" in line
    assert "missing MS rows and cells filled before summing to QS (first 2020-05-01)" in line
    assert "the 2 periods holding them are not scored in a backtest" in line
    unscored = series.frame.index[~series.observed()]
    assert unscored.tolist() == [pd.Timestamp("2020-04-01"), pd.Timestamp("2021-01-01")]


def test_fill_error_refuses_and_fill_drop_drops_the_periods_holding_a_missing_month():
    with pytest.raises(DataError, match=r"2 MS rows inside the QS periods summed .* \(first 2020-05-01\)"):
        prepare_series(_holed(), DataConfig(freq="QS", agg="sum", fill="error"))
    dropped = prepare_series(_holed(), DataConfig(freq="QS", agg="sum", fill="drop"))
    kept = pd.date_range("2020-01-01", periods=8, freq="QS").delete([1, 4])
    assert dropped.frame.index.equals(kept.rename("timestamp"))
    np.testing.assert_array_equal(dropped.y, SALES.reshape(8, 3).sum(axis=1)[[0, 2, 3, 5, 6, 7]])
    assert "QS periods missing MS rows or cells count as missing (first 2020-05-01)" in dropped.report.line()


def test_whole_quarters_and_other_aggregations_are_read_as_before():
    """Nothing missing: the sums of the rows, no note, every quarter scored. A mean of the
    months there is still the mean of the quarter's months: it is left as it was."""
    raw = pd.DataFrame({"month": MONTHS.strftime("%Y-%m-%d"), "sales": SALES})
    whole = prepare_series(raw, DataConfig(freq="QS", agg="sum"))
    np.testing.assert_array_equal(whole.y, SALES.reshape(8, 3).sum(axis=1))
    assert "before summing" not in whole.report.line() and whole.observed().all()
    mean = prepare_series(_holed(), DataConfig(freq="QS", agg="mean"))
    assert mean.y[1] == pytest.approx((40 + 60) / 2) and "before summing" not in mean.report.line()


def test_the_default_fill_will_not_invent_two_days_a_week_it_sums():
    """Daily sales with two days a week absent, summed into weeks: the unasked fill would
    invent 29% of the days, which the guard refuses as it does on any grid; a fill asked
    for fills what it must."""
    days = pd.date_range("2021-01-04", periods=84, freq="D")
    raw = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "sales": np.ones(84)})
    holed = raw[~np.isin(np.arange(84) % 7, (2, 4))]
    with pytest.raises(InventedRows, match="absent periods on the D grid"):
        prepare_series(holed, DataConfig(freq="W-SUN", agg="sum"))
    zero = prepare_series(holed, DataConfig(freq="W-SUN", agg="sum", fill="zero"))
    assert zero.y.sum() == len(holed) and not zero.observed().any()


def test_a_sum_of_empty_cells_is_missing_not_zero():
    """A period whose only row has an empty cell summed to 0, an invented value no fill
    counted."""
    stamps = pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 02:00"], name="timestamp")
    result = regularise(pd.DataFrame({"value": [1.0, np.nan, 3.0]}, index=stamps), "1h", "sum")
    assert result.frame["value"].iloc[1] != 0 and np.isnan(result.frame["value"].iloc[1])
