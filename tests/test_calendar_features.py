"""Calendar features: cyclical encodings, public holidays, and the plan's ``auto`` choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli.calendar_defaults import resolve_calendar, weekly_cycle
from forecast_cli.calendar_features import calendar_columns, calendar_values, holiday_flags
from forecast_cli.config import DataConfig, ForecastConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.frequency_defaults import resolve_shape
from forecast_cli.plan import resolve_plan


def test_holiday_flags_christmas_and_a_state_only_holiday():
    days = pd.DatetimeIndex(["2000-12-24", "2000-12-25", "2000-12-26", "2020-11-03"])
    assert holiday_flags(days, "GB", "ENG").tolist() == [0.0, 1.0, 1.0, 0.0]
    # Melbourne Cup day is a holiday in Victoria, not in New South Wales
    assert holiday_flags(days[3:], "AU", "VIC").tolist() == [1.0]
    assert holiday_flags(days[3:], "AU", "NSW").tolist() == [0.0]


def test_calendar_values_of_the_same_instants_differ_by_zone_names_and_country():
    """The features of the last stamps are reused for the next call with the same stamps;
    the zone, the features asked and the country are part of what "the same" means."""
    utc = pd.date_range("2000-12-24 20:00", periods=12, freq="h", tz="UTC")
    sydney = utc.tz_convert("Australia/Sydney")  # the same instants (the same asi8)
    first = calendar_values(utc, ("hour", "holiday"), "AU")
    assert not first.flags.writeable
    np.testing.assert_array_equal(calendar_values(utc, ("hour", "holiday"), "AU"), first)
    local = calendar_values(sydney, ("hour", "holiday"), "AU")
    np.testing.assert_array_equal(local, _uncached(sydney, ("hour", "holiday"), "AU"))
    assert not np.array_equal(local, first)
    assert calendar_values(sydney, ("hour",), "AU").shape == (12, 2)
    days = pd.date_range("2001-01-25", periods=3, freq="D")  # Australia Day, the 26th
    assert calendar_values(days, ("holiday",), "AU")[:, 0].tolist() == [0.0, 1.0, 0.0]
    assert calendar_values(days, ("holiday",), "GB")[:, 0].tolist() == [0.0, 0.0, 0.0]
    assert calendar_values(days, ("holiday",), "DE", "BY").sum() == 0  # 26 January, Bavaria
    epiphany = pd.date_range("2001-01-05", periods=3, freq="D")
    assert calendar_values(epiphany, ("holiday",), "DE", "BY")[:, 0].tolist() == [0.0, 1.0, 0.0]
    assert calendar_values(epiphany, ("holiday",), "DE", "BE")[:, 0].tolist() == [
        0.0,
        0.0,
        0.0,
    ]  # not in Berlin
    seconds = pd.DatetimeIndex(utc.asi8.astype("datetime64[s]"))  # the same integers, counted in seconds
    np.testing.assert_array_equal(calendar_values(seconds, ("hour",)), _uncached(seconds, ("hour",)))
    nanoseconds = pd.DatetimeIndex(utc.asi8.astype("datetime64[ns]"))
    np.testing.assert_array_equal(calendar_values(nanoseconds, ("hour",)), _uncached(nanoseconds, ("hour",)))
    np.testing.assert_array_equal(calendar_values(seconds, ("hour",)), _uncached(seconds, ("hour",)))
    later = utc + pd.Timedelta(hours=5)  # same length, other stamps
    np.testing.assert_array_equal(calendar_values(later, ("hour",)), _uncached(later, ("hour",)))


def _uncached(index, names, country=None):
    from forecast_cli import calendar_features

    calendar_features._LAST = None
    return calendar_values(index, names, country)


def test_holiday_is_the_local_date_of_an_aware_stamp():
    # 2000-12-25 01:00 in Sydney is still 24 December in UTC
    stamp = pd.DatetimeIndex([pd.Timestamp("2000-12-25 01:00", tz="Australia/Sydney")])
    assert holiday_flags(stamp, "AU", None).tolist() == [1.0]
    assert holiday_flags(stamp.tz_convert("UTC"), "AU", None).tolist() == [0.0]


def test_cyclical_encodings_put_sunday_beside_monday_and_midnight_beside_2330():
    index = pd.DatetimeIndex(["2024-01-07 23:30", "2024-01-08 00:00", "2024-01-10 12:00"])  # Sun, Mon, Wed
    values = calendar_values(index, ("hour", "dow"))
    assert calendar_columns(("hour", "dow")) == ("cal_hour_sin", "cal_hour_cos", "cal_dow_sin", "cal_dow_cos")
    hour, dow = values[:, :2], values[:, 2:]
    assert np.linalg.norm(hour[0] - hour[1]) < 0.14  # half an hour apart on the circle
    assert np.linalg.norm(hour[1] - hour[2]) > 1.9  # noon is opposite midnight
    assert np.linalg.norm(dow[0] - dow[1]) < np.linalg.norm(dow[1] - dow[2])
    assert np.allclose((values[:, ::2] ** 2 + values[:, 1::2] ** 2), 1.0)


@pytest.mark.parametrize(
    ("country", "subdiv", "fragment"),
    [("XX", None, "--country 'XX'"), ("AU", "ZZ", "--subdiv 'ZZ' is not a subdivision of AU")],
)
def test_unknown_country_or_subdivision_is_refused_by_name(country, subdiv, fragment):
    with pytest.raises(UsageError, match=fragment):
        resolve_calendar(DataConfig(calendar=("holiday",), country=country, subdiv=subdiv), "D")


def test_an_unknown_subdivision_lists_every_valid_one_or_says_how_to():
    """bad input: --subdiv XX for the United States -> exit 2, all 56 subdivisions listed
    (CA and WY were past the 12 shown); for Italy's 114 provinces, 30 and the command that
    lists them all"""
    import holidays

    with pytest.raises(UsageError) as caught:
        resolve_calendar(DataConfig(calendar=("holiday",), country="US", subdiv="XX"), "D")
    assert str(caught.value).endswith(", ".join(holidays.list_supported_countries()["US"]))
    assert ", CA, " in str(caught.value) and str(caught.value).endswith(", WY")
    with pytest.raises(UsageError) as caught:
        resolve_calendar(DataConfig(calendar=("holiday",), country="IT", subdiv="XX"), "D")
    rest = len(holidays.list_supported_countries()["IT"]) - 30
    assert f" and {rest} more (all of them: python -c " in str(caught.value)


def test_subdiv_without_country_is_refused_not_ignored():
    """bad input: --subdiv without --country -> exit 2, asks for the country (a region alone
    would silently give no holidays)"""
    with pytest.raises(UsageError, match="--subdiv VIC needs --country"):
        ForecastConfig(data=DataConfig(subdiv="VIC")).validate()
    ForecastConfig(data=DataConfig(country="AU", subdiv="VIC")).validate()


def test_country_and_region_take_the_holidays_packages_spelling():
    """``--country gb --subdiv eng`` is GB-ENG in the plan, info and the model file, as typed
    or not: the same holidays, one spelling."""
    data = ForecastConfig(data=DataConfig(country=" gb", subdiv="eng")).validate().data
    assert (data.country, data.subdiv) == ("GB", "ENG")
    features, reason = resolve_calendar(data, "D", [np.arange(60.0)], 7)
    assert "holiday" in features and "GB-ENG holidays" in reason


@pytest.mark.parametrize(
    ("freq", "expected"),
    [("30min", ("hour", "dow")), ("1h", ("hour", "dow")), ("W-SUN", ()), ("MS", ()), ("QS", ())],
)
def test_auto_calendar_by_frequency(freq, expected):
    assert resolve_calendar(DataConfig(), freq)[0] == expected


def test_auto_calendar_for_daily_data_follows_the_weekly_cycle():
    rng = np.random.default_rng(0)
    weekly = np.tile([5.0, 6, 6, 6, 6, 3, 2], 30) + rng.normal(0, 0.1, 210)
    walk = np.cumsum(rng.normal(0, 1, 210))
    assert weekly_cycle([weekly], 7) and not weekly_cycle([walk], 7)
    assert resolve_calendar(DataConfig(), "D", [weekly], 7)[0] == ("dow",)
    assert resolve_calendar(DataConfig(), "D", [walk], 7)[0] == ()
    assert resolve_calendar(DataConfig(country="AU"), "D", [walk], 7)[0] == ("holiday",)


def test_calendar_refusals():
    with pytest.raises(UsageError, match="needs a country"):
        resolve_calendar(DataConfig(calendar=("dow", "holiday")), "D")
    with pytest.raises(UsageError, match="integer step index"):
        resolve_calendar(DataConfig(calendar=("dow",)), None)
    with pytest.raises(UsageError, match="unknown"):
        resolve_calendar(DataConfig(calendar=("weekday",)), "D")
    assert resolve_calendar(DataConfig(calendar=("none",)), "30min")[0] == ()


def test_half_hourly_defaults_see_the_daily_and_weekly_cycle():
    shape = resolve_shape(ForecastConfig(), "30min")
    assert (shape.season, shape.seasons, shape.lookback, shape.horizon) == (48, (48, 336), 384, 48)
    hourly = resolve_shape(ForecastConfig(), "1h")
    assert (hourly.seasons, hourly.lookback) == ((24, 168), 192)
    # trading hours and daily data keep one season and two of them as the lookback
    assert resolve_shape(ForecastConfig(), "XNYS@30min").seasons == (13,)
    assert resolve_shape(ForecastConfig(), "D").lookback == 14


@pytest.mark.parametrize(
    ("asked", "freq", "said"),
    [
        (("month", "holiday"), "MS", "--calendar holiday describes days, but a MS step spans several"),
        (("hour",), "D", "--calendar hour describes hours, but a D step spans several"),
        (("dow",), "W-SUN", "--calendar dow describes days"),
    ],
)
def test_a_calendar_feature_finer_than_the_step_is_refused(asked, freq, said):
    """bad input: --calendar holiday on monthly data (or hour on daily, dow on weekly) -> exit 2, the feature and the step named; it was accepted, and a month's 'holiday' flag was 1 every January (the 1st is one)"""
    with pytest.raises(UsageError, match=said):
        resolve_calendar(DataConfig(calendar=asked, country="US"), freq)
    assert resolve_calendar(DataConfig(calendar=("month",)), "MS")[0] == ("month",)


