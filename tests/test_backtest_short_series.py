"""A panel backtest scores every series that fits one fold: a series too short for all of
them is scored on the last ones it fits, counts once in the means, and (in a global fit
before its first fold) is forecast as a series the weights never saw."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config
from .test_panel import long_panel

LENGTHS = (60, 84, 30)  # S2, 30 months: with 13 rows before an origin it fits the last 2 of 4 folds of 6


def _config(**window):
    return fast_config(lookback=12, horizon=6, season=("12",), **window)


def _folds_of(forecasts, sid):
    return sorted(forecasts.loc[forecasts["unique_id"] == sid, "origin"].unique())


def test_a_short_series_is_scored_on_its_last_folds_as_a_single_series_backtest_of_them():
    raw = long_panel(LENGTHS)
    result = run_backtest(prepare_panel(raw, DataConfig()), _config(), BacktestConfig(folds=4, models=()))
    s2 = raw[raw["unique_id"] == "S2"]
    assert len(_folds_of(result.forecasts, "S0")) == 4
    assert [str(o.date()) for o in _folds_of(result.forecasts, "S2")] == [
        str(s2["ds"].iloc[-13].date()),  # the last row before each of the last two origins
        str(s2["ds"].iloc[-7].date()),
    ]
    assert any("1 series fit fewer than 4 folds (S2) and are scored" in note for note in result.notes)
    single = run_backtest(
        prepare_panel(s2.drop(columns="unique_id"), DataConfig()),
        _config(),
        BacktestConfig(folds=2, models=()),
    ).leaderboard
    rows = result.by_series.set_index(["unique_id", "model"])
    for model in ("naive", "seasonal-naive", "drift"):
        for column in ("mae", "smape", "mase"):
            assert rows.loc[("S2", model), column] == pytest.approx(single.loc[model, column], rel=1e-12)
    # each series counts once: the mean of the three series' MASE, not of the 10 (series, fold) pairs
    mase = result.by_series.pivot(index="unique_id", columns="model", values="mase")
    for model in ("naive", "drift"):
        assert result.leaderboard.loc[model, "mase"] == pytest.approx(mase[model].mean(), rel=1e-12)
        pairs = result.forecasts[result.forecasts["model"] == model]
        assert result.leaderboard.loc[model, "mase"] != pytest.approx(
            np.mean([_pair_mase(result, pairs, sid, o) for sid, o in _pairs(pairs)]), rel=1e-6
        )
    assert result.leaderboard.loc["seasonal-naive", "cov_80"] == pytest.approx(
        result.by_series[result.by_series["model"] == "seasonal-naive"]["cov_80"].mean(), rel=1e-12
    )


def _pairs(frame):
    return frame[["unique_id", "origin"]].drop_duplicates().itertuples(index=False)


def _pair_mase(result, frame, sid, origin):
    """One (series, fold) pair's MASE, from the forecasts and the per-series table's MAE/MASE ratio."""
    rows = frame[(frame["unique_id"] == sid) & (frame["origin"] == origin)]
    table = result.by_series.set_index(["unique_id", "model"]).loc[(sid, rows["model"].iloc[0])]
    per_series_scale = table["mae"] / table["mase"] if sid != "S0" else None
    error = np.abs(rows["forecast"] - rows["actual"]).mean()
    return error / per_series_scale if per_series_scale else table["mase"]


def test_a_series_whose_first_fold_follows_the_fit_trains_no_weights():
    """S2's first fold comes after the global fit's origin: it is scaled on its rows before
    that fold and forecast, but gives no window, so its values move no other series'
    forecast; its own first fold reads none of its rows at or after that fold's origin."""
    raw = long_panel(LENGTHS)
    spec = BacktestConfig(folds=4, models=("lstm",), baselines=False)
    before = run_backtest(prepare_panel(raw, DataConfig()), _config(), spec).forecasts
    s2 = raw.index[raw["unique_id"] == "S2"]
    changed = raw.copy()
    changed.loc[s2, "y"] *= 1.0 + 0.3 * np.cos(np.arange(len(s2)))  # still positive
    after = run_backtest(prepare_panel(changed, DataConfig()), _config(), spec).forecasts
    others = before["unique_id"] != "S2"
    np.testing.assert_array_equal(before.loc[others, "forecast"], after.loc[others, "forecast"])
    assert not np.allclose(before.loc[~others, "forecast"], after.loc[~others, "forecast"])
    assert len(_folds_of(before, "S2")) == 2 and np.isfinite(before.loc[~others, "lo-80"]).all()

    late = raw.copy()
    late.loc[s2[-12:], "y"] *= 5.0  # S2's rows from its first origin on
    moved = run_backtest(prepare_panel(late, DataConfig()), _config(), spec).forecasts
    first = (before["unique_id"] == "S2") & (before["origin"] == _folds_of(before, "S2")[0])
    np.testing.assert_array_equal(before.loc[first, "forecast"], moved.loc[first, "forecast"])


