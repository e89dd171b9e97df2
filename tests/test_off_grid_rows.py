"""Rows a step would move or combine: refused on a step the tool inferred, said on one the
user gave. Binning to a step that does not fit a row moves it into a neighbour's period,
averages the two and fills the row's own period as a gap, which is data changed unasked.

Each regression test's docstring starts with "bad input: <what> -> <answer>"
(docs/bad-input.md, tools/bad_input_table.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.data_config import DataConfig
from forecast_cli.errors import DataError
from forecast_cli.frequency import infer_frequency
from forecast_cli.panel import prepare_panel
from forecast_cli.series import prepare_series

from .conftest import FAST_TRAIN

runner = CliRunner()


def _frame(stamps: pd.DatetimeIndex) -> pd.DataFrame:
    values = 100 + np.arange(len(stamps), dtype=float)  # row i holds 100 + i: a moved row shows
    return pd.DataFrame({"date": stamps.strftime("%Y-%m-%d %H:%M"), "value": values})


def _mondays_with_tuesdays() -> pd.DatetimeIndex:
    """200 weeks on Mondays; weeks 20, 70 and 120 stamped on their Tuesday (holidays)."""
    weeks = pd.date_range("2019-01-07", periods=200, freq="W-MON")
    shifted = np.isin(np.arange(200), (20, 70, 120))
    return pd.DatetimeIndex(np.where(shifted, weeks + pd.Timedelta(days=1), weeks))


def _dekads(years: int = 4) -> pd.DatetimeIndex:
    months = pd.date_range("2018-01-01", periods=12 * years, freq="MS")
    return pd.DatetimeIndex(sorted(m + pd.Timedelta(days=d) for m in months for d in (0, 10, 20)))


def test_weeks_with_a_few_rows_on_another_weekday_are_refused_naming_the_first(tmp_path):
    """bad input: weekly rows on Mondays with three holiday weeks stamped on the Tuesday -> exit 2 naming the first (each was averaged into the next week and its own week filled as a gap, with "0 duplicates merged")"""
    path = tmp_path / "weekly.csv"
    _frame(_mondays_with_tuesdays()).to_csv(path, index=False)
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(path), *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == 2, result.output
    assert "3 are on another day (2019-05-28 is 8 days after 2019-05-20, a Tuesday)" in result.stderr
    assert "stamp every week on one weekday" in result.stderr
    assert not model.exists()


def test_dekads_are_refused_with_the_two_ways_to_read_them(tmp_path):
    """bad input: dekads (the 1st, 11th and 21st of each month) -> exit 2 offering --freq 10D or --time-col '' (they were moved by up to 6 days onto a 10-day grid, one pair averaged, and forecast on dates no dekad has)"""
    path = tmp_path / "dekads.csv"
    _frame(_dekads()).to_csv(path, index=False)
    result = runner.invoke(app, ["train", str(path), *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")])
    assert result.exit_code == 2, result.output
    assert "off a grid of 10 days from the first (2018-02-01 is 11 days after 2018-01-21)" in result.stderr
    assert "--freq 10D" in result.stderr and "--time-col ''" in result.stderr
    steps = prepare_series(_frame(_dekads()), DataConfig(time_col=""))
    assert steps.freq is None and np.array_equal(steps.frame["value"], _frame(_dekads())["value"])


def test_fortnights_with_stray_rows_between_are_refused():
    """Every row a fortnight from the first keeps the 2W step; rows a week off it are refused."""
    fortnights = pd.date_range("2021-01-04", periods=40, freq="14D")
    assert infer_frequency(fortnights) == "2W-MON"
    with pytest.raises(DataError, match=r"about 2 weeks apart, but 3 are off a grid of 2 weeks"):
        infer_frequency(fortnights.append(fortnights[:3] + pd.Timedelta(days=7)).sort_values())
    with pytest.raises(DataError, match=r"about 3 days apart, but 1 is off a grid of 3 days"):
        days = pd.date_range("2021-01-01", periods=30, freq="3D")
        infer_frequency(days.delete(10).insert(10, days[10] + pd.Timedelta(days=1)))


def test_two_rows_of_one_day_on_an_inferred_daily_step_are_refused_naming_both():
    """bad input: daily readings at 09:00 with a second reading at 15:00 on one day -> exit 2 naming both rows (the two were averaged with "0 duplicates merged")"""
    days = pd.date_range("2021-01-01 09:00", periods=60, freq="D")
    stamps = days.append(pd.DatetimeIndex(["2021-01-20 15:00"])).sort_values()
    with pytest.raises(
        DataError,
        match=r"1 row falls into a D period with another row \(2021-01-20 09:00:00, 2021-01-20 15:00:00",
    ):
        prepare_series(_frame(stamps), DataConfig())


def test_a_given_step_combines_those_rows_and_says_so():
    """--freq given as the data's own step: the rows it puts in one period are combined with
    --agg and counted in the load line's note; none is lost without a word."""
    series = prepare_series(_frame(_mondays_with_tuesdays()), DataConfig(freq="W-MON"))
    assert (
        "3 rows combined into a period of another with mean (first 2019-05-28, 2019-06-03"
        in series.report.note
    )
    week = series.frame["value"].loc["2019-06-03"]
    assert week == pytest.approx((120 + 121) / 2)  # the Tuesday's row 20 is 120, Monday 2019-06-03 row 21
    assert series.report.gaps_filled == 3  # the three weeks the Tuesdays left
    daily = prepare_series(_frame(pd.date_range("2021-01-01", periods=60, freq="D")), DataConfig(freq="D"))
    assert "combined" not in daily.report.note  # one row a day: nothing combined, nothing said


def test_coarser_given_steps_are_not_said_to_combine_rows():
    """Hourly rows given --freq D: combining is what was asked. The line names how (by the
    default mean), and counts no rows combined into a period of another, the wording for rows
    of the data's own step that share one."""
    hours = pd.date_range("2021-01-01", periods=24 * 20, freq="h")
    series = prepare_series(_frame(hours), DataConfig(freq="D"))
    assert len(series.frame) == 20 and series.report.rows_combined == 0
    assert series.report.note.startswith("h rows combined into D periods by mean (the default")
    assert "combined into a period of another" not in series.report.note


def test_a_panel_counts_the_rows_a_given_step_combined():
    """A panel's line sums its series' counts and drops their notes: the rows a given step
    combined are counted there, naming the series."""
    weeks = _frame(_mondays_with_tuesdays())
    both = pd.concat([weeks.assign(id="a"), weeks.assign(id="b")])
    panel = prepare_panel(both, DataConfig(id_col="id", freq="W-MON"))
    assert "6 rows combined into another's period (in a, b)" in panel.summary_line()
    clean = prepare_panel(
        both.assign(date=np.tile(pd.date_range("2019-01-07", periods=200, freq="W-MON"), 2)),
        DataConfig(id_col="id"),
    )
    assert "combined" not in clean.summary_line()