def test_a_country_with_no_calendar_to_feed_is_refused_or_said():
    """bad input: --country AU with --calendar none -> exit 2, drop one of them; it was accepted and ignored. On monthly data (auto: no calendar) the plan says the country is unused."""
    with pytest.raises(UsageError, match="--calendar none turns off; drop one of them"):
        resolve_calendar(DataConfig(calendar=("none",), country="AU"), "D")
    features, reason = resolve_calendar(DataConfig(country="AU"), "MS")
    assert features == () and reason.endswith("--country AU unused: holidays mark days")


@pytest.mark.parametrize("quiet", [False, True])
def test_the_holiday_packages_own_warning_is_one_line_of_ours_and_quiet_under_q(tmp_path, monkeypatch, quiet):
    """India's lunar holidays are known for 2001-2035 only. The package's UserWarning went to
    stderr raw (file path, source line), seven times, even under -q. It is now one
    `warning:` line naming --country, and -q silences it."""
    from typer.testing import CliRunner

    from forecast_cli import calendar_features
    from forecast_cli.cli import app

    monkeypatch.setattr(calendar_features, "_SAID", set())  # said once a process: a fresh one
    days = pd.date_range("1993-01-01", periods=400, freq="D")
    y = 50 + 5 * np.sin(2 * np.pi * np.arange(400) / 7) + np.random.default_rng(0).normal(0, 1, 400)
    data = tmp_path / "daily.csv"
    pd.DataFrame({"ds": days, "y": y}).to_csv(data, index=False)
    args = [
        "train",
        str(data),
        "--country",
        "IN",
        "--hidden",
        "8",
        "--epochs",
        "1",
        "-o",
        str(tmp_path / "m.fcst"),
    ]
    result = CliRunner().invoke(app, [*args, *(["-q"] if quiet else [])])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "holidays package says" in line]
    assert said == ([] if quiet else [said[0]])
    assert quiet or said[0].startswith("warning: --country IN: the holidays package says: Requested Holidays")
    assert "UserWarning" not in result.stderr and "utils.py" not in result.stderr