def test_local_fits_train_a_short_series_at_its_own_first_fold():
    """Alone, S2 (30 rows) needs 22 before an origin for its own training windows: of 2
    folds of 6 it fits the last, and is trained there rather than left out."""
    cfg = _config()
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, local=True))
    spec = BacktestConfig(folds=2, models=("lstm",), baselines=False)
    result = run_backtest(prepare_panel(long_panel(LENGTHS), DataConfig()), cfg, spec)
    assert [len(_folds_of(result.forecasts, s)) for s in ("S0", "S1", "S2")] == [2, 2, 1]
    assert np.isfinite(result.forecasts["forecast"]).all() and not result.failures


def test_a_learned_series_embedding_leaves_short_series_out_unless_every_fold_refits():
    raw = long_panel(LENGTHS)
    cfg = _config()
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, id_embedding=2))
    spec = BacktestConfig(folds=4, models=("lstm",), baselines=False)
    result = run_backtest(prepare_panel(raw, DataConfig()), cfg, spec)
    assert set(result.forecasts["unique_id"]) == {"S0", "S1"}
    assert any("left out: 'S2'" in n and "--refit always" in n for n in result.notes)
    every = run_backtest(prepare_panel(raw, DataConfig()), cfg, dataclasses.replace(spec, refit="always"))
    assert len(_folds_of(every.forecasts, "S2")) == 2


def test_without_folds_a_panel_takes_as_many_as_its_longest_series_fits():
    """Series of 40 and 30 monthly rows, horizon 6, season 12, baselines only (13 rows before
    the first origin): by hand the longest fits (40 - 6 - 13) // 6 + 1 = 4 folds, the other
    (30 - 6 - 13) // 6 + 1 = 2, its last two. Counting from the shortest gave both 2."""
    panel = prepare_panel(long_panel(lengths=(40, 30)), DataConfig())
    result = run_backtest(panel, fast_config(horizon=6, season=("12",)), BacktestConfig(models=("naive",)))
    assert result.notes[0] == "4 folds: as many as the longest series fits (the default is 5; set --folds)"
    origins = result.forecasts.groupby("unique_id")["origin"].nunique()
    assert origins.to_dict() == {"S0": 4, "S1": 2}


def test_default_folds_leave_the_longest_series_a_training_window_before_the_first_origin():
    """Five default folds of 6 on yearly-length series (longest 40) left the longest 10 rows
    before the first origin, under the 12 + 6 + validation a training window takes: the run
    was refused ("no series has enough rows for one training window") where fewer folds fit.
    The default now shrinks to what the longest trains at, and says so; an explicit --folds
    that does not fit is refused with the number that does."""
    from forecast_cli.errors import DataError
    from forecast_cli.windows import min_rows

    raw = long_panel((40, 30, 24))
    panel = prepare_panel(raw, DataConfig())
    cfg = _config()
    needed = min_rows(12, 6, cfg.window.val_fraction)
    fit = (40 - 6 - needed) // 6 + 1
    assert 1 <= fit < 5  # the case: five folds leave the longest too few rows to train
    result = run_backtest(panel, cfg, BacktestConfig(models=("lstm",)))
    assert len(_folds_of(result.forecasts, "S0")) == fit
    assert any(f"{fit} folds: as many as the longest series fits" in note for note in result.notes)
    baselines = run_backtest(panel, cfg, BacktestConfig(models=()))  # they need a season and a row
    assert len(_folds_of(baselines.forecasts, "S0")) == (40 - 6 - 13) // 6 + 1 > fit
    with pytest.raises(
        DataError, match=rf"no series fits the folds; the longest, 'S0': .* at most {fit} folds fit"
    ):
        run_backtest(panel, cfg, BacktestConfig(folds=5, models=("lstm",)))


def test_refit_auto_trains_at_each_origin_when_the_first_fit_would_see_under_half_the_windows():
    """--refit auto (the default): on a short panel one fit before the first origin reads 6
    training windows against 37 before the last: it refits at every origin, and says why;
    on a long series the first fit reads most windows (never), and baselines fit nothing."""
    from forecast_cli.panel_folds import resolve_refit

    short = prepare_panel(long_panel((40, 36, 30)), DataConfig())
    cfg = _config()
    spec = BacktestConfig(folds=3, models=("lstm",))
    refit, why = resolve_refit(short, 6, spec, cfg, 13, 21)
    # rows before the last origin 34, 30, 24; before the first 22, 18, 12; windows rows - 17
    first, last = (22 - 17) + (18 - 17) + 0, (34 - 17) + (30 - 17) + (24 - 17)
    assert first < last / 2
    assert refit == "always" and f"{first / last:.0%} of the training windows" in why
    long = prepare_panel(long_panel((400,)).drop(columns="unique_id"), DataConfig())
    assert resolve_refit(long, 6, spec, cfg, 13, 21) == ("never", "")
    assert resolve_refit(short, 6, spec, cfg, 13, None) == ("never", "")  # baselines fit nothing
    given = dataclasses.replace(spec, refit="2")
    assert resolve_refit(short, 6, given, cfg, 13, 21) == ("2", "")
    result = run_backtest(short, cfg, spec)
    assert result.config["refit"] == "always" and result.config["refit_why"] == why
    assert sorted({f.fit_at for f in result.folds}) == [0, 1, 2]  # a fit at every origin
