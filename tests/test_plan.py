"""The resolved plan: defaults decided once, with reasons, from training rows only."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from forecast_cli.backtest import run_backtest
from forecast_cli.calendar_defaults import resolve_calendar
from forecast_cli.config import (
    DataConfig,
    ForecastConfig,
    ModelConfig,
    ScalingConfig,
    TrainConfig,
    WindowConfig,
)
from forecast_cli.forecaster import Forecaster
from forecast_cli.frequency_defaults import resolve_shape
from forecast_cli.panel import prepare_panel
from forecast_cli.plan import resolve_plan
from forecast_cli.run_config import BacktestConfig
from forecast_cli.series import prepare_series

from .conftest import fast_config


def test_monthly_defaults_are_one_season_ahead_from_two_seasons_back():
    plan = resolve_plan(ForecastConfig(), "MS", [np.arange(1.0, 121.0)])
    assert (plan.season, plan.horizon, plan.lookback) == (12, 12, 24)
    assert plan.reasons["lookback"] == "two seasons of 12"
    assert plan.patch == 2 and plan.reasons["patch"] == "keeps the recurrence to 12 steps"
    assert plan.transform == "log"


def test_without_a_season_lookback_is_twice_the_horizon_and_at_least_8():
    assert resolve_shape(ForecastConfig(), None).lookback == 8
    cfg = ForecastConfig(window=WindowConfig(horizon=7))
    shape = resolve_shape(cfg, None)
    assert (shape.horizon, shape.lookback) == (7, 14)


def test_auto_transform_is_log_only_when_every_row_given_is_positive():
    y = np.linspace(1.0, 2.0, 100)
    assert resolve_plan(ForecastConfig(), None, [y]).transform == "log"
    y_val_negative = y.copy()
    y_val_negative[-5:] = -1.0  # validation rows only: a log chosen on the rest failed the fit
    assert resolve_plan(ForecastConfig(), None, [y_val_negative]).transform == "none"
    y_train_negative = y.copy()
    y_train_negative[3] = -1.0
    plan = resolve_plan(ForecastConfig(), None, [y_train_negative])
    assert plan.transform == "none" and "<= 0" in plan.reasons["transform"]
    # a panel says how many of its series turned the log off (2 zeros among 50 series did)
    panel = resolve_plan(ForecastConfig(), None, [y] * 3 + [y_train_negative])
    assert (
        panel.reasons["transform"]
        == "auto: 1 of 4 series has values <= 0, and one transform serves the panel"
    )


def test_differencing_turns_level_normalisation_off_and_reads_one_more_row():
    cfg = ForecastConfig(scaling=ScalingConfig(transform="diff"))
    plan = resolve_plan(cfg, "MS", [np.arange(1.0, 121.0)])
    assert plan.differencing and not plan.level_norm
    assert plan.context_rows == plan.lookback + 1


def test_resolving_never_writes_into_the_config():
    cfg = ForecastConfig(model=ModelConfig(strategy="recursive"))
    before = copy.deepcopy(cfg)
    resolve_plan(cfg, "MS", [np.arange(1.0, 121.0)])
    assert cfg == before


def _frame(values):
    index = pd.date_range("2000-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"timestamp": index, "y": values})


def test_one_forecaster_refits_on_a_series_that_crosses_zero():
    """Round 1 rewrote transform=auto to log on the first fit, so this second fit failed."""
    rng = np.random.default_rng(1)
    positive = 100 + np.arange(96) + rng.normal(0, 1, 96)
    crossing = np.sin(np.arange(96) / 3) * 10
    cfg = fast_config()
    before = copy.deepcopy(cfg)
    forecaster = Forecaster(cfg)
    forecaster.fit(prepare_series(_frame(positive), cfg.data))
    assert forecaster.plan_.transform == "log"
    forecaster.fit(prepare_series(_frame(crossing), cfg.data))
    assert forecaster.plan_.transform == "none"
    assert forecaster.config == before


def test_values_above_2_to_the_24_reach_training_and_prediction_unrounded():
    big = 2.0**24 + np.arange(96) * 1.0 + 0.5  # float32 would round the .5 away
    series = prepare_series(_frame(big), fast_config().data)
    assert series.values.dtype == np.float64
    assert np.array_equal(series.values[:, 0], big)


@pytest.mark.parametrize("transform", ["none", "log"])
def test_plan_round_trips_through_the_model_file(tmp_path, transform):
    from forecast_cli.modelfile import load_model, save_model

    cfg = fast_config()
    cfg.scaling.transform = transform
    fitted = Forecaster(cfg).fit(prepare_series(_frame(np.arange(1.0, 97.0)), cfg.data))
    save_model(fitted, tmp_path / "m.fcst")
    loaded = load_model(tmp_path / "m.fcst")
    assert loaded.plan_ == fitted.plan_ and loaded.plan_.reasons == fitted.plan_.reasons
    assert loaded.config == fitted.config


def test_a_panel_of_short_series_is_told_which_lookback_lets_half_of_them_train():
    """Lengths 9-12 with horizon 4: validation keeps 1-2 rows, so the longest lookbacks their
    training rows allow are 4, 4, 5 and 6 (rows - validation - horizon); the median, 5, gives
    the two longest a window. Four of the five have none, so the plan says so."""
    ys = [np.linspace(1, 2, n) for n in (40, 9, 10, 11, 12)]
    config = ForecastConfig(window=WindowConfig(lookback=8, horizon=4))
    plan = resolve_plan(config, "D", ys)
    assert plan.reasons["series"] == (
        "4 too short for a training window, forecast from their own history (--lookback 5 gives 2 of them one)"
    )
    shorter = resolve_plan(ForecastConfig(window=WindowConfig(lookback=5, horizon=4)), "D", ys)
    assert shorter.reasons["series"].startswith("2 too short")
    # a few short series among many: no hint (on seasonal data a shorter lookback costs more)
    many = [np.linspace(1, 2, 40)] * 9 + [np.linspace(1, 2, 10)]
    assert resolve_plan(config, "D", many).reasons["series"] == (
        "1 too short for a training window, forecast from their own history"
    )


def test_a_panel_lookback_is_cut_to_the_length_three_in_four_series_reach():
    """Without a season and horizon 6 the rule gives 12; of lengths 8, 9, 9, 10, 12, 15, 20, 22
    only three reach 12, so the lookback is cut to 9, which seven of the eight reach. A season is the floor; one series, or a given lookback, keeps it."""
    config = ForecastConfig(window=WindowConfig(horizon=6))
    lengths = [8, 9, 9, 10, 12, 15, 20, 22]
    shape = resolve_shape(config, "YS", lengths=lengths)
    assert shape.lookback == 9
    assert (
        shape.reasons["lookback"] == "twice the horizon, at least 8, cut to 9: the length 3 in 4 series reach"
    )
    assert sum(n >= shape.lookback for n in lengths) == 7
    assert resolve_shape(config, "YS", lengths=[9]).lookback == 12
    assert resolve_shape(config, "YS", lengths=[40] * 8).lookback == 12
    given = ForecastConfig(window=WindowConfig(horizon=6, lookback=12))
    assert resolve_shape(given, "YS", lengths=lengths).lookback == 12
    monthly = ForecastConfig(window=WindowConfig(horizon=6))
    assert resolve_shape(monthly, "MS", lengths=[10, 11, 12, 13, 14, 24]).lookback == 12  # a season
    # three of four quarterly series of 48 rows or more: one stray row cuts nothing (the
    # 25th percentile's rank was the shortest of 2 to 4 series: lookback 4)
    quarterly = ForecastConfig()
    assert resolve_shape(quarterly, "QS", lengths=[1, 48, 60, 68]).lookback == 8
    assert resolve_shape(quarterly, "QS", lengths=[1, 5, 60, 68]).lookback == 5  # two of four reach 8
    # the plan a training resolves and the backtest of the same panel agree
    ys = [np.linspace(1, 2, n) for n in lengths]
    assert resolve_plan(config, "YS", ys).lookback == 9


def test_a_backtest_of_short_series_reads_the_lookback_a_training_would():
    """The backtest fixes one window shape for every fold from the whole panel's lengths,
    as ``train`` on the same table would (the two longest series have room for a fold)."""
    lengths = [8, 9, 9, 10, 12, 15, 30, 32]
    table = pd.concat(
        [
            pd.DataFrame(
                {"id": f"s{i}", "t": pd.date_range("2000", periods=n, freq="YS"), "y": np.linspace(1, 3, n)}
            )
            for i, n in enumerate(lengths)
        ],
        ignore_index=True,
    )
    data = DataConfig(id_col="id", time_col="t", target="y")
    cfg = fast_config(horizon=6)
    result = run_backtest(
        prepare_panel(table, data), cfg, BacktestConfig(folds=1, models=("lstm",), baselines=False)
    )
    assert result.config["lookback"] == 9
    assert Forecaster(cfg).fit(prepare_panel(table, data)).plan_.lookback == 9


def test_a_patch_longer_than_the_lookback_is_refused():
    """bad input: --patch 100 with a lookback of 24 -> exit 2, "--patch 100 is longer than the lookback (24 steps)"; it was accepted and the plan said "patch 100 (given)" for one recurrent step of padding"""
    from forecast_cli.errors import UsageError
    from forecast_cli.plan import resolve_plan

    cfg = ForecastConfig()
    cfg.window.lookback, cfg.model.patch = 24, 100
    with pytest.raises(
        UsageError, match=r"--patch 100 is longer than the lookback \(24 steps\): .*--patch 24 or less"
    ):
        resolve_plan(cfg, "MS", [np.arange(1.0, 145.0)])
    cfg.model.patch = 24
    assert resolve_plan(cfg, "MS", [np.arange(1.0, 145.0)]).patch == 24


def test_intermittent_counts_under_mae_are_told_their_forecast_is_a_median_near_zero():
    """Mostly-zero demand under --loss mae is forecast near 0 (the median), which MASE
    rewards and stock-keeping cannot use: the plan says so, with the option for the mean.
    Training rows only decide it (the validation tail's zeros do not count)."""
    from forecast_cli.config import TrainConfig

    rng = np.random.default_rng(0)
    sparse = [rng.poisson(0.3, 200).astype(float) for _ in range(3)]  # about 74% zeros
    plan = resolve_plan(ForecastConfig(), "D", sparse)
    said = plan.reasons["nonnegative"]
    share = np.mean(np.concatenate([y[: plan.train_rows // 3] for y in sparse]) == 0)
    assert f"; {share:.0%} of them are 0" in said and "--loss mse forecasts the mean" in said
    assert any("sits near 0" in line for line in plan.lines())
    mse = resolve_plan(ForecastConfig(train=TrainConfig(loss="mse")), "D", sparse)
    assert "of them are 0" not in mse.reasons["nonnegative"]
    busy = [rng.poisson(3.0, 200).astype(float) for _ in range(3)]  # about 5% zeros
    assert "of them are 0" not in resolve_plan(ForecastConfig(), "D", busy).reasons["nonnegative"]
    tail = np.concatenate([np.ones(170), np.zeros(30)])  # zeros in the validation rows only
    assert "of them are 0" not in resolve_plan(ForecastConfig(), "D", [tail]).reasons["nonnegative"]


def test_a_cycle_the_longest_series_does_not_hold_twice_is_no_default():
    """A day of 500-millisecond steps is 172,800 of them: on 150 rows that season made a
    default horizon no series could fill, and every backtest was refused. The season falls to
    1 and the plan says why; hourly data of ten days keeps its daily cycle, drops the weekly
    one and the day-of-week input; a given season is the person's to choose."""
    tiny = resolve_shape(ForecastConfig(), "500ms", lengths=[150])
    assert (tiny.season, tiny.horizon, tiny.lookback, tiny.seasons) == (1, 1, 8, ())
    assert tiny.reasons["season"] == "none: the 500ms cycle of 172800 steps is not seen twice in 150 rows"
    days = resolve_shape(ForecastConfig(), "1h", lengths=[240])
    assert (days.season, days.seasons, days.lookback) == (24, (), 48)
    assert days.reasons["season"].endswith("(the weekly cycle of 168 steps is not seen twice in 240 rows)")
    weeks = resolve_shape(ForecastConfig(), "1h", lengths=[24 * 14])
    assert (weeks.season, weeks.seasons, weeks.lookback) == (24, (24, 168), 192)
    assert resolve_shape(ForecastConfig(), "MS", lengths=[23]).season == 1
    assert resolve_shape(ForecastConfig(), "MS", lengths=[24, 10]).season == 12  # the longest decides
    assert resolve_shape(ForecastConfig(window=WindowConfig(season=("12",))), "MS", lengths=[20]).season == 12
    hourly_days = [np.linspace(1, 2, 240)]
    assert resolve_calendar(DataConfig(), "1h", hourly_days, 24)[0] == ("hour",)
    assert resolve_calendar(DataConfig(), "1h", [np.linspace(1, 2, 24 * 14)], 24)[0] == ("hour", "dow")
    assert resolve_calendar(DataConfig(), "500ms", [np.linspace(1, 2, 128)], 1)[0] == ()


def _panel_ys(series: int, rows: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [10 + np.cumsum(rng.normal(0, 1, rows)) + 5 * k for k in range(series)]


def test_a_small_panel_gets_the_batch_that_makes_16_steps_an_epoch():
    """Three series of 60 months, lookback 24 and horizon 12: 60 - 9 validation rows = 51
    training rows, 51 - 24 - 12 + 1 = 16 training windows each, 48 in all, so a batch of
    128 would be one step an epoch; ceil(48 / 16) = 3 gives 16."""
    plan = resolve_plan(ForecastConfig(), "MS", _panel_ys(3, 60))
    assert plan.batch_size == 3
    assert plan.reasons["batch_size"] == "auto: 48 training windows, 16 steps an epoch"
    assert "batch size 3 (auto: 48 training windows, 16 steps an epoch)" in plan.lines()


def test_one_series_a_large_panel_and_a_given_batch_keep_theirs():
    one = resolve_plan(ForecastConfig(), "MS", _panel_ys(1, 60))
    assert (one.batch_size, one.reasons["batch_size"]) == (128, "auto: one series")
    large = resolve_plan(ForecastConfig(), "MS", _panel_ys(20, 200))  # 20 x (170 - 36 + 1) windows
    assert (large.batch_size, large.reasons["batch_size"]) == (128, "auto: 2700 training windows")
    given = resolve_plan(ForecastConfig(train=TrainConfig(batch_size=7)), "MS", _panel_ys(3, 60))
    assert (given.batch_size, given.reasons["batch_size"]) == (7, "given")
    assert not any(line.startswith("batch size") for line in one.lines() + large.lines())
    assert "batch size 7 (given)" in given.lines()


def test_the_batch_counts_only_the_series_whose_windows_train():
    """A backtest fit trains on the series seen before its origin (``windows_from``): the
    others' windows make no step, and one learning series is one series."""
    ys = _panel_ys(3, 60)
    assert (
        resolve_plan(ForecastConfig(), "MS", ys, windows_from=np.array([True, True, False])).batch_size == 2
    )
    alone = resolve_plan(ForecastConfig(), "MS", ys, windows_from=np.array([False, True, False]))
    assert (alone.batch_size, alone.reasons["batch_size"]) == (128, "auto: one series")


def test_training_steps_with_the_plans_batch():
    """The fit trains with the batch its plan printed: the same model as that batch given,
    and a different one from the old default of 128 (one step an epoch here)."""
    frame = pd.concat(
        [
            pd.DataFrame({"id": k, "month": pd.date_range("2000-01", periods=60, freq="MS"), "y": y})
            for k, y in enumerate(_panel_ys(3, 60))
        ]
    )
    panel = prepare_panel(frame, DataConfig(id_col="id", target="y"))

    def fitted(batch):
        cfg = ForecastConfig(model=ModelConfig(hidden=8), train=TrainConfig(epochs=3, batch_size=batch))
        f = Forecaster(cfg).fit(panel)
        return f.plan_.batch_size, f.predict(panel)["y"].to_numpy()

    auto, given, old = fitted(None), fitted(3), fitted(128)
    assert auto[0] == given[0] == 3 and old[0] == 128
    np.testing.assert_array_equal(auto[1], given[1])
    assert not np.allclose(auto[1], old[1])


def test_the_damped_line_promises_no_rows_a_series_lacks():
    """'each series' last 1440 rows' was said of a panel whose series had 864: the line
    says what the smoother reads of the series it has."""
    from forecast_cli.plan_choices import choose_damped_rows

    rows, said = choose_damped_rows("auto", 12, [200, 300])
    assert rows == 60 and "each series' last 60 rows," in said
    assert (
        "each series' last 60 rows or all of a shorter one's," in choose_damped_rows("auto", 12, [40, 300])[1]
    )
    assert "all of each series' rows," in choose_damped_rows("auto", 12, [40, 50])[1]
    assert "all the series' 33 rows," in choose_damped_rows("auto", 12, [33])[1]
    assert choose_damped_rows("none", 12, [33]) == (0, "turned off")


def test_sub_daily_data_keeps_the_week_only_where_a_week_back_predicts_clearly_better():
    """15-minute to hourly data was given a weekly cycle beside its day whatever it held:
    solar output, which follows the day and the weather, read a week and a day of lookback
    (MASE 0.94 against 0.77 with the day alone). Load that differs at the weekend keeps it;
    with no values (or too few rows to tell) the week is kept, as before."""
    rng = np.random.default_rng(6)
    steps = np.arange(21 * 96)
    sun = np.clip(np.sin(np.pi * ((steps % 96) / 4 - 6) / 14), 0, None)

    def cloudiness() -> np.ndarray:  # weather persists from one day to the next
        days = np.empty(21)
        days[0] = 0.7
        for d in range(1, 21):
            days[d] = np.clip(0.7 * days[d - 1] + 0.3 * rng.beta(4, 1.5), 0.05, 1)
        return np.repeat(days, 96)

    solar = [40 * sun * cloudiness() * rng.uniform(0.85, 1, len(steps)) for _ in range(5)]
    hours = np.arange(6 * 168)
    weekend = (hours // 24) % 7 >= 5
    load = [
        100 + 30 * np.sin(2 * np.pi * hours / 24) - 40 * weekend + rng.normal(0, 2, len(hours))
        for _ in range(3)
    ]
    cfg = ForecastConfig()
    dropped = resolve_shape(cfg, "15min", [len(y) for y in solar], ys=solar)
    assert dropped.seasons == () and dropped.lookback == 192
    assert dropped.reasons["season"].endswith(
        "; no weekly cycle: the value 672 steps back predicts less than 10% better than the one 96 back"
    )
    kept = resolve_shape(cfg, "h", [len(y) for y in load], ys=load)
    assert kept.seasons == (24, 168) and kept.lookback == 192
    assert resolve_shape(cfg, "15min", [len(y) for y in solar]).seasons == (96, 672)  # no values: kept


def test_a_log_target_shares_one_target_scale_and_a_raw_one_does_not():
    """scaler auto: ``shared`` for a log target (log units compare across series; measured on
    M1 monthly, sMAPE 14.7 against 15.3 per series), ``standard`` per series otherwise."""
    positive = [np.linspace(10, 20, 60), np.linspace(100, 300, 60)]
    plan = resolve_plan(fast_config(), "MS", positive)
    assert (plan.transform, plan.scaler) == ("log", "shared")
    signed = [np.linspace(-10, 20, 60), np.linspace(100, 300, 60)]
    plan = resolve_plan(fast_config(), "MS", signed)
    assert (plan.transform, plan.scaler) == ("none", "standard")


def test_the_plan_is_handed_over_before_the_first_epoch():
    """A wrong horizon (a day of 10-second steps is 8,640) must show while training can
    still be stopped, not after it: the plan reaches ``on_plan`` before any epoch."""
    events: list[object] = []
    cfg = fast_config()
    forecaster = Forecaster(cfg).fit(
        prepare_series(_frame(100 + np.arange(96.0)), cfg.data),
        on_epoch=lambda report: events.append("epoch"),
        on_plan=events.append,
    )
    assert events[0] == forecaster.plan_ and events[1:] == ["epoch"] * (len(events) - 1)
    assert len(events) > 1


def test_train_says_its_plan_even_when_training_is_interrupted(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from forecast_cli import forecaster as forecaster_module
    from forecast_cli.cli import app

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(forecaster_module, "train_network", interrupted)
    data = tmp_path / "monthly.csv"
    _frame(100 + np.arange(96.0)).to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    result = CliRunner().invoke(
        app, ["train", str(data), "-o", str(model), "--hidden", "8", "--horizon", "7"]
    )
    assert result.exit_code == 130, result.output
    plan = [line for line in result.stderr.splitlines() if line.startswith("plan: ")]
    assert len(plan) == 1 and "horizon 7" in plan[0]
    assert result.stderr.rstrip().endswith("interrupted; nothing was written")
    assert not model.exists()