def test_a_holiday_input_no_training_row_sets_is_dropped_or_refused():
    """Taylor's span (5 June - 27 August 2000) holds no English holiday: an input that is 0
    on every training row keeps its random weight, which met its first 1 at the forecast of
    the bank holiday on 28 August. ``auto`` drops it and says so; asked for, it is refused."""
    summer = [pd.date_range("2000-06-05", "2000-08-27", freq="D")]
    walk = [np.cumsum(np.ones(len(summer[0])))]
    features, reason = resolve_calendar(DataConfig(country="GB", subdiv="ENG"), "D", walk, 7, summer)
    assert features == ()
    assert reason.endswith("--country GB unused: no holiday on a training row (2000-06-05 .. 2000-08-27)")
    assert "GB-ENG holidays" not in reason
    with pytest.raises(
        DataError, match=r"--calendar holiday: no GB-ENG holiday falls on a training row \(2000-06-05"
    ):
        resolve_calendar(DataConfig(calendar=("holiday",), country="GB", subdiv="ENG"), "D", walk, 7, summer)
    # one series of a panel holding one (US: 4 July) keeps the input for all
    later = pd.date_range("2000-07-10", "2000-08-27", freq="D")
    early = pd.date_range("2000-06-05", "2000-07-05", freq="D")
    ys = [np.arange(len(later), dtype=float), np.arange(len(early), dtype=float)]
    assert resolve_calendar(DataConfig(country="US"), "D", ys[:1], 7, [later])[0] == ()
    assert resolve_calendar(DataConfig(country="US"), "D", ys, 7, [later, early])[0] == ("holiday",)
    # a zoned stamp counts by its local date: 00:30 on 28 August in London is 27 August in UTC
    zoned = pd.DatetimeIndex([pd.Timestamp("2000-08-28 00:30", tz="Europe/London")])
    england = DataConfig(country="GB", subdiv="ENG")
    assert resolve_calendar(england, "D", [np.ones(1)], 7, [zoned])[0] == ("holiday",)
    assert resolve_calendar(england, "D", [np.ones(1)], 7, [zoned.tz_convert("UTC")])[0] == ()


def test_only_training_rows_decide_the_holiday_input():
    """Christmas in the validation tail of a daily series is not a training row: the plan
    reads training rows only, so the input is dropped; a longer history that trains across
    Christmas keeps it."""
    stamps = pd.date_range("2000-10-01", "2000-12-28", freq="D")
    y = np.sin(np.arange(len(stamps)) / 3.0) + 10.0
    cfg = ForecastConfig(data=DataConfig(country="GB"))
    plan = resolve_plan(cfg, "D", [y], stamps[-1], stamps=[stamps])
    assert (
        "holiday" not in plan.calendar and "unused: no holiday on a training row" in plan.reasons["calendar"]
    )
    longer = pd.date_range("2000-10-01", "2001-02-28", freq="D")
    y = np.sin(np.arange(len(longer)) / 3.0) + 10.0
    assert "holiday" in resolve_plan(cfg, "D", [y], longer[-1], stamps=[longer]).calendar


def test_day_of_week_and_hour_phases_by_hand():
    """The encoding is part of every model file: Monday and midnight at phase 0."""
    index = pd.DatetimeIndex(["2024-01-08", "2024-01-10"])  # Monday, Wednesday
    np.testing.assert_allclose(
        calendar_values(index, ("dow",)),
        [[0.0, 1.0], [np.sin(4 * np.pi / 7), np.cos(4 * np.pi / 7)]],
        atol=1e-15,
    )
    np.testing.assert_allclose(
        calendar_values(pd.DatetimeIndex(["2024-03-01 18:00"]), ("hour",)), [[-1.0, 0.0]], atol=1e-15
    )
